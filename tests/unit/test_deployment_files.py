"""The container files: what the entry point runs and in what order, and the compose
layout's services and health checks (containers cannot run on the test machines)."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
ENTRYPOINT = ROOT / "scripts" / "docker-entrypoint.sh"


def run_entrypoint(tmp_path: Path, *args: str, upgrade_fails: bool = False):
    """The entry point with `flask` and `gunicorn` replaced by stubs that log their calls."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    calls = tmp_path / "calls.log"
    for name in ("flask", "gunicorn"):
        stub = bin_dir / name
        fail = "exit 3" if upgrade_fails and name == "flask" else "exit 0"
        stub.write_text(f'#!/bin/sh\necho "{name} $*" >> "{calls}"\n{fail}\n')
        stub.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}:/usr/bin:/bin", "PORT": "8000",
           "WEB_CONCURRENCY": "2"}
    done = subprocess.run(["/bin/sh", str(ENTRYPOINT), *args], env=env,  # noqa: S603
                          capture_output=True, text=True, timeout=30)
    return done, calls.read_text().splitlines() if calls.exists() else []


def test_web_migrates_the_database_then_serves_with_gunicorn(tmp_path):
    done, calls = run_entrypoint(tmp_path, "web")
    assert done.returncode == 0, done.stderr
    assert calls[0] == "flask --app wsgi db upgrade"
    assert calls[1].startswith("gunicorn --bind 0.0.0.0:8000 --workers 2")
    assert calls[1].endswith("wsgi:app") and "--access-logfile" not in calls[1]


def test_web_does_not_serve_if_the_migration_fails(tmp_path):
    done, calls = run_entrypoint(tmp_path, "web", upgrade_fails=True)
    assert done.returncode != 0
    assert calls == ["flask --app wsgi db upgrade"]


def test_worker_runs_the_worker_command(tmp_path):
    done, calls = run_entrypoint(tmp_path, "worker")
    assert done.returncode == 0, done.stderr
    assert calls == ["flask --app wsgi worker"]


def test_the_image_runs_as_a_non_root_user_from_python_311_slim():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim\b", dockerfile, re.M)
    users = re.findall(r"^USER\s+(\S+)", dockerfile, re.M)
    assert users and users[-1] not in ("root", "0")
    for step in ("pybabel compile", "build_nltk_data.py", "build_css.sh", "pip install"):
        assert step in dockerfile, step
    assert "scripts/docker-entrypoint.sh" in dockerfile


def test_compose_runs_app_worker_postgres_and_redis_with_health_checks():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"app", "worker", "db", "redis"}
    assert services["db"]["image"] == "postgres:15" and services["redis"]["image"] == "redis:7"
    checks = {name: " ".join(service["healthcheck"]["test"])
              for name, service in services.items()}
    assert "/healthz" in checks["app"]
    assert "pg_isready" in checks["db"] and "redis-cli ping" in checks["redis"]
    assert services["worker"]["command"] == ["worker"]
    for name in ("app", "worker"):
        env = services[name]["environment"]
        assert env["SURVEYAPP_CONFIG"] == "production"
        assert env["DATABASE_URL"].startswith("postgresql+psycopg://")
        assert env["REDIS_URL"].startswith("redis://redis:")
        assert "PUBLIC_BASE_URL" in env and "SECRET_KEY" in env
    assert services["app"]["depends_on"]["db"]["condition"] == "service_healthy"

"""`make prod-local` (scripts/prod_local.sh): the production layout on this machine starts
from nothing (database created, migrated, secret key and certificate made) and serves
HTTPS with production settings; stopping it stops every process it started."""

from __future__ import annotations

import json
import os
import signal
import socket
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.integration.scratch_pg import drop_database

ROOT = Path(__file__).resolve().parents[2]
DATABASE = "surveyapp_prod_local_check"
pytestmark = pytest.mark.own_database  # its own database and Redis keys, whatever the pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=2) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def fetch(url: str):
    insecure = ssl.create_default_context()
    insecure.check_hostname = False
    insecure.verify_mode = ssl.CERT_NONE  # prod-local's own self-signed certificate
    return urllib.request.urlopen(url, context=insecure, timeout=5)  # noqa: S310


def test_prod_local_starts_from_nothing_and_stops_cleanly(tmp_path):
    try:
        drop_database(DATABASE)  # so the script has to create it
    except Exception as error:  # noqa: BLE001
        pytest.skip(f"PostgreSQL is not answering on 127.0.0.1:5432 ({error.__class__.__name__})")
    if not redis_answers():
        pytest.skip("Redis is not answering on 127.0.0.1:6379")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DATABASE_URL",
                                                            "PUBLIC_BASE_URL")}
    env.update({"DATABASE_URL": f"postgresql+psycopg://postgres@127.0.0.1:5432/{DATABASE}",
                "BIND": f"127.0.0.1:{port}", "STATE_DIR": str(tmp_path / "state")})
    log = (tmp_path / "prod-local.log").open("w")
    script = subprocess.Popen([str(ROOT / "scripts" / "prod_local.sh")], cwd=ROOT, env=env,  # noqa: S603
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"https://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                health = fetch(f"{base}/healthz")
                break
            except (urllib.error.URLError, OSError):
                assert script.poll() is None, (tmp_path / "prod-local.log").read_text()
                assert time.monotonic() < deadline, (tmp_path / "prod-local.log").read_text()
                time.sleep(0.5)
        assert health.status == 200 and json.load(health)["database"] == "ok"
        page = fetch(f"{base}/erase")
        # Production settings: HSTS, and a session cookie sent only over HTTPS.
        assert "max-age" in page.headers["Strict-Transport-Security"]
        [cookie] = [c for c in page.headers.get_all("Set-Cookie") if c.startswith("session=")]
        assert "Secure" in cookie and "HttpOnly" in cookie
        secret = tmp_path / "state" / "secret_key"
        assert len(secret.read_text().strip()) >= 32
        assert secret.stat().st_mode & 0o077 == 0, "the secret key is readable by others"
        output = (tmp_path / "prod-local.log").read_text()
        assert f"created database {DATABASE}" in output
        assert "Running upgrade" in output and "Booting worker" in output
    finally:
        script.send_signal(signal.SIGTERM)  # the script stops gunicorn and the worker
        try:
            script.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(script.pid, signal.SIGKILL)  # its own process group, started here
            script.wait()
        log.close()
        drop_database(DATABASE)
    with pytest.raises(OSError):  # nothing left listening
        socket.create_connection(("127.0.0.1", port), timeout=2).close()

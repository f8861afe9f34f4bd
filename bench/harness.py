"""What the load benchmarks and the "nothing lost" tests share: a minimal phone (one
connection, one cookie jar, timed requests), the survey journeys it walks, a gunicorn
subprocess, and a database prepared with the real migrations and the demo.

Standard library only on the client side (http.client, threads), so the load generator adds
nothing to pyproject.toml. Used by bench/submissions.py, bench/load.py and tests/load/.
"""

from __future__ import annotations

import http.client
import math
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"  # never the shared `test`
PG_BENCH_DB = "surveyapp_bench"
PG_BENCH_URL = f"postgresql+psycopg://postgres@127.0.0.1:5432/{PG_BENCH_DB}"

# The answers a respondent gives: the required first question and a few others. Every
# page is posted with whichever of these it shows (nothing, for most pages), so the
# journey passes through every page that these answers make visible.
ANSWERS: dict[str, str | list[str]] = {
    "overall_experience": "2",
    "what_was_good": "The midwife on the ward was so kind to me.",
    "what_could_be_better": "Nobody listened when I said the pain was bad.",
    "baby_neonatal_unit": "yes",
    "neonatal_involved_in_care": "yes_to_some_extent",
    "treated_differently": "yes",
    "treated_differently_why": ["ethnicity", "language"],
    "ethnic_group": "bangladeshi",
    "age_band": "25_29",
    "main_language": "bengali",
    "english_proficiency": "not_well",
    "postcode_district": "B12",
}
# Journeys cycle through these (link's default language, ?lang= on the start page).
LANGUAGES = ["en", "ur", "pl", "bn"]
# Submission rate limits high enough never to bite (see Gunicorn below).
UNLIMITED_SUBMISSIONS = {"SUBMIT_RATE_LIMIT_PER_IP": "100000000 per hour",
                         "SUBMIT_RATE_LIMIT_PER_LINK": "100000000 per hour"}

TAG = re.compile(r"<(input|textarea|select)\b([^>]*)>", re.I)
ATTR = re.compile(r'([\w:-]+)="([^"]*)"')
RECEIPT = re.compile(r'class="app-receipt"[^>]*>(?:\s*<bdi[^>]*>)?\s*([A-Z0-9]{4}-[A-Z0-9]{4}-'
                     r'[A-Z0-9]{4})')


# --- a minimal phone: one connection, one cookie jar, timed requests ---------------------


class JourneyError(Exception):
    pass


@dataclass
class Sample:
    label: str  # what the request was, e.g. "POST check"
    path: str
    status: int
    start: float
    end: float

    @property
    def seconds(self) -> float:
        return self.end - self.start


class Phone:
    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPConnection | None = None
        self.samples: list[Sample] = []

    def _connection(self) -> http.client.HTTPConnection:
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        return self.conn

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(self, label: str, method: str, path: str,
                form: dict | None = None) -> tuple[int, dict[str, str], str]:
        headers = {"User-Agent": "surveyapp-bench", "Accept-Encoding": "identity"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        start = time.perf_counter()
        try:
            conn = self._connection()
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as error:
            self.close()
            self.samples.append(Sample(label, path, 0, start, time.perf_counter()))
            raise JourneyError(f"{method} {path}: {error!r}") from error
        end = time.perf_counter()
        self.samples.append(Sample(label, path, response.status, start, end))
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.will_close:
            self.close()
        return response.status, dict(response.headers.items()), data.decode("utf-8", "replace")


def form_of(html: str) -> tuple[dict[str, str], list[str]]:
    """(hidden fields, names of the answer fields) of the page's form."""
    hidden: dict[str, str] = {}
    names: list[str] = []
    for _tag, attrs in TAG.findall(html):
        a = dict(ATTR.findall(attrs))
        name = a.get("name")
        if not name:
            continue
        if a.get("type") == "hidden":
            hidden[name] = a.get("value", "")
        elif name not in names:
            names.append(name)
    return hidden, names


def location(headers: dict[str, str]) -> str:
    parts = urlsplit(headers.get("Location", ""))
    return parts.path + (f"?{parts.query}" if parts.query else "")


def expect(status: int, wanted: int, what: str) -> None:
    if status != wanted:
        raise JourneyError(f"{what}: HTTP {status}, expected {wanted}")


def journey(phone: Phone, code: str, language: str) -> str:
    """One complete submission; returns the receipt code shown on the thank-you page."""
    start_path = f"/s/{code}?lang={language}"
    status, _, html = phone.request("GET start", "GET", start_path)
    expect(status, 200, "start page")
    hidden, _ = form_of(html)
    status, headers, _ = phone.request("POST consent", "POST", start_path,
                                       {"csrf_token": hidden.get("csrf_token", ""),
                                        "consent": "y"})
    expect(status, 302, "consent")
    path = location(headers)
    for _ in range(40):
        if "/check" in path:
            break
        status, _, html = phone.request("GET page", "GET", path)
        expect(status, 200, path)
        hidden, names = form_of(html)
        form = {**hidden, **{n: ANSWERS[n] for n in names if n in ANSWERS}}
        status, headers, _ = phone.request("POST page", "POST", path, form)
        expect(status, 302, f"POST {path}")
        path = location(headers)
    else:
        raise JourneyError("never reached the check page")
    status, _, html = phone.request("GET check", "GET", path)
    expect(status, 200, "check page")
    hidden, _ = form_of(html)
    status, headers, _ = phone.request("POST check", "POST", path, hidden)
    expect(status, 302, "POST check")
    path = location(headers)
    if not path.endswith("/thank-you"):
        raise JourneyError(f"POST check went to {path}, not the thank-you page")
    status, _, html = phone.request("GET thank-you", "GET", path)
    expect(status, 200, "thank-you page")
    found = RECEIPT.search(html)
    if not found:
        raise JourneyError("no receipt code on the thank-you page")
    return found.group(1)



# --- the shortest complete submission ------------------------------------------------------


@dataclass
class Outcome:
    """How one short journey ended: `thanked` once the thank-you page was shown (with a
    receipt, or without one after a retry of a submission already stored);
    `dropped` counts requests that got no answer (the connection broke) and were sent
    again, `dropped_submits` those that were the final POST."""

    thanked: bool = False
    receipt: str | None = None
    dropped: int = 0
    dropped_submits: int = 0


def short_journey(phone: Phone, code: str, language: str, answers: dict[str, str],
                  retries: int = 0, pause: float = 0.2) -> Outcome:
    """A complete submission by the shortest way the survey allows: consent, the first
    page (which holds the only required question) with `answers`, then straight to the
    check page and send: 7 requests. A request that gets no answer at all (the server
    process died) is sent again, exactly as before, up to `retries` times: a phone's
    "press the button again"."""
    outcome = Outcome()

    def send(label: str, method: str, path: str, form: dict | None = None):
        for attempt in range(retries + 1):
            try:
                return phone.request(label, method, path, form)
            except JourneyError:
                if attempt == retries:
                    raise
                outcome.dropped += 1
                outcome.dropped_submits += label == "POST check"
                time.sleep(pause)
        raise AssertionError("unreachable")

    start_path = f"/s/{code}?lang={language}"
    status, _, html = send("GET start", "GET", start_path)
    expect(status, 200, "start page")
    hidden, _ = form_of(html)
    status, headers, _ = send("POST consent", "POST", start_path,
                              {"csrf_token": hidden.get("csrf_token", ""), "consent": "y"})
    expect(status, 302, "consent")
    page_path = location(headers)
    status, _, html = send("GET page", "GET", page_path)
    expect(status, 200, page_path)
    hidden, names = form_of(html)
    missing = set(answers) - set(names)
    if missing:
        raise JourneyError(f"{page_path} has no fields {sorted(missing)}")
    status, headers, _ = send("POST page", "POST", page_path, {**hidden, **answers})
    expect(status, 302, f"POST {page_path}")
    check_path = f"/s/{code}/check"
    status, _, html = send("GET check", "GET", check_path)
    expect(status, 200, "check page")
    hidden, _ = form_of(html)
    status, headers, _ = send("POST check", "POST", check_path, hidden)
    expect(status, 302, "POST check")
    path = location(headers)
    if not path.endswith("/thank-you"):
        raise JourneyError(f"POST check went to {path}, not the thank-you page")
    status, _, html = send("GET thank-you", "GET", path)
    expect(status, 200, "thank-you page")
    found = RECEIPT.search(html)
    outcome.receipt = found.group(1) if found else None
    if outcome.receipt is None and outcome.dropped_submits == 0:
        raise JourneyError("no receipt code on the thank-you page")
    outcome.thanked = True
    return outcome


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]




def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if ppid == pid:
                found.append(int(entry.name))
    return found


class Gunicorn:
    """`gunicorn wsgi:app` on a free loopback port. `env` is added to (and wins over) the
    settings below; `secret_key` lets two instances share sessions."""

    def __init__(self, database_url: str, workers: int = 2, worker_class: str = "sync",
                 threads: int = 4, log_path: Path | None = None,
                 env: dict[str, str] | None = None, secret_key: str | None = None):
        self.port = free_port()
        self.log_path = log_path or Path(os.devnull)
        environment = {**os.environ, "SURVEYAPP_CONFIG": "development",
                       "DATABASE_URL": database_url,
                       "SECRET_KEY": secret_key or secrets.token_urlsafe(48),
                       "PYTHONUNBUFFERED": "1",
                       # Every phone here comes from 127.0.0.1 through a few links: the
                       # submission limits (30 an hour from one address) would stop the run
                       # after a second. The check still runs on every final POST.
                       **UNLIMITED_SUBMISSIONS, **(env or {})}
        environment.pop("FLASK_DEBUG", None)
        command = [str(ROOT / ".venv" / "bin" / "gunicorn"), "-w", str(workers),
                   "-k", worker_class, "-b", f"127.0.0.1:{self.port}",
                   "--error-logfile", str(self.log_path), "--log-level", "warning"]
        if worker_class == "gthread":
            command += ["--threads", str(threads)]
        self.command = command + ["wsgi:app"]
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=environment,  # noqa: S603
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def workers(self) -> list[int]:
        return children(self.process.pid)

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.process.returncode}); see "
                                   f"{self.log_path}:\n{self.log_path.read_text()[-2000:]}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    conn.close()
                    # both workers answer once they have booted
                    if len(children(self.process.pid)) >= 1:
                        return
                conn.close()
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not become ready")

    def pids(self) -> list[int]:
        return [self.process.pid, *children(self.process.pid)]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()



# --- databases ------------------------------------------------------------------------------


def postgres_answers() -> bool:
    try:
        import psycopg

        psycopg.connect(PG_ADMIN_URL, connect_timeout=3).close()
        return True
    except Exception:  # noqa: BLE001 - anything means "not available"
        return False


def ensure_postgres_database(name: str = PG_BENCH_DB) -> str:
    """A database of our own (created if missing), so nothing here touches the `test`
    database other runs use; returns its SQLAlchemy URL."""
    import psycopg

    assert re.fullmatch(r"[a-z_]+", name), name
    with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                              (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def prepare(database_url: str) -> tuple[dict[str, str], str]:
    """Fresh schema (the real migrations) + the demo; returns (link codes, schema note)."""
    from flask_migrate import upgrade
    from sqlalchemy import inspect, text

    from surveyapp import create_app
    from surveyapp.demo import seed_demo
    from surveyapp.extensions import db

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url)
    with app.app_context():
        if database_url.startswith("postgresql"):
            db.session.execute(text("DROP SCHEMA public CASCADE"))
            db.session.execute(text("CREATE SCHEMA public"))
            db.session.commit()
        note = "migrations (flask db upgrade)"
        try:
            upgrade()
        except Exception as error:  # noqa: BLE001 - say so, then use the models' schema
            db.session.rollback()
            note = f"db.create_all() because the migrations failed: {error!r}"
        # Tables of models whose migration is still to be written (work in progress):
        # created from the models, and named, so the run is not broken by their absence.
        missing = sorted(set(db.metadata.tables) - set(inspect(db.engine).get_table_names()))
        if missing:
            db.create_all()
            note += f"; created from the models, no migration yet: {', '.join(missing)}"
        _survey, links, _ = seed_demo()
        codes: dict[str, str] = {}
        for link in links:
            if link.default_language in LANGUAGES:
                codes.setdefault(link.default_language, link.code)
        any_code = next(link.code for link in links if link.default_language is None)
        for language in LANGUAGES:
            codes.setdefault(language, any_code)  # ?lang= picks the language anyway
        db.session.remove()
        db.engine.dispose()
    return codes, note


def stored_counts(database_url: str) -> dict[str, int]:
    from sqlalchemy import func, select

    from surveyapp import create_app
    from surveyapp.extensions import db
    from surveyapp.models import Answer, Draft, Response

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url)
    with app.app_context():
        counts = {
            "responses": db.session.scalar(select(func.count()).select_from(Response)),
            "distinct_submissions": db.session.scalar(
                select(func.count(func.distinct(Response.submission_hash)))),
            "distinct_receipts": db.session.scalar(
                select(func.count(func.distinct(Response.receipt_hash)))),
            "answers": db.session.scalar(select(func.count()).select_from(Answer)),
            "drafts_left": db.session.scalar(select(func.count()).select_from(Draft)),
        }
        db.session.remove()
        db.engine.dispose()
    return counts



def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)  # nearest-rank percentile
    k = max(0, min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1))
    return ordered[k]



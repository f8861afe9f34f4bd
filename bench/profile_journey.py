"""Where a respondent request spends its time, in-process (no gunicorn, no network).

Builds the app as gunicorn runs it (`development` settings; a temporary SQLite file in
WAL mode, or `--db postgres`; the real migrations and the demo survey), then walks
complete journeys with the Flask test client, exactly as bench/submissions.py does (same
answers, every page, en/ur/pl/bn in turn), and times each request *inside* the WSGI call,
so the test client's own work is not counted. `/healthz` is timed the same way for
comparison. Each round times /healthz and then the journeys; the quickest round of each
kind of request is reported (other work on the machine only ever adds time).

    .venv/bin/python bench/profile_journey.py                    # times per request type
    .venv/bin/python bench/profile_journey.py --sql               # statements per request
    .venv/bin/python bench/profile_journey.py --db postgres       # the same on PostgreSQL
    .venv/bin/python bench/profile_journey.py --profile "GET page" --top 30
    .venv/bin/python bench/profile_journey.py --profile all --sort tottime

`--profile LABEL` runs cProfile around that kind of request only (or `all` journey
requests) and prints the top functions (cProfile inflates code that makes many small
calls, such as templates, so read it for where, not how much). Prints figures only;
never fails on time.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import secrets
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.harness import (  # noqa: E402
    ANSWERS,
    LANGUAGES,
    PG_BENCH_URL,
    RECEIPT,
    UNLIMITED_SUBMISSIONS,
    ensure_postgres_database,
    form_of,
    postgres_answers,
    prepare,
)

LABELS = ["GET start", "POST consent", "GET page", "POST page", "GET check", "POST check",
          "GET thank-you"]


class Timed:
    """WSGI middleware: times each call (and profiles the chosen kinds of request)."""

    def __init__(self, app: Any, profile: str | None):
        self.app = app
        self.label = ""
        self.times: dict[str, list[float]] = defaultdict(list)
        self.statements: dict[str, list[int]] = defaultdict(list)
        self.count_sql = 0
        self.profile_label = profile
        self.profiler = cProfile.Profile()

    def __call__(self, environ: dict, start_response: Any) -> list[bytes]:
        profiling = self.profile_label in (self.label, "all") and self.label != "GET /healthz"
        self.count_sql = 0
        start = time.perf_counter()
        if profiling:
            self.profiler.enable()
        body = self.app(environ, start_response)
        chunks = list(body)
        if hasattr(body, "close"):
            body.close()
        if profiling:
            self.profiler.disable()
        self.times[self.label].append(time.perf_counter() - start)
        self.statements[self.label].append(self.count_sql)
        return chunks


def location(response: Any) -> str:
    parts = urlsplit(response.headers.get("Location", ""))
    return parts.path + (f"?{parts.query}" if parts.query else "")


def journey(client: Any, timed: Timed, code: str, language: str) -> None:
    def call(label: str, method: str, path: str, data: dict | None = None) -> Any:
        timed.label = label
        response = client.open(path, method=method, data=data)
        if response.status_code >= 400:
            raise SystemExit(f"{method} {path}: HTTP {response.status_code}")
        return response

    start = f"/s/{code}?lang={language}"
    hidden, _ = form_of(call("GET start", "GET", start).get_data(as_text=True))
    path = location(call("POST consent", "POST", start,
                         {"csrf_token": hidden.get("csrf_token", ""), "consent": "y"}))
    for _ in range(40):
        if "/check" in path:
            break
        hidden, names = form_of(call("GET page", "GET", path).get_data(as_text=True))
        form = {**hidden, **{n: ANSWERS[n] for n in names if n in ANSWERS}}
        path = location(call("POST page", "POST", path, form))
    hidden, _ = form_of(call("GET check", "GET", path).get_data(as_text=True))
    path = location(call("POST check", "POST", path, hidden))
    html = call("GET thank-you", "GET", path).get_data(as_text=True)
    if not RECEIPT.search(html):
        raise SystemExit("no receipt on the thank-you page")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--journeys", type=int, default=40, help="measured journeys a round")
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds of /healthz + journeys; the best round is reported")
    parser.add_argument("--warmup", type=int, default=8, help="journeys before measuring")
    parser.add_argument("--healthz", type=int, default=1500, help="/healthz calls a round")
    parser.add_argument("--profile", help='a request type ("GET page", ...) or "all"')
    parser.add_argument("--sort", default="cumulative", help="cProfile sort key")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sql", action="store_true", help="count SQL statements")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite",
                        help="a temporary SQLite file, or bench/submissions.py's PostgreSQL "
                             "database (surveyapp_bench, rebuilt)")
    args = parser.parse_args()

    from sqlalchemy import event

    from surveyapp import create_app
    from surveyapp.extensions import db

    with tempfile.TemporaryDirectory(prefix="surveyapp-profile-") as tmp:
        url = f"sqlite:///{tmp}/p.db"
        if args.db == "postgres":
            if not postgres_answers():
                raise SystemExit("PostgreSQL is not answering on 127.0.0.1:5432")
            ensure_postgres_database()
            url = PG_BENCH_URL
        codes, _schema = prepare(url)  # the real migrations and the demo, as the bench does
        app = create_app("development", SQLALCHEMY_DATABASE_URI=url,
                         SECRET_KEY=secrets.token_urlsafe(48), **UNLIMITED_SUBMISSIONS)
        timed = Timed(app.wsgi_app, None)
        app.wsgi_app = timed  # type: ignore[method-assign]
        if args.sql:
            with app.app_context():
                engine = db.engine

            @event.listens_for(engine, "before_cursor_execute")
            def _count(*_a: Any) -> None:
                timed.count_sql += 1

        for n in range(args.warmup):
            journey(app.test_client(), timed, codes[LANGUAGES[n % 4]], LANGUAGES[n % 4])
        client = app.test_client()
        timed.label = "GET /healthz"
        for _ in range(200):
            client.get("/healthz")
        timed.profile_label = args.profile
        rounds = []
        for _ in range(args.rounds):
            # Other work on the machine only ever adds time, so the quickest round of
            # each kind of request is the steadiest figure.
            timed.times.clear()
            timed.statements.clear()
            timed.label = "GET /healthz"
            for _ in range(args.healthz):
                client.get("/healthz")
            for n in range(args.journeys):
                language = LANGUAGES[n % len(LANGUAGES)]
                journey(app.test_client(), timed, codes[language], language)
            rounds.append(({k: list(v) for k, v in timed.times.items()},
                           {k: list(v) for k, v in timed.statements.items()}))
        timed.times = defaultdict(list)
        timed.statements = defaultdict(list)
        for label in ["GET /healthz", *LABELS]:
            best = min((r for r in rounds if r[0].get(label)),
                       key=lambda r: statistics.mean(r[0][label]))
            timed.times[label] = best[0][label]
            timed.statements[label] = best[1][label]

    healthz = statistics.mean(timed.times["GET /healthz"])
    print(f"in-process, inside the WSGI call (development settings, {args.db}); "
          f"best of {args.rounds} rounds of {args.journeys} journeys and "
          f"{args.healthz} /healthz")
    print(f"{'request':<15} {'n':>6} {'mean ms':>8} {'median':>8} {'p95':>8} {'x healthz':>9}"
          + (f" {'SQL/req':>7}" if args.sql else ""))
    total_time = total_n = 0.0
    for label in ["GET /healthz", *LABELS]:
        values = timed.times[label]
        if not values:
            continue
        if label != "GET /healthz":
            total_time += sum(values)
            total_n += len(values)
        ordered = sorted(values)
        line = (f"{label:<15} {len(values):>6} {statistics.mean(values) * 1000:>8.3f} "
                f"{statistics.median(values) * 1000:>8.3f} "
                f"{ordered[int(0.95 * (len(ordered) - 1))] * 1000:>8.3f} "
                f"{statistics.mean(values) / healthz:>9.2f}")
        if args.sql:
            line += f" {statistics.mean(timed.statements[label]):>7.1f}"
        print(line)
    mean_journey_request = total_time / total_n
    print(f"{'journey request':<15} {int(total_n):>6} {mean_journey_request * 1000:>8.3f} "
          f"{'':>8} {'':>8} {mean_journey_request / healthz:>9.2f}")
    print(f"in-process ratio (healthz time / journey request time): "
          f"{healthz / mean_journey_request:.3f}")

    if args.profile and timed.profiler.getstats():
        print(f"\ncProfile of {args.profile!r} requests, sorted by {args.sort}:")
        stats = pstats.Stats(timed.profiler)
        stats.strip_dirs().sort_stats(args.sort).print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())

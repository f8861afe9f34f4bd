"""Sustained complete submissions per second, with p95 and p99 latency, at 16 and 64
concurrent clients, on SQLite and on PostgreSQL, with the error count.

For each database (a temporary SQLite file; PostgreSQL's own database `surveyapp_bench`
if a server answers on 127.0.0.1:5432) the schema is built with the real migrations and
the demo loaded (bench.harness.prepare); then `gunicorn -w 2 -k sync wsgi:app` serves it
and, for each concurrency level, N client threads:

1. baseline: GET /healthz in a loop for --baseline seconds (the trivial page, same run);
2. load: complete submissions back to back for --duration seconds after --warmup, each
   from a new phone (empty cookie jar): the shortest journey the survey allows
   (consent, the page with the required question and two comments, check, send,
   thank-you: 7 requests), or every page with --full (33 requests).

Figures count what finished inside the measured window: submissions a second, the
latency of a whole submission (first request to thank-you page) and of its final POST
(the one that stores it) at p50/p95/p99, and errors (any failed journey: a 4xx/5xx, a
broken connection, no receipt). The database is then checked: stored responses equal the
successful submissions. Prints figures only; never passes or fails on time.

    .venv/bin/python bench/load.py [--clients 16 64] [--db sqlite|postgres|both]
                                   [--duration 20] [--warmup 5] [--baseline 5] [--full]
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.harness import (  # noqa: E402 - after the path is set
    ANSWERS,
    LANGUAGES,
    PG_BENCH_DB,
    Gunicorn,
    JourneyError,
    Phone,
    ensure_postgres_database,
    journey,
    pct,
    postgres_answers,
    prepare,
    short_journey,
    stored_counts,
)

SHORT_ANSWERS = {key: str(ANSWERS[key]) for key in
                 ("overall_experience", "what_was_good", "what_could_be_better")}


@dataclass
class Done:
    start: float
    end: float
    final_post: float  # seconds the storing POST took
    ok: bool
    error: str = ""


def healthz_rate(port: int, clients: int, seconds: float) -> float:
    stop = time.perf_counter() + seconds
    counts = [0] * clients

    def loop(i: int) -> None:
        phone = Phone(port)
        while time.perf_counter() < stop:
            try:
                status, _, _ = phone.request("GET /healthz", "GET", "/healthz")
                counts[i] += status == 200
            except JourneyError:
                pass
        phone.close()

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(clients)]
    begin = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / (time.perf_counter() - begin)


def submissions(port: int, clients: int, codes: dict[str, str], warmup: float,
                duration: float, full: bool) -> tuple[list[Done], tuple[float, float]]:
    begin = time.perf_counter()
    window = (begin + warmup, begin + warmup + duration)
    done: list[Done] = []
    lock = threading.Lock()
    counter = itertools.count()

    def loop(delay: float) -> None:
        time.sleep(delay)  # spread the starts over the warm-up
        while time.perf_counter() < window[1]:
            n = next(counter)
            language = LANGUAGES[n % len(LANGUAGES)]
            phone = Phone(port)
            t0 = time.perf_counter()
            try:
                if full:
                    journey(phone, codes[language], language)
                else:
                    short_journey(phone, codes[language], language, SHORT_ANSWERS)
                ok, error = True, ""
            except JourneyError as problem:
                ok, error = False, str(problem)
            final = [s.seconds for s in phone.samples if s.label == "POST check"]
            phone.close()
            with lock:
                done.append(Done(t0, time.perf_counter(), final[-1] if final else 0.0,
                                 ok, error))

    threads = [threading.Thread(target=loop, args=(i * warmup / clients,))
               for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return done, window


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}"


def bench_database(name: str, url: str, args: argparse.Namespace) -> list[dict]:
    codes, note = prepare(url)
    print(f"\n=== {name}: schema from {note}")
    rows = []
    succeeded = 0
    with tempfile.NamedTemporaryFile(prefix="gunicorn-", suffix=".log", delete=False) as log:
        log_path = Path(log.name)
    server = Gunicorn(url, workers=args.workers, log_path=log_path)
    try:
        server.wait_ready()
        for clients in args.clients:
            baseline = healthz_rate(server.port, clients, args.baseline)
            done, window = submissions(server.port, clients, codes, args.warmup,
                                       args.duration, args.full)
            inside = [d for d in done if window[0] <= d.end < window[1]]
            ok = [d for d in inside if d.ok]
            journeys = [d.end - d.start for d in ok]
            finals = [d.final_post for d in ok]
            rate = len(ok) / (window[1] - window[0])
            errors = [d for d in done if not d.ok]
            succeeded += len(done) - len(errors)
            row = {"db": name, "clients": clients, "rate": rate, "baseline": baseline,
                   "p50": pct(journeys, 50), "p95": pct(journeys, 95),
                   "p99": pct(journeys, 99), "f95": pct(finals, 95),
                   "f99": pct(finals, 99), "errors": len(errors), "n": len(ok)}
            rows.append(row)
            print(f"  {clients:>3} clients: {rate:6.1f} submissions/s ({len(ok)} in "
                  f"{args.duration:.0f} s), /healthz {baseline:7.1f} r/s, submission "
                  f"p50/p95/p99 {ms(row['p50'])}/{ms(row['p95'])}/{ms(row['p99'])} ms, "
                  f"final POST p95/p99 {ms(row['f95'])}/{ms(row['f99'])} ms, "
                  f"errors {len(errors)}")
            for error in sorted({e.error for e in errors})[:3]:
                print(f"      e.g. {error}")
    finally:
        server.stop()
    log_path.unlink(missing_ok=True)
    counts = stored_counts(url)
    exact = counts["responses"] == counts["distinct_submissions"] == succeeded
    print(f"  database: {succeeded} successful submissions (warm-up and tail included), "
          f"{counts['responses']} responses stored, {counts['distinct_submissions']} "
          f"distinct submission keys: {'exact' if exact else 'MISMATCH'}")
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[16, 64])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--duration", type=float, default=20, help="measured seconds")
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument("--baseline", type=float, default=5,
                        help="seconds of /healthz before each load phase")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--full", action="store_true",
                        help="walk every page (33 requests) instead of the shortest path")
    args = parser.parse_args()
    print(f"surveyapp load: gunicorn {args.workers} sync workers, {os.cpu_count()} CPUs, "
          f"{'every page' if args.full else 'shortest journey (7 requests)'}, load "
          "generator on the same machine")
    rows: list[dict] = []
    if args.db in ("sqlite", "both"):
        with tempfile.TemporaryDirectory(prefix="surveyapp-load-") as tmp:
            rows += bench_database("SQLite (WAL)", f"sqlite:///{tmp}/load.db", args)
    if args.db in ("postgres", "both"):
        if postgres_answers():
            rows += bench_database("PostgreSQL", ensure_postgres_database(PG_BENCH_DB), args)
        else:
            print("\nPostgreSQL is not answering on 127.0.0.1:5432: skipped")
    head = (f"{'database':<14} {'clients':>7} {'subm/s':>7} {'x healthz':>9} "
            f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'final p95':>9} {'final p99':>9} "
            f"{'errors':>6}")
    print("\n" + head + "\n" + "-" * len(head))
    for r in rows:
        print(f"{r['db']:<14} {r['clients']:>7} {r['rate']:>7.1f} "
              f"{r['rate'] / r['baseline'] if r['baseline'] else float('nan'):>9.4f} "
              f"{ms(r['p50']):>7} {ms(r['p95']):>7} {ms(r['p99']):>7} {ms(r['f95']):>9} "
              f"{ms(r['f99']):>9} {r['errors']:>6}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

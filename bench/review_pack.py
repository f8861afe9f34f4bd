"""The review pack and the XLSX export at 100,000 responses, and the overview at 1,000,000,
each as a ratio to a trivial page (GET /healthz: one `SELECT 1`) timed in the same run.

For each size, on a temporary SQLite file (and PostgreSQL with --db postgres|both, in its
own database `surveyapp_bench_pack`, never `test`), this script reuses the loader of
bench/representation.py (imported, not copied): the real migrations and the demo survey,
N responses with about six coded answers each bulk-loaded around the app, then the per-day
counts rebuilt. Then, in-process with the Flask test client and an admin signed in, it
alternates the measured pages with /healthz over --runs runs after one warm-up.

    .venv/bin/python bench/review_pack.py [--pack-responses 100000]
        [--overview-responses 1000000] [--db sqlite|postgres|both] [--runs 5] [--pdf]
        [--pg-database surveyapp_bench_pack]

--pdf also times the server-made PDF of the pack (headless Chromium; once per run).
--overview-responses 0 leaves the overview out (the pack and the exports only).
Prints figures only; never passes or fails on time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import representation as loader  # noqa: E402  (bench/representation.py: the bulk loader)

loader.PG_BENCH_DB = "surveyapp_bench_pack"
TRIVIAL = "/healthz"


def load(name: str, database_url: str, sqlite_path: str | None, total: int
         ) -> tuple[int, list[int]]:
    survey_id, version_id, link_ids, _note = loader.prepare(database_url)
    t0 = time.perf_counter()
    if sqlite_path:
        answers = loader.load_sqlite(sqlite_path, total, survey_id, version_id, link_ids)
    else:
        answers = loader.load_postgres(total, survey_id, version_id, link_ids)
    seconds, *_rows = loader.build_daily_counts(database_url)
    print(f"{name}: {total:,} responses / {answers:,} answers loaded in "
          f"{time.perf_counter() - t0:.0f} s (per-day counts {seconds:.0f} s)", flush=True)
    return survey_id, link_ids


def measure(database_url: str, pages: dict[str, str], runs: int) -> dict[str, list[float]]:
    from surveyapp import create_app
    from surveyapp.extensions import db
    from surveyapp.models import Role
    from tests.integration.staff import make_user, sign_in

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url)
    client = app.test_client()
    with app.app_context():
        make_user("bench-pack@example.org", Role.ADMIN)
        db.session.remove()
    sign_in(client, "bench-pack@example.org")
    everything = {"trivial page " + TRIVIAL: TRIVIAL, **pages}
    times: dict[str, list[float]] = {name: [] for name in everything}
    sizes: dict[str, int] = {}
    for name, path in everything.items():  # warm-up
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"GET {path}: HTTP {response.status_code}")
        sizes[name] = len(response.data)
    for _ in range(runs):
        for name, path in everything.items():
            t0 = time.perf_counter()
            client.get(path)
            times[name].append(time.perf_counter() - t0)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return {"times": times, "sizes": sizes}  # type: ignore[return-value]


def report(title: str, result: dict) -> None:
    times, sizes = result["times"], result["sizes"]
    trivial = statistics.median(next(iter(times.values())))
    print(f"\n{title}")
    print(f"{'page':58} {'median':>10} {'max':>10} {'x trivial':>10} {'bytes':>11}")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:58} {median * 1000:8.1f}ms {max(values) * 1000:8.1f}ms "
              f"{median / trivial:10.1f} {sizes[name]:11,}")


def run(name: str, database_url: str, sqlite_path: str | None, args: argparse.Namespace
        ) -> None:
    survey_id, link_ids = load(name, database_url, sqlite_path, args.pack_responses)
    base = f"/insights/surveys/{survey_id}"
    pages = {"review pack (HTML), no filter": f"{base}/pack",
             f"review pack (HTML), {loader.DATE_FILTER}": f"{base}/pack?{loader.DATE_FILTER}",
             "XLSX export, all responses": f"{base}/responses.xlsx",
             "CSV export, all responses": f"{base}/responses.csv"}
    if args.pdf:
        pages["review pack (PDF, Chromium)"] = f"{base}/pack.pdf"
    report(f"{name}, {args.pack_responses:,} responses ({args.runs} runs)",
           measure(database_url, pages, args.runs))

    if not args.overview_responses:
        return
    survey_id, link_ids = load(name, database_url, sqlite_path, args.overview_responses)
    base = f"/insights/surveys/{survey_id}/overview"
    pages = {"overview, no filter": base,
             f"overview, {loader.DATE_FILTER}": f"{base}?{loader.DATE_FILTER}",
             f"overview, link={link_ids[0]}": f"{base}?link={link_ids[0]}"}
    report(f"{name}, {args.overview_responses:,} responses ({args.runs} runs)",
           measure(database_url, pages, args.runs))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pack-responses", type=int, default=100_000)
    parser.add_argument("--overview-responses", type=int, default=1_000_000)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pdf", action="store_true")
    parser.add_argument("--pg-database", default=loader.PG_BENCH_DB,
                        help="a database of its own, created if missing (never `test`)")
    args = parser.parse_args()
    if args.pg_database == "test":
        raise SystemExit("--pg-database test: never the shared test database")
    loader.PG_BENCH_DB = args.pg_database
    if args.db in ("sqlite", "both"):
        with tempfile.TemporaryDirectory(prefix="surveyapp-pack-") as tmp:
            # A fresh file for each size: prepare() builds the schema from nothing.
            for size_name in ("pack", "overview"):
                Path(f"{tmp}/{size_name}.db").unlink(missing_ok=True)
            path = f"{tmp}/bench.db"

            def fresh() -> None:
                Path(path).unlink(missing_ok=True)

            original = loader.prepare

            def prepare(url: str):  # type: ignore[no-untyped-def]
                fresh()
                return original(url)

            loader.prepare = prepare
            run("SQLite (file)", f"sqlite:///{path}", path, args)
            loader.prepare = original
    if args.db in ("postgres", "both"):
        if loader.postgres_answers():
            loader.ensure_postgres_database()
            run("PostgreSQL", f"postgresql+psycopg://postgres@127.0.0.1:5432/{args.pg_database}",
                None, args)
        else:
            print("\nPostgreSQL does not answer at 127.0.0.1:5432: skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())

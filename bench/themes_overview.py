"""The themes overview for a survey with 200,000 analysed comments, against a trivial page.

For each database (a temporary SQLite file, and PostgreSQL if it answers on
127.0.0.1:5432, in its own database `surveyapp_bench_themes`) this script:

1. builds the schema with the app's real migrations and loads the demo (bench/
   representation.py's `prepare()`);
2. bulk-loads N responses (default 200,000) straight into the tables, bypassing the app:
   each has an overall rating, an ethnic group and one comment (an answer to
   "what was good" or "what could be better"), an analysis row for that comment
   (sentiment, framework version, analysed) and one to three theme rows, the way the
   pipeline stores them; submitted_at spread over a year, links as the demo's. SQLite
   through executemany in one transaction, PostgreSQL through COPY; then ANALYZE;
3. in-process with the Flask test client, signs in an admin and times
   GET /insights/surveys/<id>/themes (no filter, a date filter, a link filter, a group
   filter) and themes by group (5 and 19 ethnic groups) against GET /staff/ (the staff
   home page: a trivial page through the same stack, sign-in and layout), alternating
   them, over --runs runs after a warm-up, and prints the median and the ratio to the
   trivial page;
4. prints every SQL statement of one unfiltered overview with its time.

    .venv/bin/python bench/themes_overview.py [--comments 200000] [--db sqlite|postgres|both]
                                              [--runs 7]

Prints figures only; never passes or fails on time. Exits non-zero only if a page answers
anything but 200.
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "bench"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import representation as rep  # noqa: E402  (bench/representation.py: schema and demo)

PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_BENCH_DB = "surveyapp_bench_themes"
PG_BENCH_URL = f"postgresql+psycopg://postgres@127.0.0.1:5432/{PG_BENCH_DB}"
CHUNK = 20_000
YEAR_START = datetime(2025, 11, 26)
DATE_FILTER = "from=2026-09-01&to=2026-11-30"
THEMES = ["staff_attitude", "listened_to", "communication", "discrimination",
          "language_interpreters", "pain_relief", "waiting_delays", "staffing", "safety",
          "continuity", "antenatal", "labour_birth", "postnatal_ward", "infant_feeding",
          "mental_health", "neonatal", "partners_family", "environment",
          "access_appointments", "discharge_followup", "positive_gratitude"]
THEME_WEIGHTS = [30, 15, 14, 3, 3, 6, 8, 9, 4, 3, 5, 8, 7, 6, 3, 2, 4, 5, 5, 4, 20]
SENTIMENTS = ["positive", "negative", "neutral", "mixed"]

RESPONSE_COLS = rep.RESPONSE_COLS
ANSWER_COLS = ("id", "response_id", "survey_id", "link_id", "submitted_at", "question_key",
               "option_code", "text")
ANALYSIS_COLS = ("id", "answer_id", "response_id", "survey_id", "link_id", "submitted_at",
                 "question_key", "language", "needs_translation", "sentiment", "polarity",
                 "subjectivity", "framework_key", "framework_version", "analysed_at",
                 "created_at")
THEME_COLS = ("id", "analysis_id", "theme_code", "sentiment", "source", "removed_by_reviewer",
              "response_id", "survey_id", "link_id", "submitted_at")


def generate(n_from: int, n_to: int, survey_id: int, version_id: int, link_ids: list[int],
             rng: random.Random) -> dict[str, list[tuple]]:
    rows: dict[str, list[tuple]] = {"response": [], "answer": [], "comment_analysis": [],
                                    "comment_theme": []}
    ethnic = list(rep.ETHNIC)
    ethnic_weights = list(rep.ETHNIC.values())
    for rid in range(n_from, n_to):
        link = rng.choices([*link_ids, None], weights=[*rep.LINK_WEIGHTS, 5])[0]
        submitted = YEAR_START + timedelta(hours=rng.randrange(365 * 24))
        rows["response"].append((rid, survey_id, version_id, link, "en",
                                 "web" if link is not None else "paper", submitted,
                                 f"{rid:064x}", f"s{rid:063x}" if link is not None else None))
        rating = rng.choices(["1", "2", "3", "4", "5"], weights=[45, 30, 10, 8, 7])[0]
        good = rating in ("1", "2")
        key = "what_was_good" if good else "what_could_be_better"
        base = rid * 3
        rows["answer"] += [
            (base, rid, survey_id, link, submitted, "overall_experience", rating, None),
            (base + 1, rid, survey_id, link, submitted, "ethnic_group",
             rng.choices(ethnic, weights=ethnic_weights)[0], None),
            (base + 2, rid, survey_id, link, submitted, key, None,
             "The midwife was kind." if good else "Nobody listened to me."),
        ]
        sentiment = "positive" if good else rng.choice(SENTIMENTS[1:])
        rows["comment_analysis"].append(
            (rid, base + 2, rid, survey_id, link, submitted, key, "en", False, sentiment,
             0.5 if good else -0.4, 0.5, "maternity", 1, submitted, submitted))
        codes = set(rng.choices(THEMES, weights=THEME_WEIGHTS, k=rng.randint(1, 3)))
        for i, code in enumerate(sorted(codes)):
            rows["comment_theme"].append(
                (rid * 4 + i, rid, code, sentiment if rng.random() < 0.8
                 else rng.choice(SENTIMENTS), "auto", False, rid, survey_id, link, submitted))
    return rows


COLUMNS = {"response": RESPONSE_COLS, "answer": ANSWER_COLS,
           "comment_analysis": ANALYSIS_COLS, "comment_theme": THEME_COLS}


def load_sqlite(path: str, total: int, survey_id: int, version_id: int,
                link_ids: list[int]) -> dict[str, int]:
    import sqlite3

    rng = random.Random(20261127)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=MEMORY")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("BEGIN")
    counts = dict.fromkeys(COLUMNS, 0)
    for start in range(1, total + 1, CHUNK):
        batch = generate(start, min(start + CHUNK, total + 1), survey_id, version_id,
                         link_ids, rng)
        for table, cols in COLUMNS.items():
            sql = (f"INSERT INTO {table} ({', '.join(cols)}) "
                   f"VALUES ({', '.join('?' * len(cols))})")
            conn.executemany(sql, [tuple(v.strftime("%Y-%m-%d %H:%M:%S.%f")
                                         if isinstance(v, datetime) else v for v in row)
                                   for row in batch[table]])
            counts[table] += len(batch[table])
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.close()
    return counts


def load_postgres(total: int, survey_id: int, version_id: int,
                  link_ids: list[int]) -> dict[str, int]:
    import psycopg

    rng = random.Random(20261127)

    def tsv(rows: list[tuple]) -> bytes:
        out = io.StringIO()
        for row in rows:
            out.write("\t".join(r"\N" if v is None else ("t" if v is True else "f")
                                if isinstance(v, bool) else str(v) for v in row))
            out.write("\n")
        return out.getvalue().encode()

    counts = dict.fromkeys(COLUMNS, 0)
    url = f"postgresql://postgres@127.0.0.1:5432/{PG_BENCH_DB}"
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        for start in range(1, total + 1, CHUNK):
            batch = generate(start, min(start + CHUNK, total + 1), survey_id, version_id,
                             link_ids, rng)
            for table, cols in COLUMNS.items():
                with cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
                    copy.write(tsv(batch[table]))
                counts[table] += len(batch[table])
        for table in COLUMNS:
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))")
        conn.commit()
    with psycopg.connect(url, autocommit=True) as conn:
        for table in COLUMNS:
            conn.execute(f"VACUUM ANALYZE {table}")
    return counts


def ensure_postgres_database() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                (PG_BENCH_DB,)).fetchone():
                conn.execute(f'CREATE DATABASE "{PG_BENCH_DB}"')
        return True
    except Exception:  # noqa: BLE001 - anything means "not available"
        return False


def measure(database_url: str, survey_id: int, link_ids: list[int], runs: int) -> dict:
    from sqlalchemy import event

    from surveyapp import create_app
    from surveyapp.extensions import db
    from surveyapp.models import Role
    from tests.integration.staff import make_user, sign_in

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url)
    client = app.test_client()
    with app.app_context():
        make_user("bench-admin@example.org", Role.ADMIN)
        db.session.remove()
    if sign_in(client, "bench-admin@example.org").status_code not in (200, 302):
        raise SystemExit("could not sign in")
    base = f"/insights/surveys/{survey_id}/themes"
    pages = {
        "trivial page /staff/": "/staff/",
        "themes overview, no filter": base,
        f"themes overview, {DATE_FILTER}": f"{base}?{DATE_FILTER}",
        f"themes overview, link={link_ids[2]}": f"{base}?link={link_ids[2]}",
        "themes overview, group=ethnic_group_5:black": f"{base}?group=ethnic_group_5:black",
        "themes overview, fft=5": f"{base}?fft=5",
        "themes by group, 5 ethnic groups": f"{base}/by-group?by=ethnic_group_5",
        "themes by group, 19 ethnic groups": f"{base}/by-group?by=ethnic_group_19",
    }
    times: dict[str, list[float]] = {name: [] for name in pages}
    for path in pages.values():
        if client.get(path).status_code != 200:
            raise SystemExit(f"GET {path}: not 200")
    for _ in range(runs):
        for name, path in pages.items():
            t0 = time.perf_counter()
            response = client.get(path)
            times[name].append(time.perf_counter() - t0)
            if response.status_code != 200:
                raise SystemExit(f"GET {path}: HTTP {response.status_code}")
    statements: list[tuple[float, str]] = []
    with app.app_context():
        engine = db.engine

        def before(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
            conn.info["t0"] = time.perf_counter()

        def after(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
            statements.append((time.perf_counter() - conn.info.pop("t0"), statement))

        event.listen(engine, "before_cursor_execute", before)
        event.listen(engine, "after_cursor_execute", after)
        try:
            client.get(base)
        finally:
            event.remove(engine, "before_cursor_execute", before)
            event.remove(engine, "after_cursor_execute", after)
        db.session.remove()
        engine.dispose()
    return {"times": times, "statements": statements}


def report(name: str, counts: dict[str, int], load_seconds: float, result: dict) -> None:
    print(f"\n== {name}: {counts['comment_analysis']:,} analysed comments, "
          f"{counts['comment_theme']:,} theme rows, {counts['answer']:,} answers "
          f"(loaded in {load_seconds:.0f} s)")
    medians = {page: statistics.median(t) for page, t in result["times"].items()}
    trivial = next(iter(medians.values()))
    print(f"{'page':<50} {'median':>9} {'max':>9} {'x trivial':>10}")
    for page, median in medians.items():
        print(f"{page:<50} {median * 1000:8.1f}ms {max(result['times'][page]) * 1000:8.1f}ms "
              f"{median / trivial:10.1f}")
    print("statements of one unfiltered overview, slowest first:")
    for seconds, statement in sorted(result["statements"], reverse=True)[:8]:
        print(f"  {seconds * 1000:8.1f}ms  {' '.join(statement.split())[:150]}")


def run(name: str, database_url: str, args: argparse.Namespace,
        loader) -> None:  # noqa: ANN001
    survey_id, version_id, link_ids, note = rep.prepare(database_url)
    print(f"{name}: schema by {note}")
    t0 = time.perf_counter()
    counts = loader(args.comments, survey_id, version_id, link_ids)
    load_seconds = time.perf_counter() - t0
    report(name, counts, load_seconds, measure(database_url, survey_id, link_ids, args.runs))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--comments", type=int, default=200_000)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    if args.db in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as tmp:
            path = f"{tmp}/bench.sqlite"
            run("SQLite", f"sqlite:///{path}", args,
                lambda *a: load_sqlite(path, *a))
    if args.db in ("postgres", "both"):
        if ensure_postgres_database():
            run("PostgreSQL", PG_BENCH_URL, args, load_postgres)
        else:
            print("PostgreSQL: not answering on 127.0.0.1:5432, skipped")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

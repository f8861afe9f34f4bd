"""The "who is missing" page at a million responses, against a counting page.

For each database (a temporary SQLite file, and PostgreSQL if it answers on
127.0.0.1:5432, in its own database `surveyapp_bench_repr`) this script:

1. builds the schema with the app's real migrations (`flask_migrate.upgrade()`, so the
   indexes are the real ones) and loads the demo (`seed_demo()`: the maternity survey,
   its six links and its three population benchmarks);
2. bulk-loads N responses (default 1,000,000) for the demo survey (bypassing the app, so
   then rebuilds the per-day counts the page reads with rebuild_all_daily_counts(), as a
   migration would, and times that), each with about six
   coded answers (overall_experience, ethnic_group from a skewed Birmingham census mix,
   age_band, main_language, baby_neonatal_unit, treated_differently), a link among the
   demo links (5 % paper, no link) and submitted_at spread over a year; SQLite through
   executemany in one transaction (synchronous=OFF, journal_mode=MEMORY for the load
   only), PostgreSQL through COPY; then ANALYZE;
3. in-process with the Flask test client, signs in an admin through the login form and
   times GET /insights/surveys/<id>/representation (no filter, a date filter, a link
   filter) against GET /insights/surveys (one `SELECT count(response.id)` per survey:
   the counting page), alternating them, over --runs runs after one warm-up each;
4. records every SQL statement of one representation request with its time, and shows
   the query plan of the slowest ones.

    .venv/bin/python bench/representation.py [--responses 1000000] [--db sqlite|postgres|both]
                                             [--runs 7]

Prints figures only; never passes or fails on time. Exits non-zero only if a page
answers anything but 200.
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
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"
PG_BENCH_DB = "surveyapp_bench_repr"
PG_BENCH_URL = f"postgresql+psycopg://postgres@127.0.0.1:5432/{PG_BENCH_DB}"
CHUNK = 50_000  # responses per batch (about 6x as many answer rows)

# Birmingham census 2021 (19 groups), skewed the way surveys usually are: white British
# over-represented, Bangladeshi, Pakistani, Roma, Gypsy/Traveller, African and Arab
# mothers under-represented, so the page has groups to flag and suggestions to make.
ETHNIC = {
    "white_british": 491211 * 1.6, "irish": 16964, "gypsy_or_irish_traveller": 686 * 0.3,
    "roma": 1833 * 0.3, "white_other": 45914, "white_and_black_caribbean": 25119,
    "white_and_black_african": 4680, "white_and_asian": 13130, "mixed_other": 12276,
    "indian": 66519, "pakistani": 195102 * 0.5, "bangladeshi": 48232 * 0.4,
    "chinese": 12487, "asian_other": 33044, "caribbean": 44718, "african": 66822 * 0.5,
    "black_other": 14220, "arab": 19196 * 0.4, "other_ethnic_group": 32769,
}
AGE = {"under_20": 120, "20_24": 600, "25_29": 1600, "30_34": 2000, "35_39": 1100,
       "40_44": 220, "45_or_over": 25}
LANGUAGE = {"english": 80, "urdu": 5, "panjabi": 3, "bengali": 2, "polish": 3, "somali": 2,
            "arabic": 2, "romanian": 1, "other_language": 2}
OVERALL = {"1": 45, "2": 30, "3": 10, "4": 7, "5": 5, "6": 3}
NEONATAL = {"yes": 15, "no": 80, "not_sure": 5}
TREATED = {"yes": 12, "no": 80, "prefer_not_to_say": 8}
LINK_WEIGHTS = [8, 5, 40, 7, 5, 30]  # per demo link, in seed order; plus 5 % paper
YEAR_START = datetime(2025, 11, 26)
DATE_FILTER = "from=2026-09-01&to=2026-11-30"  # the last three months (~1/4 of rows)


def picker(weights: dict[str, float], rng: random.Random):  # type: ignore[no-untyped-def]
    codes = list(weights)
    cum, total = [], 0.0
    for w in weights.values():
        total += w
        cum.append(total)
    return lambda k: rng.choices(codes, cum_weights=cum, k=k)


def generate(n_from: int, n_to: int, survey_id: int, version_id: int, link_ids: list[int],
             rng: random.Random) -> tuple[list[tuple], list[tuple]]:
    """(response rows, answer rows) for response ids n_from..n_to-1 (ids are given)."""
    k = n_to - n_from
    links = rng.choices([*link_ids, None], weights=[*LINK_WEIGHTS, 5], k=k)
    hours = [rng.randrange(365 * 24) for _ in range(k)]
    eth = picker(ETHNIC, rng)(k)
    age = picker(AGE, rng)(k)
    lang = picker(LANGUAGE, rng)(k)
    overall = picker(OVERALL, rng)(k)
    neo = picker(NEONATAL, rng)(k)
    treated = picker(TREATED, rng)(k)
    rolls = [rng.random() for _ in range(k)]
    responses, answers = [], []
    aid = n_from * 8
    for i in range(k):
        rid = n_from + i
        link = links[i]
        submitted = YEAR_START + timedelta(hours=hours[i])
        responses.append((rid, survey_id, version_id, link, "en",
                          "web" if link is not None else "paper",
                          submitted, f"{rid:064x}",
                          f"s{rid:063x}" if link is not None else None))
        r = rolls[i]
        ethnic = "prefer_not_to_say" if r < 0.03 else (None if r < 0.07 else eth[i])
        agecode = "prefer_not_to_say" if 0.5 < r < 0.51 else (None if 0.51 < r < 0.53
                                                              else age[i])
        for key, code in (("overall_experience", overall[i]), ("ethnic_group", ethnic),
                          ("age_band", agecode), ("main_language", lang[i]),
                          ("baby_neonatal_unit", neo[i]), ("treated_differently", treated[i])):
            if code is not None:
                answers.append((aid, rid, survey_id, link, submitted, key, code))
                aid += 1
    return responses, answers


# --- databases ---------------------------------------------------------------------------


def postgres_answers() -> bool:
    try:
        import psycopg

        psycopg.connect(PG_ADMIN_URL, connect_timeout=3).close()
        return True
    except Exception:  # noqa: BLE001 - anything means "not available"
        return False


def ensure_postgres_database() -> None:
    """Our own database, never the shared `test` database."""
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                              (PG_BENCH_DB,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{PG_BENCH_DB}"')


def prepare(database_url: str) -> tuple[int, int, list[int], str]:
    """Fresh schema (real migrations) + demo; (survey id, version id, link ids, note)."""
    from flask_migrate import upgrade
    from sqlalchemy import text

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
            db.create_all()
        missing = [t.name for t in db.metadata.sorted_tables
                   if not db.inspect(db.engine).has_table(t.name)]
        if missing:  # models newer than the migrations (until the lead writes them)
            db.create_all()
            note += f" + db.create_all() for {', '.join(missing)} (no migration yet)"
        survey, links, _ = seed_demo()
        ids = (survey.id, survey.latest_published_id(), [link.id for link in links])
        db.session.remove()
        db.engine.dispose()
    return (*ids, note)


RESPONSE_COLS = ("id", "survey_id", "version_id", "link_id", "language", "source",
                 "submitted_at", "receipt_hash", "submission_hash")
ANSWER_COLS = ("id", "response_id", "survey_id", "link_id", "submitted_at", "question_key",
               "option_code")


def load_sqlite(path: str, total: int, survey_id: int, version_id: int,
                link_ids: list[int]) -> int:
    import sqlite3

    rng = random.Random(20261126)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=MEMORY")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-400000")
    conn.execute("BEGIN")
    n_answers = 0
    r_sql = (f"INSERT INTO response ({', '.join(RESPONSE_COLS)}) "
             f"VALUES ({', '.join('?' * len(RESPONSE_COLS))})")
    a_sql = (f"INSERT INTO answer ({', '.join(ANSWER_COLS)}) "
             f"VALUES ({', '.join('?' * len(ANSWER_COLS))})")
    for start in range(1, total + 1, CHUNK):
        responses, answers = generate(start, min(start + CHUNK, total + 1), survey_id,
                                      version_id, link_ids, rng)
        # SQLAlchemy's own text form for SQLite DateTime, so comparisons match the app's
        conn.executemany(r_sql, [(*r[:6], r[6].strftime("%Y-%m-%d %H:%M:%S.%f"), *r[7:])
                                 for r in responses])
        conn.executemany(a_sql, [(*a[:4], a[4].strftime("%Y-%m-%d %H:%M:%S.%f"), *a[5:])
                                 for a in answers])
        n_answers += len(answers)
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.execute("PRAGMA journal_mode=WAL")  # as the app runs it
    conn.close()
    return n_answers


def load_postgres(total: int, survey_id: int, version_id: int, link_ids: list[int]) -> int:
    import psycopg

    rng = random.Random(20261126)
    n_answers = 0

    def tsv(rows: list[tuple]) -> bytes:
        out = io.StringIO()
        for row in rows:
            out.write("\t".join(r"\N" if v is None else str(v) for v in row))
            out.write("\n")
        return out.getvalue().encode()

    url = f"postgresql://postgres@127.0.0.1:5432/{PG_BENCH_DB}"
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        for start in range(1, total + 1, CHUNK):
            responses, answers = generate(start, min(start + CHUNK, total + 1), survey_id,
                                          version_id, link_ids, rng)
            with cur.copy(f"COPY response ({', '.join(RESPONSE_COLS)}) FROM STDIN") as copy:
                copy.write(tsv(responses))
            with cur.copy(f"COPY answer ({', '.join(ANSWER_COLS)}) FROM STDIN") as copy:
                copy.write(tsv(answers))
            n_answers += len(answers)
        for table in ("response", "answer"):
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))")
        conn.commit()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE response")
        conn.execute("VACUUM ANALYZE answer")
    return n_answers


# --- timing ------------------------------------------------------------------------------


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))]


def measure(database_url: str, survey_id: int, link_ids: list[int], runs: int) -> dict:
    from sqlalchemy import event

    from surveyapp import create_app
    from surveyapp.extensions import db
    from surveyapp.insights.queries import response_count
    from surveyapp.models import Role
    from tests.integration.staff import make_user, sign_in

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url)
    client = app.test_client()
    with app.app_context():
        make_user("bench-admin@example.org", Role.ADMIN)
        db.session.remove()
    page = sign_in(client, "bench-admin@example.org")
    if page.status_code not in (200, 302):
        raise SystemExit(f"sign in: HTTP {page.status_code}")

    base = f"/insights/surveys/{survey_id}/representation"
    link_id = link_ids[0]  # the Bengali women's group link (~8 % of responses)
    pages = {
        "counting page /insights/surveys": "/insights/surveys",
        "representation, no filter": base,
        f"representation, date filter ({DATE_FILTER})": f"{base}?{DATE_FILTER}",
        f"representation, link filter (link={link_id})": f"{base}?link={link_id}",
    }
    times: dict[str, list[float]] = {name: [] for name in pages}
    for path in pages.values():  # warm-up: caches, templates, the OS page cache
        resp = client.get(path)
        if resp.status_code != 200:
            raise SystemExit(f"GET {path}: HTTP {resp.status_code}")
    for _ in range(runs):  # alternate, so a disturbance hits every page alike
        for name, path in pages.items():
            t0 = time.perf_counter()
            resp = client.get(path)
            times[name].append(time.perf_counter() - t0)
            if resp.status_code != 200:
                raise SystemExit(f"GET {path}: HTTP {resp.status_code}")

    # response_count() alone, in an app context (no request, no template)
    direct = []
    with app.app_context():
        for _ in range(runs):
            t0 = time.perf_counter()
            response_count(survey_id)
            direct.append(time.perf_counter() - t0)
        db.session.remove()

    # every statement of one request of each representation variant, with its time
    statements: dict[str, list[tuple[float, str, object]]] = {}
    walls: dict[str, float] = {}
    with app.app_context():
        engine = db.engine
        current: list[tuple[float, str, object]] = []

        def before(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
            conn.info["t0"] = time.perf_counter()

        def after(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
            current.append((time.perf_counter() - conn.info.pop("t0"), statement, parameters))

        event.listen(engine, "before_cursor_execute", before)
        event.listen(engine, "after_cursor_execute", after)
        try:
            for name, path in list(pages.items())[1:]:
                current.clear()
                t0 = time.perf_counter()
                client.get(path)
                wall = time.perf_counter() - t0
                statements[name] = list(current)
                walls[name] = wall
        finally:
            event.remove(engine, "before_cursor_execute", before)
            event.remove(engine, "after_cursor_execute", after)

        plans = explain(engine, statements)
        db.session.remove()
        engine.dispose()
    return {"times": times, "direct": direct, "statements": statements, "plans": plans,
            "walls": walls}


def explain(engine, statements: dict) -> list[tuple[str, float, str, str]]:  # noqa: ANN001
    """Query plans of the slowest distinct statements over all variants."""
    seen: dict[str, tuple[float, str, object, str]] = {}
    for variant, rows in statements.items():
        for seconds, sql, params in rows:
            key = " ".join(sql.split())
            if key not in seen or seconds > seen[key][0]:
                seen[key] = (seconds, sql, params, variant)
    slowest = sorted(seen.values(), key=lambda x: -x[0])[:5]
    out = []
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        for seconds, sql, params, variant in slowest:
            prefix = ("EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite"
                      else "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ")
            try:
                cur.execute(prefix + sql, params)
                rows = cur.fetchall()
                if engine.dialect.name == "sqlite":
                    plan = "\n".join(f"  {r[0]:>3} {r[1]:>3} {r[3]}" for r in rows)
                else:
                    plan = "\n".join(f"  {r[0]}" for r in rows)
            except Exception as error:  # noqa: BLE001
                plan = f"  (EXPLAIN failed: {error!r})"
                raw.rollback()
            out.append((variant, seconds, " ".join(sql.split()), f"{params}\n{plan}"))
    finally:
        raw.close()
    return out


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}"


def report(name: str, load: dict, result: dict) -> None:
    times = result["times"]
    baseline = statistics.median(times["counting page /insights/surveys"])
    print(f"\n=== {name}: {load['responses']:,} responses, {load['answers']:,} answer rows; "
          f"schema by {load['note']}; load {load['load_s']:.1f} s "
          f"(+ schema/demo {load['prepare_s']:.1f} s)")
    print(f"{'page':60} {'median ms':>10} {'p95 ms':>8} {'min ms':>8} {'x counting':>11}")
    for page, values in times.items():
        print(f"{page:60} {ms(statistics.median(values)):>10} {ms(pct(values, 95)):>8} "
              f"{ms(min(values)):>8} {statistics.median(values) / baseline:>11.2f}")
    direct = result["direct"]
    print(f"{'response_count() alone, no request':60} {ms(statistics.median(direct)):>10} "
          f"{ms(pct(direct, 95)):>8} {ms(min(direct)):>8}")
    print(f"runs: {len(times['counting page /insights/surveys'])} each after one warm-up; "
          "p95 of 7 runs is the slowest but one")
    for variant, rows in result["statements"].items():
        total = sum(s for s, _, _ in rows)
        wall = result["walls"][variant]
        print(f"\n-- SQL of one request: {variant}: {len(rows)} statements, "
              f"{ms(total)} ms in the database of {ms(wall)} ms for the request "
              f"({ms(wall - total)} ms outside SQL)")
        kinds: dict[str, list[float]] = {}
        for seconds, sql, _params in rows:
            kinds.setdefault(" ".join(sql.split())[:110], []).append(seconds)
        print("   by statement: times run, total ms")
        for text, values in sorted(kinds.items(), key=lambda kv: -sum(kv[1])):
            print(f"   {len(values):>3}x {ms(sum(values)):>6} ms  {text}")
        print("   slowest single statements:")
        for seconds, sql, _params in sorted(rows, key=lambda r: -r[0])[:8]:
            flat = " ".join(sql.split())
            print(f"  {ms(seconds):>6} ms  {flat[:150]}{'...' if len(flat) > 150 else ''}")
    print("\n-- query plans of the slowest statements")
    for variant, seconds, sql, plan in result["plans"]:
        print(f"\n[{ms(seconds)} ms, {variant}] {sql}\n{plan}")


def build_daily_counts(database_url: str) -> tuple[float, int, int]:
    """The bulk load bypasses the app, so the per-day counts are rebuilt from it, as a
    migration (or `flask insights rebuild-counts`) would: (seconds, answer rows, response
    rows of the per-day tables)."""
    from sqlalchemy import func, select, text

    from surveyapp import create_app
    from surveyapp.extensions import db
    from surveyapp.insights.summary import rebuild_all_daily_counts
    from surveyapp.models import DailyAnswerCount, DailyResponseCount

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url)
    with app.app_context():
        t0 = time.perf_counter()
        rebuild_all_daily_counts(db.session)
        db.session.commit()
        seconds = time.perf_counter() - t0
        rows = (db.session.scalar(select(func.count()).select_from(DailyAnswerCount)) or 0,
                db.session.scalar(select(func.count()).select_from(DailyResponseCount)) or 0)
        if database_url.startswith("postgresql"):
            db.session.commit()
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE daily_answer_count"))
                conn.execute(text("VACUUM ANALYZE daily_response_count"))
        else:
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return seconds, *rows


def run_one(name: str, database_url: str, args: argparse.Namespace,
            sqlite_path: str | None) -> None:
    t0 = time.perf_counter()
    survey_id, version_id, link_ids, note = prepare(database_url)
    t1 = time.perf_counter()
    if sqlite_path:
        n_answers = load_sqlite(sqlite_path, args.responses, survey_id, version_id, link_ids)
    else:
        n_answers = load_postgres(args.responses, survey_id, version_id, link_ids)
    t2 = time.perf_counter()
    print(f"{name}: loaded {args.responses:,} responses / {n_answers:,} answers in "
          f"{t2 - t1:.1f} s", flush=True)
    rebuild_s, daily_answers, daily_responses = build_daily_counts(database_url)
    print(f"{name}: per-day counts rebuilt in {rebuild_s:.1f} s: {daily_answers:,} answer "
          f"rows, {daily_responses:,} response rows", flush=True)
    t3 = time.perf_counter()
    result = measure(database_url, survey_id, link_ids, args.runs)
    print(f"{name}: measured in {time.perf_counter() - t3:.1f} s", flush=True)
    report(name, {"responses": args.responses, "answers": n_answers, "note": note,
                  "load_s": t2 - t1, "prepare_s": t1 - t0}, result)
    print(f"per-day counts: rebuilt in {rebuild_s:.1f} s ({daily_answers:,} answer rows, "
          f"{daily_responses:,} response rows)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    started = time.perf_counter()
    if args.db in ("sqlite", "both"):
        with tempfile.TemporaryDirectory(prefix="surveyapp-repr-") as tmp:
            path = f"{tmp}/bench.db"
            run_one("SQLite (file)", f"sqlite:///{path}", args, path)
    if args.db in ("postgres", "both"):
        if postgres_answers():
            ensure_postgres_database()
            run_one("PostgreSQL", PG_BENCH_URL, args, None)
        else:
            print("\nPostgreSQL does not answer at 127.0.0.1:5432: skipped")
    print(f"\ntotal {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

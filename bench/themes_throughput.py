"""Comment analysis throughput through the whole stored pipeline, against TextBlob alone.

    .venv/bin/python bench/themes_throughput.py [--comments 3000] [--batch 200]

1. Builds a temporary SQLite database (`db.create_all()`, the demo survey) and stores
   ``--comments`` responses, each with a Friends and Family Test rating and one comment,
   taken in turn from the labelled comments in `tests/data/maternity_comments.csv`
   (answering "what was good", "what could be better", or, for comments with no question,
   "would you like to tell us more"). Stored with one Core insert, as the journey does.
2. In a fresh child process (the worker, as `flask --app wsgi worker` would be): creates
   the app, warms the analysis up on one comment, then runs
   `surveyapp.themes.pipeline.analyse_pending` over everything (new comments), and again
   after `mark_outdated(everything=True)` (re-analysis, as after a framework change).
   It reports comments per CPU second of the process (= per core: the pipeline is one
   thread) and per wall second, and the process's peak resident memory
   (`resource.getrusage(RUSAGE_SELF).ru_maxrss`) before the first comment and at the end.
3. In another fresh child, on the same comments: TextBlob's sentiment alone
   (`TextBlob(text).sentiment.polarity`) and `analyse()` alone (no database), each per
   CPU second after a warm-up pass, and the ratio of the pipeline to both.
4. If Redis answers at 127.0.0.1:6379: the cost a submission pays to queue its analysis
   (`_Enqueuer.enqueue`, median and 95th percentile over 500 calls, on a throw-away queue
   name), and the cost when Redis is down (a closed port; the first call, then the calls
   made while the hook rests).

Prints figures only; never fails on a figure.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT / "tests" / "data" / "maternity_comments.csv"
QUESTION_KEYS = {"what_was_good": "what_was_good",
                 "what_could_be_better": "what_could_be_better",
                 "": "treated_differently_more"}


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def labelled() -> list[dict[str, str]]:
    with DATA.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _app(url: str):
    from surveyapp import create_app

    return create_app("testing", SQLALCHEMY_DATABASE_URI=url)


def build(url: str, count: int) -> None:
    from datetime import datetime

    from sqlalchemy import insert

    from surveyapp.demo import seed_demo
    from surveyapp.extensions import db
    from surveyapp.models import Answer, Response

    comments = labelled()
    app = _app(url)
    with app.app_context():
        db.create_all()
        survey, links, _ = seed_demo()
        version = survey.latest_published()
        hour = datetime(2026, 10, 1, 10)
        responses = [{"survey_id": survey.id, "version_id": version.id,
                      "link_id": links[n % len(links)].id, "language": "en", "source": "import",
                      "submitted_at": hour, "receipt_hash": f"{n:064x}",
                      "submission_hash": None} for n in range(count)]
        with db.engine.begin() as conn:
            conn.execute(insert(Response.__table__), responses)
            ids = [row[0] for row in conn.exec_driver_sql("SELECT id FROM response ORDER BY id")]
            answers = []
            for n, response_id in enumerate(ids):
                row = comments[n % len(comments)]
                common = {"response_id": response_id, "survey_id": survey.id,
                          "link_id": responses[n]["link_id"], "submitted_at": hour,
                          "number": None}
                if row["rating"]:
                    answers.append({**common, "question_key": "overall_experience",
                                    "option_code": row["rating"], "text": None})
                answers.append({**common, "question_key": QUESTION_KEYS[row["question"]],
                                "option_code": None, "text": row["text"]})
            conn.execute(insert(Answer.__table__), answers)
        db.session.remove()
        db.engine.dispose()


def child_pipeline(url: str, batch: int) -> dict:
    from sqlalchemy import select

    from surveyapp.analysis.themes import analyse
    from surveyapp.extensions import db
    from surveyapp.models import Answer
    from surveyapp.themes import pipeline

    app = _app(url)
    with app.app_context():
        fw = pipeline.active_framework()
        first = db.session.scalar(select(Answer.text).where(Answer.text.is_not(None)).limit(1))
        # Loads the lexicons, the tagger and (for text that is not plainly English) the
        # language profiles, so "warmed up" is the memory before the first real comment.
        analyse(first, framework=fw.framework)
        analyse("Położna była bardzo miła i pomocna, dziękuję za wszystko.")
        rss_ready = peak_rss_mb()
        results = {}
        for name in ("new", "reanalysis"):
            if name == "reanalysis":
                pipeline.mark_outdated(db.session, fw, everything=True)
            cpu, wall = cpu_seconds(), time.perf_counter()
            counts = pipeline.analyse_pending(db.session, batch_size=batch, fw=fw)
            results[name] = {"stored": counts.stored, "analysed": counts.analysed,
                             "awaiting_translation": counts.awaiting_translation,
                             "cpu": cpu_seconds() - cpu, "wall": time.perf_counter() - wall}
        db.session.remove()
    return {"passes": results, "rss_ready_mb": rss_ready, "rss_peak_mb": peak_rss_mb()}


def child_baselines(count: int, runs: int) -> dict:
    from textblob import TextBlob

    from surveyapp.analysis.themes import analyse, load_framework

    rows = labelled()
    items = [rows[n % len(rows)] for n in range(count)]
    fw = load_framework()

    def rate(fn) -> float:
        for item in items[:50]:
            fn(item)
        best = 0.0
        for _ in range(runs):
            start = cpu_seconds()
            for item in items:
                fn(item)
            spent = cpu_seconds() - start
            best = max(best, len(items) / spent if spent else float("inf"))
        return best

    textblob = rate(lambda row: TextBlob(row["text"]).sentiment.polarity)
    alone = rate(lambda row: analyse(row["text"], rating=row["rating"] or None,
                                     question=row["question"] or None, framework=fw))
    return {"textblob": textblob, "analyse": alone, "rss_peak_mb": peak_rss_mb()}


def enqueue_cost() -> dict | None:
    from redis import Redis

    from surveyapp.themes.queue import _Enqueuer

    try:
        Redis.from_url("redis://127.0.0.1:6379/0", socket_connect_timeout=0.5).ping()
    except Exception:  # noqa: BLE001
        return None
    name = f"bench-analysis-{uuid.uuid4().hex}"
    up = _Enqueuer("redis://127.0.0.1:6379/0", name)
    times = []
    for n in range(520):
        start = time.perf_counter()
        up.enqueue([n + 1])
        times.append(time.perf_counter() - start)
    up._rq_queue().delete(delete_jobs=True)
    times = sorted(times[20:])
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    down = _Enqueuer(f"redis://127.0.0.1:{port}/0", name)
    start = time.perf_counter()
    down.enqueue([1])
    first_down = time.perf_counter() - start
    resting = []
    for n in range(200):
        start = time.perf_counter()
        down.enqueue([n])
        resting.append(time.perf_counter() - start)
    return {"median_ms": statistics.median(times) * 1000,
            "p95_ms": times[int(len(times) * 0.95)] * 1000,
            "down_first_ms": first_down * 1000,
            "down_resting_ms": statistics.median(resting) * 1000}


def run_child(args: list[str]) -> dict:
    out = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True,
                         text=True, cwd=ROOT, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--comments", type=int, default=3000)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--runs", type=int, default=2, help="baseline passes (best kept)")
    parser.add_argument("--child", choices=("pipeline", "baselines"), help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    import logging

    logging.disable(logging.WARNING)  # the missing build/nltk_data notice, if any
    if args.child == "pipeline":
        print(json.dumps(child_pipeline(args.url, args.batch)))
        return 0
    if args.child == "baselines":
        print(json.dumps(child_baselines(args.comments, args.runs)))
        return 0

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'throughput.db'}"
        start = time.perf_counter()
        build(url, args.comments)
        print(f"{args.comments} responses with one comment each stored in a temporary "
              f"SQLite database ({time.perf_counter() - start:.1f} s)")
        pipe = run_child(["--child", "pipeline", "--url", url, "--batch", str(args.batch)])
    base = run_child(["--child", "baselines", "--comments", str(args.comments),
                      "--runs", str(args.runs)])

    print(f"\nWhole pipeline (analyse_pending, batches of {args.batch}, one process)")
    print(f"{'pass':<12} {'comments':>8} {'CPU s':>7} {'wall s':>7} {'per CPU s':>10} "
          f"{'per wall s':>10}")
    for name, p in pipe["passes"].items():
        per_cpu = p["stored"] / p["cpu"] if p["cpu"] else float("inf")
        per_wall = p["stored"] / p["wall"] if p["wall"] else float("inf")
        print(f"{name:<12} {p['stored']:>8} {p['cpu']:>7.1f} {p['wall']:>7.1f} "
              f"{per_cpu:>10.1f} {per_wall:>10.1f}")
    new = pipe["passes"]["new"]
    per_core = new["stored"] / new["cpu"]
    print(f"  ({new['awaiting_translation']} of them not in English: language only, "
          f"waiting for a translation)")
    print("\nSame comments, same run, per CPU second (best of "
          f"{args.runs} passes after a warm-up)")
    print(f"TextBlob sentiment alone {base['textblob']:10.1f} comments/s")
    print(f"analyse() alone          {base['analyse']:10.1f} comments/s")
    print(f"whole pipeline           {per_core:10.1f} comments/s per core")
    print(f"pipeline / TextBlob      {per_core / base['textblob']:10.4f}  "
          f"(TextBlob alone is {base['textblob'] / per_core:.0f}x faster)")
    print(f"pipeline / analyse()     {per_core / base['analyse']:10.3f}  (the rest is the "
          "database: reading, storing, themes)")
    print("\nWorker process memory (peak resident set)")
    print(f"app created, analysis warmed up  {pipe['rss_ready_mb']:7.1f} MB")
    print(f"after {args.comments} comments twice   {pipe['rss_peak_mb']:7.1f} MB")
    cost = enqueue_cost()
    if cost is None:
        print("\nNo Redis at 127.0.0.1:6379: queueing cost not measured")
    else:
        print("\nWhat a submission pays to queue its analysis (Redis on loopback)")
        print(f"Redis up:   median {cost['median_ms']:.2f} ms, 95th percentile "
              f"{cost['p95_ms']:.2f} ms")
        print(f"Redis down: {cost['down_first_ms']:.2f} ms for the first submission, "
              f"{cost['down_resting_ms']:.3f} ms each while the hook rests")
    return 0


if __name__ == "__main__":
    sys.exit(main())

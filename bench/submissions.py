"""Throughput of complete survey submissions through gunicorn, against a trivial page.

For each database (a temporary SQLite file in WAL mode, and PostgreSQL if it answers on
127.0.0.1:5432) this script:

1. builds the schema with the app's real migrations and loads the demo (in-process);
2. starts `gunicorn -w 2 wsgi:app` (sync workers by default) as a subprocess with
   SURVEYAPP_CONFIG=development (plain-http cookies), DATABASE_URL and a random SECRET_KEY;
3. phase A: N client threads (default 16) GET /healthz in a loop: the trivial page of the
   same app (one `SELECT 1`, a small JSON body);
4. phase B: the same N threads each walk complete journeys as a phone would, each with its
   own cookie jar: GET the start page, POST consent, then for every page GET it and POST
   its answers (what is on the page from a fixed set of answers), POST the check page and
   GET the thank-you page, which must show a receipt code. Redirects are followed by hand
   so every request is timed on its own;
5. checks in the database that the stored responses are exactly the successful
   submissions (no loss, no duplicates) and that no draft was left behind.

Each phase runs for a warm-up and then a measured window; rates count only requests and
journeys that finish inside the window. Journeys still running when the window closes
are allowed to finish (so that the database check is exact) but are not in the rates.

The load generator is pure standard library (http.client, threads). It runs on the same
machine as the server, so it takes CPU away from gunicorn: its own CPU use is printed.

    .venv/bin/python bench/submissions.py [--duration 15] [--clients 16]
                                          [--db sqlite|postgres|both] [--worker-class sync]

Prints figures only; never passes or fails on time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.harness import (  # noqa: E402 - after the path is set
    LANGUAGES,
    PG_BENCH_URL,
    Gunicorn,
    JourneyError,
    Phone,
    Sample,
    ensure_postgres_database,
    journey,
    pct,
    postgres_answers,
    prepare,
    stored_counts,
)

# --- load phases --------------------------------------------------------------------------


@dataclass
class JourneyResult:
    start: float
    end: float
    ok: bool
    samples: list[Sample]
    error: str = ""


@dataclass
class Phase:
    name: str
    window: tuple[float, float]
    samples: list[Sample] = field(default_factory=list)
    journeys: list[JourneyResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def in_window(self, end: float) -> bool:
        return self.window[0] <= end < self.window[1]

    @property
    def seconds(self) -> float:
        return self.window[1] - self.window[0]


def run_trivial(port: int, clients: int, warmup: float, duration: float) -> Phase:
    begin = time.perf_counter()
    phase = Phase("GET /healthz", (begin + warmup, begin + warmup + duration))
    lock = threading.Lock()

    def worker() -> None:
        phone = Phone(port)
        while time.perf_counter() < phase.window[1]:
            try:
                status, _, body = phone.request("GET /healthz", "GET", "/healthz")
                if status != 200 or '"ok"' not in body:
                    with lock:
                        phase.errors.append(f"/healthz: HTTP {status}")
            except JourneyError as error:
                with lock:
                    phase.errors.append(str(error))
        phone.close()
        with lock:
            phase.samples.extend(phone.samples)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return phase


def run_journeys(port: int, clients: int, warmup: float, duration: float,
                 codes: dict[str, str]) -> tuple[Phase, list[str]]:
    begin = time.perf_counter()
    phase = Phase("journeys", (begin + warmup, begin + warmup + duration))
    receipts: list[str] = []
    lock = threading.Lock()
    counter = iter(range(10**9))

    def worker(delay: float) -> None:
        # Threads start spread over the warm-up so that journeys do not run in lock-step
        # (in lock-step, how many happen to end inside the window would swing the rate).
        time.sleep(delay)
        while time.perf_counter() < phase.window[1]:
            with lock:
                n = next(counter)
            language = LANGUAGES[n % len(LANGUAGES)]
            phone = Phone(port)  # a new phone: empty cookie jar, new session
            t0 = time.perf_counter()
            try:
                receipt = journey(phone, codes[language], language)
                result = JourneyResult(t0, time.perf_counter(), True, phone.samples)
            except JourneyError as error:
                result = JourneyResult(t0, time.perf_counter(), False, phone.samples,
                                       str(error))
                receipt = None
            phone.close()
            with lock:
                phase.journeys.append(result)
                phase.samples.extend(phone.samples)
                if receipt:
                    receipts.append(receipt)
                else:
                    phase.errors.append(result.error)

    threads = [threading.Thread(target=worker, args=(i * warmup / clients,))
               for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return phase, receipts


# --- the server ---------------------------------------------------------------------------


def cpu_seconds(pids: list[int]) -> float:
    """utime+stime of these processes from /proc (Linux); 0 where unreadable."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        except (OSError, IndexError, ValueError):
            pass
    return total


def machine_busy_seconds() -> float:
    """CPU time all processes on the machine have used (user+nice+system+irq+softirq+steal,
    summed over cores), from /proc/stat; 0 where unreadable."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
        user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, fields[:8])
        return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError):
        return 0.0


def load_average() -> str:
    try:
        return "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    except OSError:
        return "unknown"




# --- reporting ------------------------------------------------------------------------------



def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}"


def wrk_healthz(port: int, clients: int, duration: float) -> str | None:
    wrk = shutil.which("wrk")
    if not wrk:
        return None
    out = subprocess.run([wrk, "-t2", f"-c{clients}", f"-d{int(duration)}s", "--latency",  # noqa: S603
                          f"http://127.0.0.1:{port}/healthz"],
                         capture_output=True, text=True, timeout=duration + 30)
    return out.stdout


def bench_one(name: str, database_url: str, args: argparse.Namespace) -> dict:
    print(f"\n=== {name}: {database_url.split('@')[-1] if '@' in database_url else database_url}")
    codes, schema_note = prepare(database_url)
    print(f"schema: {schema_note}; demo loaded; links: {codes}")
    with tempfile.NamedTemporaryFile(prefix="gunicorn-", suffix=".log", delete=False) as log:
        log_path = Path(log.name)
    server = Gunicorn(database_url, args.workers, args.worker_class, args.threads, log_path)
    print("server: " + " ".join(Path(c).name if i == 0 else c
                                for i, c in enumerate(server.command)))
    try:
        server.wait_ready()
        print(f"load average before the run: {load_average()} "
              "(anything well above 0 means other work shares the CPUs)")
        busy0 = machine_busy_seconds()
        cpu0_server, cpu0_client, t0 = (cpu_seconds(server.pids()), time.process_time(),
                                        time.perf_counter())
        trivial = run_trivial(server.port, args.clients, args.warmup, args.duration)
        cpu1_server, cpu1_client = cpu_seconds(server.pids()), time.process_time()
        wrk_out = wrk_healthz(server.port, args.clients, args.duration) if args.wrk else None
        cpu1b_server = cpu_seconds(server.pids())
        journeys, receipts = run_journeys(server.port, args.clients, args.warmup,
                                          args.duration, codes)
        cpu2_server, cpu2_client, t2 = (cpu_seconds(server.pids()), time.process_time(),
                                        time.perf_counter())
        busy2 = machine_busy_seconds()
    finally:
        server.stop()
    counts = stored_counts(database_url)
    log_tail = log_path.read_text(errors="replace")
    log_path.unlink(missing_ok=True)

    # Trivial page: requests finishing inside its measured window.
    triv = [s for s in trivial.samples if trivial.in_window(s.end) and s.status == 200]
    triv_rps = len(triv) / trivial.seconds
    triv_lat = [s.seconds for s in triv]

    # Journeys: requests and journeys finishing inside the measured window.
    reqs = [s for s in journeys.samples if journeys.in_window(s.end)]
    done = [j for j in journeys.journeys if journeys.in_window(j.end)]
    ok = [j for j in done if j.ok]
    journey_rps = len(reqs) / journeys.seconds
    submissions_ps = len(ok) / journeys.seconds
    final_posts = [s.seconds for s in reqs if s.label == "POST check"]
    by_label: dict[str, list[float]] = {}
    for s in reqs:
        by_label.setdefault(s.label, []).append(s.seconds)
    slowest = max(reqs, key=lambda s: s.seconds) if reqs else None
    per_journey = statistics.mean(len(j.samples) for j in ok) if ok else float("nan")

    all_ok = [j for j in journeys.journeys if j.ok]
    bad_status = [s for s in journeys.samples if not (200 <= s.status < 400)]

    print(f"\n  trivial page GET /healthz, {args.clients} threads, {trivial.seconds:.0f} s "
          f"measured after {args.warmup:.0f} s warm-up")
    print(f"    requests/s {triv_rps:8.1f}   p50 {ms(pct(triv_lat, 50))} ms   "
          f"p95 {ms(pct(triv_lat, 95))} ms   errors {len(trivial.errors)}")
    if wrk_out:
        print("    wrk on /healthz:\n      " + "\n      ".join(wrk_out.strip().splitlines()))
    print(f"\n  complete submissions, {args.clients} threads, {journeys.seconds:.0f} s measured "
          f"after {args.warmup:.0f} s warm-up ({per_journey:.1f} requests per journey)")
    print(f"    journeys/s (= submissions/s) {submissions_ps:6.2f}   "
          f"requests/s {journey_rps:7.1f}   (requests/s ÷ {per_journey:.0f} requests per "
          f"journey = {journey_rps / per_journey:.2f} submissions/s, a smoother estimate)")
    if len(ok) < 2 * args.clients:
        print(f"    NOTE: only {len(ok)} journeys ended inside the window: journeys/s is coarse; "
              "the request-based estimate, or a longer --duration, is better")
    print(f"    full journey   p50 {ms(pct([j.end - j.start for j in ok], 50)):>6} ms   "
          f"p95 {ms(pct([j.end - j.start for j in ok], 95)):>6} ms")
    print(f"    final POST     p50 {ms(pct(final_posts, 50)):>6} ms   "
          f"p95 {ms(pct(final_posts, 95)):>6} ms   (POST /check: stores the response)")
    for label in ["GET start", "POST consent", "GET page", "POST page", "GET check",
                  "POST check", "GET thank-you"]:
        values = by_label.get(label, [])
        print(f"      {label:<14} n={len(values):>5}  p50 {ms(pct(values, 50)):>5} ms  "
              f"p95 {ms(pct(values, 95)):>5} ms  max {ms(max(values) if values else 0):>5} ms")
    per_page: dict[str, list[float]] = {}
    for s in reqs:
        if s.label == "GET page":
            per_page.setdefault(s.path.rsplit("/", 1)[-1], []).append(s.seconds)
    heaviest = sorted(per_page.items(), key=lambda kv: -statistics.median(kv[1]))[:3]
    print("    slowest pages to GET (median): " + ", ".join(
        f"{key} {ms(statistics.median(v))} ms" for key, v in heaviest))
    if slowest:
        print(f"    slowest request: {slowest.label} {slowest.path} {ms(slowest.seconds)} ms "
              f"(HTTP {slowest.status})")
    print(f"    errors: {len(journeys.errors)} failed journeys, {len(bad_status)} non-2xx/3xx "
          f"responses")
    for message in sorted(set(journeys.errors))[:5]:
        print(f"      e.g. {message}")

    # Server CPU per request in each phase (all requests of the phase, warm-up included):
    # much less sensitive to other work on the machine than the rates are.
    triv_cpu = (cpu1_server - cpu0_server) / max(1, len(trivial.samples))
    journey_cpu = (cpu2_server - cpu1b_server) / max(1, len(journeys.samples))
    print(f"\n  gunicorn CPU per request: /healthz {triv_cpu * 1000:.2f} ms, journey request "
          f"{journey_cpu * 1000:.2f} ms (= {journey_cpu * per_journey * 1000:.0f} ms per "
          f"submission){'; PostgreSQL backends not included' if 'Postgre' in name else ''}")

    # Two ratios, both against the trivial page's requests/s in this same run:
    # - request ratio: HTTP requests/s while phones walk whole journeys (every GET and
    #   POST of the journey, redirects followed) ÷ /healthz requests/s. This compares
    #   like with like (a request with a request) and is the figure the "at least half
    #   the trivial page's rate" target can fairly be read against.
    # - submission ratio: completed submissions/s ÷ /healthz requests/s. A submission is
    #   ~30 requests, so this is bound to be tiny; it says how many whole surveys the
    #   server takes in for each trivial request it could have answered instead.
    request_ratio = journey_rps / triv_rps if triv_rps else float("nan")
    submission_ratio = submissions_ps / triv_rps if triv_rps else float("nan")
    print(f"\n  ratio (journey requests/s ÷ /healthz requests/s)     {request_ratio:6.3f}  "
          f"({'meets' if request_ratio >= 0.5 else 'below'} the 0.5 target)")
    print(f"  ratio (submissions/s ÷ /healthz requests/s)           {submission_ratio:6.4f}")
    cpu_ratio = triv_cpu / journey_cpu if journey_cpu else float("nan")
    print(f"  CPU-based request ratio (/healthz CPU ÷ journey-request CPU) {cpu_ratio:6.3f}  "
          "(the request ratio a server with the CPUs to itself would approach)")

    cores = os.cpu_count() or 1
    gunicorn_cpu = cpu2_server - cpu0_server
    client_cpu = cpu2_client - cpu0_client
    other_cpu = max(0.0, (busy2 - busy0) - gunicorn_cpu - client_cpu)
    print(f"\n  CPU over both phases ({cores} cores x {t2 - t0:.0f} s = "
          f"{cores * (t2 - t0):.0f} core-s): gunicorn {gunicorn_cpu:.1f} "
          f"(healthz {cpu1b_server - cpu0_server:.1f} + "
          f"journeys {cpu2_server - cpu1b_server:.1f}), "
          f"load generator {client_cpu:.1f} (healthz {cpu1_client - cpu0_client:.1f} + journeys "
          f"{cpu2_client - cpu1_client:.1f}), everything else on the machine {other_cpu:.1f} "
          "core-s (PostgreSQL, and other people's work)")
    print(f"  load average after the run: {load_average()}")

    lost = len(all_ok) - counts["responses"]
    print(f"\n  database check: {len(all_ok)} successful submissions (incl. warm-up and the "
          f"tail), {counts['responses']} responses stored, "
          f"{counts['distinct_submissions']} distinct submission keys, "
          f"{counts['distinct_receipts']} distinct receipts, {counts['answers']} answer rows, "
          f"{counts['drafts_left']} drafts left")
    unique_receipts = len(set(receipts))
    verdict = ("OK: no loss, no duplicates" if lost == 0 and counts["distinct_submissions"]
               == counts["responses"] and unique_receipts == len(receipts)
               else f"MISMATCH: {lost:+d} (successful - stored)")
    print(f"  {verdict}")
    errors_in_log = [line for line in log_tail.splitlines()
                     if "ERROR" in line or "Traceback" in line or "CRITICAL" in line]
    if errors_in_log:
        print(f"  gunicorn log: {len(errors_in_log)} error lines, first: {errors_in_log[0][:200]}")
    return {"db": name, "triv_rps": triv_rps, "other_cpu": other_cpu, "cpu_ratio": cpu_ratio,
            "triv_cpu": triv_cpu, "journey_cpu": journey_cpu, "triv_p95": pct(triv_lat, 95),
            "journeys_ps": submissions_ps, "journey_rps": journey_rps,
            "journey_p50": pct([j.end - j.start for j in ok], 50),
            "journey_p95": pct([j.end - j.start for j in ok], 95),
            "final_p50": pct(final_posts, 50), "final_p95": pct(final_posts, 95),
            "errors": len(journeys.errors) + len(trivial.errors),
            "request_ratio": request_ratio, "submission_ratio": submission_ratio,
            "stored_ok": verdict.startswith("OK")}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=15, help="measured seconds per phase")
    parser.add_argument("--warmup", type=float, default=5, help="warm-up seconds per phase")
    parser.add_argument("--clients", type=int, default=16, help="concurrent client threads")
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="sync")
    parser.add_argument("--threads", type=int, default=4, help="threads per gthread worker")
    parser.add_argument("--wrk", action="store_true",
                        help="also measure /healthz with wrk, if installed")
    args = parser.parse_args()

    print(f"surveyapp submissions benchmark: gunicorn {args.workers} {args.worker_class} "
          f"workers{f' x {args.threads} threads' if args.worker_class == 'gthread' else ''}, "
          f"{args.clients} client threads, {os.cpu_count()} CPUs, load generator on the "
          "same machine")
    results = []
    if args.db in ("sqlite", "both"):
        with tempfile.TemporaryDirectory(prefix="surveyapp-bench-") as tmp:
            results.append(bench_one("SQLite (file, WAL)", f"sqlite:///{tmp}/bench.db", args))
    if args.db in ("postgres", "both"):
        if postgres_answers():
            ensure_postgres_database()
            results.append(bench_one("PostgreSQL", PG_BENCH_URL, args))
        else:
            print("\nPostgreSQL is not answering on 127.0.0.1:5432: skipped")

    print("\nSummary ('other CPU': core-seconds used by everything else on the machine "
          "during the run; PostgreSQL's own backends are in it too)")
    head = (f"{'database':<20} {'healthz r/s':>11} {'journey r/s':>11} {'subm/s':>7} "
            f"{'req ratio':>9} {'subm ratio':>10} {'journey p50/p95 ms':>19} "
            f"{'final POST p50/p95 ms':>22} {'errors':>6} {'CPU ratio':>9} {'other CPU':>9}  "
            "stored")
    print(head)
    print("-" * len(head))
    for r in results:
        print(f"{r['db']:<20} {r['triv_rps']:>11.1f} {r['journey_rps']:>11.1f} "
              f"{r['journeys_ps']:>7.2f} {r['request_ratio']:>9.3f} {r['submission_ratio']:>10.4f} "
              f"{ms(r['journey_p50']) + '/' + ms(r['journey_p95']):>19} "
              f"{ms(r['final_p50']) + '/' + ms(r['final_p95']):>22} {r['errors']:>6} "
              f"{r['cpu_ratio']:>9.3f} "
              f"{r['other_cpu']:>7.0f} s  "
              f"{'exact' if r['stored_ok'] else 'MISMATCH'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

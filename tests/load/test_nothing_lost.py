"""Nothing lost: 20 phones each send 250 complete responses through gunicorn (2 sync
workers) at once, on SQLite and on PostgreSQL; then the same while gunicorn workers are
killed with SIGKILL part-way. Loopback only. Marked `load` (`-m load` selects them,
`-m "not load"` leaves them out); `make test` runs them.

Each journey is the shortest the survey allows (bench.harness.short_journey: consent,
the page with the one required question, check, send: 7 requests).
"""

from __future__ import annotations

import os
import signal
import time

import pytest

from bench.harness import Gunicorn
from tests.load.crowd import Crowd, check_every_answer_intact, stored_submissions

pytestmark = pytest.mark.load

CLIENTS = 20
PER_CLIENT = 250


def serve(url: str, tmp_path) -> Gunicorn:
    server = Gunicorn(url, workers=2, log_path=tmp_path / "gunicorn.log")
    server.wait_ready()
    return server


def test_every_submission_is_stored_once_and_intact(served_database, tmp_path):
    url, codes = served_database
    server = serve(url, tmp_path)
    try:
        crowd = Crowd(server.port, codes, CLIENTS, PER_CLIENT)
        seconds = crowd.run()
    finally:
        server.stop()
    print(f"\n{CLIENTS} x {PER_CLIENT} submissions through gunicorn on {url.split(':')[0]}: "
          f"{seconds:.1f} s ({CLIENTS * PER_CLIENT / seconds:.0f} a second)")
    assert not crowd.failures, crowd.failures[:5]
    assert len(crowd.thanked) == CLIENTS * PER_CLIENT
    assert all(o.receipt for o in crowd.outcomes.values())
    assert len({o.receipt for o in crowd.outcomes.values()}) == CLIENTS * PER_CLIENT
    stored, responses, keys, drafts = stored_submissions(url)
    assert responses == keys == CLIENTS * PER_CLIENT
    assert drafts == 0
    check_every_answer_intact(crowd, stored)


# Workers killed one after another, each once the one before has been replaced, at these
# fractions of the run: more than one kill makes it (nearly) certain that some final POST
# is cut off, whichever request a worker happens to be serving.
KILL_AT = (0.2, 0.35, 0.5, 0.65, 0.8)


def test_a_killed_worker_loses_nothing_and_retries_store_once(served_database, tmp_path):
    url, codes = served_database
    server = serve(url, tmp_path)
    killed: list[int] = []

    def kill_workers(crowd: Crowd) -> None:
        total = CLIENTS * PER_CLIENT
        for fraction in KILL_AT:
            while crowd.done < fraction * total and len(crowd.failures) == 0:
                time.sleep(0.01)
            workers = server.workers()
            if not workers:
                return
            os.kill(workers[0], signal.SIGKILL)
            killed.append(workers[0])
            deadline = time.monotonic() + 30  # gunicorn starts a new worker
            while time.monotonic() < deadline and (
                    len(server.workers()) < 2 or killed[-1] in server.workers()):
                time.sleep(0.05)

    try:
        # A phone whose request got no answer sends it again, as she would press again.
        crowd = Crowd(server.port, codes, CLIENTS, PER_CLIENT, retries=20)
        seconds = crowd.run(meanwhile=kill_workers)
    finally:
        server.stop()
    dropped = sum(o.dropped for o in crowd.outcomes.values())
    dropped_submits = sum(o.dropped_submits for o in crowd.outcomes.values())
    print(f"\nkilled {len(killed)} workers; {dropped} requests got no answer and were sent "
          f"again, {dropped_submits} of them final submissions; {seconds:.1f} s")
    assert len(killed) == len(KILL_AT)
    assert not crowd.failures, crowd.failures[:5]
    assert dropped >= 1, "no kill caught a request in flight: the test proved nothing"
    # Every phone was thanked in the end, and each submission is stored exactly once
    # whether the first try or the retry stored it.
    assert len(crowd.thanked) == CLIENTS * PER_CLIENT
    stored, responses, keys, _drafts = stored_submissions(url)
    assert responses == keys == CLIENTS * PER_CLIENT
    check_every_answer_intact(crowd, stored)

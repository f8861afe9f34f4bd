"""Two app instances behind an imaginary load balancer: two gunicorn servers on different
ports, the same PostgreSQL database (its own) and the same Redis. A respondent moves
between them mid-survey with the same cookies, and a submission rate limit counts
submissions made through either. Marked `load` (it starts real servers)."""

from __future__ import annotations

import secrets

import pytest
from redis import Redis
from rq import Queue

from bench.harness import (
    RECEIPT,
    Gunicorn,
    Phone,
    ensure_postgres_database,
    expect,
    form_of,
    location,
    postgres_answers,
    prepare,
)
from tests.load.crowd import Crowd, stored_submissions

# PostgreSQL and Redis of its own whatever the pass: run once, in the first pass.
pytestmark = [pytest.mark.load, pytest.mark.own_database]

REDIS_URL = "redis://127.0.0.1:6379/0"
DATABASE = "surveyapp_two_instances"
LIMIT = 3  # final submissions an hour from one internet address, for this test


@pytest.fixture
def two_instances(tmp_path):
    if not postgres_answers():
        pytest.skip("PostgreSQL is not answering on 127.0.0.1:5432")
    redis = Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        redis.ping()
    except Exception as error:  # noqa: BLE001
        pytest.skip(f"Redis is not answering on 127.0.0.1:6379 ({error.__class__.__name__})")
    url = ensure_postgres_database(DATABASE)
    codes, _note = prepare(url)
    queue = f"surveyapp-two-instances-{secrets.token_hex(4)}"  # our own analysis queue
    settings = {"REDIS_URL": REDIS_URL, "ANALYSIS_QUEUE": queue,
                # Only the per-address limit is low; the address is keyed with the
                # instances' shared secret key, new each run, so runs never share counts.
                "SUBMIT_RATE_LIMIT_PER_IP": f"{LIMIT} per hour",
                "SUBMIT_RATE_LIMIT_PER_LINK": "100000 per hour"}
    secret = secrets.token_urlsafe(48)  # one secret: the instances share sessions
    servers = [Gunicorn(url, workers=2, env=settings, secret_key=secret,
                        log_path=tmp_path / f"gunicorn-{n}.log") for n in (1, 2)]
    try:
        for server in servers:
            server.wait_ready()
        yield servers, codes, url
    finally:
        for server in servers:
            server.stop()
        Queue(queue, connection=redis).delete(delete_jobs=True)
        redis.close()


def phones_sharing_cookies(a: Gunicorn, b: Gunicorn) -> tuple[Phone, Phone]:
    first, second = Phone(a.port), Phone(b.port)
    second.cookies = first.cookies  # one browser, two servers behind one address
    return first, second


def test_a_respondent_moves_between_instances_mid_survey(two_instances):
    (one, two), codes, url = two_instances
    a, b = phones_sharing_cookies(one, two)
    code = codes["pl"]
    status, _, html = a.request("GET start", "GET", f"/s/{code}")
    expect(status, 200, "start on instance 1")
    hidden, _ = form_of(html)
    status, headers, _ = b.request("POST consent", "POST", f"/s/{code}",
                                   {"csrf_token": hidden["csrf_token"], "consent": "y"})
    expect(status, 302, "consent on instance 2, with instance 1's CSRF token")
    page = location(headers)
    status, _, html = a.request("GET page", "GET", page)
    expect(status, 200, "the first question on instance 1")
    assert 'lang="pl"' in html, "the language chosen on instance 1 stuck on instance 2"
    hidden, _ = form_of(html)
    words = "Położna była bardzo miła"
    status, _, _ = b.request("POST page", "POST", page,
                             {**hidden, "overall_experience": "1", "what_was_good": words})
    expect(status, 302, "answers sent to instance 2")
    status, _, html = a.request("GET check", "GET", f"/s/{code}/check")
    expect(status, 200, "check page on instance 1")
    assert words in html, "instance 1 shows the answers she gave instance 2"
    hidden, _ = form_of(html)
    status, headers, _ = b.request("POST check", "POST", f"/s/{code}/check", hidden)
    expect(status, 302, "sent through instance 2")
    status, _, html = a.request("GET thank-you", "GET", location(headers))
    expect(status, 200, "thanked by instance 1")
    assert RECEIPT.search(html), "instance 1 shows the receipt instance 2 made"
    stored, responses, _keys, drafts = stored_submissions(url)
    assert responses == 1 and drafts == 0
    assert stored == [{"overall_experience": "1", "what_was_good": words}]


def test_the_submission_limit_counts_across_both_instances(two_instances):
    (one, two), codes, url = two_instances
    # LIMIT complete submissions from this address, every one through instance 2 ...
    crowd = Crowd(two.port, codes, clients=1, per_client=LIMIT)
    crowd.run()
    assert not crowd.failures and len(crowd.thanked) == LIMIT
    # ... and the next, through instance 1, is over the limit: a kind 429 page.
    for server in (one, two):
        phone = Phone(server.port)
        code = codes["en"]
        status, _, html = phone.request("GET start", "GET", f"/s/{code}")
        hidden, _ = form_of(html)
        status, headers, _ = phone.request("POST consent", "POST", f"/s/{code}",
                                           {"csrf_token": hidden["csrf_token"],
                                            "consent": "y"})
        status, _, html = phone.request("GET page", "GET", location(headers))
        hidden, _ = form_of(html)
        phone.request("POST page", "POST", location(headers),
                      {**hidden, "overall_experience": "2"})
        status, _, html = phone.request("GET check", "GET", f"/s/{code}/check")
        hidden, _ = form_of(html)
        status, headers, html = phone.request("POST check", "POST", f"/s/{code}/check",
                                              hidden)
        assert status == 429, f"instance on port {server.port} did not count the others"
        assert int(headers["Retry-After"]) > 0
        assert "Your answers are saved" in html
    _stored, responses, _keys, drafts = stored_submissions(url)
    assert responses == LIMIT and drafts == 2  # the two refused keep their answers

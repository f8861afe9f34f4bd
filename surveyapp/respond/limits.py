"""Rate limits on final survey submissions, and the spam trap on survey forms.

Limits (config.py, SUBMIT_RATE_LIMIT_PER_IP and SUBMIT_RATE_LIMIT_PER_LINK) are counted
with Flask-Limiter's storage and strategy (Redis when REDIS_URL is set, so every app
server shares them), but only for a real final submission: a page saved, a refused CSRF
token, a missing answer or a double tap is not counted. They are checked in the view, where
her link and language are known, so a limited respondent gets a kind page in her own
language and keeps her answers (see routes.check).

How the numbers were chosen (README, "Rate limits on survey submissions"):

* per internet address, 30 an hour and 200 a day: a community group filling in the survey
  together on one wifi (a coffee morning of 20-25 women), or several women taking turns on
  one shared phone, stays under it; a script sending hundreds does not.
* per link, 1,000 an hour: far above any real poster, WhatsApp group or clinic waiting
  room (the demo's busiest channels see a few dozen an hour), low enough that a leaked
  link cannot flood the results.

The address is never stored as such: the counter's key is a keyed hash of it (HMAC with
the app's SECRET_KEY), kept only as long as the counting window.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from functools import lru_cache
from typing import Any

from flask import current_app, request
from limits import RateLimitItem, parse_many

from surveyapp.extensions import limiter

# The spam trap: a text box people never see (and are told to leave empty if they do,
# say when the stylesheet has not loaded). Programs that fill in every box fill it in.
HONEYPOT_FIELD = "website"
# Kept in her draft's answers when a page came back with the trap filled in; never a
# question key (keys start with a letter), so it is never stored with a response.
BOT_MARK = "_trap_filled"


def trap_filled() -> bool:
    return bool((request.form.get(HONEYPOT_FIELD) or "").strip())


def _address_key() -> str:
    secret = current_app.secret_key or ""
    key = secret.encode() if isinstance(secret, str) else secret
    address = (request.remote_addr or "unknown").encode()
    return hmac.new(key, address, hashlib.sha256).hexdigest()[:24]


@lru_cache(maxsize=32)
def _parsed(limits: str) -> tuple[RateLimitItem, ...]:
    return tuple(parse_many(limits))


def _limits(link_id: int) -> list[tuple[RateLimitItem, tuple[str, ...]]]:
    config = current_app.config
    per_ip = _parsed(config["SUBMIT_RATE_LIMIT_PER_IP"])
    per_link = _parsed(config["SUBMIT_RATE_LIMIT_PER_LINK"])
    address = _address_key()
    return ([(item, ("survey-submit", "address", address)) for item in per_ip]
            + [(item, ("survey-submit", "link", str(link_id))) for item in per_link])


def submission_allowed(link_id: int) -> tuple[bool, int]:
    """(whether one more submission through this link from this address is within every
    limit, seconds until the tightest exceeded window resets). Nothing is counted here."""
    if not limiter.enabled:
        return True, 0
    try:
        strategy: Any = limiter.limiter
        waits = []
        for item, keys in _limits(link_id):
            if not strategy.test(item, *keys):
                reset_at, _remaining = strategy.get_window_stats(item, *keys)
                waits.append(max(1, int(reset_at - time.time())))
        return (not waits), max(waits, default=0)
    except Exception:  # the counter store is down: never turn her answers away for it  # noqa: BLE001
        current_app.logger.warning("submission rate limits could not be checked",
                                   exc_info=True)
        return True, 0


def count_submission(link_id: int) -> None:
    if not limiter.enabled:
        return
    try:
        strategy: Any = limiter.limiter
        for item, keys in _limits(link_id):
            strategy.hit(item, *keys)
    except Exception:  # noqa: BLE001 - see submission_allowed
        current_app.logger.warning("a submission could not be counted", exc_info=True)

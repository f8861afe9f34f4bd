"""/erase: a respondent deletes her response with the receipt code from the thank-you page.

Two steps: she types her code; if it matches a response she is asked to confirm, and only
then is it deleted. Telling her when a code matches nothing lets her fix a typo, rather
than leaving believing her answers are gone. It tells a stranger nothing useful: a code
is 12 characters from a 32-letter alphabet (2^60 codes, so with a million responses
stored a guess matches about once in a trillion tries), and each internet address may
try only ERASURE_RATE_LIMIT codes that match nothing (10 an hour) before being asked to
wait. The count is kept in the rate limiter's storage (Redis when configured, so every
app server shares it), keyed by a keyed hash of the address, never the address itself.

The form checks its own CSRF token (the blueprint is exempt from the global check) so a
page left open too long says "press the button again" in her language, not "bad request".
"""

from __future__ import annotations

import hashlib
import hmac
import time
from functools import lru_cache
from typing import Any

from flask import (
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext
from flask_wtf import FlaskForm
from limits import RateLimitItem, parse_many
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms import HiddenField, StringField

from surveyapp.extensions import db, limiter
from surveyapp.privacy import bp
from surveyapp.privacy.erasure import (
    delete_responses,
    find_by_receipt,
    normalise_receipt,
    with_receipt,
)

Page = str | WerkzeugResponse | tuple[str, int] | tuple[str, int, dict[str, str]]


class ReceiptForm(FlaskForm):
    receipt = StringField()
    # "yes" when she pressed "Yes, delete my answers" on the confirmation page.
    confirm = HiddenField()


@bp.after_request
def _never_cached(response: WerkzeugResponse) -> WerkzeugResponse:
    # The pages carry her receipt code: no browser or proxy may keep them.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/erase", methods=["GET", "POST"])
def erase() -> Page:
    form = ReceiptForm()
    if request.method == "GET":
        return _form_page(form)
    if not form.validate():  # only the CSRF token can fail: the page was open too long
        return _form_page(form, gettext("This page was open for a long time. Please press "
                                        "the button again."), 400)
    code = normalise_receipt(form.receipt.data)
    if code is None:
        return _form_page(form, gettext("Enter your receipt code. It has 12 letters and "
                                        "numbers, like ABCD-EFGH-JK23."), 400)
    wait = _seconds_to_wait()
    if wait:
        return _form_page(form, gettext("You have tried a lot of codes in a short time. "
                                        "Please try again in an hour."), 429,
                          {"Retry-After": str(wait)})
    response = find_by_receipt(db.session, code)
    if response is None:
        _count_miss()
        if form.confirm.data == "yes":
            # Already deleted (a double tap, or a second tab): her answers are gone.
            session["erased"] = True
            return redirect(url_for("privacy.erased"))
        return _form_page(form, gettext("We could not find answers with this code. Please "
                                        "check it and try again."), 400)
    if form.confirm.data != "yes":
        return _page("privacy/confirm.html", form=form, code=code)
    survey_id = response.survey_id
    deleted = delete_responses(db.session, with_receipt(code))
    from surveyapp.auth.access import audit

    audit("response_erased", target=f"survey {survey_id}", actor=None,
          responses=deleted.responses, answers=deleted.answers, via="receipt code")
    session["erased"] = True
    return redirect(url_for("privacy.erased"))


@bp.get("/erase/done")
def erased() -> Page:
    if not session.pop("erased", False):
        return redirect(url_for("privacy.erase"))
    return _page("privacy/erased.html")


def _form_page(form: ReceiptForm, error: str | None = None, status: int = 200,
               headers: dict[str, str] | None = None) -> Page:
    html = _page("privacy/erase.html", form=form, error=error)
    return html, status, headers or {}


def _page(template: str, **context: Any) -> str:
    return render_template(template, survey_languages=list(current_app.config["LANGUAGES"]),
                           **context)


# --- how many codes one internet address may try ---------------------------------------


@lru_cache(maxsize=8)
def _parsed(limits: str) -> tuple[RateLimitItem, ...]:
    return tuple(parse_many(limits))


def _keys() -> list[tuple[RateLimitItem, tuple[str, ...]]]:
    secret = current_app.secret_key or ""
    key = secret.encode() if isinstance(secret, str) else secret
    address = hmac.new(key, (request.remote_addr or "unknown").encode(),
                       hashlib.sha256).hexdigest()[:24]
    return [(item, ("erase-receipt", address))
            for item in _parsed(current_app.config["ERASURE_RATE_LIMIT"])]


def _seconds_to_wait() -> int:
    """0 if this address may try another code, else seconds until it may."""
    if not limiter.enabled:
        return 0
    try:
        strategy: Any = limiter.limiter
        waits = [max(1, int(strategy.get_window_stats(item, *keys)[0] - time.time()))
                 for item, keys in _keys() if not strategy.test(item, *keys)]
    except Exception:  # the counter store is down: codes are still unguessable  # noqa: BLE001
        current_app.logger.warning("erasure rate limits could not be checked", exc_info=True)
        return 0
    return max(waits, default=0)


def _count_miss() -> None:
    if not limiter.enabled:
        return
    try:
        strategy: Any = limiter.limiter
        for item, keys in _keys():
            strategy.hit(item, *keys)
    except Exception:  # noqa: BLE001 - see _seconds_to_wait
        current_app.logger.warning("a failed erasure code could not be counted",
                                   exc_info=True)

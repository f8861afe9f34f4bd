"""When the database cannot be reached in the middle of her survey.

She gets a kind page (503) in her language instead of an error: whatever her browser sent
(the answers on the page, or her draft token on the check page) is written back into a
form on that page, so pressing "Send again" sends exactly the same thing once the database
answers again. Nothing was stored half-way: each save is one transaction, and the draft
token is the submission's idempotency key (journey.submit), so the retry stores her
response once. The app needs no restart: the pool checks connections before use
(pool_pre_ping) and this request's broken connection is dropped at teardown.
"""

from __future__ import annotations

from flask import current_app, render_template, request
from sqlalchemy.exc import InterfaceError, OperationalError

from surveyapp.extensions import db
from surveyapp.respond import bp
from surveyapp.respond.limits import HONEYPOT_FIELD

# Seconds a phone (or a program) is told to wait before trying again.
RETRY_AFTER = 10


@bp.errorhandler(OperationalError)
@bp.errorhandler(InterfaceError)
def database_unavailable(error: Exception) -> tuple[str, int, dict[str, str]]:
    # An error for whoever runs the service (an outage, or a broken schema, which SQLite
    # also reports as an OperationalError). The statement is in the traceback, never its
    # values (her answers): hide_parameters is on (config.py).
    current_app.logger.error("database unavailable on %s %s", request.method, request.path,
                             exc_info=error)
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the session's connection is as broken as ours
        db.session.remove()
    fields: list[tuple[str, str]] = []
    if request.method == "POST":
        fields = [(name, value) for name, value in request.form.items(multi=True)
                  if name != HONEYPOT_FIELD]
    query = request.query_string.decode("utf-8", "replace")
    action = request.script_root + request.path + (f"?{query}" if query else "")
    html = render_template("respond/unavailable.html", fields=fields, action=action,
                           posted=request.method == "POST")
    return html, 503, {"Retry-After": str(RETRY_AFTER)}

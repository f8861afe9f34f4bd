""""You said, we did": the public page per survey (no login, no JavaScript)."""

from flask import Blueprint

bp = Blueprint("yousaid", __name__)

from surveyapp.yousaid import routes  # noqa: E402,F401  (routes attach to bp)

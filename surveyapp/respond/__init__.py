"""The public respondent journey."""

from flask import Blueprint

bp = Blueprint("respond", __name__, url_prefix="/s")

from surveyapp.respond import outage, routes  # noqa: E402,F401  (routes attach to bp)

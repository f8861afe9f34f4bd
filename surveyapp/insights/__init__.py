"""Reviewer pages: who is missing (and, later, themes and the review pack)."""

from flask import Blueprint

bp = Blueprint("insights", __name__, url_prefix="/insights")

from surveyapp.insights import routes  # noqa: E402,F401  (routes attach to bp)

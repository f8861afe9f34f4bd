"""Reviewer pages: who is missing (and, later, themes and the review pack)."""

from flask import Blueprint

bp = Blueprint("insights", __name__, url_prefix="/insights")

# Routes attach to bp. review: the overview, explorer, exports and review pack;
# actions: "you said, we did"; themes: recurring themes and comments.
from surveyapp.insights import actions, review, routes, themes  # noqa: E402,F401

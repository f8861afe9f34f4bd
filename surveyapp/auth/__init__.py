"""Staff sign-in: login, logout, invitations, session expiry."""

from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/staff")

from surveyapp.auth import routes  # noqa: E402,F401  (routes attach to bp)

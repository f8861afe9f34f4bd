"""Admin pages: users and the audit log, surveys and their translations."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from surveyapp.admin import users  # noqa: E402,F401  (routes attach to bp)

"""Admin pages: staff accounts and the audit log, the survey builder and its translations,
population figures, and responses imported from paper or other tools."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

# Each module attaches its views to bp.
from surveyapp.admin import (  # noqa: E402,F401
    builder,
    erasure,
    population,
    responses_import,
    surveys,
    translations,
    users,
)

"""Admin blueprint: the survey builder, survey translations, and (users.py) staff accounts."""

from importlib.util import find_spec

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from surveyapp.admin import builder, surveys, translations  # noqa: E402,F401  (views attach to bp)

# Staff accounts and the audit log are written separately; load them once they exist.
if find_spec("surveyapp.admin.users") is not None:
    from surveyapp.admin import users  # noqa: E402,F401

# Population benchmarks; responses imported from paper forms or other survey tools.
from surveyapp.admin import population, responses_import  # noqa: E402,F401

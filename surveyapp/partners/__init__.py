"""Partner organisations, their distribution links, QR codes, posters and reach."""

from flask import Blueprint

bp = Blueprint("partners", __name__, url_prefix="/partners")

from surveyapp.partners import routes  # noqa: E402,F401  (routes attach to bp)

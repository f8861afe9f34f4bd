"""Respondents' privacy: erasure by receipt code (a public page) and deleting responses
past the retention period (`flask purge`), both through privacy/erasure.py."""

from flask import Blueprint

bp = Blueprint("privacy", __name__)

from surveyapp.privacy import routes  # noqa: E402,F401  (routes attach to bp)

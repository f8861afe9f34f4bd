"""The staff navigation: each entry shows only to the roles that may use it."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from surveyapp.models import Role

# (endpoint, label, roles). An entry appears once its endpoint exists.
NAV = [
    ("insights.surveys", _l("Who is missing"), {Role.ADMIN, Role.REVIEWER, Role.PARTNER}),
    ("insights.themes_surveys", _l("Themes"), {Role.ADMIN, Role.REVIEWER}),
    ("insights.translation_surveys", _l("Comments to translate"),
     {Role.ADMIN, Role.REVIEWER, Role.PARTNER}),
    ("partners.index", _l("Partners and links"), {Role.ADMIN, Role.PARTNER}),
    ("admin.surveys", _l("Surveys"), {Role.ADMIN}),
    ("admin.population", _l("Population benchmarks"), {Role.ADMIN}),
    ("admin.users", _l("Users"), {Role.ADMIN}),
    ("admin.audit_log", _l("Audit log"), {Role.ADMIN}),
    ("admin.erase_response", _l("Delete a response"), {Role.ADMIN}),
]


def staff_nav_items() -> list[tuple[str, str]]:
    if not current_user.is_authenticated:
        return []
    return [(endpoint, str(label)) for endpoint, label, roles in NAV
            if current_user.role in roles and endpoint in current_app.view_functions]

"""The public list of what is changing because of what women and families said.

Shows only actions marked public, only their public wording (never what was heard, the
owner or the reviewer's notes), in the visitor's language where a current translation
exists, else in English (marked lang="en" so screen readers switch voice).
"""

from __future__ import annotations

from flask import abort, current_app, render_template
from flask_babel import get_locale
from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.insights.actions import public_actions
from surveyapp.insights.overview import definition_for
from surveyapp.models import Survey
from surveyapp.yousaid import bp


@bp.get("/you-said-we-did/<survey_key>")
def public_page(survey_key: str) -> str:
    survey = db.session.scalar(select(Survey).where(Survey.key == survey_key))
    definition = definition_for(survey) if survey is not None else None
    if survey is None or definition is None:
        abort(404)
    locale = str(get_locale() or "en")
    offered = [lang for lang in definition.languages
               if lang in current_app.config["LANGUAGES"]]
    items = []
    for action in public_actions(survey.id):
        wording = action.wording_in(locale)
        translated = locale == "en" or wording != action.public_wording
        items.append({"text": wording, "lang": None if translated else "en",
                      "status": action.status})
    return render_template("yousaid/public.html", title=definition.text(
        "survey.title", definition.title, locale), items=items,
        survey_languages=offered)

"""Putting survey definitions into the database as versions."""

from __future__ import annotations

from sqlalchemy import func, select

from surveyapp.extensions import db
from surveyapp.models import Survey, SurveyStatus, SurveyVersion
from surveyapp.models.base import utcnow
from surveyapp.surveys.definition import Definition, to_document


def add_version(definition: Definition, publish: bool = True) -> SurveyVersion:
    """Add the definition as the survey's next version (creating the survey if new).

    Published versions are never edited: a changed definition is always a new version,
    so every response stays readable against exactly what was asked.
    """
    survey = db.session.scalar(select(Survey).where(Survey.key == definition.key))
    if survey is None:
        survey = Survey(key=definition.key, title=definition.title)
        db.session.add(survey)
        db.session.flush()
    number = (db.session.scalar(
        select(func.max(SurveyVersion.number)).where(SurveyVersion.survey_id == survey.id)
    ) or 0) + 1
    version = SurveyVersion(survey_id=survey.id, number=number,
                            definition=to_document(definition))
    if publish:
        version.published_at = utcnow()
        survey.status = SurveyStatus.LIVE
        survey.title = definition.title
    db.session.add(version)
    db.session.commit()
    return version

"""Typed SQLAlchemy models, one module per aggregate."""

from surveyapp.models.draft import Draft, LinkDailyCount
from surveyapp.models.partner import DistributionLink, Partner, PartnerKind
from surveyapp.models.response import Answer, Response, ResponseSource
from surveyapp.models.survey import Survey, SurveyStatus, SurveyVersion
from surveyapp.models.user import AuditEvent, Role, User, reviewer_survey

__all__ = [
    "Answer",
    "AuditEvent",
    "DistributionLink",
    "Draft",
    "LinkDailyCount",
    "Partner",
    "PartnerKind",
    "Response",
    "ResponseSource",
    "Role",
    "Survey",
    "SurveyStatus",
    "SurveyVersion",
    "User",
    "reviewer_survey",
]

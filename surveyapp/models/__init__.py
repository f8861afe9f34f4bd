"""Typed SQLAlchemy models, one module per aggregate."""

from surveyapp.models.benchmark import (
    BenchmarkCount,
    PopulationBenchmark,
    partner_benchmark,
    survey_benchmark,
)
from surveyapp.models.comment import (
    CommentAnalysis,
    CommentTheme,
    EmergingPhrase,
    ThemeSource,
)
from surveyapp.models.daily_counts import DailyAnswerCount, DailyResponseCount
from surveyapp.models.draft import Draft, LinkDailyCount
from surveyapp.models.partner import DistributionLink, Partner, PartnerKind
from surveyapp.models.response import Answer, Response, ResponseSource
from surveyapp.models.review_action import ActionAbout, ActionStatus, ReviewAction
from surveyapp.models.survey import Survey, SurveyStatus, SurveyVersion
from surveyapp.models.user import AuditEvent, Role, User, reviewer_survey

__all__ = [
    "ActionAbout",
    "ActionStatus",
    "Answer",
    "AuditEvent",
    "BenchmarkCount",
    "CommentAnalysis",
    "CommentTheme",
    "DailyAnswerCount",
    "DailyResponseCount",
    "DistributionLink",
    "Draft",
    "EmergingPhrase",
    "LinkDailyCount",
    "Partner",
    "PartnerKind",
    "PopulationBenchmark",
    "Response",
    "ResponseSource",
    "ReviewAction",
    "Role",
    "Survey",
    "SurveyStatus",
    "SurveyVersion",
    "ThemeSource",
    "User",
    "partner_benchmark",
    "reviewer_survey",
    "survey_benchmark",
]

"""Themes of one survey, read from the stored analyses: counts, trends and themes by group.

Plain functions over a SQLAlchemy session (no Flask), so the reviewer pages, the exports
and the review pack (issue 8) show the same numbers. Everything here reads what the
analysis stored (surveyapp/themes/pipeline.py); nothing is analysed.

Who counts. A respondent "raises" a theme when any of her comments carries it (a
reviewer's removal takes it off); she raises it "negatively" when any of those carries
negative sentiment, "positively" likewise. Each is counted once per theme however many
comments she wrote. Small numbers (1 to ``threshold - 1``) are None.

Functions: :func:`theme_counts` (themes ranked), :func:`overview` (the same and the trend
by month, in one query), :func:`commented_respondents`, :func:`group_differences` (themes
by group, tested and corrected in surveyapp/analysis/theme_differences.py).

Filters (keyword arguments of every function): ``start`` and ``end`` (dates, both
included; a datetime ``end`` is excluded), ``link_ids`` (only responses through these
links), ``fft`` (only respondents whose Friends and Family Test answer is this code, "1"
very good … "5" very poor), ``group`` (``(dimension, group_code)``: only respondents in
that demographic group) and ``version_id`` (only responses to that survey version).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.orm import Session

from surveyapp.analysis import theme_differences
from surveyapp.analysis.themes import NEGATIVE, POSITIVE
from surveyapp.demographics import DEMOGRAPHIC_QUESTIONS, PREFER_NOT_TO_SAY
from surveyapp.models import Answer, CommentAnalysis, CommentTheme, EmergingPhrase, Response
from surveyapp.population import (
    AGE_BAND,
    DEPRIVATION_DECILE,
    DIMENSION_QUESTION,
    ETHNIC_GROUP_5,
    ETHNIC_GROUP_19,
    GROUP_CODES,
    MAIN_LANGUAGE,
    TO_GROUP,
    group_label,
)
from surveyapp.themes import pipeline

DEFAULT_THRESHOLD = 5  # config.SMALL_NUMBER_THRESHOLD; pages pass the app's setting
DISABILITY = "disability"
PROMOTED_PREFIX = pipeline.PROMOTED_PREFIX

#: The dimensions of "themes by group", in the order pages show them.
DIMENSIONS = [ETHNIC_GROUP_5, ETHNIC_GROUP_19, AGE_BAND, MAIN_LANGUAGE, DISABILITY,
              DEPRIVATION_DECILE]
DIMENSION_NAMES = {
    ETHNIC_GROUP_5: "Ethnic group (5 groups)",
    ETHNIC_GROUP_19: "Ethnic group (19 groups)",
    AGE_BAND: "Age band",
    MAIN_LANGUAGE: "Main language",
    DISABILITY: "Long-term condition or disability",
    DEPRIVATION_DECILE: "Deprivation (where known)",
}
_DISABILITY_LABELS = {"yes": "Has a long-term condition or disability",
                      "no": "No long-term condition or disability"}


def dimension_question(dimension: str) -> str | None:
    """The survey question a dimension is read from; None when it is not known yet
    (deprivation needs a postcode lookup the survey does not do)."""
    if dimension == DISABILITY:
        return "disability"
    return DIMENSION_QUESTION.get(dimension)


def group_codes(dimension: str) -> list[str]:
    if dimension == DISABILITY:
        return list(_DISABILITY_LABELS)
    return list(GROUP_CODES.get(dimension, []))


def to_group(dimension: str, option_code: str | None) -> str | None:
    if dimension == DISABILITY:
        return option_code if option_code in _DISABILITY_LABELS else None
    convert = TO_GROUP.get(dimension)
    return convert(option_code) if convert else None


def dimension_group_label(dimension: str, code: str) -> str:
    if dimension == DISABILITY:
        return _DISABILITY_LABELS.get(code, code)
    return group_label(dimension, code)


def option_codes_of_group(dimension: str, group: str) -> list[str]:
    question = dimension_question(dimension)
    if question is None or question not in DEMOGRAPHIC_QUESTIONS:
        return []
    return [o["code"] for o in DEMOGRAPHIC_QUESTIONS[question]["options"]
            if o["code"] != PREFER_NOT_TO_SAY and to_group(dimension, o["code"]) == group]


# --- labels -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ThemeInfo:
    code: str
    label: str
    description: str
    category: str
    promoted: bool = False  # a reviewer made it from a recurring phrase


def themes_of_survey(session: Session, survey_id: int,
                     fw: pipeline.ActiveFramework | None = None) -> dict[str, ThemeInfo]:
    """The framework's themes, then the phrases reviewers promoted for this survey."""
    fw = fw or pipeline.active_framework()
    found = {t.code: ThemeInfo(t.code, t.name, t.description, t.category)
             for t in fw.framework.themes}
    for phrase in session.scalars(select(EmergingPhrase).where(
            EmergingPhrase.survey_id == survey_id, EmergingPhrase.promoted.is_(True))
            .order_by(EmergingPhrase.phrase)):
        code = f"{PROMOTED_PREFIX}{phrase.id}"
        found[code] = ThemeInfo(code, phrase.phrase.capitalize(),
                                f"Comments using the phrase “{phrase.phrase}”, made a theme "
                                "by a reviewer.", "Added by reviewers", promoted=True)
    return found


# --- filters ------------------------------------------------------------------------------


def _day_start(value: date | datetime) -> datetime:
    return value if isinstance(value, datetime) else datetime.combine(value, time.min)


def _day_end(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime.combine(value + timedelta(days=1), time.min)


def rating_key(session: Session, survey_id: int) -> str | None:
    """The survey's Friends and Family Test question, if it has one."""
    questions = pipeline.comment_questions(session, [survey_id]).get(survey_id)
    return questions.rating_keys[0] if questions and questions.rating_keys else None


def narrow(session: Session, query: Select, rows: Any, survey_id: int, *,
            start: date | datetime | None = None, end: date | datetime | None = None,
            link_ids: Iterable[int] | None = None, fft: str | None = None,
            group: tuple[str, str] | None = None, version_id: int | None = None) -> Select:
    """``query`` over ``rows`` (CommentTheme or CommentAnalysis, which carry their
    response's survey, link and hour) narrowed by the filters."""
    query = query.where(rows.survey_id == survey_id)
    if start is not None:
        query = query.where(rows.submitted_at >= _day_start(start))
    if end is not None:
        query = query.where(rows.submitted_at < _day_end(end))
    if link_ids is not None:
        query = query.where(rows.link_id.in_(sorted(set(link_ids))))
    if fft is not None:
        key = rating_key(session, survey_id)
        query = query.where(rows.response_id.in_(
            select(Answer.response_id).where(Answer.survey_id == survey_id,
                                             Answer.question_key == (key or ""),
                                             Answer.option_code == fft)))
    if group is not None:
        dimension, code = group
        query = query.where(rows.response_id.in_(
            select(Answer.response_id).where(
                Answer.survey_id == survey_id,
                Answer.question_key == (dimension_question(dimension) or ""),
                Answer.option_code.in_(option_codes_of_group(dimension, code)))))
    if version_id is not None:
        query = query.where(rows.response_id.in_(
            select(Response.id).where(Response.survey_id == survey_id,
                                      Response.version_id == version_id)))
    return query


def _small(value: int, threshold: int) -> bool:
    return 0 < value < threshold


# --- themes ranked -------------------------------------------------------------------------


@dataclass(frozen=True)
class ThemeCount:
    theme_code: str
    label: str
    category: str
    respondents: int | None  # None: fewer than the threshold
    negative: int | None
    positive: int | None

    @property
    def share_negative(self) -> float | None:
        if not self.respondents or self.negative is None:
            return None
        return self.negative / self.respondents

    @property
    def share_positive(self) -> float | None:
        if not self.respondents or self.positive is None:
            return None
        return self.positive / self.respondents


def theme_counts(session: Session, survey_id: int, *, start: date | datetime | None = None,
                 end: date | datetime | None = None, link_ids: Iterable[int] | None = None,
                 fft: str | None = None, group: tuple[str, str] | None = None,
                 version_id: int | None = None,
                 threshold: int = DEFAULT_THRESHOLD) -> list[ThemeCount]:
    """Every theme raised at all, ranked by the number of respondents raising it (most
    first; themes with a hidden count last, in framework order). One GROUP BY."""
    ct = CommentTheme
    query = narrow(session, select(
        ct.theme_code,
        func.count(func.distinct(ct.response_id)),
        func.count(func.distinct(case((ct.sentiment == NEGATIVE, ct.response_id)))),
        func.count(func.distinct(case((ct.sentiment == POSITIVE, ct.response_id)))),
    ).where(ct.removed_by_reviewer.is_(False)).group_by(ct.theme_code), ct, survey_id,
        start=start, end=end, link_ids=link_ids, fft=fft, group=group, version_id=version_id)
    return _ranked(session, survey_id, session.execute(query).tuples().all(), threshold)


def _ranked(session: Session, survey_id: int, rows: Iterable[tuple[str, int, int, int]],
            threshold: int) -> list[ThemeCount]:
    info = themes_of_survey(session, survey_id)
    order = {code: i for i, code in enumerate(info)}
    found = []
    for code, respondents, negative, positive in rows:
        theme = info.get(code)
        if theme is None:
            continue  # a theme since taken out of the framework
        hidden = respondents < threshold
        found.append(ThemeCount(
            code, theme.label, theme.category,
            None if hidden else respondents,
            None if hidden or _small(negative, threshold) else negative,
            None if hidden or _small(positive, threshold) else positive))
    return sorted(found, key=lambda r: (r.respondents is None, -(r.respondents or 0),
                                        order.get(r.theme_code, 0)))


def commented_respondents(session: Session, survey_id: int, **filters: Any) -> int:
    """Respondents with at least one comment analysed in English (the base of every
    share "of those who commented")."""
    ca = CommentAnalysis
    query = narrow(session, select(func.count(func.distinct(ca.response_id))).where(
        ca.framework_version.is_not(None), ca.needs_translation.is_(False)), ca, survey_id,
        **filters)
    return session.scalar(query) or 0


def _month(session: Session, column: Any) -> Any:
    # SQLite keeps a datetime as ISO text: its first 7 characters are the month, far
    # cheaper than strftime() over hundreds of thousands of rows.
    if session.get_bind().dialect.name == "postgresql":
        return func.date_trunc("month", column)
    return func.substr(column, 1, 7)


def _month_text(value: Any) -> str:
    return value.strftime("%Y-%m") if isinstance(value, datetime) else str(value)[:7]


def overview(session: Session, survey_id: int, *, threshold: int = DEFAULT_THRESHOLD,
             **filters: Any) -> tuple[list[ThemeCount], list[str],
                                      dict[str, dict[str, int | None]]]:
    """What the themes overview shows, from one GROUP BY by theme and month: the themes
    ranked (as :func:`theme_counts`), the months with comments, and for each theme the
    respondents raising it each month (None where 1 to threshold - 1).

    A respondent's comments all carry her response's hour, so she falls in exactly one
    month: the months' distinct counts add up to the theme's."""
    ct = CommentTheme
    month = _month(session, ct.submitted_at)
    query = narrow(session, select(
        ct.theme_code, month,
        func.count(func.distinct(ct.response_id)),
        func.count(func.distinct(case((ct.sentiment == NEGATIVE, ct.response_id)))),
        func.count(func.distinct(case((ct.sentiment == POSITIVE, ct.response_id)))),
    ).where(ct.removed_by_reviewer.is_(False)).group_by(ct.theme_code, month), ct, survey_id,
        **filters)
    months: set[str] = set()
    by_month: dict[str, dict[str, int | None]] = {}
    totals: dict[str, list[int]] = {}
    for code, when, respondents, negative, positive in session.execute(query):
        total = totals.setdefault(code, [0, 0, 0])
        total[0] += respondents
        total[1] += negative
        total[2] += positive
        if when is not None:
            label = _month_text(when)
            months.add(label)
            by_month.setdefault(code, {})[label] = (None if _small(respondents, threshold)
                                                    else respondents)
    return (_ranked(session, survey_id, [(code, *t) for code, t in totals.items()],
                    threshold), sorted(months), by_month)


# --- themes by group ------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupDifference:
    theme_code: str
    label: str
    group_code: str
    group_label: str
    respondents: int | None  # in the group, who commented
    negative: int | None
    share_negative: float | None
    share_others: float | None
    p_value: float | None
    adjusted_p: float | None
    flagged: bool

    @property
    def direction(self) -> str | None:
        if not self.flagged or self.share_negative is None or self.share_others is None:
            return None
        return "higher" if self.share_negative > self.share_others else "lower"


def _by_option(session: Session, survey_id: int, question: str, rows: Any,
               select_from: Sequence[Any], where: Sequence[Any], **filters: Any) -> Select:
    query = (select(*select_from).join(Answer, and_(Answer.response_id == rows.response_id,
                                                    Answer.question_key == question))
             .where(*where))
    return narrow(session, query, rows, survey_id, **filters)


def group_differences(session: Session, survey_id: int, dimension: str, *,
                      start: date | datetime | None = None,
                      end: date | datetime | None = None,
                      link_ids: Iterable[int] | None = None, fft: str | None = None,
                      version_id: int | None = None,
                      threshold: int = DEFAULT_THRESHOLD) -> list[GroupDifference]:
    """For every theme and every group of ``dimension``, the share of the group's
    commenting respondents who raised the theme negatively against everyone else's,
    tested and corrected as surveyapp/analysis/theme_differences.py says. Empty when the
    dimension is not known for this survey (deprivation)."""
    question = dimension_question(dimension)
    if question is None:
        return []
    filters = {"start": start, "end": end, "link_ids": link_ids, "fft": fft,
               "version_id": version_id}
    ca, ct = CommentAnalysis, CommentTheme
    analysed = [ca.framework_version.is_not(None), ca.needs_translation.is_(False)]
    respondents: dict[str, int] = {}
    for code, count in session.execute(_by_option(
            session, survey_id, question, ca,
            [Answer.option_code, func.count(func.distinct(ca.response_id))], analysed,
            **filters).group_by(Answer.option_code)):
        group = to_group(dimension, code)
        if group is not None:
            respondents[group] = respondents.get(group, 0) + count
    total = commented_respondents(session, survey_id, **filters)

    negative: dict[tuple[str, str], int] = {}
    shown = [ct.removed_by_reviewer.is_(False), ct.sentiment == NEGATIVE]
    for theme, code, count in session.execute(_by_option(
            session, survey_id, question, ct,
            [ct.theme_code, Answer.option_code, func.count(func.distinct(ct.response_id))],
            shown, **filters).group_by(ct.theme_code, Answer.option_code)):
        group = to_group(dimension, code)
        if group is not None:
            negative[(theme, group)] = negative.get((theme, group), 0) + count
    negative_total = dict(session.execute(narrow(
        session, select(ct.theme_code, func.count(func.distinct(ct.response_id)))
        .where(*shown).group_by(ct.theme_code), ct, survey_id, **filters)).tuples().all())

    info = themes_of_survey(session, survey_id)
    groups = group_codes(dimension)
    cells = theme_differences.compare(groups, list(info), respondents, total, negative,
                                      negative_total, threshold)
    return [GroupDifference(
        theme_code=c.theme_code, label=info[c.theme_code].label, group_code=c.group_code,
        group_label=dimension_group_label(dimension, c.group_code),
        respondents=c.respondents, negative=c.negative, share_negative=c.share_negative,
        share_others=c.share_others, p_value=c.p_value, adjusted_p=c.adjusted_p,
        flagged=c.flagged) for c in cells]

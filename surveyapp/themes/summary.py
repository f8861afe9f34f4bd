"""Themes of one survey, read from the stored analyses: counts, trends and themes by group.

Plain functions over a SQLAlchemy session (no Flask), so the reviewer pages, the exports
and the review pack (issue 8) show the same numbers. Everything here reads what the
analysis stored (surveyapp/themes/pipeline.py); nothing is analysed.

Who counts. A respondent "raises" a theme when any of her comments carries it (a
reviewer's removal takes it off); she raises it "negatively" when any of those carries
negative sentiment, "positively" likewise. Each is counted once per theme however many
comments she wrote. Small numbers (1 to ``threshold - 1``) are None.

Functions: :func:`theme_counts` (themes ranked), :func:`overview` (the same and the trend
by month, in one query), :func:`commented_respondents` and :func:`commented_shown`,
:func:`group_figures` (every group's figures, protected together) read by
:func:`group_view` (one group) and :func:`group_differences` (themes by group, tested and
corrected in surveyapp/analysis/theme_differences.py).

Filters (keyword arguments of every function): ``start`` and ``end`` (dates, both
included; a datetime ``end`` is excluded), ``link_ids`` (only responses through these
links), ``fft`` (only respondents whose Friends and Family Test answer is this code, "1"
very good … "5" very poor), ``group`` (``(dimension, group_code)``: only respondents in
that demographic group) and ``version_id`` (only responses to that survey version).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.orm import Session

from surveyapp.analysis import theme_differences
from surveyapp.analysis.disclosure import SMALL, Protected, protect, protect_nested
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
    respondents: int | None  # None: not shown (fewer than the threshold, or see reasons)
    negative: int | None
    positive: int | None
    #: Why a hidden figure is hidden ("respondents", "negative", "positive" -> SMALL,
    #: SECONDARY or WITHHELD, surveyapp/analysis/disclosure.py); a hidden figure not
    #: named here is small.
    reasons: dict[str, str] = field(default_factory=dict)

    def reason(self, figure: str) -> str:
        return self.reasons.get(figure, SMALL)

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
    first; themes with a hidden count last, in framework order). One GROUP BY.

    Narrowed to a demographic ``group``, the figures are that group's column of
    :func:`group_figures`, protected together with the other groups (and, for ethnic
    group, the other level); nothing at all when the group itself must not be shown."""
    filters = {"start": start, "end": end, "link_ids": link_ids, "fft": fft,
               "version_id": version_id}
    if group is not None:
        return group_view(session, survey_id, group, threshold=threshold, **filters)[0]
    rows = session.execute(_theme_query(session, survey_id, **filters)).tuples().all()
    return _ranked(session, survey_id, rows, threshold)


def _theme_query(session: Session, survey_id: int, *by: Any, **filters: Any) -> Select:
    """Respondents raising each theme (and negatively, and positively), grouped by theme
    and whatever else ``by`` names."""
    ct = CommentTheme
    return narrow(session, select(
        ct.theme_code, *by,
        func.count(func.distinct(ct.response_id)),
        func.count(func.distinct(case((ct.sentiment == NEGATIVE, ct.response_id)))),
        func.count(func.distinct(case((ct.sentiment == POSITIVE, ct.response_id)))),
    ).where(ct.removed_by_reviewer.is_(False)).group_by(ct.theme_code, *by), ct, survey_id,
        **filters)


def _ranked(session: Session, survey_id: int, rows: Iterable[tuple[str, int, int, int]],
            threshold: int) -> list[ThemeCount]:
    info = themes_of_survey(session, survey_id)
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
    return _in_rank_order(found, info)


def _in_rank_order(found: list[ThemeCount], info: dict[str, ThemeInfo]) -> list[ThemeCount]:
    """Most respondents first; themes with a hidden count last, in framework order."""
    order = {code: i for i, code in enumerate(info)}
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
             group: tuple[str, str] | None = None, **filters: Any
             ) -> tuple[list[ThemeCount], list[str], dict[str, Protected]]:
    """What the themes overview shows, from one GROUP BY by theme and month: the themes
    ranked (as :func:`theme_counts`), the months with comments, and for each theme the
    respondents raising it each month, protected with the theme's total beside them (a
    month's small number is not left as the total less the other months).

    A respondent's comments all carry her response's hour, so she falls in exactly one
    month: the months' distinct counts add up to the theme's.

    Narrowed to a demographic ``group``: the themes as :func:`theme_counts` gives them,
    and no months. Months by group would have to be protected along three ways at once
    (the months, the groups, and for ethnic group its two levels); the trend is shown for
    everyone, and by group the themes page compares groups over the whole period."""
    if group is not None:
        return theme_counts(session, survey_id, group=group, threshold=threshold,
                            **filters), [], {}
    month = _month(session, CommentTheme.submitted_at)
    months: set[str] = set()
    per_month: dict[str, dict[str, int]] = {}
    totals: dict[str, list[int]] = {}
    for code, when, respondents, negative, positive in session.execute(
            _theme_query(session, survey_id, month, **filters)):
        total = totals.setdefault(code, [0, 0, 0])
        total[0] += respondents
        total[1] += negative
        total[2] += positive
        label = _NO_MONTH if when is None else _month_text(when)
        if when is not None:
            months.add(label)
        per_month.setdefault(code, {})[label] = respondents
    ranked = _ranked(session, survey_id, [(code, *t) for code, t in totals.items()],
                     threshold)
    total_shown = {t.theme_code: t.respondents is not None for t in ranked}
    by_month = {code: protect(cells, threshold, total_shown=total_shown.get(code, False))
                for code, cells in per_month.items()}
    return ranked, sorted(months), by_month


_NO_MONTH = "\0no month"  # never shown; keeps the months adding up to the total


# --- themes by group ------------------------------------------------------------------------

_ETHNIC = (ETHNIC_GROUP_5, ETHNIC_GROUP_19)  # one question, two levels: protected together


@dataclass(frozen=True)
class GroupFigures:
    """Every group's figures for one question, protected together.

    The themes pages show them group by group (themes by group) and one group at a time
    (the filter), beside the figures for everyone; for ethnic group, at two levels. So
    each figure is protected as a table across the groups of every level at once, with
    the figure for everyone as its total (surveyapp/analysis/disclosure.py): Asian shown
    beside Indian does not give away a small number of Chinese respondents, and the
    groups shown do not leave the one hidden as everyone less the others.

    ``respondents[level]``: respondents who commented, by group. ``themes[theme][level]``:
    respondents raising the theme, raising it negatively and positively, by group. A
    group hidden in one figure is hidden in those that depend on it (a theme's count
    where the group's number of respondents is hidden; its negative and positive counts
    where that count is).

    Respondents in no group (prefer not to say, no answer) are never shown, but the
    groups' sum is taken as known (everyone less them): with everything shown, a reader
    could often work it out, and they are never counted on to hide anyone."""

    respondents: dict[str, Protected]
    themes: dict[str, dict[str, tuple[Protected, Protected, Protected]]]
    commented: int  # everyone who commented, whatever her group
    totals: dict[str, tuple[int, int, int]]  # each theme's three figures for everyone


def _protect_levels(dimension: str, by_option: dict[str, int], threshold: int,
                    hidden: dict[str, set[str]]) -> dict[str, Protected]:
    """One figure by answer (``by_option``) as a table per level, protected together with
    the groups' sum shown."""
    if dimension in _ETHNIC:
        detail = {code: by_option.get(code, 0) for code in GROUP_CODES[ETHNIC_GROUP_19]}
        parents = {group: [c for c in GROUP_CODES[ETHNIC_GROUP_19]
                           if to_group(ETHNIC_GROUP_5, c) == group]
                   for group in GROUP_CODES[ETHNIC_GROUP_5]}
        top, children = protect_nested(parents, detail, threshold,
                                       hidden.get(ETHNIC_GROUP_5, set()),
                                       hidden.get(ETHNIC_GROUP_19, set()))
        return {ETHNIC_GROUP_5: top, ETHNIC_GROUP_19: children}
    groups = dict.fromkeys(group_codes(dimension), 0)
    for code, count in by_option.items():
        group = to_group(dimension, code)
        if group is not None:
            groups[group] += count
    return {dimension: protect(groups, threshold, hidden=hidden.get(dimension, set()))}


def _hidden_groups(tables: dict[str, Protected]) -> dict[str, set[str]]:
    return {level: {g for g, v in table.cells.items() if v is None}
            for level, table in tables.items()}


def _with_answer(query: Select, rows: Any, question: str) -> Select:
    """``query`` over ``rows`` joined to each row's respondent's answer to ``question``."""
    return query.join(Answer, and_(Answer.response_id == rows.response_id,
                                   Answer.question_key == question))


def group_figures(session: Session, survey_id: int, dimension: str, *,
                  threshold: int = DEFAULT_THRESHOLD, with_themes: bool = True,
                  **filters: Any) -> GroupFigures | None:
    """The figures of :class:`GroupFigures` under the other filters (dates, links, the
    Friends and Family Test answer, version); None when the dimension is not known for
    this survey (deprivation). Four queries; two without ``with_themes`` (the
    respondents alone, for a page that only needs to know whether a group is shown)."""
    question = dimension_question(dimension)
    if question is None:
        return None
    ca, ct = CommentAnalysis, CommentTheme
    analysed = [ca.framework_version.is_not(None), ca.needs_translation.is_(False)]
    commented = dict(session.execute(narrow(session, _with_answer(
        select(Answer.option_code, func.count(func.distinct(ca.response_id))), ca, question)
        .where(*analysed).group_by(Answer.option_code), ca, survey_id, **filters))
        .tuples().all())
    everyone = commented_respondents(session, survey_id, **filters)
    respondents = _protect_levels(dimension, commented, threshold, {})
    by_theme: dict[str, dict[str, list[int]]] = {}
    themes: dict[str, dict[str, tuple[Protected, Protected, Protected]]] = {}
    totals: dict[str, tuple[int, int, int]] = {}
    if not with_themes:
        return GroupFigures(respondents=respondents, themes=themes, commented=everyone,
                            totals=totals)
    for theme, code, *figures in session.execute(_with_answer(
            _theme_query(session, survey_id, Answer.option_code, **filters), ct, question)):
        by_theme.setdefault(theme, {})[code] = figures
    no_respondents = _hidden_groups(respondents)  # so none of their themes either
    for theme, raising_all, negative_all, positive_all in session.execute(
            _theme_query(session, survey_id, **filters)):
        totals[theme] = (raising_all, negative_all, positive_all)
        answers = by_theme.get(theme, {})
        figure = [{code: f[n] for code, f in answers.items()} for n in range(3)]
        raising = _protect_levels(dimension, figure[0], threshold, no_respondents)
        negative, positive = (_protect_levels(dimension, figure[n], threshold,
                                              _hidden_groups(raising)) for n in (1, 2))
        themes[theme] = {level: (raising[level], negative[level], positive[level])
                         for level in raising}
    return GroupFigures(respondents=respondents, themes=themes, commented=everyone,
                        totals=totals)


def group_shown(figures: GroupFigures | None, dimension: str, group: str) -> bool:
    """May figures narrowed to this group be shown at all? Only where its number of
    commenting respondents is shown in :func:`group_figures`."""
    return figures is not None and figures.respondents[dimension].cells.get(group) is not None


def commented_shown(session: Session, survey_id: int, *, threshold: int = DEFAULT_THRESHOLD,
                    group: tuple[str, str] | None = None, **filters: Any
                    ) -> tuple[int | None, str | None]:
    """Respondents who commented under these filters, as a page may show it: (number,
    None), or (None, why it is hidden). Narrowed to a group, hidden whenever the group's
    figures are (pages then show nothing of the group, and exports no rows)."""
    if group is not None:
        dimension, code = group
        return _commented_of(group_figures(session, survey_id, dimension, threshold=threshold,
                                           with_themes=False, **filters), dimension, code)
    count = commented_respondents(session, survey_id, **filters)
    return (None, SMALL) if _small(count, threshold) else (count, None)


def group_view(session: Session, survey_id: int, group: tuple[str, str], *,
               threshold: int = DEFAULT_THRESHOLD, **filters: Any
               ) -> tuple[list[ThemeCount], int | None, str | None]:
    """What the themes overview shows narrowed to a group, from one :func:`group_figures`:
    the themes (as :func:`theme_counts`) and the respondents who commented (as
    :func:`commented_shown`)."""
    dimension, code = group
    figures = group_figures(session, survey_id, dimension, threshold=threshold, **filters)
    return (_column(session, survey_id, figures, dimension, code),
            *_commented_of(figures, dimension, code))


def _commented_of(figures: GroupFigures | None, dimension: str, code: str
                  ) -> tuple[int | None, str | None]:
    if figures is None:
        return None, SMALL
    table = figures.respondents[dimension]
    return table.cells.get(code), table.reason(code)


def _column(session: Session, survey_id: int, figures: GroupFigures | None, dimension: str,
            code: str) -> list[ThemeCount]:
    """One group's themes from its dimension's figures; none when the group is hidden."""
    if not group_shown(figures, dimension, code):
        return []
    assert figures is not None  # noqa: S101 - group_shown says so
    rows, reasons = [], {}
    for theme, levels in figures.themes.items():
        raising, negative, positive = levels[dimension]
        if raising.cells.get(code) == 0:
            continue  # not raised by this group at all
        rows.append((theme, raising.cells.get(code), negative.cells.get(code),
                     positive.cells.get(code)))
        reasons[theme] = {name: table.reason(code) for name, table in
                          (("respondents", raising), ("negative", negative),
                           ("positive", positive)) if table.cells.get(code) is None}
    info = themes_of_survey(session, survey_id)
    return _in_rank_order([ThemeCount(theme, info[theme].label, info[theme].category,
                                      respondents, negative, positive, reasons[theme])
                           for theme, respondents, negative, positive in rows
                           if theme in info], info)


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
    hidden_because: str | None = None  # SMALL, SECONDARY or WITHHELD where not shown

    @property
    def direction(self) -> str | None:
        if not self.flagged or self.share_negative is None or self.share_others is None:
            return None
        return "higher" if self.share_negative > self.share_others else "lower"


def group_differences(session: Session, survey_id: int, dimension: str, *,
                      start: date | datetime | None = None,
                      end: date | datetime | None = None,
                      link_ids: Iterable[int] | None = None, fft: str | None = None,
                      version_id: int | None = None,
                      threshold: int = DEFAULT_THRESHOLD) -> list[GroupDifference]:
    """For every theme and every group of ``dimension``, the share of the group's
    commenting respondents who raised the theme negatively against everyone else's,
    tested and corrected as surveyapp/analysis/theme_differences.py says, from the
    figures of :func:`group_figures` (so a cell hidden there is hidden here). Empty when
    the dimension is not known for this survey (deprivation)."""
    filters = {"start": start, "end": end, "link_ids": link_ids, "fft": fft,
               "version_id": version_id}
    figures = group_figures(session, survey_id, dimension, threshold=threshold, **filters)
    if figures is None:
        return []
    info = themes_of_survey(session, survey_id)
    groups = group_codes(dimension)
    commented = figures.respondents[dimension]
    negative: dict[tuple[str, str], int | None] = {}
    negative_total = {theme: figures.totals[theme][1] for theme in figures.themes}
    why: dict[tuple[str, str], str] = {}
    for theme, levels in figures.themes.items():
        table = levels[dimension][1]
        for group in groups:
            negative[(theme, group)] = table.cells.get(group)
            if commented.cells.get(group) is None:
                why[(theme, group)] = commented.reason(group)
            elif table.cells.get(group) is None:
                why[(theme, group)] = table.reason(group)
    cells = theme_differences.compare(
        groups, list(info), {g: commented.cells.get(g) for g in groups}, figures.commented,
        negative, negative_total, threshold)
    return [GroupDifference(
        theme_code=c.theme_code, label=info[c.theme_code].label, group_code=c.group_code,
        group_label=dimension_group_label(dimension, c.group_code),
        respondents=c.respondents, negative=c.negative, share_negative=c.share_negative,
        share_others=c.share_others, p_value=c.p_value, adjusted_p=c.adjusted_p,
        flagged=c.flagged, hidden_because=why.get((c.theme_code, c.group_code))
        if c.suppressed else None) for c in cells]

"""The review pack: one survey and one period, on one printable page (and as a PDF).

Every figure comes from the same functions as the overview (surveyapp.insights.overview),
who is missing (surveyapp.insights.representation) and the themes
(surveyapp.themes.summary), so the pack, the pages and the exports agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from surveyapp.extensions import db
from surveyapp.insights.overview import Overview, build_overview, link_ids
from surveyapp.insights.queries import Filters
from surveyapp.insights.representation import (
    Counts,
    RepresentationView,
    benchmarks_for,
    representations,
)
from surveyapp.models import ReviewAction, Survey

TOP_THEMES = 8


@dataclass(frozen=True)
class Themes:
    """What keeps coming up, and where groups differ, as the themes summary counts it."""

    top: list[Any] = field(default_factory=list)  # surveyapp.themes.summary.ThemeCount
    differences: list[Any] = field(default_factory=list)  # GroupDifference, flagged only
    quotes: list[tuple[str, str]] = field(default_factory=list)  # (theme label, words)
    available: bool = True

    def sentences(self) -> list[str]:
        return [theme_sentence(theme) for theme in self.top[:5]]

    def difference_sentences(self) -> list[str]:
        return [difference_sentence(d) for d in self.differences[:5]]


def theme_sentence(theme: Any) -> str:
    words = f"{theme.label}: raised by {theme.respondents:,} respondents"
    if theme.negative is not None:
        words += f", {theme.negative:,} of them negatively"
    return words + "."


def difference_sentence(difference: Any) -> str:
    how = "more often" if difference.direction == "higher" else "less often"
    return (f"{difference.group_label} respondents raised “{difference.label}” negatively "
            f"{how} than others ({difference.share_negative:.0%} against "
            f"{difference.share_others:.0%}).")


def _theme_filters(survey_id: int, filters: Filters) -> dict[str, Any]:
    narrowed = filters.link_id is not None or filters.partner_id is not None
    return {"start": filters.date_from, "end": filters.date_to,
            "link_ids": link_ids(survey_id, filters) if narrowed else None,
            "version_id": filters.version_id}


def themes_for(survey: Survey, filters: Filters, threshold: int,
               quotes: bool = False) -> Themes:
    """From surveyapp.themes.summary (issue 5), narrowed by every filter the other figures
    are: dates, partner or link, and survey version."""
    try:
        from surveyapp.themes import summary
    except ImportError:  # pragma: no cover - the themes summary is part of the app
        return Themes(available=False)
    session = db.session
    narrow = _theme_filters(survey.id, filters)
    top = [t for t in summary.theme_counts(session, survey.id, threshold=threshold, **narrow)
           if t.respondents is not None][:TOP_THEMES]
    differences = []
    for dimension in summary.DIMENSIONS:
        differences += [d for d in summary.group_differences(
            session, survey.id, dimension, threshold=threshold, **narrow)
            if d.flagged and d.share_negative is not None and d.share_others is not None]
    differences.sort(key=lambda d: abs(d.share_negative - d.share_others), reverse=True)
    found: list[tuple[str, str]] = []
    if quotes:
        from surveyapp.themes.comments import coded_comments

        seen: set[str] = set()
        for theme in top[:5]:
            # A few candidates, so a comment already quoted for another theme is skipped.
            for comment in coded_comments(session, survey.id, theme_code=theme.theme_code,
                                          limit=5, **narrow):
                if comment.text not in seen:
                    seen.add(comment.text)
                    found.append((theme.label, comment.text))
                    break
    return Themes(top=top, differences=differences, quotes=found)


@dataclass(frozen=True)
class ReviewPack:
    survey: Survey
    filters: Filters
    threshold: int
    made_on: date
    overview: Overview
    views: list[RepresentationView]
    themes: Themes
    actions: list[ReviewAction]

    @property
    def period(self) -> str:
        start, end = self.filters.date_from, self.filters.date_to
        if start and end:
            return f"{start:%-d %B %Y} to {end:%-d %B %Y}"
        if start:
            return f"From {start:%-d %B %Y} to {self.made_on:%-d %B %Y}"
        if end:
            return f"All responses up to {end:%-d %B %Y}"
        return f"All responses up to {self.made_on:%-d %B %Y}"


def build_pack(survey: Survey, filters: Filters, threshold: int, today: date) -> ReviewPack:
    from surveyapp.insights.actions import all_actions

    overview = build_overview(survey, filters, threshold, today)
    views = []
    if not overview.too_few:
        counts = Counts(survey.id, filters)
        views = representations(survey, benchmarks_for(survey), filters, threshold, counts)
    themes = themes_for(survey, filters, threshold, quotes=True) if not overview.too_few \
        else Themes()
    return ReviewPack(survey=survey, filters=filters, threshold=threshold, made_on=today,
                      overview=overview, views=views, themes=themes,
                      actions=all_actions(survey.id))

"""Recurring themes: the overview, themes by group, a theme's page with a reviewer's
edits, the translation queue, new themes to review, and the coded-comment exports.

Reviewers (for the surveys they are given) and admins. Every page reads what the
analysis stored (surveyapp/themes/summary.py, comments.py) and says how many comments
are still waiting; the only analysis a request ever runs is of the one comment a
reviewer has just translated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from surveyapp.analysis.disclosure import SMALL
from surveyapp.analysis.theme_differences import CORRECTION
from surveyapp.analysis.themes import SENTIMENTS
from surveyapp.auth.access import (
    audit,
    reviewable_survey_or_404,
    roles_required,
    same_site_path,
)
from surveyapp.extensions import db
from surveyapp.insights import bp
from surveyapp.insights.routes import Page
from surveyapp.models import (
    CommentAnalysis,
    DistributionLink,
    EmergingPhrase,
    Partner,
    Role,
    Survey,
)
from surveyapp.themes import pipeline, summary
from surveyapp.themes.comments import (
    PAGE_SIZE,
    coded_comments,
    export_csv,
    export_rows,
    export_xlsx,
    translation_count,
    translation_queue,
)
from surveyapp.xlsx import XLSX_MIMETYPE

STAFF = (Role.ADMIN, Role.REVIEWER)
FFT_LABELS = {"1": "Very good", "2": "Good", "3": "Neither good nor poor", "4": "Poor",
              "5": "Very poor"}


def _survey(survey_id: int) -> Survey:
    survey = db.session.get(Survey, survey_id)
    if survey is None:
        abort(404)
    reviewable_survey_or_404(survey.id)
    return survey


def _threshold() -> int:
    return int(current_app.config["SMALL_NUMBER_THRESHOLD"])


def _date(name: str) -> date | None:
    value = request.args.get(name, "")
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None  # a mistyped date shows everything rather than an error page


@dataclass(frozen=True)
class ThemeFilters:
    """What the reviewer narrowed the figures to, as read from the query string."""

    start: date | None = None
    end: date | None = None
    partner_id: int | None = None
    link_id: int | None = None
    fft: str | None = None
    dimension: str | None = None
    group: str | None = None
    link_ids: tuple[int, ...] | None = None

    def kwargs(self, with_group: bool = True) -> dict[str, Any]:
        found: dict[str, Any] = {"start": self.start, "end": self.end,
                                 "link_ids": self.link_ids, "fft": self.fft}
        if with_group:
            found["group"] = (self.dimension, self.group) if self.group else None
        return found

    def args(self) -> dict[str, Any]:
        """The query string that keeps these filters on the next page."""
        pairs = {"from": self.start, "to": self.end, "partner": self.partner_id,
                 "link": self.link_id, "fft": self.fft,
                 "group": f"{self.dimension}:{self.group}" if self.group else None}
        return {k: v for k, v in pairs.items() if v not in (None, "")}


def _filters(survey: Survey) -> ThemeFilters:
    links = _links(survey)
    link_id = request.args.get("link", type=int)
    partner_id = request.args.get("partner", type=int)
    if link_id is not None and link_id not in {link.id for link in links}:
        link_id = None
    link_ids: tuple[int, ...] | None = None
    if link_id is not None:
        link_ids = (link_id,)
    elif partner_id is not None:
        link_ids = tuple(link.id for link in links if link.partner_id == partner_id)
    fft = request.args.get("fft") if request.args.get("fft") in FFT_LABELS else None
    # "ethnic_group_5:black": a group of one dimension.
    dimension, _sep, group = request.args.get("group", "").partition(":")
    if dimension not in summary.DIMENSIONS or summary.dimension_question(dimension) is None:
        dimension = group = None
    elif group not in summary.group_codes(dimension):
        group = None
    return ThemeFilters(_date("from"), _date("to"), partner_id, link_id, fft,
                        dimension or None, group or None, link_ids)


def _links(survey: Survey) -> list[DistributionLink]:
    return list(db.session.scalars(select(DistributionLink).where(
        DistributionLink.survey_id == survey.id).order_by(DistributionLink.label)))


def _filter_choices(survey: Survey) -> dict[str, Any]:
    links = _links(survey)
    partner_ids = {link.partner_id for link in links}
    partners = list(db.session.scalars(select(Partner).where(Partner.id.in_(partner_ids))
                                       .order_by(Partner.name))) if partner_ids else []
    groups = [(d, summary.DIMENSION_NAMES[d], [(g, summary.dimension_group_label(d, g))
                                                for g in summary.group_codes(d)])
              for d in summary.DIMENSIONS if summary.dimension_question(d) is not None]
    return {"links": links, "partners": partners, "fft_labels": FFT_LABELS,
            "group_choices": groups}


@bp.get("/themes")
@roles_required(*STAFF)
def themes_surveys() -> Page:
    visible = [s for s in db.session.scalars(select(Survey).order_by(Survey.title))
               if current_user.can_review(s.id)]
    waiting = {s.id: pipeline.waiting(db.session, s.id) for s in visible}
    return render_template("insights/themes/surveys.html", surveys=visible, waiting=waiting)


@bp.get("/surveys/<int:survey_id>/themes")
@roles_required(*STAFF)
def themes_overview(survey_id: int) -> Page:
    survey = _survey(survey_id)
    filters = _filters(survey)
    threshold = _threshold()
    if filters.group:  # one group's figures, protected with the others' (see summary.py)
        counts, commented, hidden_because = summary.group_view(
            db.session, survey.id, (filters.dimension, filters.group), threshold=threshold,
            **filters.kwargs(with_group=False))
        months, by_month = [], {}
    else:
        counts, months, by_month = summary.overview(db.session, survey.id,
                                                    threshold=threshold, **filters.kwargs())
        commented, hidden_because = summary.commented_shown(db.session, survey.id,
                                                            threshold=threshold,
                                                            **filters.kwargs())
    return render_template(
        "insights/themes/overview.html", survey=survey, filters=filters, counts=counts,
        commented=commented, hidden_because=hidden_because, months=months,
        by_month=by_month, threshold=threshold,
        waiting=pipeline.waiting(db.session, survey.id), **_filter_choices(survey))


@bp.get("/surveys/<int:survey_id>/themes/by-group")
@roles_required(*STAFF)
def themes_by_group(survey_id: int) -> Page:
    survey = _survey(survey_id)
    filters = _filters(survey)
    threshold = _threshold()
    dimension = request.args.get("by")
    if dimension not in summary.DIMENSIONS:
        dimension = summary.DIMENSIONS[0]
    cells = summary.group_differences(db.session, survey.id, dimension, threshold=threshold,
                                      **filters.kwargs(with_group=False))
    themes: dict[str, list[summary.GroupDifference]] = {}
    for cell in cells:
        themes.setdefault(cell.theme_code, []).append(cell)
    groups = [(g, summary.dimension_group_label(dimension, g))
              for g in summary.group_codes(dimension)]
    return render_template(
        "insights/themes/by_group.html", survey=survey, filters=filters, themes=themes,
        dimension=dimension, dimension_names=summary.DIMENSION_NAMES, groups=groups,
        known=summary.dimension_question(dimension) is not None, threshold=threshold,
        correction=CORRECTION, flagged=[c for c in cells if c.flagged],
        waiting=pipeline.waiting(db.session, survey.id), **_filter_choices(survey))


@bp.get("/surveys/<int:survey_id>/themes/<theme_code>")
@roles_required(*STAFF)
def theme_page(survey_id: int, theme_code: str) -> Page:
    survey = _survey(survey_id)
    info = summary.themes_of_survey(db.session, survey.id)
    theme = info.get(theme_code)
    if theme is None:
        abort(404)
    filters = _filters(survey)
    threshold = _threshold()
    group_hidden = False  # a group whose figures are hidden to protect another's
    if filters.group:
        ranked, commented, why = summary.group_view(
            db.session, survey.id, (filters.dimension, filters.group), threshold=threshold,
            **filters.kwargs(with_group=False))
        group_hidden = commented is None and why != SMALL
    else:
        ranked = summary.theme_counts(db.session, survey.id, threshold=threshold,
                                      **filters.kwargs())
    count = {c.theme_code: c for c in ranked}.get(theme_code)
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    # Quotes only when enough respondents raised the theme that none can be singled out.
    comments = []
    if count is not None and count.respondents is not None:
        comments = coded_comments(db.session, survey.id, theme_code=theme_code,
                                  limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE,
                                  **filters.kwargs())
    return render_template(
        "insights/themes/theme.html", survey=survey, theme=theme, count=count,
        comments=comments[:PAGE_SIZE], more=len(comments) > PAGE_SIZE, page=page,
        group_hidden=group_hidden,
        filters=filters, threshold=threshold, all_themes=list(info.values()),
        sentiments=SENTIMENTS, waiting=pipeline.waiting(db.session, survey.id),
        **_filter_choices(survey))


def _analysis_of(survey: Survey, analysis_id: int) -> CommentAnalysis:
    row = db.session.get(CommentAnalysis, analysis_id)
    if row is None or row.survey_id != survey.id:
        abort(404)
    return row


def _back(default: str) -> str:
    """Back to the page the form was on (same site only)."""
    target = request.form.get("next", "")
    return target if same_site_path(target) else default


@bp.post("/surveys/<int:survey_id>/comments/<int:analysis_id>/themes")
@roles_required(*STAFF)
def edit_comment_theme(survey_id: int, analysis_id: int) -> Page:
    """A reviewer adds a theme to a comment (or sets its sentiment), or removes one."""
    survey = _survey(survey_id)
    row = _analysis_of(survey, analysis_id)
    code = request.form.get("theme", "")
    action = request.form.get("action")
    back = _back(url_for("insights.themes_overview", survey_id=survey.id))
    if code not in summary.themes_of_survey(db.session, survey.id):
        flash(_("Select a theme"))
        return redirect(back)
    if action == "remove":
        pipeline.remove_theme(db.session, row.id, code, current_user.id)
        audit("theme_removed", target=f"comment {row.id}", theme=code, survey=survey.key)
        flash(_("Took the theme off the comment. Re-analysis will not put it back."))
    elif action == "add" and request.form.get("sentiment") in SENTIMENTS:
        pipeline.add_theme(db.session, row.id, code, request.form["sentiment"],
                           current_user.id)
        audit("theme_added", target=f"comment {row.id}", theme=code, survey=survey.key,
              sentiment=request.form["sentiment"])
        flash(_("Added the theme to the comment. Re-analysis will keep it."))
    else:
        flash(_("Select whether the comment about this theme is positive, mixed, neutral "
                "or negative"))
    return redirect(back)


# Translating: reviewers and admins, and community partners for the comments that came
# through their own organisation's links (the issue: "a reviewer or partner adds an
# English translation").
TRANSLATORS = (Role.ADMIN, Role.REVIEWER, Role.PARTNER)


def _own_links(survey: Survey | None = None) -> list[int] | None:
    """A partner's own link ids (in ``survey``), or None for reviewers and admins."""
    if current_user.role != Role.PARTNER:
        return None
    query = select(DistributionLink.id).where(
        DistributionLink.partner_id == current_user.partner_id)
    if survey is not None:
        query = query.where(DistributionLink.survey_id == survey.id)
    return list(db.session.scalars(query))


def _translation_survey(survey_id: int) -> Survey:
    survey = db.session.get(Survey, survey_id)
    if survey is None:
        abort(404)
    if current_user.role == Role.PARTNER:
        if not _own_links(survey):
            abort(404)
    else:
        reviewable_survey_or_404(survey.id)
    return survey


def _translation_page(survey: Survey, status: int = 200, **extra: Any) -> Page:
    own = _own_links(survey)
    page = render_template(
        "insights/themes/translations.html", survey=survey,
        comments=translation_queue(db.session, survey.id, link_ids=own),
        waiting=None if own is not None else pipeline.waiting(db.session, survey.id),
        errors=extra.get("errors", {}), typed=extra.get("typed", {}))
    return (page, status) if status != 200 else page


@bp.get("/translations")
@roles_required(*TRANSLATORS)
def translation_surveys() -> Page:
    own = _own_links()
    query = select(Survey).order_by(Survey.title)
    if own is not None:
        query = query.where(Survey.id.in_(select(DistributionLink.survey_id).where(
            DistributionLink.id.in_(own))))
    visible = [s for s in db.session.scalars(query)
               if own is not None or current_user.can_review(s.id)]
    counts = {s.id: translation_count(db.session, s.id, link_ids=own) for s in visible}
    return render_template("insights/themes/translation_surveys.html", surveys=visible,
                           counts=counts)


@bp.get("/surveys/<int:survey_id>/translations")
@roles_required(*TRANSLATORS)
def translation_page(survey_id: int) -> Page:
    return _translation_page(_translation_survey(survey_id))


@bp.post("/surveys/<int:survey_id>/translations/<int:analysis_id>")
@roles_required(*TRANSLATORS)
def save_translation(survey_id: int, analysis_id: int) -> Page:
    survey = _translation_survey(survey_id)
    row = _analysis_of(survey, analysis_id)
    own = _own_links(survey)
    if own is not None and row.link_id not in own:
        abort(404)  # another organisation's comment: as if it did not exist
    if not row.needs_translation:
        flash(_("That comment has already been translated."))
        return redirect(url_for("insights.translation_page", survey_id=survey.id))
    text = request.form.get("translation", "")
    try:
        # Analyses this one comment now (a staff request, never a respondent's).
        pipeline.add_translation(db.session, row.id, text, current_user.id)
    except pipeline.TranslationProblem as problem:
        db.session.rollback()
        return _translation_page(survey, 400, errors={analysis_id: str(problem)},
                                 typed={analysis_id: text})
    audit("comment_translated", target=f"comment {row.id}", survey=survey.key)
    flash(_("Saved the translation. The comment has been analysed."))
    return redirect(url_for("insights.translation_page", survey_id=survey.id))


@bp.get("/surveys/<int:survey_id>/themes/new")
@roles_required(*STAFF)
def emerging_page(survey_id: int) -> Page:
    survey = _survey(survey_id)
    phrases = list(db.session.scalars(select(EmergingPhrase).where(
        EmergingPhrase.survey_id == survey.id).order_by(
        EmergingPhrase.respondents.desc(), EmergingPhrase.phrase)))
    return render_template(
        "insights/themes/emerging.html", survey=survey,
        to_review=[p for p in phrases if not (p.promoted or p.dismissed)],
        promoted=[p for p in phrases if p.promoted],
        dismissed=[p for p in phrases if p.dismissed and not p.promoted],
        waiting=pipeline.waiting(db.session, survey.id), prefix=summary.PROMOTED_PREFIX)


@bp.post("/surveys/<int:survey_id>/themes/new/<int:phrase_id>")
@roles_required(*STAFF)
def review_phrase(survey_id: int, phrase_id: int) -> Page:
    """Dismiss a recurring phrase, or promote it into a theme of this survey: it is kept
    in the database with the phrase as its pattern (the framework file is never written
    at run time), and the survey's comments that contain it are queued to be analysed
    again so that the worker finds it in them; reviewers' own edits are kept."""
    survey = _survey(survey_id)
    phrase = db.session.get(EmergingPhrase, phrase_id)
    if phrase is None or phrase.survey_id != survey.id:
        abort(404)
    action = request.form.get("action")
    if action == "promote":
        phrase.promoted, phrase.dismissed = True, False
        db.session.commit()
        queued = pipeline.mark_containing(db.session, survey.id, phrase.phrase)
        audit("phrase_promoted", target=phrase.phrase[:200], survey=survey.key)
        flash(_("“%(phrase)s” is now a theme. %(count)s comments are queued to be analysed "
                "again to find it.", phrase=phrase.phrase, count=queued))
    elif action == "dismiss":
        phrase.dismissed = True
        db.session.commit()
        audit("phrase_dismissed", target=phrase.phrase[:200], survey=survey.key)
        flash(_("“%(phrase)s” will not be suggested again.", phrase=phrase.phrase))
    elif action == "restore":
        phrase.dismissed = False
        db.session.commit()
        flash(_("“%(phrase)s” is back in the list to review.", phrase=phrase.phrase))
    return redirect(url_for("insights.emerging_page", survey_id=survey.id))


def _export(survey_id: int) -> tuple[Survey, Any, list[summary.ThemeCount]]:
    survey = _survey(survey_id)
    filters = _filters(survey)
    threshold = _threshold()
    rows = export_rows(db.session, survey.id, threshold, **filters.kwargs())
    counts = summary.theme_counts(db.session, survey.id, threshold=threshold,
                                  **filters.kwargs())
    return survey, rows, counts


@bp.get("/surveys/<int:survey_id>/themes/comments.csv")
@roles_required(*STAFF)
def export_comments_csv(survey_id: int) -> Page:
    survey, rows, _counts = _export(survey_id)
    body = export_csv(rows)
    audit("export_coded_comments", target=survey.key, format="csv")
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="coded-comments-{survey.key}.csv"'})


@bp.get("/surveys/<int:survey_id>/themes/comments.xlsx")
@roles_required(*STAFF)
def export_comments_xlsx(survey_id: int) -> Page:
    survey, rows, counts = _export(survey_id)
    body = export_xlsx(rows, counts)
    audit("export_coded_comments", target=survey.key, format="xlsx")
    return send_file(body, mimetype=XLSX_MIMETYPE, as_attachment=True,
                     download_name=f"coded-comments-{survey.key}.xlsx")

"""The overview of a survey (reviewers and admins; partners see their own links' part)."""

from __future__ import annotations

import dataclasses
from datetime import date

from flask import Response, abort, current_app, render_template, request, send_file
from sqlalchemy import select

from surveyapp.auth.access import audit, roles_required
from surveyapp.extensions import db
from surveyapp.insights import bp, exports
from surveyapp.insights.overview import build_overview
from surveyapp.insights.queries import Filters
from surveyapp.insights.routes import Page, _filters, _own_partner, _survey_or_404
from surveyapp.models import DistributionLink, Role, Survey, SurveyVersion
from surveyapp.themes.pipeline import waiting
from surveyapp.xlsx import XLSX_MIMETYPE


def review_filters(survey: Survey) -> Filters:
    """The page's filters, with the survey version (one of this survey's, or none)."""
    filters = _filters(survey)
    version_id = request.args.get("version", type=int)
    if version_id is not None and db.session.scalar(select(SurveyVersion.id).where(
            SurveyVersion.id == version_id, SurveyVersion.survey_id == survey.id)) is None:
        version_id = None
    return dataclasses.replace(filters, version_id=version_id)


def filter_choices(survey: Survey) -> dict[str, object]:
    link_query = select(DistributionLink).where(DistributionLink.survey_id == survey.id)
    if _own_partner() is not None:
        link_query = link_query.where(DistributionLink.partner_id == _own_partner())
    links = db.session.scalars(link_query.order_by(DistributionLink.label)).all()
    versions = db.session.scalars(select(SurveyVersion).where(
        SurveyVersion.survey_id == survey.id, SurveyVersion.published_at.is_not(None))
        .order_by(SurveyVersion.number)).all()
    return {"links": links, "partners": sorted({link.partner for link in links},
                                                key=lambda p: p.name),
            "versions": versions}


def today() -> date:
    return date.today()


@bp.get("/surveys/<int:survey_id>/overview")
@roles_required(Role.ADMIN, Role.REVIEWER, Role.PARTNER)
def overview_page(survey_id: int) -> Page:
    survey = _survey_or_404(survey_id)
    filters = review_filters(survey)
    threshold = current_app.config["SMALL_NUMBER_THRESHOLD"]
    view = build_overview(survey, filters, threshold, today(), partner_id=_own_partner())
    reviewer = _own_partner() is None
    themes = None
    if reviewer and not view.too_few:
        from surveyapp.insights.pack import themes_for

        themes = themes_for(survey, filters, threshold)
    return render_template("insights/overview.html", survey=survey, view=view,
                           filters=filters, threshold=threshold, reviewer=reviewer,
                           waiting=waiting(db.session, survey.id) if reviewer else None,
                           themes=themes, **filter_choices(survey))


# --- responses explorer and exports (reviewers and admins only) --------------------------

PAGE_SIZE = 20


def _reviewer_survey(survey_id: int) -> Survey:
    survey = _survey_or_404(survey_id)
    if _own_partner() is not None:
        abort(404)
    return survey


@bp.get("/surveys/<int:survey_id>/responses")
@roles_required(Role.ADMIN, Role.REVIEWER)
def explorer(survey_id: int) -> Page:
    survey = _reviewer_survey(survey_id)
    filters = review_filters(survey)
    threshold = current_app.config["SMALL_NUMBER_THRESHOLD"]
    columns = exports.columns_for(survey)
    chosen = exports.answer_filters(request.args, columns)
    matched = exports.count_matching(survey.id, filters, chosen)
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    shown = [] if matched < threshold else list(exports.rows(
        survey, columns, filters, chosen, threshold, limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE))
    return render_template("insights/explorer.html", survey=survey, filters=filters,
                           threshold=threshold, columns=columns, chosen=chosen,
                           matched=matched, rows=shown, page=page, page_size=PAGE_SIZE,
                           header=columns.header, **filter_choices(survey))


@bp.get("/surveys/<int:survey_id>/responses.<any(csv, xlsx):format>")
@roles_required(Role.ADMIN, Role.REVIEWER)
def export_responses(survey_id: int, format: str) -> Page:  # noqa: A002 - the URL's word
    survey = _reviewer_survey(survey_id)
    filters = review_filters(survey)
    threshold = current_app.config["SMALL_NUMBER_THRESHOLD"]
    columns = exports.columns_for(survey)
    chosen = exports.answer_filters(request.args, columns)
    body = exports.rows(survey, columns, filters, chosen, threshold)
    audit("export_responses", target=survey.key, format=format,
          filters={k: v for k, v in request.args.items()})
    name = f"responses-{survey.key}.{format}"
    if format == "csv":
        return send_file(exports.as_csv(columns.header, body, threshold),
                         mimetype="text/csv; charset=utf-8", as_attachment=True,
                         download_name=name)
    return send_file(exports.as_xlsx(columns.header, body, columns, threshold),
                     mimetype=XLSX_MIMETYPE, as_attachment=True, download_name=name)


# --- the printable review pack -----------------------------------------------------------


def _pack_html(survey: Survey, pdf: bool = False) -> str:
    from surveyapp.insights.actions import STATUS_LABELS
    from surveyapp.insights.pack import build_pack

    filters = review_filters(survey)
    threshold = current_app.config["SMALL_NUMBER_THRESHOLD"]
    pack = build_pack(survey, filters, threshold, today())
    return render_template("insights/pack.html", survey=survey, pack=pack, view=pack.overview,
                           threshold=threshold, filters=filters, pdf=pdf,
                           status_labels=STATUS_LABELS,
                           query=request.query_string.decode())


@bp.get("/surveys/<int:survey_id>/pack")
@roles_required(Role.ADMIN, Role.REVIEWER)
def review_pack(survey_id: int) -> Page:
    survey = _reviewer_survey(survey_id)
    return _pack_html(survey)


@bp.get("/surveys/<int:survey_id>/pack.pdf")
@roles_required(Role.ADMIN, Role.REVIEWER)
def review_pack_pdf(survey_id: int) -> Page:
    from surveyapp.insights.pdf import PdfUnavailable, html_to_pdf

    survey = _reviewer_survey(survey_id)
    html = _pack_html(survey, pdf=True)
    try:
        data = html_to_pdf(html, current_app.static_folder or "", current_app.static_url_path)
    except PdfUnavailable:
        return render_template("insights/pack_no_pdf.html", survey=survey), 503
    audit("export_review_pack", target=survey.key, format="pdf",
          filters={k: v for k, v in request.args.items()})
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="review-pack-{survey.key}.pdf"'})

"""Who is missing: the representation page and its CSV, for reviewers and admins."""

from __future__ import annotations

import csv
import io
from datetime import date

from flask import Response, abort, current_app, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response as WerkzeugResponse

from surveyapp.analysis.disclosure import shown_total
from surveyapp.auth.access import audit, reviewable_survey_or_404, roles_required
from surveyapp.extensions import db
from surveyapp.insights import bp
from surveyapp.insights.queries import Filters, response_count
from surveyapp.insights.representation import (
    CSV_COLUMNS,
    LINK_CSV_COLUMNS,
    Counts,
    benchmarks_for,
    csv_rows,
    link_csv_rows,
    representations,
)
from surveyapp.models import DistributionLink, Role, Survey

Page = str | WerkzeugResponse | tuple[str, int]


def _survey_or_404(survey_id: int) -> Survey:
    survey = db.session.get(Survey, survey_id)
    if survey is None:
        abort(404)
    if current_user.role == Role.PARTNER:
        # A partner sees the survey only through her own organisation's links.
        if not db.session.scalar(select(DistributionLink.id).where(
                DistributionLink.survey_id == survey.id,
                DistributionLink.partner_id == current_user.partner_id).limit(1)):
            abort(404)
    else:
        reviewable_survey_or_404(survey.id)
    return survey


def _own_partner() -> int | None:
    return current_user.partner_id if current_user.role == Role.PARTNER else None


def _date(name: str) -> date | None:
    value = request.args.get(name, "")
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None  # a mistyped date shows everything rather than an error page


def _filters(survey: Survey) -> Filters:
    """The reviewer's filters; a partner's are always narrowed to her own links."""
    link_id = request.args.get("link", type=int)
    partner_id = _own_partner() or request.args.get("partner", type=int)
    link_query = select(DistributionLink.id).where(DistributionLink.id == link_id,
                                                   DistributionLink.survey_id == survey.id)
    if _own_partner() is not None:
        link_query = link_query.where(DistributionLink.partner_id == _own_partner())
    if link_id is not None and db.session.scalar(link_query) is None:
        link_id = None
    return Filters(date_from=_date("from"), date_to=_date("to"), partner_id=partner_id,
                   link_id=link_id)


@bp.get("/surveys")
@roles_required(Role.ADMIN, Role.REVIEWER, Role.PARTNER)
def surveys() -> Page:
    query = select(Survey).order_by(Survey.title)
    threshold = current_app.config["SMALL_NUMBER_THRESHOLD"]
    if _own_partner() is not None:
        query = query.where(Survey.id.in_(select(DistributionLink.survey_id).where(
            DistributionLink.partner_id == _own_partner())))
        visible = list(db.session.scalars(query))
        # Her own links' responses are a small group too: "fewer than N" under the threshold.
        return render_template("insights/surveys.html", surveys=visible, threshold=threshold,
                               counts={s.id: shown_total(response_count(
                                   s.id, Filters(partner_id=_own_partner())), threshold)
                                   for s in visible})
    visible = [s for s in db.session.scalars(query) if current_user.can_review(s.id)]
    return render_template("insights/surveys.html", surveys=visible, threshold=threshold,
                           counts={s.id: shown_total(response_count(s.id), threshold)
                                   for s in visible})


@bp.get("/surveys/<int:survey_id>/representation")
@roles_required(Role.ADMIN, Role.REVIEWER, Role.PARTNER)
def representation_page(survey_id: int) -> Page:
    survey = _survey_or_404(survey_id)
    filters = _filters(survey)
    threshold = current_app.config["SMALL_NUMBER_THRESHOLD"]
    counts = Counts(survey.id, filters)
    views = representations(survey, benchmarks_for(survey, _own_partner()), filters,
                            threshold, counts)
    link_query = select(DistributionLink).where(DistributionLink.survey_id == survey.id)
    if _own_partner() is not None:
        link_query = link_query.where(DistributionLink.partner_id == _own_partner())
    links = db.session.scalars(link_query.order_by(DistributionLink.label)).all()
    partners = sorted({link.partner for link in links}, key=lambda p: p.name)
    by_link_csv = url_for("insights.representation_csv", survey_id=survey.id,
                          **{**request.args.to_dict(), "table": "links"})
    return render_template("insights/representation.html", survey=survey, views=views,
                           filters=filters, links=links, partners=partners,
                           threshold=threshold, total=counts.responses,
                           by_link_csv=by_link_csv)


@bp.get("/surveys/<int:survey_id>/representation.csv")
@roles_required(Role.ADMIN, Role.REVIEWER, Role.PARTNER)
def representation_csv(survey_id: int) -> Page:
    survey = _survey_or_404(survey_id)
    filters = _filters(survey)
    threshold = current_app.config["SMALL_NUMBER_THRESHOLD"]
    # ?table=links: the table by link and group instead of the table by group.
    by_link = request.args.get("table") == "links"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=LINK_CSV_COLUMNS if by_link else CSV_COLUMNS)
    writer.writeheader()
    counts = Counts(survey.id, filters)
    for view in representations(survey, benchmarks_for(survey, _own_partner()), filters,
                                threshold, counts):
        if counts.responses < threshold:
            break  # as on the page: too few responses to break down at all
        writer.writerows(link_csv_rows(view) if by_link else csv_rows(view))
    audit("export_representation_csv", target=survey.key)
    name = f"representation-by-link-{survey.key}" if by_link else f"representation-{survey.key}"
    return Response(out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{name}.csv"'})



"""Admin: population benchmarks. The list, importing a file, one benchmark's counts, and
which benchmarks a survey or a partner is compared against (one per dimension).

Imports check the whole file first (surveyapp.population.formats) and store all of it
or nothing (surveyapp.population.store); every import and every change of assignment
is in the audit log.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import func, or_, select
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms import BooleanField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from surveyapp.admin import bp
from surveyapp.auth.access import audit, roles_required
from surveyapp.extensions import csrf, db
from surveyapp.forms import StaffForm, choices
from surveyapp.models import BenchmarkCount, Partner, PopulationBenchmark, Role, Survey
from surveyapp.population import (
    AREA_TYPES,
    DIMENSION_LABELS,
    DIMENSIONS,
    GROUP_CODES,
    POPULATIONS,
    group_label,
)
from surveyapp.population.formats import (
    MAX_FILE_BYTES,
    ParsedFile,
    PopulationImportError,
    Problem,
    parse_census_ts021,
    parse_generic,
    parse_nhs_maternity,
    read_stream,
)
from surveyapp.population.store import Owner, assign, assigned, save_benchmarks, unassign

Page = str | WerkzeugResponse | tuple[str, int]
UPLOAD_REQUEST_LIMIT = MAX_FILE_BYTES + 64 * 1024  # the file and the form's other fields
MAX_PROBLEMS_SHOWN = 100
MAX_WARNINGS_SHOWN = 50
PAGE_SIZE = 100

CENSUS, MATERNITY, GENERIC = "census-ts021", "nhs-maternity", "generic"
FORMAT_LABELS = {
    CENSUS: _l("ONS Census 2021 table TS021, ethnic group (the bulk CSV from Nomis)"),
    MATERNITY: _l("NHS Maternity Statistics CSV: deliveries by ethnic group, age and "
                  "deprivation"),
    GENERIC: _l("Your own counts: a CSV with the header group_code,count"),
}
#: "Ethnic group (5, NHS maternity)": capitalised without lowering the rest, as Jinja's
#: capitalize filter would.
DIMENSION_TITLES = {d: label[:1].upper() + label[1:] for d, label in DIMENSION_LABELS.items()}
POPULATION_LABELS = {"residents": _l("People who live in the area (residents)"),
                     "births": _l("Women giving birth (deliveries or bookings)")}


def accepts_large_upload(view: Callable[..., Any]) -> Callable[..., Any]:
    """Let this view read a file of up to MAX_FILE_BYTES (the app allows 256 KB).

    The app-wide CSRF check reads the form before any view runs, with the app-wide
    limit, so the view is exempt from it: its FlaskForm checks the CSRF token itself
    in validate_on_submit(), before anything is stored.
    """

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        request.max_content_length = UPLOAD_REQUEST_LIMIT
        return view(*args, **kwargs)

    return csrf.exempt(wrapped)  # type: ignore[no-any-return]


class UploadForm(StaffForm):
    format = RadioField(_l("What kind of file is it?"),
                        validators=[DataRequired(_l("Select what kind of file it is"))])
    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a CSV file"))],
                     description=_l("UTF-8 CSV, 20 MB or smaller."))
    codes = StringField(_l("Only these areas or organisations (optional)"),
                        validators=[Length(max=2000)],
                        description=_l("Codes separated by spaces or commas, for example "
                                       "E08000025 or RQ3 (National for England in NHS "
                                       "files). Leave empty to import every row."))
    replace = BooleanField(_l("Replace benchmarks that already exist with the same name"))
    # Only for your own counts (generic):
    dimension = SelectField(_l("What the counts are of"), validate_choice=False)
    population = RadioField(_l("Who is counted"), validate_choice=False)
    area_name = StringField(_l("Area or organisation name"), validators=[Length(max=200)])
    area_code = StringField(_l("Area or organisation code (optional)"),
                            validators=[Length(max=32)])
    area_type = SelectField(_l("Kind of area"), validate_choice=False)
    source = StringField(_l("Source of the figures, with their licence or permission"),
                         validators=[Length(max=500)],
                         description=_l("For example: Booking data, Birmingham Women's and "
                                        "Children's NHS Foundation Trust, April 2024 to "
                                        "March 2025, used with the trust's permission"))
    period = StringField(_l("Period"), validators=[Length(max=32)],
                         description=_l("For example 2024-25"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.format.choices = choices(FORMAT_LABELS.items())
        self.dimension.choices = choices([("", "—"), *[(d, DIMENSION_TITLES[d])
                                                        for d in DIMENSIONS]])
        self.population.choices = choices(POPULATION_LABELS.items())
        self.area_type.choices = choices(AREA_TYPES.items())
        if not self.area_type.data:
            self.area_type.data = "custom"

    @property
    def generic(self) -> bool:
        return self.format.data == GENERIC

    def _needed_for_generic(self, field: Any, message: str) -> None:
        if self.generic and not field.data:
            raise ValidationError(message)

    def validate_dimension(self, field: SelectField) -> None:
        self._needed_for_generic(field, _("Select what the counts are of"))
        if self.generic and field.data not in DIMENSIONS:
            raise ValidationError(_("Select one of the kinds of count listed"))

    def validate_population(self, field: RadioField) -> None:
        self._needed_for_generic(field, _("Select who is counted"))
        if self.generic and field.data not in POPULATIONS:
            raise ValidationError(_("Select who is counted"))

    def validate_area_name(self, field: StringField) -> None:
        self._needed_for_generic(field, _("Enter the area or organisation name"))

    def validate_area_type(self, field: SelectField) -> None:
        if self.generic and field.data not in AREA_TYPES:
            raise ValidationError(_("Select the kind of area"))

    def validate_source(self, field: StringField) -> None:
        self._needed_for_generic(field, _("Enter where the figures come from"))

    def validate_period(self, field: StringField) -> None:
        self._needed_for_generic(field, _("Enter the period the figures cover"))

    def parse(self, data: bytes) -> ParsedFile:
        codes = (self.codes.data or "").split() or None
        if self.format.data == CENSUS:
            return parse_census_ts021(data, areas=codes)
        if self.format.data == MATERNITY:
            return parse_nhs_maternity(data, orgs=codes)
        return parse_generic(
            data, dimension=self.dimension.data, area_name=self.area_name.data,
            area_code=self.area_code.data or None, area_type=self.area_type.data,
            population=self.population.data, source=self.source.data,
            period=self.period.data)


@bp.get("/population")
@roles_required(Role.ADMIN)
def population() -> Page:
    dimension = request.args.get("dimension") or None
    search = (request.args.get("q") or "").strip()[:100]
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    query = select(PopulationBenchmark).order_by(
        PopulationBenchmark.builtin.desc(), PopulationBenchmark.name)
    if dimension in DIMENSIONS:
        query = query.where(PopulationBenchmark.dimension == dimension)
    if search:
        pattern = f"%{search.lower()}%"
        query = query.where(or_(func.lower(PopulationBenchmark.name).like(pattern),
                                func.lower(PopulationBenchmark.area_code).like(pattern)))
    benchmarks = db.session.scalars(query.limit(PAGE_SIZE + 1)
                                    .offset((page - 1) * PAGE_SIZE)).all()
    shown = benchmarks[:PAGE_SIZE]
    totals = dict(db.session.execute(
        select(BenchmarkCount.benchmark_id, func.sum(BenchmarkCount.count))
        .where(BenchmarkCount.benchmark_id.in_([b.id for b in shown]))
        .group_by(BenchmarkCount.benchmark_id)).all()) if shown else {}
    surveys = db.session.scalars(select(Survey).order_by(Survey.title)).all()
    partners = db.session.scalars(select(Partner).order_by(Partner.name)).all()
    return render_template(
        "admin/population/index.html", benchmarks=shown, totals=totals,
        has_more=len(benchmarks) > PAGE_SIZE, page=page, dimension=dimension, search=search,
        dimensions=DIMENSION_TITLES, area_types=AREA_TYPES,
        surveys=[(s, assigned("survey", s.id)) for s in surveys],
        partners=[(p, assigned("partner", p.id)) for p in partners])


@bp.route("/population/upload", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
@accepts_large_upload
def population_upload() -> Page:
    problems: list[Problem] = []
    try:
        form = UploadForm()
    except RequestEntityTooLarge:
        # Say so on this page: the app's own 413 page speaks to respondents.
        form = UploadForm(formdata=None)
        problems = [Problem(None, None, _("The file must be %(size)s MB or smaller",
                                          size=MAX_FILE_BYTES // 1024 // 1024))]
        return _upload_page(form, problems), 413
    if form.validate_on_submit():
        filename = (form.file.data.filename or "upload.csv")[:200]
        try:
            parsed = form.parse(read_stream(form.file.data.stream))
            result = save_benchmarks(parsed.benchmarks, replace=bool(form.replace.data),
                                     commit=False)
        except PopulationImportError as error:
            problems = error.problems
            audit("population_import_refused", target=filename, format=form.format.data,
                  problems=len(problems))
        else:
            audit("population_imported", target=filename, commit=False,
                  format=form.format.data, codes=form.codes.data or "",
                  created=len(result.created), replaced=len(result.replaced),
                  unchanged=len(result.unchanged))
            db.session.commit()
            return render_template(
                "admin/population/imported.html", filename=filename, result=result,
                count=len(parsed.benchmarks), warnings=parsed.warnings[:MAX_WARNINGS_SHOWN],
                more_warnings=max(len(parsed.warnings) - MAX_WARNINGS_SHOWN, 0))
    return _upload_page(form, problems), (400 if form.errors or problems else 200)


def _upload_page(form: UploadForm, problems: list[Problem]) -> str:
    return render_template(
        "admin/population/upload.html", form=form, problems=problems[:MAX_PROBLEMS_SHOWN],
        more_problems=max(len(problems) - MAX_PROBLEMS_SHOWN, 0),
        max_megabytes=MAX_FILE_BYTES // 1024 // 1024, dimension_labels=DIMENSION_TITLES,
        group_codes=GROUP_CODES)


@bp.get("/population/benchmark")
@roles_required(Role.ADMIN)
def population_benchmark() -> Page:
    benchmark_id = request.args.get("id", type=int)
    if benchmark_id is None:
        return redirect(url_for("admin.population"))
    benchmark = db.session.get(PopulationBenchmark, benchmark_id)
    if benchmark is None:
        abort(404)
    reference = benchmark.reference()
    group_total = sum(reference.values())
    rows = [(code, group_label(benchmark.dimension, code), count,
             count / group_total if group_total else None) for code, count in reference.items()]
    return render_template("admin/population/benchmark.html", benchmark=benchmark, rows=rows,
                           group_total=group_total, dimensions=DIMENSION_TITLES,
                           area_types=AREA_TYPES)


class AssignForm(StaffForm):
    """One choice a dimension; the fields are added per request (see _assign_form)."""


def _assign_form(current: dict[str, PopulationBenchmark]) -> tuple[AssignForm, list[str]]:
    available: dict[str, list[PopulationBenchmark]] = {}
    for benchmark in db.session.scalars(select(PopulationBenchmark)
                                        .order_by(PopulationBenchmark.name)):
        available.setdefault(benchmark.dimension, []).append(benchmark)
    dimensions = [d for d in DIMENSIONS if d in available]

    class Form(AssignForm):
        pass

    for dimension in dimensions:
        # A dimension missing from the posted form keeps what it has.
        setattr(Form, dimension, SelectField(
            DIMENSION_TITLES[dimension],
            default=str(current[dimension].id) if dimension in current else ""))
    form = Form()
    for dimension in dimensions:
        form[dimension].choices = choices([("", _("None: do not compare on this"))] + [
            (b.id, b.name) for b in available[dimension]])
    return form, dimensions


def _assignments(owner: Owner, owner_id: int, owner_name: str, back: str) -> Page:
    current = assigned(owner, owner_id)
    form, dimensions = _assign_form(current)
    if form.validate_on_submit():
        changed = 0
        for dimension in dimensions:
            wanted = form[dimension].data or ""
            before = current.get(dimension)
            if wanted == (str(before.id) if before else ""):
                continue
            changed += 1
            if not wanted:
                unassign(owner, owner_id, dimension)
                audit("benchmark_unassigned", target=f"{owner} {owner_name}"[:200],
                      commit=False, dimension=dimension, benchmark=before.name if before
                      else None)
                continue
            benchmark = db.session.get(PopulationBenchmark, int(wanted))
            if benchmark is None or benchmark.dimension != dimension:
                abort(400)
            replaced = assign(owner, owner_id, benchmark)
            audit("benchmark_assigned", target=f"{owner} {owner_name}"[:200], commit=False,
                  dimension=dimension, benchmark=benchmark.name,
                  replaced=replaced.name if replaced else None)
        db.session.commit()
        flash(_("Saved the benchmarks of %(name)s.", name=owner_name) if changed
              else _("Nothing changed."))
        return redirect(url_for("admin.population"))
    return render_template("admin/population/assign.html", form=form, dimensions=dimensions,
                           owner=owner, owner_name=owner_name, current=current, back=back), \
        (400 if form.errors else 200)


@bp.route("/population/surveys/<int:survey_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def population_survey(survey_id: int) -> Page:
    survey = db.session.get(Survey, survey_id)
    if survey is None:
        abort(404)
    return _assignments("survey", survey.id, survey.title, url_for("admin.population"))


@bp.route("/population/partners/<int:partner_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def population_partner(partner_id: int) -> Page:
    partner = db.session.get(Partner, partner_id)
    if partner is None:
        abort(404)
    return _assignments("partner", partner.id, partner.name, url_for("admin.population"))

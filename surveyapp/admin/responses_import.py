"""Admin: importing a survey's responses from a CSV file (paper forms, or another tool).

The whole file is checked first (surveyapp.surveys.responses_import) and stored all or
nothing (surveyapp.surveys.responses_store); every import is in the audit log.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Response, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms import RadioField, SelectField
from wtforms.validators import DataRequired

from surveyapp.admin import bp
from surveyapp.admin.surveys import survey_or_404
from surveyapp.auth.access import audit, roles_required
from surveyapp.extensions import csrf, db
from surveyapp.forms import StaffForm, choices
from surveyapp.models import Role, SurveyVersion
from surveyapp.models.response import ResponseSource
from surveyapp.surveys.definition import from_document
from surveyapp.surveys.responses_import import (
    MAX_FILE_BYTES,
    Problem,
    ResponsesImportError,
    fail,
    template_csv,
)
from surveyapp.surveys.responses_store import import_responses, version_to_answer

Page = str | WerkzeugResponse | tuple[str, int]
UPLOAD_REQUEST_LIMIT = MAX_FILE_BYTES + 64 * 1024  # the file and the form's other fields
MAX_PROBLEMS_SHOWN = 200
SOURCE_LABELS = {
    ResponseSource.PAPER.value: _l("Paper forms, typed in"),
    ResponseSource.IMPORT.value: _l("Another survey tool"),
}


def accepts_large_upload(view: Callable[..., Any]) -> Callable[..., Any]:
    """Let this view read a file of up to MAX_FILE_BYTES (the app allows 256 KB). The
    app-wide CSRF check would read the form with the app-wide limit first, so the view is
    exempt from it: its form checks the CSRF token in validate_on_submit()."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        request.max_content_length = UPLOAD_REQUEST_LIMIT
        return view(*args, **kwargs)

    return csrf.exempt(wrapped)  # type: ignore[no-any-return]


class ResponsesUploadForm(StaffForm):
    source = RadioField(_l("Where do the responses come from?"),
                        validators=[DataRequired(_l("Select where the responses come from"))])
    version = SelectField(_l("Survey version the responses answer"))
    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a CSV file"))])

    def __init__(self, versions: list[SurveyVersion], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.source.choices = choices(SOURCE_LABELS.items())
        self.version.choices = choices([(v.number, _("Version %(number)s", number=v.number))
                                        for v in versions])
        if not self.version.data and versions:
            self.version.data = str(versions[0].number)


def _published(survey_id: int) -> list[SurveyVersion]:
    return list(db.session.scalars(
        select(SurveyVersion)
        .where(SurveyVersion.survey_id == survey_id, SurveyVersion.published_at.is_not(None))
        .order_by(SurveyVersion.number.desc())))


@bp.route("/surveys/<int:survey_id>/import-responses", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
@accepts_large_upload
def import_survey_responses(survey_id: int) -> Page:
    survey = survey_or_404(survey_id)
    versions = _published(survey.id)
    problems: list[Problem] = []
    try:
        form = ResponsesUploadForm(versions)
    except RequestEntityTooLarge:
        form = ResponsesUploadForm(versions, formdata=None)
        problems = [Problem(None, None, _("The file must be %(size)s MB or smaller",
                                          size=MAX_FILE_BYTES // 1024 // 1024))]
        return _page(survey, form, versions, problems), 413
    if form.validate_on_submit():
        filename = (form.file.data.filename or "responses.csv")[:200]
        try:
            data = form.file.data.stream.read(MAX_FILE_BYTES + 1)
            if len(data) > MAX_FILE_BYTES:
                raise fail(_("The file must be %(size)s MB or smaller",
                             size=MAX_FILE_BYTES // 1024 // 1024))
            result = import_responses(survey, data, source=form.source.data,
                                      version_number=int(form.version.data), commit=False)
        except ResponsesImportError as error:
            db.session.rollback()
            problems = error.problems
            audit("responses_import_refused", target=survey.key, file=filename,
                  source=form.source.data, problems=len(problems))
        else:
            audit("responses_imported", target=survey.key, commit=False, count=result.count,
                  source=form.source.data, version=result.version.number, file=filename)
            db.session.commit()
            return render_template("admin/surveys/responses_imported.html", survey=survey,
                                   count=result.count, version=result.version,
                                   source=SOURCE_LABELS[form.source.data], filename=filename)
    return _page(survey, form, versions, problems), (400 if form.errors or problems else 200)


def _page(survey: Any, form: ResponsesUploadForm, versions: list[SurveyVersion],
          problems: list[Problem]) -> str:
    return render_template(
        "admin/surveys/import_responses.html", survey=survey, form=form, versions=versions,
        problems=problems[:MAX_PROBLEMS_SHOWN],
        more_problems=max(len(problems) - MAX_PROBLEMS_SHOWN, 0),
        max_megabytes=MAX_FILE_BYTES // 1024 // 1024)


@bp.get("/surveys/<int:survey_id>/import-responses/template.csv")
@roles_required(Role.ADMIN)
def responses_import_template(survey_id: int) -> Page:
    survey = survey_or_404(survey_id)
    try:
        version = version_to_answer(survey, request.args.get("version", type=int))
    except ResponsesImportError:
        return _("The survey has no published version yet, so it has no columns."), 404
    body = "\ufeff" + template_csv(from_document(version.definition))  # BOM: Excel reads UTF-8
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{survey.key}-v{version.number}-'
                               'responses-template.csv"'})

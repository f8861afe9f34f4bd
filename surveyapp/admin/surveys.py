"""Admin: the list of surveys, creating one, its overview page, publishing and closing,
new drafts, import and export of the definition file, and the respondent preview.

A draft is the survey's newest version while it is unpublished: the builder changes its
stored definition in place (always through surveyapp.surveys.editing, which validates
every change). Publishing sets `published_at`, after which the version never changes;
changing a published survey starts with "Make a new draft", a copy as the next version.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

import yaml
from babel import Locale, UnknownLocaleError
from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import force_locale, format_decimal
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response as WerkzeugResponse

from surveyapp.admin import bp
from surveyapp.admin.builder_forms import TITLE_MAX, ImportForm, NewSurveyForm
from surveyapp.auth.access import audit, roles_required
from surveyapp.extensions import csrf, db
from surveyapp.forms import choices
from surveyapp.languages import native_name
from surveyapp.models import Response as SurveyResponse
from surveyapp.models import Role, Survey, SurveyStatus, SurveyVersion
from surveyapp.models.base import utcnow
from surveyapp.respond.forms import page_form_class
from surveyapp.respond.journey import SurveyText, next_page, previous_page
from surveyapp.surveys import editing
from surveyapp.surveys.definition import (
    SCALES,
    Definition,
    DefinitionError,
    Page,
    Question,
    from_document,
    to_document,
    translation_counts,
    validate,
)
from surveyapp.surveys.files import MAX_UPLOAD_BYTES, parse_document

View = str | WerkzeugResponse | tuple[str, int]
# An upload may be 1 MB; the request around it a little more (the form's other fields).
UPLOAD_REQUEST_LIMIT = MAX_UPLOAD_BYTES + 64 * 1024
MAX_PROBLEMS_SHOWN = 50
PREVIEW_SESSION_KEY = "builder_preview"

admin_only = roles_required(Role.ADMIN)


# --- loading, shared with builder.py and translations.py -------------------------------


def survey_or_404(survey_id: int) -> Survey:
    survey = db.session.get(Survey, survey_id)
    if survey is None:
        abort(404)
    return survey


def draft_of(survey: Survey, lock: bool = False) -> SurveyVersion | None:
    """The survey's unpublished newest version, if it has one (locked for update when
    about to change it, so two admins' changes are applied one after the other)."""
    query = (select(SurveyVersion)
             .where(SurveyVersion.survey_id == survey.id, SurveyVersion.published_at.is_(None))
             .order_by(SurveyVersion.number.desc()).limit(1))
    if lock:
        query = query.with_for_update()
    return db.session.scalar(query)


def current_version(survey: Survey) -> SurveyVersion | None:
    """The draft if there is one, otherwise the newest published version."""
    return draft_of(survey) or survey.latest_published()


def version_or_404(survey: Survey, number: int) -> SurveyVersion:
    version = db.session.scalar(select(SurveyVersion).where(
        SurveyVersion.survey_id == survey.id, SurveyVersion.number == number))
    if version is None:
        abort(404)
    return version


def editable_draft(survey: Survey) -> SurveyVersion | None:
    """The draft, locked for the change; None (with a message) if the survey has none."""
    draft = draft_of(survey, lock=True)
    if draft is None:
        published = survey.latest_published()
        flash(_("Version %(number)s is published and cannot change. Make a new draft to "
                "change the survey.", number=published.number if published else "?"))
    return draft


def locks_of(survey: Survey) -> editing.Locks:
    published = db.session.scalars(select(SurveyVersion).where(
        SurveyVersion.survey_id == survey.id, SurveyVersion.published_at.is_not(None)))
    return editing.Locks.from_published((v.number, from_document(v.definition))
                                        for v in published)


def source_of(version: SurveyVersion) -> dict[str, Any]:
    return editing.authoring_source(from_document(version.definition))


def save_draft(survey: Survey, draft: SurveyVersion, definition: Definition, action: str,
               **detail: Any) -> None:
    """Store a changed draft and record who changed what, in one transaction."""
    assert draft.published_at is None, "a published version never changes"
    draft.definition = to_document(definition)
    audit(action, target=f"survey:{survey.key}", version=draft.number, **detail)


def to_survey(survey: Survey, anchor: str | None = None) -> WerkzeugResponse:
    url = url_for("admin.survey", survey_id=survey.id)
    return redirect(f"{url}#{anchor}" if anchor else url, code=303)


def language_label(locale: str) -> str:
    try:
        english = Locale.parse(locale).get_display_name("en")
    except (ValueError, UnknownLocaleError):
        english = locale
    native = native_name(locale)
    return english if native in (english, locale) else f"{english} ({native})"


def interface_language_choices(also: tuple[str, ...] = ()) -> list[Any]:
    """The app's interface languages (and any others the survey already offers, say from
    an imported file), English aside: English is always offered."""
    codes = dict.fromkeys([*current_app.config["LANGUAGES"], *also])
    return choices((code, language_label(code)) for code in codes if code != "en")


def accepts_uploads(view: Callable[..., Any]) -> Callable[..., Any]:
    """Let this view read uploads of up to 1 MB (the app allows 256 KB elsewhere).

    The app-wide CSRF check reads the form before any view runs, with the app-wide
    limit, so such a view is exempt from it and must check its own form's CSRF token
    (every form here is a FlaskForm, whose validate() does) before it changes anything.
    """

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if (request.content_length or 0) > UPLOAD_REQUEST_LIMIT:
            abort(413)  # even where the view would not read the body (a published survey)
        request.max_content_length = UPLOAD_REQUEST_LIMIT
        request.max_form_memory_size = UPLOAD_REQUEST_LIMIT
        return view(*args, **kwargs)

    return csrf.exempt(wrapped)  # type: ignore[no-any-return]


def read_upload(form: Any) -> bytes | None:
    """The uploaded file's bytes, or None (with the problem on the form) if too big."""
    data = form.file.data.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        form.file.errors = [*form.file.errors,
                            _("The file must be 1 MB or smaller")]
        return None
    return data  # type: ignore[no-any-return]


def show_problems(form: Any, problems: list[str]) -> None:
    shown = problems[:MAX_PROBLEMS_SHOWN]
    if len(problems) > MAX_PROBLEMS_SHOWN:
        shown.append(_("… and %(count)s more problems", count=len(problems) - len(shown)))
    form.add_problems([editing.Problem(None, message) for message in shown])


def describe(question: Question) -> str:
    """A short description of a question's type for the builder's lists."""
    if question.catalog:
        return _("Harmonised question")
    if question.type == "rating":
        codes = [o.code for o in question.options]
        if codes == [o["code"] for o in SCALES["fft"]]:
            return _("Rating: Friends and Family Test scale")
        if codes == [o["code"] for o in SCALES["agreement"]]:
            return _("Rating: agreement scale")
        return _("Rating: %(count)s answers", count=len(question.options))
    if question.type == "single":
        return _("Single choice: %(count)s answers", count=len(question.options))
    if question.type == "multiple":
        return _("Multiple choice: %(count)s answers", count=len(question.options))
    if question.type == "yesno":
        return _("Yes or no, or don't know") if question.option("dont_know") \
            else _("Yes or no")
    if question.type == "text":
        return _("Free text, up to %(count)s characters",
                 count=format_decimal(question.max_length))
    low = "" if question.minimum is None else f"{question.minimum:g}"
    high = "" if question.maximum is None else f"{question.maximum:g}"
    kind = _("Whole number") if question.integer else _("Number")
    return f"{kind} {low}–{high}".strip(" –") if low or high else kind


def publish_problems(survey: Survey, definition: Definition) -> list[str]:
    """Everything that stops a draft being published (nothing: it can be)."""
    problems = list(editing.unfinished(definition))
    if not problems:
        try:
            validate(editing.authoring_source(definition))
        except DefinitionError as error:
            problems.extend(error.problems)
    problems.extend(locks_of(survey).conflicts(definition))
    return problems


# --- the list and a new survey ---------------------------------------------------------


@bp.get("/surveys")
@admin_only
def surveys() -> View:
    rows = []
    response_counts = dict(db.session.execute(
        select(SurveyResponse.survey_id, func.count()).group_by(SurveyResponse.survey_id)
    ).all())
    for survey in db.session.scalars(select(Survey).order_by(Survey.title)):
        rows.append({"survey": survey, "published": survey.latest_published(),
                     "draft": draft_of(survey),
                     "responses": response_counts.get(survey.id, 0)})
    return render_template("admin/surveys/index.html", rows=rows)


@bp.route("/surveys/new", methods=["GET", "POST"])
@admin_only
def new_survey() -> View:
    form = NewSurveyForm()
    form.languages.choices = interface_language_choices()
    if request.method == "GET":
        form.languages.data = [c for c in current_app.config["LANGUAGES"] if c != "en"]
    if form.validate_on_submit():
        if db.session.scalar(select(Survey.id).where(Survey.key == form.key.data)):
            form.key.errors = [_("A survey with the key %(key)s already exists",
                                 key=form.key.data)]
        else:
            result = editing.create_survey(form.key.data, form.title.data,
                                           form.introduction.data, form.languages.data or [])
            if result.ok and result.definition is not None:
                survey = _create(result.definition, "survey_created")
                if survey is not None:
                    flash(_("Survey created. Add its first page."))
                    return to_survey(survey)
                form.key.errors = [_("A survey with the key %(key)s already exists",
                                     key=form.key.data)]
            else:
                form.add_problems(result.problems)
    return render_template("admin/surveys/new.html", form=form), \
        (400 if form.has_errors else 200)


def _create(definition: Definition, action: str, **detail: Any) -> Survey | None:
    """A new survey whose first version is a draft of `definition` (None: key taken)."""
    survey = Survey(key=definition.key, title=definition.title, status=SurveyStatus.DRAFT)
    db.session.add(survey)
    try:
        db.session.flush()
    except IntegrityError:  # the same key created at the same moment
        db.session.rollback()
        return None
    db.session.add(SurveyVersion(survey_id=survey.id, number=1,
                                 definition=to_document(definition)))
    audit(action, target=f"survey:{survey.key}", version=1, **detail)
    return survey


# --- one survey ------------------------------------------------------------------------


@bp.get("/surveys/<int:survey_id>")
@admin_only
def survey(survey_id: int) -> View:
    survey = survey_or_404(survey_id)
    versions = list(db.session.scalars(select(SurveyVersion).where(
        SurveyVersion.survey_id == survey.id).order_by(SurveyVersion.number.desc())))
    draft = next((v for v in versions if v.published_at is None), None)
    shown = draft or next((v for v in versions if v.published_at is not None), None)
    definition = from_document(shown.definition) if shown else None
    counts = dict(db.session.execute(
        select(SurveyResponse.version_id, func.count())
        .where(SurveyResponse.survey_id == survey.id).group_by(SurveyResponse.version_id)
    ).all())
    languages = []
    if definition is not None:
        languages = [(locale, language_label(locale), translation_counts(definition, locale))
                     for locale in definition.languages if locale != "en"]
    locks = locks_of(survey)
    return render_template(
        "admin/surveys/show.html", survey=survey, versions=versions, draft=draft,
        shown=shown, definition=definition, response_counts=counts, languages=languages,
        problems=publish_problems(survey, definition) if draft and definition else [],
        locked_keys=set(locks.questions), describe=describe, language_label=language_label,
        page_condition=_condition_text)


def _condition_text(definition: Definition, item: Page | Question) -> str | None:
    condition = item.condition
    if condition is None:
        return None
    target = definition.question(condition.question)
    labels = [f"{code}" + (f" ({target.option(code).label})"  # type: ignore[union-attr]
                           if target and target.option(code) else "")
              for code in condition.any_of]
    return _("Only if %(question)s is %(codes)s", question=condition.question,
             codes=_(" or ").join(labels))


@bp.post("/surveys/<int:survey_id>/publish")
@admin_only
def publish(survey_id: int) -> View:
    survey = survey_or_404(survey_id)
    draft = draft_of(survey, lock=True)
    if draft is None:
        flash(_("There is no draft to publish."))
        return to_survey(survey)
    definition = from_document(draft.definition)
    problems = publish_problems(survey, definition)
    if problems:
        flash(_("Version %(number)s cannot be published yet: %(problems)s",
                number=draft.number, problems="; ".join(problems[:10])))
        return to_survey(survey)
    draft.published_at = utcnow()
    survey.status = SurveyStatus.LIVE
    survey.closed_at = None
    survey.title = definition.title
    audit("survey_published", target=f"survey:{survey.key}", version=draft.number)
    flash(_("Version %(number)s is published. Its links now show it.", number=draft.number))
    return to_survey(survey)


@bp.post("/surveys/<int:survey_id>/close")
@admin_only
def close_survey(survey_id: int) -> View:
    survey = survey_or_404(survey_id)
    if survey.status == SurveyStatus.LIVE:
        survey.status = SurveyStatus.CLOSED
        survey.closed_at = utcnow()
        audit("survey_closed", target=f"survey:{survey.key}")
        flash(_("The survey is closed. Its links now say it has closed."))
    return to_survey(survey)


@bp.post("/surveys/<int:survey_id>/reopen")
@admin_only
def reopen_survey(survey_id: int) -> View:
    survey = survey_or_404(survey_id)
    if survey.status == SurveyStatus.CLOSED and survey.latest_published() is not None:
        survey.status = SurveyStatus.LIVE
        survey.closed_at = None
        audit("survey_reopened", target=f"survey:{survey.key}")
        flash(_("The survey is open again."))
    return to_survey(survey)


@bp.post("/surveys/<int:survey_id>/new-draft")
@admin_only
def new_draft(survey_id: int) -> View:
    """Copy the newest published version into a new draft: the next version number."""
    survey = survey_or_404(survey_id)
    db.session.scalar(select(Survey.id).where(Survey.id == survey.id).with_for_update())
    if draft_of(survey) is not None:
        flash(_("This survey already has a draft."))
        return to_survey(survey)
    published = survey.latest_published()
    if published is None:
        abort(404)
    number = _next_number(survey)
    db.session.add(SurveyVersion(survey_id=survey.id, number=number,
                                 definition=json.loads(json.dumps(published.definition))))
    try:
        audit("draft_created", target=f"survey:{survey.key}", version=number,
              copied_from=published.number)
    except IntegrityError:  # another admin made the draft at the same moment
        db.session.rollback()
        flash(_("This survey already has a draft."))
        return to_survey(survey)
    flash(_("Version %(number)s is a new draft, copied from version %(copied)s. Change it, "
            "then publish it.", number=number, copied=published.number))
    return to_survey(survey)


def _next_number(survey: Survey) -> int:
    return (db.session.scalar(select(func.max(SurveyVersion.number))
                              .where(SurveyVersion.survey_id == survey.id)) or 0) + 1


@bp.post("/surveys/<int:survey_id>/delete-draft")
@admin_only
def delete_draft(survey_id: int) -> View:
    survey = survey_or_404(survey_id)
    draft = draft_of(survey, lock=True)
    if draft is None or survey.latest_published() is None:
        # A survey never published is only its draft: there would be nothing left.
        flash(_("Only a draft of a published survey can be deleted."))
        return to_survey(survey)
    number = draft.number
    db.session.delete(draft)
    audit("draft_deleted", target=f"survey:{survey.key}", version=number)
    flash(_("The draft (version %(number)s) is deleted.", number=number))
    return to_survey(survey)


# --- the definition file: export and import --------------------------------------------


def definition_file(definition: Definition) -> str:
    """The survey as a YAML file `validate` reads back, translations included."""
    source = editing.authoring_source(definition)
    translations = source.pop("translations")
    source["translations"] = {locale: entries for locale, entries in translations.items()
                              if entries}
    return yaml.safe_dump(source, allow_unicode=True, sort_keys=False, width=100)


@bp.get("/surveys/<int:survey_id>/versions/<int:number>/survey.yaml")
@admin_only
def export_definition(survey_id: int, number: int) -> View:
    survey = survey_or_404(survey_id)
    version = version_or_404(survey, number)
    definition = from_document(version.definition)
    state = "published" if version.is_published else "draft, not published"
    body = (f"# {' '.join(definition.title.split())}: version {version.number} ({state}).\n"
            "# Format: docs/survey-format.md. Import it on the survey's page as a new draft.\n"
            + definition_file(definition))
    return Response(body, mimetype="application/yaml", headers={
        "Content-Disposition": f'attachment; filename="{survey.key}-v{version.number}.yaml"'})


def parse_upload(data: bytes, name: str) -> tuple[Definition | None, list[str]]:
    """A definition from an uploaded YAML or JSON file, fully validated."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, [_("%(name)s: the file is not UTF-8 text. Save it as UTF-8 and upload "
                        "it again", name=name)]
    try:
        if not name.lower().endswith(".json") and _yaml_has_aliases(text):
            return None, [_("%(name)s: the file uses YAML anchors or aliases (& or *), which "
                            "survey files may not use", name=name)]
        raw = parse_document(text, name if name.lower().endswith(".json") else "survey.yaml")
        definition = validate(raw)
    except DefinitionError as error:
        return None, error.problems
    except RecursionError:
        return None, [_("%(name)s: the file is nested too deeply to be a survey", name=name)]
    problems = editing.reserved_problems(definition)
    if len(definition.title) > TITLE_MAX:  # the survey's title column
        problems.append(_("survey: 'title' must be %(max)s characters or fewer",
                          max=TITLE_MAX))
    return (None, problems) if problems else (definition, [])


def _yaml_has_aliases(text: str) -> bool:
    try:
        return any(isinstance(token, yaml.AliasToken | yaml.AnchorToken)
                   for token in yaml.scan(text))
    except yaml.YAMLError:
        return False  # parse_document reports the syntax error


@bp.route("/surveys/import", methods=["GET", "POST"])
@admin_only
@accepts_uploads
def import_survey() -> View:
    """A new survey from a file: its first version is a draft."""
    form = ImportForm()
    del form.replace_draft
    if form.validate_on_submit():
        data = read_upload(form)
        if data is not None:
            name = form.file.data.filename or "survey.yaml"
            definition, problems = parse_upload(data, name)
            if definition is not None and db.session.scalar(
                    select(Survey.id).where(Survey.key == definition.key)):
                problems = [_("survey: a survey with the key %(key)s already exists. Import "
                              "the file on that survey's page to make a new version of it",
                              key=definition.key)]
            if problems:
                show_problems(form, problems)
            else:
                assert definition is not None
                survey = _create(definition, "survey_imported", file=name[:100])
                if survey is not None:
                    flash(_("Survey imported as a draft. Check it, preview it and publish it."))
                    return to_survey(survey)
                show_problems(form, [_("survey: a survey with the key %(key)s already exists",
                                       key=definition.key)])
    return render_template("admin/surveys/import.html", form=form, survey=None), \
        (400 if form.has_errors else 200)


@bp.route("/surveys/<int:survey_id>/import", methods=["GET", "POST"])
@admin_only
@accepts_uploads
def import_version(survey_id: int) -> View:
    """A file as the survey's next draft version (or in place of its current draft)."""
    survey = survey_or_404(survey_id)
    form = ImportForm()
    draft = draft_of(survey)
    if draft is None:
        del form.replace_draft
    if form.validate_on_submit():
        data = read_upload(form)
        if data is not None:
            name = form.file.data.filename or "survey.yaml"
            definition, problems = parse_upload(data, name)
            if definition is not None:
                problems = _import_problems(survey, definition)
            if draft is not None and not form.replace_draft.data and not problems:
                form.replace_draft.errors = [_(
                    "This survey already has a draft (version %(number)s). Tick the box to "
                    "replace it with the file, or delete the draft first", number=draft.number)]
            elif problems:
                show_problems(form, problems)
            else:
                assert definition is not None
                return _store_import(survey, definition, name)
    return render_template("admin/surveys/import.html", form=form, survey=survey,
                           draft=draft), (400 if form.has_errors else 200)


def _import_problems(survey: Survey, definition: Definition) -> list[str]:
    if definition.key != survey.key:
        return [_("survey: the file is for the survey %(file_key)s, not %(key)s",
                  file_key=definition.key, key=survey.key)]
    return locks_of(survey).conflicts(definition)


def _store_import(survey: Survey, definition: Definition, name: str) -> WerkzeugResponse:
    draft = draft_of(survey, lock=True)
    if draft is not None:
        save_draft(survey, draft, definition, "draft_imported", file=name[:100],
                   replaced=True)
        number = draft.number
    else:
        number = _next_number(survey)
        db.session.add(SurveyVersion(survey_id=survey.id, number=number,
                                     definition=to_document(definition)))
        audit("draft_imported", target=f"survey:{survey.key}", version=number,
              file=name[:100], replaced=False)
    flash(_("The file is now version %(number)s, a draft. Check it, preview it and publish "
            "it.", number=number))
    return to_survey(survey)


# --- preview: the draft as a respondent sees it, with nothing stored -------------------


def _preview_version(survey: Survey) -> SurveyVersion:
    version = current_version(survey)
    if version is None:
        abort(404)
    return version


def _preview_language(definition: Definition) -> str:
    asked = request.args.get("lang", "")
    return asked if asked in definition.languages else "en"


def _preview_answers(survey: Survey) -> dict[str, Any]:
    return dict((session.get(PREVIEW_SESSION_KEY) or {}).get(str(survey.id), {}))


def _render_preview(locale: str, template: str, **context: Any) -> str:
    """Render in the survey's language without making it the admin's own language: the
    `lang` in a preview address must not stick to her session as it would for a
    respondent."""
    before = session.get("lang")
    try:
        Locale.parse(locale)
        interface = locale
    except (ValueError, UnknownLocaleError):
        interface = "en"
    with force_locale(interface):
        html = render_template(template, preview=True, **context)
    if session.get("lang") != before:
        if before is None:
            session.pop("lang", None)
        else:
            session["lang"] = before
    return html


def _preview_context(survey: Survey, definition: Definition, locale: str) -> dict[str, Any]:
    return {"survey": survey, "definition": definition, "link": None,
            "text": SurveyText(definition, locale),
            "survey_languages": list(definition.languages),
            "builder_url": url_for("admin.survey", survey_id=survey.id),
            "restart_url": url_for("admin.preview", survey_id=survey.id, lang=locale)}


@bp.get("/surveys/<int:survey_id>/preview")
@admin_only
def preview(survey_id: int) -> View:
    survey = survey_or_404(survey_id)
    definition = from_document(_preview_version(survey).definition)
    locale = _preview_language(definition)
    previews = dict(session.get(PREVIEW_SESSION_KEY) or {})
    if previews.pop(str(survey.id), None) is not None:
        session[PREVIEW_SESSION_KEY] = previews
    first = next_page(definition, {}, None)
    start_url = (url_for("admin.preview_page", survey_id=survey.id, page_key=first.key,
                         lang=locale) if first else None)
    return _render_preview(locale, "admin/surveys/preview_start.html", start_url=start_url,
                           **_preview_context(survey, definition, locale))


@bp.route("/surveys/<int:survey_id>/preview/<page_key>", methods=["GET", "POST"])
@admin_only
def preview_page(survey_id: int, page_key: str) -> View:
    survey = survey_or_404(survey_id)
    definition = from_document(_preview_version(survey).definition)
    locale = _preview_language(definition)
    survey_page = definition.page(page_key)
    if survey_page is None:
        abort(404)
    answers = _preview_answers(survey)
    questions = _shown(definition, survey_page, answers)
    form_class = page_form_class(questions)
    with force_locale(locale if locale in current_app.config["LANGUAGES"] else "en"):
        # Error messages in the preview's language, as she would see them.
        if request.method == "POST":
            form = form_class()
            valid = form.validate()
        else:
            form = form_class(data={q.key: answers.get(q.key) for q in questions})
            valid = None
    if valid:
        for question in survey_page.questions:
            value = form[question.key].data if question.key in form else None
            # Only choices are kept (conditions look at nothing else), in her own session
            # cookie: never a draft, a response or a count in the database.
            if question.is_choice and value not in (None, "", []):
                answers[question.key] = value
            else:
                answers.pop(question.key, None)
        previews = dict(session.get(PREVIEW_SESSION_KEY) or {})
        previews[str(survey.id)] = answers
        session[PREVIEW_SESSION_KEY] = previews
        following = next_page(definition, answers, survey_page.key)
        if following is None:
            return redirect(url_for("admin.preview_end", survey_id=survey.id, lang=locale),
                            code=303)
        return redirect(url_for("admin.preview_page", survey_id=survey.id,
                                page_key=following.key, lang=locale), code=303)
    keys = [p.key for p in definition.visible_pages(answers)]
    back = previous_page(definition, answers, survey_page.key)
    back_url = (url_for("admin.preview_page", survey_id=survey.id, page_key=back.key,
                        lang=locale) if back
                else url_for("admin.preview", survey_id=survey.id, lang=locale))
    errors = [(f.name, f.errors[0]) for f in form.answer_fields() if f.errors]
    html = _render_preview(
        locale, "admin/surveys/preview_page.html", form=form, page=survey_page, stale=False,
        questions=questions, errors=errors, back_url=back_url,
        page_number=keys.index(page_key) + 1 if page_key in keys else len(keys) or 1,
        page_count=max(len(keys), 1), **_preview_context(survey, definition, locale))
    return html, (400 if errors else 200)


def _shown(definition: Definition, survey_page: Page, answers: dict[str, Any]) -> list[Any]:
    """As in the journey: follow-ups on the same page always show; others if relevant."""
    earlier = definition.visible_answers(answers)
    on_page = {q.key for q in survey_page.questions}
    return [q for q in survey_page.questions
            if q.condition is None or q.condition.question in on_page or q.is_shown(earlier)]


@bp.get("/surveys/<int:survey_id>/preview-end")
@admin_only
def preview_end(survey_id: int) -> View:
    survey = survey_or_404(survey_id)
    definition = from_document(_preview_version(survey).definition)
    locale = _preview_language(definition)
    return _render_preview(locale, "admin/surveys/preview_end.html",
                           **_preview_context(survey, definition, locale))

"""Admin: the survey's own text in each of its languages.

A page per language lists every text of the survey (survey.title, <question>.text, …)
with its English and the translation, marking each missing, current, or out of date (the
English changed since it was translated: the English it was made from is shown). A
translation is stored with the English it translates, {"source": …, "text": …}, so the
respondent sees English again as soon as the English changes.

Translators can work in their own tools instead: the text of one language downloads as a
.po file (msgctxt is where the text is shown, msgid the English) and uploads back into
the draft. An upload is all or nothing: any problem, and nothing stored changes.

Translated text is stored as typed, markup included; Jinja escapes it wherever it is
shown (nothing here or in the respondent pages marks it safe).
"""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as WerkzeugResponse

from surveyapp.admin import bp
from surveyapp.admin.builder_forms import TranslationUploadForm
from surveyapp.admin.surveys import (
    accepts_uploads,
    admin_only,
    current_version,
    draft_of,
    language_label,
    read_upload,
    save_draft,
    show_problems,
    source_of,
    survey_or_404,
    to_survey,
    version_or_404,
)
from surveyapp.languages import direction
from surveyapp.models import Survey, SurveyVersion
from surveyapp.surveys import editing
from surveyapp.surveys.definition import (
    OUT_OF_DATE,
    DefinitionError,
    TranslationEntry,
    from_document,
    message_contexts,
    translation_counts,
    translation_entries,
)
from surveyapp.surveys.files import read_translation_upload, write_translation

View = str | WerkzeugResponse | tuple[str, int]


def field_id(context: str) -> str:
    """A form field name for a text's context: keys use a-z, 0-9 and _, never -."""
    return "text-" + context.replace(".", "-")


def describe_context(context: str) -> str:
    """Where a text is shown, in words: "Answer 'yes' of question felt_safe"."""
    parts = context.split(".")
    if context == "survey.title":
        return _("Survey title")
    if context == "survey.introduction":
        return _("Survey introduction")
    if parts[0] == "page" and len(parts) == 3:
        return (_("Title of page %(key)s", key=parts[1]) if parts[2] == "title"
                else _("Introduction of page %(key)s", key=parts[1]))
    if len(parts) == 2:
        return (_("Question %(key)s", key=parts[0]) if parts[1] == "text"
                else _("Hint of question %(key)s", key=parts[0]))
    return _("Answer %(code)s of question %(key)s", code=parts[2], key=parts[0])


def _language_or_404(version: SurveyVersion | None, locale: str) -> None:
    if version is None or locale == "en" or \
            locale not in from_document(version.definition).languages:
        abort(404)


@bp.route("/surveys/<int:survey_id>/translations/<locale>", methods=["GET", "POST"])
@admin_only
def translations(survey_id: int, locale: str) -> View:
    survey = survey_or_404(survey_id)
    version = current_version(survey)
    _language_or_404(version, locale)
    assert version is not None
    submitted: dict[str, str] = {}
    errors: list[tuple[str, str]] = []
    if request.method == "POST":
        draft = draft_of(survey, lock=True)
        if draft is None:
            flash(_("Version %(number)s is published and cannot change. Make a new draft to "
                    "change the text.", number=version.number))
            return to_survey(survey)
        version = draft
        definition = from_document(draft.definition)
        changes, submitted = _changes(translation_entries(definition, locale))
        result = editing.set_translations(source_of(draft), locale, changes)
        if result.ok and result.definition is not None:
            if changes:
                save_draft(survey, draft, result.definition, "translations_saved",
                           locale=locale, changed=len(changes))
            flash(_("%(count)s texts saved.", count=len(changes)) if changes
                  else _("Nothing had changed."))
            return redirect(url_for("admin.translations", survey_id=survey.id,
                                    locale=locale), code=303)
        errors = [(field_id(p.field) if p.field else "maincontent", p.message)
                  for p in result.problems]
    definition = from_document(version.definition)
    return render_template(
        "admin/surveys/translations.html", survey=survey, version=version, locale=locale,
        language=language_label(locale), direction=direction(locale),
        entries=translation_entries(definition, locale), submitted=submitted, errors=errors,
        has_errors=bool(errors), counts=translation_counts(definition, locale),
        editable=version.published_at is None, field_id=field_id,
        describe_context=describe_context), 400 if errors else 200


def _changes(entries: list[TranslationEntry]) -> tuple[dict[str, dict[str, str] | None],
                                                        dict[str, str]]:
    """What the form changes: new or edited text, cleared text, and out-of-date text the
    translator confirmed is still right for the new English. A text left as it was stays
    as it was (an out-of-date one stays out of date)."""
    changes: dict[str, dict[str, str] | None] = {}
    submitted: dict[str, str] = {}
    for entry in entries:
        name = field_id(entry.context)
        if name not in request.form:
            continue
        text = editing.clean_translation(request.form[name])
        submitted[entry.context] = request.form[name]
        stored = editing.clean_translation(entry.text)
        confirmed = entry.state == OUT_OF_DATE and bool(request.form.get("still-" + name))
        if text == stored and not (confirmed and text):
            continue
        if not text:
            changes[entry.context] = None
        else:
            changes[entry.context] = {"source": entry.english, "text": text}
    return changes, submitted


@bp.get("/surveys/<int:survey_id>/translations/<locale>/download")
@admin_only
def download_translation(survey_id: int, locale: str) -> View:
    """The text of one language as a .po file (the draft's, or ?version=N's)."""
    survey = survey_or_404(survey_id)
    number = request.args.get("version", type=int)
    version = version_or_404(survey, number) if number else current_version(survey)
    _language_or_404(version, locale)
    assert version is not None
    definition = from_document(version.definition)
    body = write_translation(definition, locale, version=version.number)
    return Response(body, mimetype="text/x-gettext-translation; charset=utf-8", headers={
        "Content-Disposition":
            f'attachment; filename="{survey.key}-v{version.number}-{locale}.po"'})


@bp.route("/surveys/<int:survey_id>/translations/<locale>/upload", methods=["GET", "POST"])
@admin_only
@accepts_uploads
def upload_translation(survey_id: int, locale: str) -> View:
    survey = survey_or_404(survey_id)
    draft = draft_of(survey)
    if draft is None:
        version = survey.latest_published()
        flash(_("Version %(number)s is published and cannot change. Make a new draft to "
                "change the text.", number=version.number if version else "?"))
        return to_survey(survey)
    _language_or_404(draft, locale)
    form = TranslationUploadForm()
    if form.validate_on_submit():
        data = read_upload(form)
        if data is not None:
            name = form.file.data.filename or f"{locale}.po"
            done = _store_upload(survey, locale, data, name, form)
            if done is not None:
                return done
    return render_template("admin/surveys/translation_upload.html", form=form,
                           survey=survey, draft=draft, locale=locale,
                           language=language_label(locale)), 400 if form.has_errors else 200


def _store_upload(survey: Survey, locale: str, data: bytes, name: str,
                  form: Any) -> WerkzeugResponse | None:
    draft = draft_of(survey, lock=True)
    if draft is None:
        abort(409)
    definition = from_document(draft.definition)
    try:
        entries = read_translation_upload(data, definition, locale, name)
    except DefinitionError as error:
        show_problems(form, error.problems)
        return None
    result = editing.set_translations(source_of(draft), locale, entries)
    if not result.ok or result.definition is None:
        show_problems(form, [p.message for p in result.problems])
        return None
    english = dict(message_contexts(definition))
    current = sum(1 for context, entry in entries.items()
                  if entry["source"] == english.get(context))
    save_draft(survey, draft, result.definition, "translations_imported", locale=locale,
               file=name[:100], texts=len(entries))
    message = _("%(count)s texts read from %(name)s.", count=len(entries), name=name)
    if current < len(entries):
        message += " " + _("%(count)s of them were translated from English that has changed "
                           "since, and are marked out of date.", count=len(entries) - current)
    flash(message)
    return redirect(url_for("admin.translations", survey_id=survey.id, locale=locale),
                    code=303)


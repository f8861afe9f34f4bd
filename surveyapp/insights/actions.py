""""You said, we did": reviewers record what will change, and translate its public words.

The public wording of an action goes through the same workflow as the survey's own text:
a .po file per language to download and give to a translator, uploaded back (checked
strictly, as surveyapp.surveys.files checks survey translations), or typed in here. Each
translation keeps the English it was made from (ReviewAction.wording_in), so changing the
English shows English on the public page until the translation is redone.
"""

from __future__ import annotations

import io

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from surveyapp.auth.access import audit, roles_required
from surveyapp.extensions import db
from surveyapp.forms import StaffForm, choices
from surveyapp.insights import bp
from surveyapp.insights.overview import definition_for
from surveyapp.insights.routes import Page, _survey_or_404
from surveyapp.models import ActionAbout, ActionStatus, ReviewAction, Role, Survey
from surveyapp.models.base import utcnow
from surveyapp.surveys.files import po_problems

STATUS_LABELS = {ActionStatus.PLANNED: _l("Planned"), ActionStatus.IN_PROGRESS: _l("Under way"),
                 ActionStatus.DONE: _l("Done")}
ABOUT_LABELS = {ActionAbout.THEME: _l("A theme (what keeps coming up)"),
                ActionAbout.FLAG: _l("A flag from who is missing")}
MAX_PO_BYTES = 512 * 1024


class ActionForm(StaffForm):
    about_kind = SelectField(_l("What it answers"), choices=choices(ABOUT_LABELS.items()))
    about = StringField(_l("Which theme or flag"), validators=[
        DataRequired(_l("Enter the theme or flag it answers")),
        Length(max=200, message=_l("This must be 200 characters or fewer"))])
    heard = TextAreaField(_l("What we heard"), validators=[
        DataRequired(_l("Enter what women and families told you")),
        Length(max=5000, message=_l("This must be 5,000 characters or fewer"))])
    change = TextAreaField(_l("What will change"), validators=[
        DataRequired(_l("Enter what will change")),
        Length(max=5000, message=_l("This must be 5,000 characters or fewer"))])
    owner = StringField(_l("Who owns it"), validators=[
        DataRequired(_l("Enter who owns it")),
        Length(max=200, message=_l("This must be 200 characters or fewer"))])
    due_on = DateField(_l("Due by (YYYY-MM-DD)"), validators=[Optional()],
                       format="%Y-%m-%d")
    status = SelectField(_l("Status"), choices=choices(STATUS_LABELS.items()))
    public_wording = TextAreaField(
        _l("Public wording"),
        description=_l("One or two short, plain sentences for the public page. No names."),
        validators=[Optional(), Length(max=600, message=_l(
            "The public wording must be 600 characters or fewer"))])
    public = BooleanField(_l("Show on the public “You said, we did” page"))

    def validate_public(self, field: BooleanField) -> None:
        if field.data and not (self.public_wording.data or "").strip():
            raise ValidationError(_("Enter the public wording, or do not show the action "
                                    "on the public page"))


class TranslationUploadForm(StaffForm):
    file = FileField(_l("Translation file (.po)"), validators=[
        FileRequired(_l("Select a .po file"))])


def _reviewer_survey(survey_id: int) -> Survey:
    survey = _survey_or_404(survey_id)
    if current_user.role == Role.PARTNER:
        abort(404)
    return survey


def survey_languages(survey: Survey) -> list[str]:
    definition = definition_for(survey)
    return [lang for lang in (definition.languages if definition else ()) if lang != "en"]


def _action_or_404(survey: Survey, action_id: int) -> ReviewAction:
    action = db.session.get(ReviewAction, action_id)
    if action is None or action.survey_id != survey.id:
        abort(404)
    return action


@bp.get("/surveys/<int:survey_id>/actions")
@roles_required(Role.ADMIN, Role.REVIEWER)
def actions(survey_id: int) -> Page:
    survey = _reviewer_survey(survey_id)
    rows = db.session.scalars(select(ReviewAction).where(ReviewAction.survey_id == survey.id)
                              .order_by(ReviewAction.created_at.desc())).all()
    return render_template("insights/actions.html", survey=survey, actions=rows,
                           status_labels=STATUS_LABELS, languages=survey_languages(survey),
                           upload=TranslationUploadForm())


@bp.route("/surveys/<int:survey_id>/actions/new", methods=["GET", "POST"])
@bp.route("/surveys/<int:survey_id>/actions/<int:action_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN, Role.REVIEWER)
def action_form(survey_id: int, action_id: int | None = None) -> Page:
    survey = _reviewer_survey(survey_id)
    action = _action_or_404(survey, action_id) if action_id is not None else None
    form = ActionForm(obj=action)
    languages = survey_languages(survey)
    if form.validate_on_submit():
        if action is None:
            action = ReviewAction(survey_id=survey.id, created_by_id=current_user.id,
                                  public_translations={})
            db.session.add(action)
        form.populate_obj(action)
        action.updated_at = utcnow()
        translations = dict(action.public_translations or {})
        for locale in languages:
            typed = (request.form.get(f"translation-{locale}") or "").strip()[:600]
            if typed:
                translations[locale] = {"source": action.public_wording, "text": typed}
        action.public_translations = translations
        db.session.flush()
        audit("save_action", target=survey.key, commit=False, action_id=action.id)
        db.session.commit()
        flash(_("The action has been saved."))
        return redirect(url_for("insights.actions", survey_id=survey.id))
    return render_template("insights/action_form.html", survey=survey, action=action,
                           form=form, languages=languages, has_errors=bool(form.errors))


@bp.get("/surveys/<int:survey_id>/actions/translations/<locale>.po")
@roles_required(Role.ADMIN, Role.REVIEWER)
def actions_po(survey_id: int, locale: str) -> Page:
    survey = _reviewer_survey(survey_id)
    if locale not in survey_languages(survey):
        abort(404)
    catalog = Catalog(locale=locale, project=f"{survey.key}-actions", fuzzy=False,
                      header_comment="")
    for action in _public(survey):
        entry = (action.public_translations or {}).get(locale) or {}
        current = entry.get("source") == action.public_wording
        if entry.get("text") and not current:
            catalog.add(action.public_wording, string=entry["text"],
                        context=f"action.{action.id}", flags=("fuzzy",),
                        previous_id=entry.get("source"))
        else:
            catalog.add(action.public_wording, string=entry.get("text", "") if current else "",
                        context=f"action.{action.id}")
    out = io.BytesIO()
    write_po(out, catalog, width=0, include_previous=True)
    comment = (f"# \"You said, we did\" for survey '{survey.key}' in {locale}.\n"
               "# Draft translation: needs review by a native speaker before it is used.\n"
               "# Translate msgstr only; an entry marked fuzzy was made from earlier English.\n")
    return Response(comment.encode() + out.getvalue().lstrip(b"\n"), mimetype="text/x-gettext",
                    headers={"Content-Disposition":
                             f'attachment; filename="{survey.key}-actions-{locale}.po"'})


@bp.post("/surveys/<int:survey_id>/actions/translations/<locale>")
@roles_required(Role.ADMIN, Role.REVIEWER)
def upload_actions_po(survey_id: int, locale: str) -> Page:
    survey = _reviewer_survey(survey_id)
    if locale not in survey_languages(survey):
        abort(404)
    form = TranslationUploadForm()
    if not form.validate_on_submit():
        flash(_("Select a .po file to upload."))
        return redirect(url_for("insights.actions", survey_id=survey.id))
    data = form.file.data.read(MAX_PO_BYTES + 1)
    problems = read_actions_po(survey, locale, data)
    if problems:
        for problem in problems[:10]:
            flash(problem)
    else:
        audit("import_action_translations", target=survey.key, commit=False, locale=locale)
        db.session.commit()
        flash(_("The translations have been added."))
    return redirect(url_for("insights.actions", survey_id=survey.id))


def read_actions_po(survey: Survey, locale: str, data: bytes) -> list[str]:
    """Store the translations in a .po file; [] when it worked, else what is wrong."""
    if len(data) > MAX_PO_BYTES:
        return [_("The file must be 512 KB or smaller.")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [_("The file is not UTF-8 text. Save it as UTF-8 and upload it again.")]
    problems = po_problems(text, "file")
    if problems:
        return problems
    try:
        catalog = read_po(io.BytesIO(text.encode("utf-8")), abort_invalid=True)
    except Exception:  # babel raises several kinds for a malformed file
        return [_("This is not a .po file that can be read.")]
    if (catalog.locale_identifier or "").replace("-", "_") != locale:
        return [_("The file is not in the language of this page (%(locale)s).", locale=locale)]
    by_context = {f"action.{a.id}": a for a in _public(survey)}
    added = 0
    for message in catalog:
        action = by_context.get(message.context or "")
        if action is None or not message.string or message.fuzzy:
            continue
        translations = dict(action.public_translations or {})
        translations[locale] = {"source": str(message.id), "text": str(message.string)}
        action.public_translations = translations
        added += 1
    return [] if added else [_("The file has no translations to add.")]


def _public(survey: Survey) -> list[ReviewAction]:
    return list(db.session.scalars(select(ReviewAction).where(
        ReviewAction.survey_id == survey.id, ReviewAction.public.is_(True))
        .order_by(ReviewAction.created_at)))


def public_actions(survey_id: int) -> list[ReviewAction]:
    return list(db.session.scalars(select(ReviewAction).where(
        ReviewAction.survey_id == survey_id, ReviewAction.public.is_(True),
        ReviewAction.public_wording != "").order_by(ReviewAction.created_at)))


def all_actions(survey_id: int) -> list[ReviewAction]:
    return list(db.session.scalars(select(ReviewAction).where(
        ReviewAction.survey_id == survey_id).order_by(ReviewAction.created_at)))


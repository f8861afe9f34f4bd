"""Admin: the survey builder. Pages, questions and their options in the draft version.

Every change goes through surveyapp.surveys.editing, which validates the whole survey;
a refused change shows its problems on the form (the stored draft is untouched). Moving
is done with Move up / Move down buttons (plain POST forms), so nothing needs JavaScript.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as WerkzeugResponse

from surveyapp import demographics
from surveyapp.admin import bp
from surveyapp.admin.builder_forms import (
    QUESTION_TYPES,
    ActionForm,
    DemographicsPageForm,
    OptionForm,
    PageForm,
    QuestionForm,
    QuestionTypeForm,
    SurveyDetailsForm,
)
from surveyapp.admin.surveys import (
    admin_only,
    draft_of,
    interface_language_choices,
    locks_of,
    save_draft,
    source_of,
    survey_or_404,
    to_survey,
)
from surveyapp.forms import choices
from surveyapp.models import Survey, SurveyVersion
from surveyapp.surveys import editing
from surveyapp.surveys.definition import Definition, Question, from_document

View = str | WerkzeugResponse | tuple[str, int]
TYPE_NAMES = dict(QUESTION_TYPES)


def _draft(survey: Survey) -> SurveyVersion | None:
    """The draft to change (locked for a POST), or None with a message for the admin."""
    draft = draft_of(survey, lock=request.method == "POST")
    if draft is None:
        published = survey.latest_published()
        flash(_("Version %(number)s is published and cannot change. Make a new draft to "
                "change the survey.", number=published.number if published else "?"))
    return draft


def _direction() -> str:
    direction = request.form.get("direction")
    if direction not in (editing.UP, editing.DOWN):
        abort(400)
    return direction


def _refused(survey: Survey, result: editing.Result) -> WerkzeugResponse:
    """A button (move, delete) whose change was refused: say why on the survey page."""
    flash(_("That change was not made: %(problems)s",
            problems="; ".join(p.message for p in result.problems)))
    return to_survey(survey)


def _status(form: Any) -> int:
    return 400 if form.has_errors else 200


# --- conditions: which earlier questions a page or question may look at ----------------


def _candidates(definition: Definition, page_index: int,
                question_index: int | None = None) -> list[Question]:
    """Choice questions asked before a page (or before a question on it)."""
    found = []
    for index, page in enumerate(definition.pages):
        if index > page_index:
            break
        for position, question in enumerate(page.questions):
            if index == page_index and (question_index is None or position >= question_index):
                break
            if question.is_choice:
                found.append(question)
    return found


def _set_condition_choices(form: Any, candidates: list[Question]) -> None:
    form.condition_question.choices = choices(
        [("", _("Always show"))]
        + [(q.key, f"{q.key}: {_shorten(q.text)}") for q in candidates])


def _shorten(text: str, length: int = 70) -> str:
    return text if len(text) <= length else text[:length - 1].rstrip() + "…"


def _condition_fields(form: Any) -> dict[str, Any]:
    return {"condition_question": form.condition_question.data or None,
            "condition_codes": editing.parse_codes(form.condition_codes.data)}


def _condition_data(item: dict[str, Any]) -> dict[str, Any]:
    condition = item.get("condition") or {}
    return {"condition_question": condition.get("question", ""),
            "condition_codes": ", ".join(condition.get("any_of", []))}


# --- the survey's details --------------------------------------------------------------


@bp.route("/surveys/<int:survey_id>/details", methods=["GET", "POST"])
@admin_only
def edit_details(survey_id: int) -> View:
    survey = survey_or_404(survey_id)
    draft = _draft(survey)
    if draft is None:
        return to_survey(survey)
    source = source_of(draft)
    form = SurveyDetailsForm(data={"title": source["title"],
                                   "introduction": source["introduction"],
                                   "languages": source["languages"]})
    form.languages.choices = interface_language_choices(tuple(source["languages"]))
    if form.validate_on_submit():
        result = editing.update_survey(source, form.title.data, form.introduction.data,
                                       form.languages.data or [])
        if result.ok and result.definition is not None:
            save_draft(survey, draft, result.definition, "survey_details_changed")
            return to_survey(survey)
        form.add_problems(result.problems)
    return render_template("admin/surveys/details.html", form=form, survey=survey,
                           draft=draft), _status(form)


# --- pages -----------------------------------------------------------------------------


def _page_form(demographic: bool, **kwargs: Any) -> PageForm:
    form = DemographicsPageForm(**kwargs) if demographic else PageForm(**kwargs)
    if demographic:
        form.demographics.choices = choices(  # type: ignore[attr-defined]
            (key, demographics.DEMOGRAPHIC_QUESTIONS[key]["text"])
            for key in demographics.DEMOGRAPHIC_KEYS)
    return form


def _chosen_demographics(form: Any) -> list[str]:
    chosen = set(form.demographics.data or [])
    return [key for key in demographics.DEMOGRAPHIC_KEYS if key in chosen]


@bp.route("/surveys/<int:survey_id>/new-page", methods=["GET", "POST"])
@admin_only
def new_page(survey_id: int) -> View:
    """A page of the survey's own questions, or (?kind=demographics) of harmonised ones."""
    survey = survey_or_404(survey_id)
    draft = _draft(survey)
    if draft is None:
        return to_survey(survey)
    demographic = request.args.get("kind") == "demographics"
    definition = from_document(draft.definition)
    data = ({"key": "about_you", "title": "About you",
             "demographics": list(demographics.DEMOGRAPHIC_KEYS)} if demographic else {})
    form = _page_form(demographic, data=data)
    _set_condition_choices(form, _candidates(definition, len(definition.pages)))
    if form.validate_on_submit():
        result = editing.add_page(
            source_of(draft), form.key.data, form.title.data, form.intro.data or None,
            demographics=_chosen_demographics(form) if demographic else None,
            **_condition_fields(form))
        if result.ok and result.definition is not None:
            save_draft(survey, draft, result.definition, "page_added", page=form.key.data)
            if demographic:
                return to_survey(survey, f"page-{form.key.data}")
            flash(_("Page added. Now add its questions."))
            return redirect(url_for("admin.new_question", survey_id=survey.id,
                                    page_key=form.key.data), code=303)
        form.add_problems(result.problems)
    return render_template("admin/surveys/page_form.html", form=form, survey=survey,
                           draft=draft, page_key=None, demographic=demographic,
                           condition_candidates=_candidates(definition, len(definition.pages))), \
        _status(form)


@bp.route("/surveys/<int:survey_id>/pages/<page_key>", methods=["GET", "POST"])
@admin_only
def edit_page(survey_id: int, page_key: str) -> View:
    survey = survey_or_404(survey_id)
    draft = _draft(survey)
    if draft is None:
        return to_survey(survey)
    source = source_of(draft)
    definition = from_document(draft.definition)
    index = next((i for i, p in enumerate(source["pages"]) if p["key"] == page_key), None)
    if index is None:
        abort(404)
    page = source["pages"][index]
    demographic = "demographics" in page
    form = _page_form(demographic, data={"key": page["key"], "title": page["title"],
                                         "intro": page.get("intro", ""),
                                         "demographics": page.get("demographics", []),
                                         **_condition_data(page)})
    candidates = _candidates(definition, index)
    _set_condition_choices(form, candidates)
    if form.validate_on_submit():
        result = editing.edit_page(
            source, page_key, form.key.data, form.title.data, form.intro.data or None,
            demographics=_chosen_demographics(form) if demographic else None,
            **_condition_fields(form))
        if result.ok and result.definition is not None:
            save_draft(survey, draft, result.definition, "page_changed", page=form.key.data,
                       was=page_key)
            return to_survey(survey, f"page-{form.key.data}")
        form.add_problems(result.problems)
    return render_template("admin/surveys/page_form.html", form=form, survey=survey,
                           draft=draft, page_key=page_key, demographic=demographic,
                           condition_candidates=candidates), _status(form)


@bp.post("/surveys/<int:survey_id>/pages/<page_key>/move")
@admin_only
def move_page(survey_id: int, page_key: str) -> View:
    survey = survey_or_404(survey_id)
    direction = _direction()
    draft = _draft(survey)
    if draft is None:
        return to_survey(survey)
    result = editing.move_page(source_of(draft), page_key, direction)
    if not result.ok or result.definition is None:
        return _refused(survey, result)
    save_draft(survey, draft, result.definition, "page_moved", page=page_key,
               direction=direction)
    return to_survey(survey, f"page-{page_key}")


@bp.route("/surveys/<int:survey_id>/pages/<page_key>/delete", methods=["GET", "POST"])
@admin_only
def delete_page(survey_id: int, page_key: str) -> View:
    survey = survey_or_404(survey_id)
    draft = _draft(survey)
    if draft is None:
        return to_survey(survey)
    page = from_document(draft.definition).page(page_key)
    if page is None:
        abort(404)
    if request.method == "POST":
        result = editing.delete_page(source_of(draft), page_key)
        if not result.ok or result.definition is None:
            return _refused(survey, result)
        save_draft(survey, draft, result.definition, "page_deleted", page=page_key)
        flash(_("Page %(key)s is deleted.", key=page_key))
        return to_survey(survey)
    return render_template("admin/surveys/confirm_delete.html", survey=survey,
                           form=ActionForm(), what=_("page %(key)s", key=page_key),
                           title=page.title,
                           detail=_("Its %(count)s questions are deleted with it.",
                                    count=len(page.questions)) if page.questions else None)


# --- questions -------------------------------------------------------------------------


def _question_fields(form: QuestionForm, qtype: str) -> dict[str, Any]:
    return {"key": form.key.data, "type": qtype, "text": form.text.data,
            "hint": form.hint.data or None, "required": bool(form.required.data),
            "scale": (form.scale.data or None) if qtype == "rating" else None,
            "dont_know": bool(form.dont_know.data), "max_length": form.max_length.data,
            "min": form.minimum.data, "max": form.maximum.data,
            "integer": bool(form.integer.data), **_condition_fields(form)}


def _question_data(question: dict[str, Any]) -> dict[str, Any]:
    return {"key": question["key"], "type": question["type"], "text": question["text"],
            "hint": question.get("hint", ""), "required": question.get("required", False),
            "scale": question.get("scale", "" if "options" in question else "fft"),
            "dont_know": question.get("dont_know", False),
            "max_length": question.get("max_length"), "minimum": question.get("min"),
            "maximum": question.get("max"), "integer": question.get("integer", True),
            **_condition_data(question)}


def _type_chooser(survey: Survey, draft: SurveyVersion, action: str,
                  heading: str) -> tuple[str, int]:
    form = QuestionTypeForm(request.args)
    invalid = "type" in request.args and not form.validate()
    return render_template("admin/surveys/question_type.html", form=form, survey=survey,
                           draft=draft, action=action, heading=heading), \
        400 if invalid else 200


def _after_question(survey: Survey, definition: Definition, key: str) -> WerkzeugResponse:
    question = definition.question(key)
    if question is not None and editing.lacks_options(question):
        flash(_("Question saved. Now add its answers."))
        return redirect(url_for("admin.edit_question", survey_id=survey.id,
                                question_key=key) + "#answers", code=303)
    return to_survey(survey, f"question-{key}")


@bp.route("/surveys/<int:survey_id>/pages/<page_key>/new-question", methods=["GET", "POST"])
@admin_only
def new_question(survey_id: int, page_key: str) -> View:
    survey = survey_or_404(survey_id)
    draft = _draft(survey)
    if draft is None:
        return to_survey(survey)
    definition = from_document(draft.definition)
    index = next((i for i, p in enumerate(definition.pages) if p.key == page_key), None)
    if index is None:
        abort(404)
    qtype = request.form.get("type") if request.method == "POST" else request.args.get("type")
    if qtype not in TYPE_NAMES:
        return _type_chooser(survey, draft, url_for("admin.new_question", survey_id=survey.id,
                                                    page_key=page_key),
                             _("Add a question to page %(key)s", key=page_key))
    form = QuestionForm(data={"type": qtype, "integer": True, "scale": "fft"})
    candidates = _candidates(definition, index, len(definition.pages[index].questions))
    _set_condition_choices(form, candidates)
    if form.validate_on_submit():
        result = editing.add_question(source_of(draft), page_key,
                                      _question_fields(form, qtype), locks_of(survey))
        if result.ok and result.definition is not None:
            save_draft(survey, draft, result.definition, "question_added",
                       question=form.key.data, page=page_key)
            return _after_question(survey, result.definition, form.key.data)
        form.add_problems(result.problems)
    return render_template("admin/surveys/question_form.html", form=form, survey=survey,
                           draft=draft, qtype=qtype, type_name=TYPE_NAMES[qtype],
                           page_key=page_key, question=None, locked=None,
                           condition_candidates=candidates), _status(form)


@bp.route("/surveys/<int:survey_id>/questions/<question_key>", methods=["GET", "POST"])
@admin_only
def edit_question(survey_id: int, question_key: str) -> View:
    survey = survey_or_404(survey_id)
    draft = _draft(survey)
    if draft is None:
        return to_survey(survey)
    source = source_of(draft)
    definition = from_document(draft.definition)
    found = editing.find_question(source, question_key)
    if found is None:
        abort(404)
    current = source["pages"][found[0]]["questions"][found[1]]
    locks = locks_of(survey)
    locked = locks.get(question_key)
    asked = request.form.get("type") if request.method == "POST" else request.args.get("type")
    qtype = asked if asked in TYPE_NAMES else current["type"]
    if request.args.get("change") == "type" and request.method == "GET":
        return _type_chooser(survey, draft, url_for("admin.edit_question", survey_id=survey.id,
                                                    question_key=question_key),
                             _("Change the kind of question %(key)s", key=question_key))
    form = QuestionForm(data={**_question_data(current), "type": qtype})
    candidates = _candidates(definition, found[0], found[1])
    _set_condition_choices(form, candidates)
    if form.validate_on_submit():
        result = editing.edit_question(source, question_key, _question_fields(form, qtype),
                                       locks)
        if result.ok and result.definition is not None:
            save_draft(survey, draft, result.definition, "question_changed",
                       question=form.key.data, was=question_key)
            return _after_question(survey, result.definition, form.key.data)
        form.add_problems(result.problems)
    question = definition.question(question_key)
    return render_template("admin/surveys/question_form.html", form=form, survey=survey,
                           draft=draft, qtype=qtype, type_name=TYPE_NAMES[qtype],
                           page_key=source["pages"][found[0]]["key"], question=question,
                           own_options=editing.needs_own_options(current)
                           and qtype == current["type"], locked=locked,
                           condition_candidates=candidates), _status(form)


@bp.post("/surveys/<int:survey_id>/questions/<question_key>/move")
@admin_only
def move_question(survey_id: int, question_key: str) -> View:
    survey = survey_or_404(survey_id)
    direction = _direction()
    draft = _draft(survey)
    if draft is None:
        return to_survey(survey)
    result = editing.move_question(source_of(draft), question_key, direction)
    if not result.ok or result.definition is None:
        return _refused(survey, result)
    save_draft(survey, draft, result.definition, "question_moved", question=question_key,
               direction=direction)
    return to_survey(survey, f"question-{question_key}")


@bp.route("/surveys/<int:survey_id>/questions/<question_key>/delete",
          methods=["GET", "POST"])
@admin_only
def delete_question(survey_id: int, question_key: str) -> View:
    survey = survey_or_404(survey_id)
    draft = _draft(survey)
    if draft is None:
        return to_survey(survey)
    question = from_document(draft.definition).question(question_key)
    if question is None or question.catalog:
        abort(404)
    if request.method == "POST":
        result = editing.delete_question(source_of(draft), question_key)
        if not result.ok or result.definition is None:
            return _refused(survey, result)
        save_draft(survey, draft, result.definition, "question_deleted",
                   question=question_key)
        flash(_("Question %(key)s is deleted.", key=question_key))
        return to_survey(survey)
    locked = locks_of(survey).get(question_key)
    return render_template(
        "admin/surveys/confirm_delete.html", survey=survey, form=ActionForm(),
        what=_("question %(key)s", key=question_key), title=question.text,
        detail=_("Answers to earlier versions keep it: version %(number)s asked it.",
                 number=locked.version) if locked else None)


# --- options ---------------------------------------------------------------------------


def _own_question(draft: SurveyVersion, question_key: str) -> dict[str, Any]:
    source = source_of(draft)
    found = editing.find_question(source, question_key)
    if found is None:
        abort(404)
    question: dict[str, Any] = source["pages"][found[0]]["questions"][found[1]]
    if not editing.needs_own_options(question):
        abort(404)
    return question


def _to_answers(survey: Survey, question_key: str) -> WerkzeugResponse:
    return redirect(url_for("admin.edit_question", survey_id=survey.id,
                            question_key=question_key) + "#answers", code=303)


@bp.route("/surveys/<int:survey_id>/questions/<question_key>/new-option",
          methods=["GET", "POST"])
@admin_only
def new_option(survey_id: int, question_key: str) -> View:
    survey = survey_or_404(survey_id)
    draft = _draft(survey)
    if draft is None:
        return to_survey(survey)
    question = _own_question(draft, question_key)
    form = OptionForm()
    if form.validate_on_submit():
        result = editing.add_option(source_of(draft), question_key, form.code.data or None,
                                    form.label.data, bool(form.exclusive.data))
        if result.ok and result.definition is not None:
            save_draft(survey, draft, result.definition, "option_added",
                       question=question_key)
            if request.form.get("another"):
                flash(_("Answer added. Add another."))
                return redirect(url_for("admin.new_option", survey_id=survey.id,
                                        question_key=question_key), code=303)
            return _to_answers(survey, question_key)
        form.add_problems(result.problems)
    return render_template("admin/surveys/option_form.html", form=form, survey=survey,
                           draft=draft, question=question, code=None), _status(form)


@bp.route("/surveys/<int:survey_id>/questions/<question_key>/options/<code>",
          methods=["GET", "POST"])
@admin_only
def edit_option(survey_id: int, question_key: str, code: str) -> View:
    survey = survey_or_404(survey_id)
    draft = _draft(survey)
    if draft is None:
        return to_survey(survey)
    question = _own_question(draft, question_key)
    option = next((o for o in question.get("options", []) if o["code"] == code), None)
    if option is None:
        abort(404)
    form = OptionForm(data={"code": option["code"], "label": option["label"],
                            "exclusive": option.get("exclusive", False)})
    if form.validate_on_submit():
        result = editing.edit_option(source_of(draft), question_key, code,
                                     form.code.data or code, form.label.data,
                                     bool(form.exclusive.data), locks_of(survey))
        if result.ok and result.definition is not None:
            save_draft(survey, draft, result.definition, "option_changed",
                       question=question_key, option=form.code.data or code, was=code)
            return _to_answers(survey, question_key)
        form.add_problems(result.problems)
    locked = locks_of(survey).get(question_key)
    return render_template("admin/surveys/option_form.html", form=form, survey=survey,
                           draft=draft, question=question, code=code,
                           code_locked=locked is not None and code in locked.codes), \
        _status(form)


@bp.post("/surveys/<int:survey_id>/questions/<question_key>/options/<code>/move")
@admin_only
def move_option(survey_id: int, question_key: str, code: str) -> View:
    survey = survey_or_404(survey_id)
    direction = _direction()
    draft = _draft(survey)
    if draft is None:
        return to_survey(survey)
    result = editing.move_option(source_of(draft), question_key, code, direction)
    if not result.ok or result.definition is None:
        return _refused(survey, result)
    save_draft(survey, draft, result.definition, "option_moved", question=question_key,
               option=code, direction=direction)
    return _to_answers(survey, question_key)


@bp.post("/surveys/<int:survey_id>/questions/<question_key>/options/<code>/delete")
@admin_only
def delete_option(survey_id: int, question_key: str, code: str) -> View:
    survey = survey_or_404(survey_id)
    draft = _draft(survey)
    if draft is None:
        return to_survey(survey)
    result = editing.delete_option(source_of(draft), question_key, code)
    if not result.ok or result.definition is None:
        return _refused(survey, result)
    save_draft(survey, draft, result.definition, "option_deleted", question=question_key,
               option=code)
    flash(_("Answer %(code)s is deleted.", code=code))
    return _to_answers(survey, question_key)


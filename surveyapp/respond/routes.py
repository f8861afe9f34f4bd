"""The public survey journey: /s/<code> → introduction → one topic a page → check → thanks.

Every page works without JavaScript. Answers are kept in a server-side draft from the
first page on; a failed CSRF check or an expired session shows her answers back to her
with a message rather than losing them.
"""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import get_locale, gettext
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms import BooleanField

from surveyapp.models import DistributionLink, Draft
from surveyapp.respond import bp
from surveyapp.respond.forms import CONSENT_REQUIRED, PageForm, StartForm, page_form_class
from surveyapp.respond.journey import (
    SurveyText,
    already_submitted,
    definition_for,
    find_draft,
    first_unanswered_required,
    load_link,
    next_page,
    previous_page,
    save_page,
    start_draft,
    submit,
)
from surveyapp.surveys.definition import Definition, Page

Page_ = str | WerkzeugResponse | tuple[str, int]


def _locale() -> str:
    return str(get_locale() or "en")


def _session_token(code: str) -> str | None:
    return (session.get("drafts") or {}).get(code)


def _remember_token(code: str, token: str | None) -> None:
    drafts = dict(session.get("drafts") or {})
    if token is None:
        drafts.pop(code, None)
    else:
        drafts[code] = token
    session["drafts"] = drafts
    session.permanent = True


def _survey(link: DistributionLink) -> tuple[Definition, int]:
    version_id = link.survey.latest_published_id()
    if version_id is None:
        abort(410)
    return definition_for(version_id), version_id


def _context(link: DistributionLink, definition: Definition, **extra: Any) -> dict[str, Any]:
    offered = [lang for lang in definition.languages if lang in _interface_languages()]
    return {"link": link, "text": SurveyText(definition, _locale()), "definition": definition,
            "survey_languages": offered, **extra}


def _interface_languages() -> list[str]:
    return list(current_app.config["LANGUAGES"])


class ConsentForm(StartForm):
    consent = BooleanField()


@bp.route("/<code>", methods=["GET", "POST"])
def start(code: str) -> Page_:
    link = load_link(code)
    definition, version_id = _survey(link)
    form = ConsentForm()
    draft = find_draft(_session_token(code), link)
    if request.method == "POST":
        consent_error = None if form.consent.data else str(CONSENT_REQUIRED)
        if form.csrf_failed or consent_error:
            return render_template("respond/start.html", form=form, consent_error=consent_error,
                                   stale=form.csrf_failed and not consent_error,
                                   **_context(link, definition)), 200
        if draft is None:
            draft = start_draft(link, version_id, _locale())
            _remember_token(code, draft.id)
        first = next_page(definition, draft.answers, None)
        return redirect(url_for("respond.page", code=code, page_key=first.key) if first
                        else url_for("respond.check", code=code))
    return render_template("respond/start.html", form=form, consent_error=None, stale=False,
                           has_draft=draft is not None, **_context(link, definition))


@bp.route("/<code>/q/<page_key>", methods=["GET", "POST"])
def page(code: str, page_key: str) -> Page_:
    link = load_link(code)
    definition, version_id = _survey(link)
    token = (request.form.get("draft") if request.method == "POST" else None) \
        or _session_token(code)
    draft = find_draft(token, link)
    definition = _her_version(definition, version_id, draft)
    survey_page = definition.page(page_key)
    if survey_page is None:
        abort(404)
    if request.method == "GET":
        if draft is None:
            if already_submitted(token) or session.get("submitted") == code:
                return redirect(url_for("respond.thank_you", code=code))
            return redirect(url_for("respond.start", code=code))
        if not survey_page.is_shown(definition.visible_answers(draft.answers)):
            return redirect(_onward(code, definition, draft.answers, None))
        form_class = page_form_class(_shown(definition, survey_page, draft.answers))
        form = form_class(data={q.key: draft.answers.get(q.key) for q in survey_page.questions})
        form.draft.data = draft.id
        return _render_page(link, definition, survey_page, form, draft.answers)

    form = page_form_class(_shown(definition, survey_page, draft.answers if draft else {}))()
    if draft is None and already_submitted(token):
        return redirect(url_for("respond.thank_you", code=code))
    valid = form.validate()
    if not valid:
        answers = draft.answers if draft else {}
        status = 200 if form.csrf_failed and not _field_errors(form) else 400
        return _render_page(link, definition, survey_page, form, answers,
                            stale=form.csrf_failed), status
    if draft is None:
        # Her session and draft are gone (a very old tab, or cookies cleared): keep what
        # she has just typed in a fresh draft rather than turning her away.
        draft = start_draft(link, version_id, _locale())
    _remember_token(code, draft.id)
    save_page(draft, survey_page, {f.name: f.data for f in form.answer_fields()}, _locale())
    if request.args.get("change"):
        return redirect(url_for("respond.check", code=code))
    return redirect(_onward(code, definition, draft.answers, survey_page.key))


def _her_version(latest: Definition, latest_id: int, draft: Draft | None) -> Definition:
    """She carries on with the version she started, even if a newer one was published
    meanwhile: her answers are checked and stored against what she was asked."""
    if draft is None or draft.version_id == latest_id:
        return latest
    return definition_for(draft.version_id)


def _shown(definition: Definition, survey_page: Page, answers: dict[str, Any]) -> list:
    """The questions on this page that her answers on earlier pages make relevant.

    A follow-up to a question on the same page is always shown (no JavaScript to reveal
    it); its answer is only kept if the condition holds when she submits.
    """
    earlier = definition.visible_answers(answers)
    on_page = {q.key for q in survey_page.questions}
    return [q for q in survey_page.questions
            if q.condition is None or q.condition.question in on_page or q.is_shown(earlier)]


def _field_errors(form: PageForm) -> bool:
    return any(field.errors for field in form.answer_fields())


def _onward(code: str, definition: Definition, answers: dict[str, Any],
            after: str | None) -> str:
    following = next_page(definition, answers, after)
    if following is None:
        return url_for("respond.check", code=code)
    return url_for("respond.page", code=code, page_key=following.key)


def _render_page(link: DistributionLink, definition: Definition, survey_page: Page,
                 form: PageForm, answers: dict[str, Any], stale: bool = False) -> str:
    visible = definition.visible_pages(answers)
    keys = [p.key for p in visible]
    number = keys.index(survey_page.key) + 1 if survey_page.key in keys else len(keys)
    back = previous_page(definition, answers, survey_page.key)
    back_url = (url_for("respond.page", code=link.code, page_key=back.key) if back
                else url_for("respond.start", code=link.code))
    if request.args.get("change"):
        back_url = url_for("respond.check", code=link.code)
    return render_template(
        "respond/page.html", form=form, page=survey_page, stale=stale,
        questions=_shown(definition, survey_page, answers),
        page_number=number, page_count=len(keys), back_url=back_url,
        errors=[(f.name, f.errors[0]) for f in form.answer_fields() if f.errors],
        **_context(link, definition),
    )


@bp.route("/<code>/check", methods=["GET", "POST"])
def check(code: str) -> Page_:
    link = load_link(code)
    definition, _version_id = _survey(link)
    form = PageForm()
    token = (form.draft.data if request.method == "POST" else None) or _session_token(code)
    draft = find_draft(token, link)
    if draft is None:
        if already_submitted(token) or session.get("submitted") == code:
            return redirect(url_for("respond.thank_you", code=code))
        return redirect(url_for("respond.start", code=code))
    definition = _her_version(definition, _version_id, draft)

    if request.method == "POST":
        if not form.validate():
            form.draft.data = draft.id
            return _render_check(link, definition, draft, form, stale=True)
        missing = first_unanswered_required(definition, draft.answers)
        if missing is not None:
            return redirect(url_for("respond.page", code=code, page_key=missing.key,
                                    change=1))
        receipt = submit(draft, link, definition, _locale())
        if receipt is not None:
            session["receipt"] = receipt
        _remember_token(code, None)
        session["submitted"] = code
        return redirect(url_for("respond.thank_you", code=code))

    form.draft.data = draft.id
    return _render_check(link, definition, draft, form)


def _render_check(link: DistributionLink, definition: Definition, draft: Draft,
                  form: PageForm, stale: bool = False) -> str:
    visible = definition.visible_answers(draft.answers)
    sections = []
    for survey_page in definition.visible_pages(draft.answers):
        rows = [(q, visible.get(q.key)) for q in survey_page.questions if q.is_shown(visible)]
        sections.append((survey_page, rows))
    return render_template("respond/check.html", form=form, sections=sections, stale=stale,
                           **_context(link, definition))


@bp.get("/<code>/thank-you")
def thank_you(code: str) -> Page_:
    link = load_link(code)
    definition, _version_id = _survey(link)
    if session.get("submitted") != code:
        return redirect(url_for("respond.start", code=code))
    return render_template("respond/thank_you.html", receipt=session.get("receipt"),
                           **_context(link, definition))


@bp.get("/<code>/privacy")
def privacy(code: str) -> Page_:
    link = load_link(code)
    definition, _version_id = _survey(link)
    return render_template("respond/privacy.html", **_context(link, definition))


def stale_message() -> str:
    return gettext("We could not save this page because it was open for a long time. "
                   "Your answers are still here. Please press the button again.")

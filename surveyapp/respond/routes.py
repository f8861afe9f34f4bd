"""The public survey journey: /s/<code> → introduction → one topic a page → check → thanks.

Every page works without JavaScript. Answers are kept in a server-side draft from the
first page on; a failed CSRF check or an expired session shows her answers back to her
with a message rather than losing them.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from flask import abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import force_locale, get_locale, gettext
from flask_wtf.csrf import generate_csrf
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms import BooleanField

from surveyapp.extensions import limiter
from surveyapp.languages import language_switcher_markup
from surveyapp.respond import bp
from surveyapp.respond.forms import CONSENT_REQUIRED, PageForm, StartForm, page_form_class
from surveyapp.respond.fragments import (
    UNCACHEABLE,
    answers_key,
    cached_page,
    check_section_markup,
    question_markup,
)
from surveyapp.respond.journey import (
    DraftState,
    LinkState,
    SurveyText,
    already_submitted,
    close_connection,
    definition_for,
    discard_trapped,
    first_unanswered_required,
    load_link,
    next_page,
    previous_page,
    save_page,
    start_draft,
    submit,
)
from surveyapp.respond.limits import (
    BOT_MARK,
    count_submission,
    submission_allowed,
    trap_filled,
)
from surveyapp.surveys.definition import Definition, Page, Question

Page_ = str | WerkzeugResponse | tuple[str, int] | tuple[str, int, dict[str, str]]


@limiter.request_filter
def _survey_pages_count_their_own_limits() -> bool:
    """Flask-Limiter works out, before every request, which limits apply to it. The survey
    pages have none of its route or default limits (final submissions are counted in
    check(), with the link and her language known), so that work is skipped for them.
    Registered once, when this module is first imported."""
    return request.blueprint == "respond"


# The journey's own database connection (journey.connection) ends with the request.
bp.teardown_request(close_connection)

# Survey pages (and the builder's preview of them) write each question through this.
bp.add_app_template_global(question_markup, "question_markup")
bp.add_app_template_global(check_section_markup, "check_section_markup")
bp.add_app_template_global(language_switcher_markup, "language_switcher_markup")


def _locale() -> str:
    return str(get_locale() or "en")


def _address() -> str:
    """This page's address as its links are written (a kept page is reused only for it)."""
    return request.script_root + request.full_path


def _session_token(code: str) -> str | None:
    return (session.get("drafts") or {}).get(code)


def _remember_token(code: str, token: str | None) -> None:
    # Only a change is written: an unchanged session is not signed and sent again.
    drafts = dict(session.get("drafts") or {})
    if drafts.get(code) == token:
        return
    if token is None:
        drafts.pop(code, None)
    else:
        drafts[code] = token
    session["drafts"] = drafts
    if not session.permanent:
        session.permanent = True


def _survey(link: LinkState) -> tuple[Definition, int]:
    if link.version_id is None:
        abort(410)
    return definition_for(link.version_id), link.version_id


def _context(link: LinkState, definition: Definition, **extra: Any) -> dict[str, Any]:
    offered = [lang for lang in definition.languages if lang in _interface_languages()]
    return {"link": link, "text": SurveyText(definition, _locale()), "definition": definition,
            "survey_languages": offered, **extra}


def _interface_languages() -> list[str]:
    return list(current_app.config["LANGUAGES"])


class ConsentForm(StartForm):
    consent = BooleanField()


@bp.route("/<code>", methods=["GET", "POST"])
def start(code: str) -> Page_:
    link, draft = load_link(code, _session_token(code))
    definition, version_id = _survey(link)
    if request.method == "POST":
        form = ConsentForm()
        form.validate()  # the CSRF token: csrf_failed is only known once validated
        consent_error = None if form.consent.data else str(CONSENT_REQUIRED)
        if form.csrf_failed or consent_error:
            return render_template("respond/start.html", form=form, consent_error=consent_error,
                                   stale=form.csrf_failed and not consent_error,
                                   **_context(link, definition)), 200
        if draft is None:
            draft = start_draft(link, version_id, _locale(), trapped=trap_filled())
            _remember_token(code, draft.id)
        first = next_page(definition, draft.answers, None)
        return redirect(url_for("respond.page", code=code, page_key=first.key) if first
                        else url_for("respond.check", code=code))

    def render() -> str:
        return render_template("respond/start.html", form=ConsentForm(), consent_error=None,
                               stale=False, has_draft=draft is not None,
                               **_context(link, definition))

    key = ("start", version_id, _locale(), _address(), draft is not None)
    return cached_page(key, {"csrf": generate_csrf()}, render)


@bp.route("/<code>/q/<page_key>", methods=["GET", "POST"])
def page(code: str, page_key: str) -> Page_:
    token = (request.form.get("draft") if request.method == "POST" else None) \
        or _session_token(code)
    link, draft = load_link(code, token)
    definition, version_id = _survey(link)
    definition = _her_version(definition, version_id, draft)
    shown_version = draft.version_id if draft is not None else version_id
    survey_page = definition.page(page_key)
    if survey_page is None:
        abort(404)
    if request.method == "GET":
        if draft is None:
            if already_submitted(token) or session.get("submitted") == code:
                return redirect(url_for("respond.thank_you", code=code))
            return redirect(url_for("respond.start", code=code))
        earlier = definition.visible_answers(draft.answers)
        if not survey_page.is_shown(earlier):
            return redirect(_onward(code, definition, draft.answers, None))
        view = _page_view(definition, survey_page, draft.answers, earlier)

        def render() -> str:
            form = page_form_class(view.questions)(
                data={q.key: draft.answers.get(q.key) for q in survey_page.questions})
            form.draft.data = draft.id
            return _render_page(link, definition, shown_version, survey_page, form, view)

        # The same page in the same place of the journey with the same (chosen) answers
        # is the same markup: see respond/fragments.py.
        key = answers_key(view.questions, draft.answers)
        if key is not UNCACHEABLE:
            key = ("page", shown_version, _locale(), _address(), view.number,
                   view.count, view.back, key)
        return cached_page(key, {"csrf": generate_csrf(), "draft": draft.id}, render)

    form = page_form_class(_shown(definition, survey_page, draft.answers if draft else {}))()
    if draft is None and already_submitted(token):
        return redirect(url_for("respond.thank_you", code=code))
    valid = form.validate()
    if not valid:
        answers = draft.answers if draft else {}
        status = 200 if form.csrf_failed and not _field_errors(form) else 400
        return _render_page(link, definition, shown_version, survey_page, form,
                            _page_view(definition, survey_page, answers),
                            stale=form.csrf_failed), status
    if draft is None:
        # Her session and draft are gone (a very old tab, or cookies cleared): keep what
        # she has just typed in a fresh draft rather than turning her away.
        draft = start_draft(link, version_id, _locale())
    _remember_token(code, draft.id)
    answers = save_page(draft, survey_page, {f.name: f.data for f in form.answer_fields()},
                        _locale(), trapped=trap_filled())
    if request.args.get("change"):
        return redirect(url_for("respond.check", code=code))
    return redirect(_onward(code, definition, answers, survey_page.key))


def _her_version(latest: Definition, latest_id: int, draft: DraftState | None) -> Definition:
    """She carries on with the version she started, even if a newer one was published
    meanwhile: her answers are checked and stored against what she was asked."""
    if draft is None or draft.version_id == latest_id:
        return latest
    return definition_for(draft.version_id)


def _shown(definition: Definition, survey_page: Page, answers: dict[str, Any],
           earlier: dict[str, Any] | None = None) -> list:
    """The questions on this page that her answers on earlier pages make relevant.

    A follow-up to a question on the same page is always shown (no JavaScript to reveal
    it); its answer is only kept if the condition holds when she submits. `earlier` is
    definition.visible_answers(answers), if the caller has it already.
    """
    if earlier is None:
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


class PageView(NamedTuple):
    """Where a page sits in her journey, from her answers so far."""

    number: int
    count: int
    back: str | None  # the page before, None for the start page
    questions: list[Question]


def _page_view(definition: Definition, survey_page: Page, answers: dict[str, Any],
               earlier: dict[str, Any] | None = None) -> PageView:
    visible = definition.visible_pages(answers)
    keys = [p.key for p in visible]
    if survey_page.key in keys:
        number = keys.index(survey_page.key) + 1
        back = visible[number - 2] if number > 1 else None
    else:
        number = len(keys)
        back = previous_page(definition, answers, survey_page.key)
    return PageView(number, len(keys), back.key if back else None,
                    _shown(definition, survey_page, answers, earlier))


def _render_page(link: LinkState, definition: Definition, version_id: int,
                 survey_page: Page, form: PageForm, view: PageView,
                 stale: bool = False) -> str:
    back_url = (url_for("respond.page", code=link.code, page_key=view.back) if view.back
                else url_for("respond.start", code=link.code))
    if request.args.get("change"):
        back_url = url_for("respond.check", code=link.code)
    return render_template(
        "respond/page.html", form=form, page=survey_page, stale=stale,
        questions=view.questions, page_number=view.number, page_count=view.count,
        back_url=back_url, version_id=version_id,
        errors=[(f.name, f.errors[0]) for f in form.answer_fields() if f.errors],
        **_context(link, definition),
    )


@bp.route("/<code>/check", methods=["GET", "POST"])
def check(code: str) -> Page_:
    token = (request.form.get("draft") if request.method == "POST" else None) \
        or _session_token(code)
    link, draft = load_link(code, token)
    definition, _version_id = _survey(link)
    form = PageForm()
    if draft is None:
        if already_submitted(token):
            # Her answers were stored but the confirmation never reached her (the
            # connection dropped): this retry stores nothing and she is thanked.
            session["submitted"] = code
            return redirect(url_for("respond.thank_you", code=code))
        if session.get("submitted") == code:
            return redirect(url_for("respond.thank_you", code=code))
        return redirect(url_for("respond.start", code=code))
    definition = _her_version(definition, _version_id, draft)

    if request.method == "POST":
        if not form.validate():
            form.draft.data = draft.id
            return _render_check(link, definition, draft, form, stale=True)
        if trap_filled() or draft.answers.get(BOT_MARK):
            # Sent by a program: nothing is stored or counted, and it gets the same
            # thank-you page (with no receipt), so it learns nothing.
            discard_trapped(draft, link)
            session.pop("receipt", None)
            _remember_token(code, None)
            session["submitted"] = code
            return redirect(url_for("respond.thank_you", code=code))
        missing = first_unanswered_required(definition, draft.answers)
        if missing is not None:
            return redirect(url_for("respond.page", code=code, page_key=missing.key,
                                    change=1))
        allowed, wait = submission_allowed(link.id)
        if not allowed:
            # Her draft stays as it is: she sends the same answers later.
            html = render_template("respond/busy.html", **_context(link, definition))
            return html, 429, {"Retry-After": str(wait)}
        receipt = submit(draft, link, definition, _locale())
        if receipt is not None:
            # Counted once stored: a retry after a database outage is not counted twice.
            count_submission(link.id)
            session["receipt"] = receipt
        _remember_token(code, None)
        session["submitted"] = code
        return redirect(url_for("respond.thank_you", code=code))

    form.draft.data = draft.id
    return _render_check(link, definition, draft, form)


def _render_check(link: LinkState, definition: Definition, draft: DraftState,
                  form: PageForm, stale: bool = False) -> str:
    visible = definition.visible_answers(draft.answers)
    sections = []
    for survey_page in definition.visible_pages(draft.answers):
        rows = [(q, visible.get(q.key)) for q in survey_page.questions if q.is_shown(visible)]
        sections.append((survey_page, rows))
    return render_template("respond/check.html", form=form, sections=sections, stale=stale,
                           version_id=draft.version_id, **_context(link, definition))


@bp.get("/<code>/thank-you")
def thank_you(code: str) -> Page_:
    link, _draft = load_link(code)
    definition, _version_id = _survey(link)
    if session.get("submitted") != code:
        return redirect(url_for("respond.start", code=code))
    receipt = session.get("receipt")

    def render() -> str:
        return render_template("respond/thank_you.html", receipt=receipt,
                               **_context(link, definition))

    key = ("thank-you", _version_id, _locale(), _address())
    return cached_page(key, {"receipt": receipt}, render)


@bp.get("/<code>/privacy")
def privacy(code: str) -> Page_:
    link, _draft = load_link(code)
    definition, version_id = _survey(link)
    key = ("privacy", version_id, _locale(), _address())
    return cached_page(key, {}, lambda: render_template("respond/privacy.html",
                                                        **_context(link, definition)))


@bp.get("/<code>/easy-read")
def easy_read(code: str) -> Page_:
    """The introduction and consent in easy-read English; its form posts to the start page."""
    link, draft = load_link(code, _session_token(code))
    definition, _version_id = _survey(link)
    with force_locale("en"):
        return render_template("respond/easy_read.html", form=ConsentForm(),
                               has_draft=draft is not None, **_context(link, definition))


def stale_message() -> str:
    return gettext("We could not save this page because it was open for a long time. "
                   "Your answers are still here. Please press the button again.")

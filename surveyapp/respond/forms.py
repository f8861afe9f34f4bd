"""Forms for the survey pages, built from the survey definition.

Each question becomes one field whose data is exactly what is stored: an option code,
a list of codes, cleaned text or a number. Error messages speak in one voice
("Select…", "Enter…") and are translated into her language.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from flask_babel import format_decimal, gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, HiddenField
from wtforms.csrf.core import CSRFTokenField
from wtforms.validators import StopValidation, ValidationError

from surveyapp.surveys import answers as rules
from surveyapp.surveys.answers import clean_text, parse_number
from surveyapp.surveys.definition import Question


class SingleChoiceField(Field):
    """A radio group: its data is one option code, or None."""

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = valuelist[0] if valuelist and valuelist[0] != "" else None

    def _value(self) -> str:
        return self.data or ""


class MultipleChoiceField(Field):
    """A checkbox group: its data is a list of option codes (empty if none ticked)."""

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = [v for v in valuelist if v != ""]

    def process_data(self, value: Any) -> None:
        self.data = list(value or [])


class TextAnswerField(Field):
    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = clean_text(valuelist[0]) if valuelist else None

    def _value(self) -> str:
        return self.data or ""


class NumberAnswerField(Field):
    """Keeps what she typed in `raw` so a mistake is shown back to her as typed."""

    raw: str = ""

    def process_formdata(self, valuelist: list[str]) -> None:
        self.raw = clean_text(valuelist[0]) or "" if valuelist else ""
        self.data = None
        if self.raw:
            self.data = parse_number(self.raw)

    def process_data(self, value: Any) -> None:
        self.data = value
        self.raw = "" if value is None else _plain_number(value)

    def _value(self) -> str:
        return self.raw


def _plain_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


# --- validators -----------------------------------------------------------------------


class AnswerRequired:
    def __init__(self, question: Question):
        self.question = question

    def __call__(self, form: FlaskForm, field: Field) -> None:
        if rules.is_empty(field.data, getattr(field, "raw", "")):
            if self.question.is_choice:
                raise StopValidation(gettext("Select an answer to this question"))
            raise StopValidation(gettext("Enter an answer to this question"))


class KnownOptions:
    """Rejects codes that are not on the list: only a changed form can send one."""

    def __init__(self, question: Question):
        self.question = question

    def __call__(self, form: FlaskForm, field: Field) -> None:
        field.data, problem = rules.check_choice(self.question, field.data)
        if problem is None:
            return
        if problem.code == rules.UNKNOWN_OPTION:
            raise StopValidation(gettext("Select one of the answers shown"))
        raise StopValidation(gettext(
            "You chose an answer that cannot go with others. Choose it on its own, "
            "or untick it"))


class TextLimit:
    def __init__(self, question: Question):
        self.question = question

    def __call__(self, form: FlaskForm, field: Field) -> None:
        field.data, problem = rules.check_text(self.question, field.data)
        if problem is None:
            return
        if problem.code == rules.POSTCODE:
            raise StopValidation(gettext(
                "Enter only the first half of your postcode, like B12 or SW1A"))
        raise StopValidation(gettext(
            "Your answer must be %(limit)s characters or fewer. It is %(length)s now",
            limit=format_decimal(problem.params["limit"]),
            length=format_decimal(problem.params["length"])))


class NumberInRange:
    def __init__(self, question: Question):
        self.question = question

    def __call__(self, form: FlaskForm, field: NumberAnswerField) -> None:
        value, problem = rules.check_number(self.question, field.raw, field.data)
        if problem is None:
            if field.raw:
                field.data = value
            return
        q = self.question
        if problem.code == rules.NOT_A_NUMBER:
            raise StopValidation(gettext("Enter a whole number, like 2") if q.integer
                                 else gettext("Enter a number, like 2.5"))
        if q.minimum is not None and q.maximum is not None:
            message = gettext("Enter a number from %(low)s to %(high)s",
                              low=format_decimal(q.minimum), high=format_decimal(q.maximum))
        elif q.minimum is not None:
            message = gettext("Enter a number of %(low)s or more",
                              low=format_decimal(q.minimum))
        else:
            message = gettext("Enter a number of %(high)s or less",
                              high=format_decimal(q.maximum))
        raise ValidationError(message)


# --- building a page form ---------------------------------------------------------------

FIELD_CLASSES: dict[str, type[Field]] = {
    "single": SingleChoiceField,
    "rating": SingleChoiceField,
    "yesno": SingleChoiceField,
    "multiple": MultipleChoiceField,
    "text": TextAnswerField,
    "number": NumberAnswerField,
}


def _validators(question: Question) -> list[Callable[..., None]]:
    checks: list[Callable[..., None]] = []
    if question.required:
        checks.append(AnswerRequired(question))
    if question.is_choice:
        checks.append(KnownOptions(question))
    elif question.type == "text":
        checks.append(TextLimit(question))
    elif question.type == "number":
        checks.append(NumberInRange(question))
    return checks


class _TokenWhenShown(CSRFTokenField):
    """The CSRF token field, making this request's token only when a page shows it.

    WTForms signs a fresh token whenever a form is built, but a page that is saved
    answers with a redirect and shows no form: signing it was wasted work on most POSTs.
    Checking the token she sent is unchanged (pre_validate).
    """

    _token: str | None = None

    def process(self, *args: Any, **kwargs: Any) -> None:
        HiddenField.process(self, *args, **kwargs)

    def _value(self) -> str:
        if self._token is None:
            self._token = self.csrf_impl.generate_csrf_token(self)
        return self._token


class _CSRFWhenShown(FlaskForm.Meta.csrf_class):  # type: ignore[misc, name-defined]
    field_class = _TokenWhenShown


class PageForm(FlaskForm):
    """Base for every survey page: the draft token travels in the form as well as the
    session, so an expired session never loses what she has already answered."""

    draft = HiddenField()

    class Meta:
        csrf_field_name = "csrf_token"
        csrf_class = _CSRFWhenShown

    @property
    def csrf_failed(self) -> bool:
        return bool(self.meta.csrf and self.csrf_token.errors)

    def answer_fields(self) -> Iterable[Field]:
        return (f for f in self if f.name not in ("draft", "csrf_token"))


def page_form_class(questions: Iterable[Question]) -> type[PageForm]:
    return _page_form_class(tuple(questions))


@lru_cache(maxsize=512)
def _page_form_class(questions: tuple[Question, ...]) -> type[PageForm]:
    # Questions are frozen, so the class for a set of them can be built once per process.
    attrs = {q.key: FIELD_CLASSES[q.type](validators=_validators(q)) for q in questions}
    return type("SurveyPageForm", (PageForm,), attrs)


class StartForm(PageForm):
    pass


CONSENT_REQUIRED = _l("Tick the box to say you have read this and want to take part")

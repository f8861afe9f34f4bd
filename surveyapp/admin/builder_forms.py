"""Forms of the survey builder.

The forms check only what a form can (something entered, a number that is a number,
lengths); whether the survey still makes sense is decided by `validate()` through
surveyapp.surveys.editing, whose problems are put back on these fields.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    Field,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, StopValidation

from surveyapp.forms import StaffForm, choices
from surveyapp.surveys.definition import MAX_TEXT_LENGTH, SCALES
from surveyapp.surveys.editing import Problem

TITLE_MAX = 200  # Survey.title is a 200-character column
TEXT_MAX = 1000
KEY_HINT = _l("Lower-case letters, digits and underscores, starting with a letter, like "
              "felt_listened_to. Analysis joins answers on the key across versions: once a "
              "version is published, its question keys cannot be renamed.")


class NumberField(Field):
    """A number typed as text: `raw` keeps what was typed so a mistake is shown back."""

    raw = ""

    def __init__(self, label: Any = None, validators: Any = None, integer: bool = False,
                 **kwargs: Any):
        super().__init__(label, validators, **kwargs)
        self.integer = integer

    def process_formdata(self, valuelist: list[str]) -> None:
        self.raw = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if self.raw:
            try:
                number = float(self.raw.replace(",", ""))
            except ValueError:
                return
            if number.is_integer():
                self.data = int(number)
            elif not self.integer:
                self.data = number

    def process_data(self, value: Any) -> None:
        self.data = value
        self.raw = "" if value is None else str(value)

    def pre_validate(self, form: Any) -> None:
        if self.raw and self.data is None:
            raise StopValidation(str(_l("Enter a whole number, like 500") if self.integer
                                     else _l("Enter a number, like 2 or 2.5")))

    def _value(self) -> str:
        return self.raw


class MultiCheckboxField(SelectMultipleField):
    pass


class BuilderForm(StaffForm):
    """A staff form that can also show problems that belong to no field of its own
    (a later question whose condition a change would break, say): those go in WTForms'
    `form_errors`, so `form.errors` (which the staff layout looks at) includes them."""

    # Fields in page order (mixins would otherwise put their fields first), so the error
    # summary lists problems in the order of the page.
    field_order: tuple[str, ...] = ()

    def __iter__(self):  # type: ignore[no-untyped-def]
        order = ["csrf_token", "type", *self.field_order]
        return iter(sorted(super().__iter__(),
                           key=lambda f: order.index(f.name) if f.name in order else 99))

    def add_problems(self, problems: list[Problem]) -> None:
        for problem in problems:
            field = self._fields.get(problem.field) if problem.field else None
            if field is not None and field.type != "HiddenField":  # nothing to link to
                field.errors = [*field.errors, problem.message]
            else:
                self.form_errors.append(problem.message)

    @property
    def has_errors(self) -> bool:
        return bool(self.errors)

    def error_list(self) -> list[tuple[str, str]]:
        """Problems of no field first (linked to the form's first field), then each
        field's first problem, in page order."""
        first = next((f.id for f in self if f.type not in ("CSRFTokenField", "HiddenField")),
                     "maincontent")
        return [(first, message) for message in self.form_errors] + super().error_list()


def _title() -> StringField:
    return StringField(_l("Title"), validators=[
        DataRequired(_l("Enter a title")),
        Length(max=TITLE_MAX, message=_l("Title must be 200 characters or fewer"))])


class SurveyDetailsForm(BuilderForm):
    title = _title()
    introduction = TextAreaField(_l("Introduction"), description=_l(
        "What the survey is for, in plain words. Separate paragraphs with a blank line."),
        validators=[DataRequired(_l("Enter an introduction")),
                    Length(max=MAX_TEXT_LENGTH,
                           message=_l("Introduction must be 5,000 characters or fewer"))])
    languages = MultiCheckboxField(_l("Languages offered"), description=_l(
        "English is always offered. Each language you choose gets its own translation."))


class NewSurveyForm(SurveyDetailsForm):
    key = StringField(_l("Survey key"), description=_l(
        "Lower-case letters, digits and -, like maternity-experience-2026. It cannot change "
        "later."), validators=[DataRequired(_l("Enter a survey key")),
                               Length(max=80, message=_l("Key must be 80 characters or fewer"))])

    field_order = ("key", "title", "introduction", "languages")


class ConditionMixin:
    condition_question = SelectField(_l("Show only if the answer to"), validate_choice=False,
                                     description=_l("An earlier choice question. Leave as "
                                                    "'Always show' for no condition."))
    condition_codes = StringField(_l("is one of these codes"), description=_l(
        "Separate codes with commas, like yes, dont_know"))


class PageForm(BuilderForm, ConditionMixin):
    key = StringField(_l("Page key"), description=_l(
        "Lower-case letters, digits and _, like labour_birth. Used in the page's address."),
        validators=[DataRequired(_l("Enter a page key")),
                    Length(max=63, message=_l("Key must be 63 characters or fewer"))])
    title = _title()
    intro = TextAreaField(_l("Introduction (optional)"), validators=[
        Optional(), Length(max=TEXT_MAX, message=_l("Introduction must be 1,000 characters "
                                                     "or fewer"))])

    field_order = ("key", "title", "intro", "demographics", "condition_question",
                   "condition_codes")


class DemographicsPageForm(PageForm):
    demographics = MultiCheckboxField(_l("Questions about the person answering"),
                                      description=_l("The harmonised questions (Census 2021 "
                                                     "and GSS wording), translated for every "
                                                     "survey."))


QUESTION_TYPES = [
    ("single", _l("Single choice: one answer from a list")),
    ("multiple", _l("Multiple choice: any answers from a list")),
    ("rating", _l("Rating: a scale such as the Friends and Family Test")),
    ("yesno", _l("Yes or no")),
    ("text", _l("Free text")),
    ("number", _l("Number")),
]
SCALE_CHOICES = [
    ("fft", _l("Friends and Family Test: very good to very poor, and don't know")),
    ("agreement", _l("Yes, definitely / Yes, to some extent / No / Don't know")),
    ("", _l("My own answers (add them after saving)")),
]
assert {value for value, _label in SCALE_CHOICES if value} == set(SCALES)


class QuestionTypeForm(BuilderForm):
    type = RadioField(_l("What kind of question is it?"),
                      validators=[DataRequired(_l("Select the kind of question"))])

    class Meta:
        csrf = False  # a GET form that only chooses which form comes next

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.type.choices = choices(QUESTION_TYPES)


class QuestionForm(BuilderForm, ConditionMixin):
    type = HiddenField()
    key = StringField(_l("Question key"), description=KEY_HINT, validators=[
        DataRequired(_l("Enter a question key")),
        Length(max=63, message=_l("Key must be 63 characters or fewer"))])
    text = TextAreaField(_l("Question"), validators=[
        DataRequired(_l("Enter the question")),
        Length(max=TEXT_MAX, message=_l("Question must be 1,000 characters or fewer"))])
    hint = TextAreaField(_l("Hint (optional)"), validators=[
        Optional(), Length(max=TEXT_MAX, message=_l("Hint must be 1,000 characters or fewer"))])
    required = BooleanField(_l("She must answer this question"), description=_l(
        "Leave unticked for most questions: people may skip what they do not want to answer."))
    scale = RadioField(_l("Answers"), validate_choice=False)
    dont_know = BooleanField(_l("Add \"I don't know or can't remember\""))
    max_length = NumberField(_l("Longest answer, in characters"), integer=True,
                             description=_l("1 to 5,000. Leave empty for 5,000."))
    minimum = NumberField(_l("Smallest number allowed (optional)"))
    maximum = NumberField(_l("Largest number allowed (optional)"))
    integer = BooleanField(_l("Whole numbers only"))

    field_order = ("key", "text", "hint", "required", "scale", "dont_know", "max_length",
                   "minimum", "maximum", "integer", "condition_question", "condition_codes")

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.scale.choices = choices(SCALE_CHOICES)


class OptionForm(BuilderForm):
    label = StringField(_l("Answer text"), validators=[
        DataRequired(_l("Enter the answer text")),
        Length(max=500, message=_l("Answer text must be 500 characters or fewer"))])
    code = StringField(_l("Code (optional)"), description=_l(
        "Lower-case letters, digits and _, like very_good. Leave empty to make one from the "
        "text. Analysis counts answers by code: keep a code's meaning once published."),
        validators=[Optional(), Length(max=63, message=_l("Code must be 63 characters or "
                                                          "fewer"))])
    exclusive = BooleanField(_l("Only on its own (like \"Prefer not to say\")"),
                             description=_l("For multiple choice: it cannot be ticked with "
                                            "other answers."))


class ImportForm(BuilderForm):
    file = FileField(_l("Survey file (YAML or JSON)"),
                     validators=[FileRequired(_l("Choose a survey file"))])
    replace_draft = BooleanField(_l("Replace the current draft with this file"))


class TranslationUploadForm(BuilderForm):
    file = FileField(_l(".po file"), validators=[FileRequired(_l("Choose a .po file"))])


class ActionForm(BuilderForm):
    """Buttons that change something (publish, move, delete): only a CSRF token."""

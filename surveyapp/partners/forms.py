"""Forms for partner organisations and their links."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from babel import Locale
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from wtforms import RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from surveyapp import languages
from surveyapp.extensions import db
from surveyapp.forms import StaffForm, choices
from surveyapp.models import Partner, PartnerKind, Survey

KIND_LABELS = {
    PartnerKind.MVP: _l("Maternity and Neonatal Voices Partnership"),
    PartnerKind.VCSE: _l("Voluntary or community group"),
    PartnerKind.FAITH: _l("Faith group"),
    PartnerKind.TRUST_TEAM: _l("Trust team"),
    PartnerKind.HEALTH_VISITORS: _l("Health visitors"),
    PartnerKind.OTHER: _l("Other"),
}

# The radio value for "no default language": the survey follows the phone's language.
PHONE_LANGUAGE = "phone"
MAX_TEXT = 200
UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def kind_label(kind: str) -> str:
    try:
        return str(KIND_LABELS[PartnerKind(kind)])
    except ValueError:
        return kind


def language_label(code: str | None) -> str:
    """"Urdu (اردو)" for staff: the language in the page's language, then in its own."""
    if not code:
        return str(_l("The phone's language"))
    try:
        name = Locale.parse(code).get_display_name(str(get_locale() or "en")) or code
    except (ValueError, TypeError):
        name = code
    native = languages.native_name(code)
    return name if native in (name, code) else f"{name} ({native})"


class PartnerForm(StaffForm):
    name = StringField(_l("Name of the organisation"), validators=[
        DataRequired(_l("Enter the name of the organisation")),
        Length(max=MAX_TEXT, message=_l("The name must be 200 characters or fewer"))])
    kind = RadioField(_l("What kind of organisation is it?"), validate_choice=False)
    contact = StringField(
        _l("Contact (optional)"),
        description=_l("Who to talk to about this organisation's links: a name, an email "
                       "address or a phone number."),
        validators=[Optional(), Length(max=MAX_TEXT, message=_l(
            "The contact must be 200 characters or fewer"))])

    def __init__(self, *args: Any, editing: Partner | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.editing = editing
        self.kind.choices = choices((kind.value, label) for kind, label in KIND_LABELS.items())

    def validate_name(self, field: StringField) -> None:
        clash = db.session.scalar(
            select(Partner).where(func.lower(Partner.name) == field.data.lower()))
        if clash is not None and clash is not self.editing:
            raise ValidationError(_l("There is already a partner organisation with this name"))

    def validate_kind(self, field: RadioField) -> None:
        if field.data not in {kind.value for kind in PartnerKind}:
            raise ValidationError(_l("Select what kind of organisation it is"))


class LinkForm(StaffForm):
    """A new link. Admins pick the organisation; a partner's links are always her own."""

    partner_id = SelectField(_l("Partner organisation"), coerce=str, validate_choice=False)
    survey_id = RadioField(_l("Survey"), validate_choice=False)
    label = StringField(
        _l("Where will you share this link?"),
        description=_l("For example: Somali mothers' group, Tuesday drop-in. Only your "
                       "organisation and the maternity team see this."),
        validators=[DataRequired(_l("Enter where you will share this link")),
                    Length(max=MAX_TEXT, message=_l(
                        "Where you will share the link must be 200 characters or fewer"))])
    language = RadioField(
        _l("Which language should the survey open in?"),
        description=_l("People can change the language on every page of the survey."),
        validate_choice=False)
    ends_on = StringField(
        _l("Last day to answer (optional)"),
        description=_l("For example, 31/03/2026. Leave it empty to keep the link open until "
                       "you close it."))

    def __init__(self, *args: Any, surveys: list[Survey], survey_languages: dict[int, list[str]],
                 partners: list[Partner] | None = None, today: date | None = None,
                 **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.today = today or date.today()
        self.survey_languages = survey_languages
        self.ends_on_date: date | None = None
        if partners is None:
            del self.partner_id  # a partner user cannot choose: it is her organisation
        else:
            self.partner_id.choices = choices(
                [("", _l("Select an organisation"))] + [(p.id, p.name) for p in partners])
        self.survey_id.choices = choices((s.id, s.title) for s in surveys)
        if len(surveys) == 1 and not self.survey_id.data:
            self.survey_id.data = str(surveys[0].id)
        offered = sorted({code for codes in survey_languages.values() for code in codes},
                         key=_language_order)
        self.language.choices = choices(
            [(PHONE_LANGUAGE, _l("The language the phone is set to (English if the survey "
                                 "is not in it)"))]
            + [(code, language_label(code)) for code in offered])

    def validate_partner_id(self, field: SelectField) -> None:
        if field.data not in {c.value for c in field.choices if c.value}:
            raise ValidationError(_l("Select the partner organisation"))

    def validate_survey_id(self, field: RadioField) -> None:
        if field.data not in {c.value for c in field.choices}:
            raise ValidationError(_l("Select a survey that is open for answers"))

    def validate_language(self, field: RadioField) -> None:
        if not field.data:
            raise ValidationError(_l("Select the language the survey opens in"))
        if field.data == PHONE_LANGUAGE:
            return
        survey_id = self.survey_id.data
        offered = self.survey_languages.get(int(survey_id), []) \
            if survey_id and survey_id.isdigit() else None
        if offered is not None and field.data not in offered:
            raise ValidationError(_l("Select a language this survey is offered in"))
        if offered is None and field.data not in {c.value for c in field.choices}:
            raise ValidationError(_l("Select a language from the list"))

    def validate_ends_on(self, field: StringField) -> None:
        if not field.data:
            return
        day = _parse_date(field.data)
        if day is None:
            raise ValidationError(_l("Enter a real date, for example 31/03/2026"))
        if day < self.today:
            raise ValidationError(_l("The last day to answer must be today or in the future"))
        self.ends_on_date = day

    @property
    def default_language(self) -> str | None:
        return None if self.language.data == PHONE_LANGUAGE else self.language.data


def _parse_date(text: str) -> date | None:
    """2026-03-31 (what a date input sends) or 31/03/2026 (how people in England write it)."""
    try:
        if match := UK_DATE.match(text):
            day, month, year = (int(part) for part in match.groups())
            return date(year, month, day)
        return date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


def _language_order(code: str) -> tuple[int, str]:
    return (0 if code == "en" else 1, code)

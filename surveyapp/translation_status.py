"""How complete each language is: the interface catalogs and each survey's own text.

`flask --app wsgi translations status` prints it; `--check` exits 1 when a shipped
language is missing any text a respondent can see (the same rule tests/unit/test_catalogs.py
enforces in `make test`). Plain functions, so the test and the command share them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.languages import native_name
from surveyapp.models import Survey, SurveyVersion
from surveyapp.surveys.definition import from_document, translation_counts

ROOT = Path(__file__).resolve().parents[1]
RESPONDENT_CONFIG = ROOT / "babel-respondent.cfg"
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}


@dataclass(frozen=True)
class InterfaceStatus:
    locale: str
    respondent_done: int
    respondent_total: int
    staff_done: int
    staff_total: int
    missing: tuple[str, ...]

    @property
    def complete_for_respondents(self) -> bool:
        return not self.missing


def respondent_messages(config: Path = RESPONDENT_CONFIG) -> set[str]:
    """Every message a respondent can see: what babel-respondent.cfg extracts."""
    with config.open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT, method_map, options_map, keywords=KEYWORDS):
        found.add(message[0] if isinstance(message, tuple) else message)
    return {m for m in found if m}


def interface_status(locale: str, respondent: set[str],
                     translations: Path | None = None) -> InterfaceStatus:
    folder = translations or ROOT / "translations"
    with (folder / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    done = {m.id if isinstance(m.id, str) else m.id[0]
            for m in catalog if m.id and m.string and not m.fuzzy}
    every = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
    staff = every - respondent
    return InterfaceStatus(locale, len(respondent & done), len(respondent),
                           len(staff & done), len(staff),
                           tuple(sorted(respondent - done)))


def survey_status() -> list[tuple[str, int, str, dict[str, int]]]:
    """(survey key, version number, locale, counts) for each survey's newest version."""
    rows = []
    for survey in db.session.scalars(select(Survey).order_by(Survey.key)):
        version = db.session.scalars(
            select(SurveyVersion).where(SurveyVersion.survey_id == survey.id)
            .order_by(SurveyVersion.number.desc()).limit(1)).first()
        if version is None:
            continue
        definition = from_document(version.definition)
        for locale in definition.languages:
            if locale != "en":
                rows.append((survey.key, version.number, locale,
                             translation_counts(definition, locale)))
    return rows


translations_cli = AppGroup("translations", help="How complete each language is.")


@translations_cli.command("status")
@click.option("--check", is_flag=True,
              help="Exit 1 if a shipped language misses text a respondent can see.")
def status_command(check: bool) -> None:
    """Print the completeness of every language, for the interface and each survey."""
    respondent = respondent_messages()
    folder = Path(current_app.config["BABEL_TRANSLATION_DIRECTORIES"].split(";")[0])
    incomplete = []
    click.echo("Interface (respondent pages must be complete; staff pages may stay English)")
    click.echo(f"  {'language':<28} {'respondent':>12} {'staff':>12}")
    for locale in current_app.config["LANGUAGES"]:
        if locale == "en":
            continue
        status = interface_status(locale, respondent, folder)
        name = f"{locale} {native_name(locale)}"
        mark = "" if status.complete_for_respondents else "  INCOMPLETE"
        click.echo(f"  {name:<28} {status.respondent_done:>5}/{status.respondent_total:<6}"
                   f"{status.staff_done:>5}/{status.staff_total:<6}{mark}")
        if not status.complete_for_respondents:
            incomplete.append(locale)
            for msgid in status.missing[:5]:
                click.echo(f"      missing: {msgid[:70]!r}")
    rows = survey_status()
    click.echo("Surveys (newest version; out-of-date text is shown in English)")
    if not rows:
        click.echo("  no surveys loaded")
    for key, number, locale, counts in rows:
        click.echo(f"  {key} v{number} {locale:<8} {counts['percent']:>3}% "
                   f"({counts['translated']} translated, {counts['out_of_date']} out of date, "
                   f"{counts['missing']} missing, of {counts['total']})")
    if check and incomplete:
        raise click.ClickException(
            f"incomplete for respondents: {', '.join(incomplete)}")

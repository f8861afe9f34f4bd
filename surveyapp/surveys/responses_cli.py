"""`flask --app wsgi import-responses SURVEY_KEY FILE.csv`: responses from paper or another tool."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from surveyapp.models.response import ResponseSource


@click.command("import-responses")
@click.argument("survey_key")
@click.argument("path", metavar="FILE.csv",
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--source", type=click.Choice([ResponseSource.PAPER.value,
                                             ResponseSource.IMPORT.value]),
              default=ResponseSource.IMPORT.value, show_default=True,
              help="paper: typed in from paper forms; import: from another survey tool.")
@click.option("--version", "version_number", type=click.IntRange(min=1), default=None,
              help="The published version the responses answer (default: the latest).")
@click.option("--dry-run", is_flag=True, help="Check the file and store nothing.")
@with_appcontext
def import_responses_command(survey_key: str, path: Path, source: str,
                             version_number: int | None, dry_run: bool) -> None:
    """Import responses from a CSV file: one row a response, one column a question key.

    Answers are the option codes the survey uses (several separated by ';' for a multiple
    choice), numbers or text; optional columns language, submitted_on (YYYY-MM-DD) and
    link (a link code) or partner (a partner's name). Every row is checked like a web
    response; if anything is wrong nothing is stored and every problem is listed.
    """
    from surveyapp.auth.access import audit
    from surveyapp.extensions import db
    from surveyapp.models import Survey
    from surveyapp.surveys.responses_import import MAX_FILE_BYTES, ResponsesImportError
    from surveyapp.surveys.responses_store import import_responses

    survey = db.session.scalar(select(Survey).where(Survey.key == survey_key))
    if survey is None:
        raise click.BadParameter(f"no survey with the key '{survey_key}'",
                                 param_hint="SURVEY_KEY")
    with path.open("rb") as handle:
        data = handle.read(MAX_FILE_BYTES + 1)
    try:
        result = import_responses(survey, data, source=source,
                                  version_number=version_number, dry_run=dry_run,
                                  commit=False)
    except ResponsesImportError as error:
        db.session.rollback()
        for problem in error.problems:
            click.echo(f"error: {problem}", err=True)
        click.echo(f"Nothing was stored: {len(error.problems)} problems in {path.name}.",
                   err=True)
        raise SystemExit(1) from error
    if dry_run:
        click.echo(f"Checked {path.name}: {result.count} responses to '{survey.key}' version "
                   f"{result.version.number} could be imported. Nothing was stored (--dry-run).")
        return
    audit("responses_imported", target=survey.key, actor=None, commit=False,
          count=result.count, source=source, version=result.version.number,
          file=path.name[:200], via="cli")
    db.session.commit()
    click.echo(f"Stored {result.count} responses to '{survey.key}' version "
               f"{result.version.number} (source: {source}) from {path.name}.")

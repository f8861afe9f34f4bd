"""`flask --app wsgi themes refresh|classify` and `flask --app wsgi worker`."""

from __future__ import annotations

import logging
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import or_, select

from surveyapp.extensions import db
from surveyapp.import_problems import ImportProblems
from surveyapp.models import CommentAnalysis, Survey
from surveyapp.themes import pipeline

themes_cli = AppGroup("themes", help="Themes and sentiment of free-text comments.")


def _survey(key: str | None) -> Survey | None:
    if key is None:
        return None
    survey = db.session.scalar(select(Survey).where(or_(
        Survey.key == key, Survey.id == (int(key) if key.isdigit() else -1))))
    if survey is None:
        raise click.BadParameter(f"no survey '{key}'", param_hint="--survey")
    return survey


@themes_cli.command("refresh")
@click.option("--survey", "survey_key", help="Only this survey (its key or id).")
@click.option("--batch", type=click.IntRange(1, 5000), default=200, show_default=True,
              help="Comments analysed per database transaction.")
@click.option("--everything", is_flag=True,
              help="Analyse every comment again, not only new ones and those analysed "
                   "with an older framework version (reviewers' own edits are kept).")
def refresh(survey_key: str | None, batch: int, everything: bool) -> None:
    """Analyse the comments waiting, re-analyse those coded with an older framework, and
    say how many wait for a translation. Safe to run while a worker runs."""
    survey = _survey(survey_key)
    survey_id = survey.id if survey else None
    fw = pipeline.active_framework()
    marked = pipeline.mark_outdated(db.session, fw, survey_id, everything)
    show_progress = sys.stderr.isatty()

    def progress(so_far: pipeline.Counts) -> None:
        if show_progress:
            click.echo(f"\r{so_far.stored} comments analysed so far", err=True, nl=False)

    done = pipeline.analyse_pending(db.session, batch, survey_id, fw=fw, on_batch=progress)
    if show_progress and done.stored:
        click.echo("", err=True)
    surveys = [survey_id] if survey_id else list(db.session.scalars(
        select(CommentAnalysis.survey_id).distinct()))
    emerging = sum(pipeline.refresh_emerging_phrases(db.session, s, fw) for s in surveys)
    to_translate = to_analyse = 0
    for s in surveys:
        waiting = pipeline.waiting(db.session, s)
        to_translate += waiting.to_translate
        to_analyse += waiting.to_analyse
    click.echo(f"Framework: {fw.key} version {fw.version}.")
    if marked:
        click.echo(f"Queued again for this framework version: {marked}.")
    click.echo(f"Analysed: {done.analysed} comments. Not in English, now waiting for a "
               f"translation: {done.awaiting_translation}. Failed (see the log): "
               f"{done.failed}. Done meanwhile by a worker: {done.skipped}.")
    click.echo(f"Waiting for an English translation: {to_translate}. Still waiting for "
               f"analysis: {to_analyse}.")
    click.echo(f"Phrases no theme covers, raised by {pipeline.MIN_RESPONDENTS_FOR_EMERGING} "
               f"or more respondents: {emerging}.")


@themes_cli.command("classify")
@click.argument("input_path", metavar="INPUT.csv",
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--text-column", required=True, help="The column with the comments.")
@click.option("--rating-column", help="Friends and Family Test codes, 1 (very good) to 5 "
                                      "(very poor); anything else is ignored.")
@click.option("--question-column", help="The wording of the question each comment answers "
                                        "(\"What was good?\", \"What could be better?\").")
@click.option("--output", "output_path", required=True, metavar="OUTPUT.csv",
              type=click.Path(dir_okay=False, writable=True, path_type=Path))
def classify_command(input_path: Path, text_column: str, rating_column: str | None,
                     question_column: str | None, output_path: Path) -> None:
    """Code a spreadsheet of comments (CSV) with language, sentiment, polarity and themes,
    storing nothing. Malformed rows are reported and skipped."""
    from surveyapp.themes.classify import MAX_BYTES, classify

    if output_path.resolve() == input_path.resolve():
        raise click.BadParameter("choose another file, so the original is kept",
                                 param_hint="--output")
    if input_path.stat().st_size > MAX_BYTES:
        raise click.ClickException(f"{input_path} is larger than {MAX_BYTES // 2**20} MB")
    data = input_path.read_bytes()
    with ExitStack() as stack:

        def progress(rows: Any) -> Any:
            return stack.enter_context(click.progressbar(
                rows, label="Coding comments", file=sys.stderr, show_pos=True))

        try:
            with output_path.open("w", encoding="utf-8-sig", newline="") as output:
                summary = classify(data, output, text_column, rating_column, question_column,
                                   progress=progress)
        except ImportProblems as error:
            output_path.unlink(missing_ok=True)
            raise click.ClickException(str(error)) from error
    for problem in summary.problems:
        click.echo(f"{input_path.name}: {problem}", err=True)
    click.echo(f"Coded {summary.coded} comments into {output_path} ({summary.not_english} "
               f"not in English: language and the rating's sentiment only, no themes); "
               f"{summary.blank} rows had no comment; {len(summary.problems)} rows skipped.")


@click.command("worker")
@click.option("--poll", type=click.FloatRange(min=0.5), default=10.0, show_default=True,
              help="Seconds between database checks (with Redis: when the queue is idle).")
@click.option("--batch", type=click.IntRange(1, 5000), default=200, show_default=True,
              help="Comments analysed per database transaction.")
@click.option("--burst", is_flag=True, help="Stop once nothing is waiting (for cron and tests).")
@with_appcontext
def worker_command(poll: float, batch: int, burst: bool) -> None:
    """Analyse comments in the background: RQ jobs when REDIS_URL is set, and a check of
    the database for waiting comments every --poll seconds either way."""
    from surveyapp.themes.worker import run_worker

    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("surveyapp").setLevel(logging.INFO)
    run_worker(current_app._get_current_object(), poll=poll,  # type: ignore[attr-defined]
               batch_size=batch, burst=burst)

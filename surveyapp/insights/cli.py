"""`flask --app wsgi representation SURVEY`: the representation table, for scripts;
`flask --app wsgi insights rebuild-counts`: recount the per-day counts it reads."""

from __future__ import annotations

import csv
import json
import sys

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import or_, select

from surveyapp.extensions import db
from surveyapp.insights.queries import Filters
from surveyapp.insights.representation import (
    CSV_COLUMNS,
    LINK_CSV_COLUMNS,
    Counts,
    benchmarks_for,
    csv_rows,
    link_csv_rows,
    representations,
)
from surveyapp.insights.summary import daily_count_differences, rebuild_all_daily_counts
from surveyapp.models import PopulationBenchmark, Survey


@click.command("representation")
@click.argument("survey_key")
@click.option("--benchmark", "benchmark_name", help="Compare with this benchmark (its name "
              "or id) instead of the ones assigned to the survey.")
@click.option("--dimension", help="Only this dimension, e.g. ethnic_group_19.")
@click.option("--format", "output", type=click.Choice(["csv", "json"]), default="csv")
@click.option("--by-link", is_flag=True, help="The table by link and group instead (which "
              "links reached which groups), as the page shows it.")
@with_appcontext
def representation_command(survey_key: str, benchmark_name: str | None,
                           dimension: str | None, output: str, by_link: bool) -> None:
    """Print the same table the representation page shows (small numbers suppressed)."""
    survey = _survey(survey_key)
    if benchmark_name:
        benchmark = db.session.scalar(select(PopulationBenchmark).where(or_(
            PopulationBenchmark.name == benchmark_name,
            PopulationBenchmark.id == (int(benchmark_name) if benchmark_name.isdigit()
                                       else -1))))
        if benchmark is None:
            raise click.BadParameter(f"no benchmark '{benchmark_name}'",
                                     param_hint="--benchmark")
        benchmarks = [benchmark]
    else:
        benchmarks = benchmarks_for(survey)
    if dimension:
        benchmarks = [b for b in benchmarks if b.dimension == dimension]
    if not benchmarks:
        raise click.ClickException("no population figures to compare with: assign a "
                                   "benchmark to the survey or pass --benchmark")
    threshold = current_app.config["SMALL_NUMBER_THRESHOLD"]
    counts = Counts(survey.id, Filters())
    # Protected together with every table the page shows, so that the command and the page
    # cannot be played against each other.
    shown = benchmarks_for(survey)
    together = [*shown, *(b for b in benchmarks if b not in shown)]
    views = [view for view in representations(survey, together, Filters(), threshold, counts)
             if view.benchmark in benchmarks]
    if counts.responses < threshold:
        click.echo(f"Fewer than {threshold} responses: too few to break down safely.",
                   err=True)
        views = []
    rows = [row for view in views
            for row in (link_csv_rows(view) if by_link else csv_rows(view))]
    if output == "json":
        click.echo(json.dumps(rows, indent=2))
    else:
        writer = csv.DictWriter(sys.stdout,
                                fieldnames=LINK_CSV_COLUMNS if by_link else CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


def _survey(survey_key: str) -> Survey:
    survey = db.session.scalar(select(Survey).where(
        or_(Survey.key == survey_key, Survey.id == (int(survey_key)
                                                   if survey_key.isdigit() else -1))))
    if survey is None:
        raise click.BadParameter(f"no survey '{survey_key}'", param_hint="SURVEY")
    return survey


insights_cli = AppGroup("insights", help="The figures behind the reviewer pages.")


@insights_cli.command("rebuild-counts")
@click.option("--survey", "survey_key", help="Only this survey (its key or id).")
@click.option("--check", is_flag=True, help="Only compare the per-day counts with a direct "
              "count and list what differs; change nothing.")
def rebuild_counts(survey_key: str | None, check: bool) -> None:
    """Recount the per-day response and answer counts the representation page reads.

    They keep themselves in step with every response stored or deleted through the app;
    run this after a migration, a restore, a bulk load or SQL run by hand.
    """
    survey_id = _survey(survey_key).id if survey_key else None
    if check:
        differences = daily_count_differences(db.session, survey_id)
        for line in differences[:50]:
            click.echo(line)
        if differences:
            raise click.ClickException(f"{len(differences)} per-day counts differ from a "
                                       "direct count: run without --check to rebuild them")
        click.echo("The per-day counts agree with a direct count.")
        return
    rebuild_all_daily_counts(db.session, survey_id)
    db.session.commit()
    click.echo("Per-day counts rebuilt" + (f" for survey '{survey_key}'." if survey_key
                                           else " for every survey."))

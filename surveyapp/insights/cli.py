"""`flask --app wsgi representation SURVEY`: the representation table, for scripts."""

from __future__ import annotations

import csv
import json
import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import or_, select

from surveyapp.extensions import db
from surveyapp.insights.queries import Filters
from surveyapp.insights.representation import (
    CSV_COLUMNS,
    benchmarks_for,
    csv_rows,
    representation,
)
from surveyapp.models import PopulationBenchmark, Survey


@click.command("representation")
@click.argument("survey_key")
@click.option("--benchmark", "benchmark_name", help="Compare with this benchmark (its name "
              "or id) instead of the ones assigned to the survey.")
@click.option("--dimension", help="Only this dimension, e.g. ethnic_group_19.")
@click.option("--format", "output", type=click.Choice(["csv", "json"]), default="csv")
@with_appcontext
def representation_command(survey_key: str, benchmark_name: str | None,
                           dimension: str | None, output: str) -> None:
    """Print the same table the representation page shows (small numbers suppressed)."""
    survey = db.session.scalar(select(Survey).where(
        or_(Survey.key == survey_key, Survey.id == (int(survey_key)
                                                   if survey_key.isdigit() else -1))))
    if survey is None:
        raise click.BadParameter(f"no survey '{survey_key}'", param_hint="SURVEY")
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
    rows = [row for b in benchmarks
            for row in csv_rows(representation(survey, b, Filters(), threshold))]
    if output == "json":
        click.echo(json.dumps(rows, indent=2))
    else:
        writer = csv.DictWriter(sys.stdout, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)

"""`flask --app wsgi import-population …`: load population benchmarks from files.

Every subcommand checks the whole file first and stores all of it or nothing; problems
are printed one a line with their row and column, and the exit code is then 1.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click
from flask.cli import AppGroup

from surveyapp.population import AREA_TYPES, DIMENSIONS, POPULATIONS
from surveyapp.population.formats import (
    ParsedFile,
    PopulationImportError,
    Problem,
    parse_census_ts021,
    parse_generic,
    parse_nhs_maternity,
    read_path,
)

MAX_LISTED = 20

import_population = AppGroup(
    "import-population",
    help="Load population benchmarks (Census 2021, NHS Maternity Statistics, your own "
         "counts, or the built-in figures). The whole file is checked first; if anything "
         "is wrong nothing is stored.")

_file = click.argument("path", metavar="FILE",
                       type=click.Path(exists=True, dir_okay=False, path_type=Path))
_replace = click.option("--replace", is_flag=True,
                        help="Replace benchmarks that already exist under the same name "
                             "with different figures (otherwise the import is refused).")


def _fail(error: PopulationImportError) -> None:
    for problem in error.problems:
        click.echo(f"error: {problem}", err=True)
    raise SystemExit(1)


def _warn(warnings: list[Problem]) -> None:
    for problem in warnings[:MAX_LISTED]:
        click.echo(f"warning: {problem}", err=True)
    if len(warnings) > MAX_LISTED:
        click.echo(f"warning: … and {len(warnings) - MAX_LISTED} more", err=True)


def _save(kind: str, path: Path | None, parse: Callable[[], ParsedFile], replace: bool,
          **detail: object) -> None:
    from surveyapp.auth.access import audit
    from surveyapp.extensions import db
    from surveyapp.population.store import save_benchmarks

    try:
        parsed = parse()
        result = save_benchmarks(parsed.benchmarks, replace=replace, commit=False)
    except PopulationImportError as error:
        _fail(error)
        return
    audit("population_imported", target=path.name if path else kind, actor=None,
          commit=False, format=kind, via="cli", created=len(result.created),
          replaced=len(result.replaced), unchanged=len(result.unchanged), **detail)
    db.session.commit()
    _warn(parsed.warnings)
    where = f" from {path.name}" if path else ""
    click.echo(f"Imported {len(parsed.benchmarks)} benchmarks{where}: {result.summary()}.")
    names = [*result.created, *result.replaced]
    for name in names[:MAX_LISTED]:
        click.echo(f"  {name}")
    if len(names) > MAX_LISTED:
        click.echo(f"  … and {len(names) - MAX_LISTED} more")


@import_population.command("census-ts021")
@_file
@click.option("--area", "areas", multiple=True, metavar="CODE",
              help="Only this area (geography code, e.g. E08000025); repeat for more.")
@_replace
def census_ts021(path: Path, areas: tuple[str, ...], replace: bool) -> None:
    """ONS Census 2021 TS021 ethnic group bulk CSV (Nomis census2021-ts021-*.csv): two
    benchmarks an area, 19 and 5 ethnic groups of usual residents."""
    _save("census-ts021", path,
          lambda: parse_census_ts021(read_path(path), areas=areas or None),
          replace, areas=list(areas))


@import_population.command("nhs-maternity")
@_file
@click.option("--org", "orgs", multiple=True, metavar="CODE",
              help="Only this organisation (Org_Code, e.g. RQ3, or National for England); "
                   "repeat for more.")
@click.option("--strict-totals", is_flag=True,
              help="Refuse the file when an organisation's TotalDeliveries differs from "
                   "its breakdowns by more than rounding (by default: a warning).")
@_replace
def nhs_maternity(path: Path, orgs: tuple[str, ...], strict_totals: bool,
                  replace: bool) -> None:
    """NHS Maternity Statistics CSV: deliveries by ethnic group of mother, age at booking
    and deprivation decile, for England, regions and trusts."""
    _save("nhs-maternity", path, lambda: parse_nhs_maternity(
        read_path(path), orgs=orgs or None, strict_totals=strict_totals),
        replace, orgs=list(orgs))


@import_population.command("generic")
@_file
@click.option("--dimension", required=True, type=click.Choice(DIMENSIONS))
@click.option("--area-name", required=True, help="e.g. the trust's name.")
@click.option("--area-code", default=None, help="e.g. RQ3 or E08000025.")
@click.option("--area-type", default="custom", show_default=True,
              type=click.Choice(list(AREA_TYPES)))
@click.option("--population", required=True, type=click.Choice(list(POPULATIONS)))
@click.option("--source", required=True,
              help="Where the figures come from, with their licence or permission.")
@click.option("--period", required=True, help="e.g. 2024-25.")
@click.option("--name", default=None, help="The benchmark's name (made from the above "
                                           "if not given).")
@_replace
def generic(path: Path, dimension: str, area_name: str, area_code: str | None,
            area_type: str, population: str, source: str, period: str, name: str | None,
            replace: bool) -> None:
    """A CSV of your own counts with the header group_code,count (group codes as the
    survey stores them; not_stated for people whose group was not recorded)."""
    _save("generic", path, lambda: parse_generic(
        read_path(path), dimension=dimension, area_name=area_name, area_code=area_code,
        area_type=area_type, population=population, source=source, period=period,
        name=name), replace, dimension=dimension)


@import_population.command("builtin")
@click.option("--demo", is_flag=True,
              help="Also the demo area's figures (Birmingham and its women's hospital).")
def builtin(demo: bool) -> None:
    """The figures shipped with surveyapp: England by ethnic group (Census 2021) and
    England's deliveries by ethnic group, age and deprivation (2022-23)."""
    from surveyapp.population.builtin import builtin_benchmarks

    _save("builtin", None, lambda: ParsedFile(builtin_benchmarks(demo)), True, demo=demo)

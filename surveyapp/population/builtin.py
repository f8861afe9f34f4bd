"""The population figures shipped with surveyapp, and the demo area's.

Defaults, for any install (`flask import-population builtin`):
  * England (E92000001), usual residents by ethnic group, 19 and 5 groups.
    Source: Office for National Statistics, Census 2021 table TS021 "Ethnic group",
    Open Government Licence v3.0.
  * England (National), deliveries by ethnic group of mother, age at booking and
    deprivation decile at booking, 2022-23.
    Source: NHS England, NHS Maternity Statistics, England 2022-23 (Maternity Services
    Data Set), Open Government Licence v3.0. Values are rounded to the nearest 5.

Demo figures (`--demo`, and `seed-demo`), from the same two sources:
  * Birmingham local authority (E08000025), usual residents by ethnic group, 19 and 5.
  * Birmingham Women's and Children's NHS Foundation Trust (RQ3), deliveries by ethnic
    group of mother, age at booking and deprivation decile at booking, 2022-23.

Only these figures are copied, taken from the published files by
surveyapp.population.formats; tests/unit/test_population_formats.py checks that they still
equal what the importer reads from the published files. Anyone wanting other areas or
trusts downloads the files themselves (Nomis bulk download census2021-ts021.zip; NHS
Maternity Statistics 2022-23 MSDS CSV) and imports them.

For RQ3 the published TotalDeliveries (5,270) is lower than what its breakdowns add up to
(5,515 to 5,525); see surveyapp.population.formats. The breakdowns are the figures.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from surveyapp.population import (
    AGE_BAND,
    BIRTHS,
    DEPRIVATION_DECILE,
    ETHNIC_GROUP_5,
    ETHNIC_GROUP_19,
    GROUP_CODES,
    MATERNITY_ETHNIC_GROUP,
    RESIDENTS,
    benchmark_name,
)
from surveyapp.population.formats import CENSUS_SOURCE, NHS_SOURCE, ParsedBenchmark

if TYPE_CHECKING:
    from surveyapp.population.store import SaveResult

CENSUS_YEAR = "2021"
MATERNITY_PERIOD = "2022-23"


def _census(code: str, area_name: str, area_type: str, dimension: str,
            counts: list[int]) -> ParsedBenchmark:
    return ParsedBenchmark(
        name=benchmark_name(source=f"Census {CENSUS_YEAR}", area_name=area_name,
                            area_code=code, population=RESIDENTS, dimension=dimension),
        dimension=dimension, area_type=area_type, area_code=code, area_name=area_name,
        population=RESIDENTS, source=CENSUS_SOURCE.format(year=CENSUS_YEAR),
        period=CENSUS_YEAR, counts=dict(zip(GROUP_CODES[dimension], counts, strict=True)),
        builtin=True)


def _maternity(code: str | None, area_name: str, area_type: str, dimension: str,
               counts: list[int], not_stated: int, reported_total: int) -> ParsedBenchmark:
    return ParsedBenchmark(
        name=benchmark_name(source=f"NHS Maternity Statistics {MATERNITY_PERIOD}",
                            area_name=area_name, area_code=code, population=BIRTHS,
                            dimension=dimension),
        dimension=dimension, area_type=area_type, area_code=code, area_name=area_name,
        population=BIRTHS, source=NHS_SOURCE.format(period=MATERNITY_PERIOD),
        period=MATERNITY_PERIOD, counts=dict(zip(GROUP_CODES[dimension], counts, strict=True)),
        not_stated=not_stated, reported_total=reported_total, builtin=True)


# Counts are in the order of GROUP_CODES[dimension]:
#   ethnic_group_19: white_british, irish, gypsy_or_irish_traveller, roma, white_other,
#     white_and_black_caribbean, white_and_black_african, white_and_asian, mixed_other,
#     indian, pakistani, bangladeshi, chinese, asian_other, caribbean, african,
#     black_other, arab, other_ethnic_group
#   ethnic_group_5 and maternity_ethnic_group: white, mixed, asian, black, other
#   age_band: under_20, 20_24, 25_29, 30_34, 35_39, 40_44, 45_or_over
#   deprivation_decile: 1 (most deprived) … 10 (least deprived)

ENGLAND_CENSUS = "E92000001"
ENGLAND = "England"

BUILTIN: list[ParsedBenchmark] = [
    _census(ENGLAND_CENSUS, ENGLAND, "england", ETHNIC_GROUP_19, [
        41540791, 494251, 64218, 99138, 3585003,
        499310, 241528, 474190, 454350,
        1843248, 1570285, 629567, 431165, 952127,
        619419, 1468474, 293831,
        320203, 908950]),
    _census(ENGLAND_CENSUS, ENGLAND, "england", ETHNIC_GROUP_5, [
        45783401, 1669378, 5426392, 2381724, 1229153]),
    _maternity(None, ENGLAND, "england", MATERNITY_ETHNIC_GROUP, [
        361155, 12785, 70005, 29530, 21305], not_stated=36220, reported_total=531000),
    _maternity(None, ENGLAND, "england", AGE_BAND, [
        17135, 70865, 146955, 180110, 94830, 19475, 1625],
        not_stated=0, reported_total=531000),
    _maternity(None, ENGLAND, "england", DEPRIVATION_DECILE, [
        71500, 65885, 61875, 56345, 51585, 49070, 46270, 44155, 42365, 37205],
        not_stated=4745, reported_total=531000),
]

BIRMINGHAM = ("E08000025", "Birmingham")
RQ3 = ("RQ3", "Birmingham Women's and Children's NHS Foundation Trust")

DEMO: list[ParsedBenchmark] = [
    _census(*BIRMINGHAM, "local_authority", ETHNIC_GROUP_19, [
        491211, 16964, 686, 1833, 45914,
        25119, 4680, 13130, 12276,
        66519, 195102, 48232, 12487, 33044,
        44718, 66822, 14220,
        19196, 32769]),
    _census(*BIRMINGHAM, "local_authority", ETHNIC_GROUP_5, [
        556608, 55205, 355384, 125760, 51965]),
    _maternity(*RQ3, "nhs_trust", MATERNITY_ETHNIC_GROUP, [
        2550, 285, 1670, 575, 255], not_stated=190, reported_total=5270),
    _maternity(*RQ3, "nhs_trust", AGE_BAND, [
        170, 705, 1640, 1800, 975, 205, 30], not_stated=0, reported_total=5270),
    _maternity(*RQ3, "nhs_trust", DEPRIVATION_DECILE, [
        1920, 830, 735, 485, 565, 290, 280, 135, 135, 130], not_stated=10,
        reported_total=5270),
]

#: What the demo survey compares against: who gives birth at the trust, and who lives
#: in Birmingham (19 groups). One benchmark per dimension.
DEMO_SURVEY_BENCHMARKS: list[str] = [DEMO[2].name, DEMO[3].name, DEMO[0].name]


def builtin_benchmarks(include_demo: bool = False) -> list[ParsedBenchmark]:
    return [*BUILTIN, *(DEMO if include_demo else [])]


def load_builtin(include_demo: bool = False, commit: bool = True) -> SaveResult:
    """Store the shipped figures (and the demo's). Running it again changes nothing; a
    newer release's figures replace older ones of the same name."""
    from surveyapp.population.store import save_benchmarks

    return save_benchmarks(builtin_benchmarks(include_demo), replace=True, commit=commit)


def assign_demo_benchmarks(survey_id: int) -> list[str]:
    """Give the demo survey its benchmarks, for each dimension it has none of yet (so an
    admin's own choice is never undone). Returns the names given. The caller commits."""
    from sqlalchemy import select

    from surveyapp.extensions import db
    from surveyapp.models import PopulationBenchmark
    from surveyapp.population.store import assign, survey_benchmarks

    current = survey_benchmarks(survey_id)
    given = []
    for name in DEMO_SURVEY_BENCHMARKS:
        benchmark = db.session.scalar(select(PopulationBenchmark)
                                      .where(PopulationBenchmark.name == name))
        if benchmark is not None and benchmark.dimension not in current:
            assign("survey", survey_id, benchmark)
            current[benchmark.dimension] = benchmark
            given.append(name)
    return given

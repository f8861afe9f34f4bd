"""Saving benchmarks, and giving them to surveys and partners.

`save_benchmarks` writes everything a file gave in one transaction, or nothing: a name
that already exists with different figures is refused unless the caller asks to replace
it (a replaced benchmark keeps its id, so the surveys and partners using it keep it).
Assignments go through `assign`/`unassign`, which keep a survey (or partner) to one
benchmark per dimension.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import Table, delete, insert, select
from sqlalchemy.orm import selectinload

from surveyapp.extensions import db
from surveyapp.models import (
    BenchmarkCount,
    PopulationBenchmark,
    partner_benchmark,
    survey_benchmark,
)
from surveyapp.population.formats import ParsedBenchmark, PopulationImportError, Problem

CHUNK = 500  # keeps IN (...) lists well under SQLite's limit on bound parameters
DESCRIBED_FIELDS = ("dimension", "area_type", "area_code", "area_name", "population",
                    "source", "period", "not_stated", "reported_total")
#: The longest text each column takes (see models/benchmark.py).
LIMITS = {"name": 300, "area_code": 32, "area_name": 200, "source": 500, "period": 32}

Owner = Literal["survey", "partner"]
_TABLES: dict[str, Table] = {"survey": survey_benchmark, "partner": partner_benchmark}


@dataclass
class SaveResult:
    created: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{len(self.created)} new, {len(self.replaced)} replaced, "
                f"{len(self.unchanged)} unchanged")


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), CHUNK):
        yield items[start:start + CHUNK]


def _existing(names: Sequence[str]) -> dict[str, PopulationBenchmark]:
    found: dict[str, PopulationBenchmark] = {}
    for chunk in _chunks(names):
        for benchmark in db.session.scalars(
                select(PopulationBenchmark).where(PopulationBenchmark.name.in_(chunk))
                .options(selectinload(PopulationBenchmark.counts))):
            found[benchmark.name] = benchmark
    return found


def differences(stored: PopulationBenchmark, parsed: ParsedBenchmark) -> list[str]:
    """What differs between a stored benchmark and a parsed one of the same name."""
    changed = [name.replace("_", " ") for name in DESCRIBED_FIELDS
               if getattr(stored, name) != getattr(parsed, name)]
    if {c.group_code: c.count for c in stored.counts} != parsed.counts:
        changed.append("counts")
    return changed


def save_benchmarks(parsed: Sequence[ParsedBenchmark], *, replace: bool = False,
                    commit: bool = True) -> SaveResult:
    """Create, replace (if `replace`) or leave alone each benchmark, all in one go.

    Raises PopulationImportError, having changed nothing, if a benchmark exists under
    the same name with different figures and `replace` is false, or with another
    dimension (whose surveys could then have two benchmarks of one dimension).
    """
    repeated = [name for name, times in Counter(b.name for b in parsed).items() if times > 1]
    if repeated:
        raise PopulationImportError([Problem(None, None, f"'{name}' is in the file twice")
                                     for name in repeated])
    too_long = [Problem(None, None, f"{b.area_name[:60]}: the {field.replace('_', ' ')} must "
                                    f"be {limit} characters or fewer")
                for b in parsed for field, limit in LIMITS.items()
                if len(getattr(b, field) or "") > limit]
    if too_long:
        raise PopulationImportError(too_long)
    existing = _existing([b.name for b in parsed])
    result = SaveResult()
    problems: list[Problem] = []
    to_create: list[ParsedBenchmark] = []
    to_replace: list[tuple[PopulationBenchmark, ParsedBenchmark]] = []
    for benchmark in parsed:
        stored = existing.get(benchmark.name)
        if stored is None:
            to_create.append(benchmark)
            continue
        changed = differences(stored, benchmark)
        if not changed:
            result.unchanged.append(benchmark.name)
        elif stored.dimension != benchmark.dimension:
            problems.append(Problem(None, None, (
                f"'{benchmark.name}' already exists for the dimension {stored.dimension}, "
                f"not {benchmark.dimension}: it cannot be replaced by this one")))
        elif not replace:
            problems.append(Problem(None, None, (
                f"'{benchmark.name}' already exists with a different "
                f"{', '.join(changed)}: it was not replaced. Import again choosing to "
                "replace benchmarks with the same name to use the new figures (surveys "
                "and partners that use it will then use them)")))
        else:
            to_replace.append((stored, benchmark))
    if problems:
        raise PopulationImportError(problems)

    try:
        rows: list[tuple[PopulationBenchmark, ParsedBenchmark]] = []
        for benchmark in to_create:
            row = PopulationBenchmark(name=benchmark.name, builtin=benchmark.builtin,
                                      **{name: getattr(benchmark, name)
                                         for name in DESCRIBED_FIELDS})
            db.session.add(row)
            rows.append((row, benchmark))
            result.created.append(benchmark.name)
        for row, benchmark in to_replace:
            for name in DESCRIBED_FIELDS:
                setattr(row, name, getattr(benchmark, name))
            row.builtin = benchmark.builtin
            rows.append((row, benchmark))
            result.replaced.append(benchmark.name)
        db.session.flush()
        # Old counts go before the new ones arrive: (benchmark, group) is unique.
        replaced_ids = [row.id for row, _ in to_replace]
        for start in range(0, len(replaced_ids), CHUNK):
            db.session.execute(delete(BenchmarkCount).where(
                BenchmarkCount.benchmark_id.in_(replaced_ids[start:start + CHUNK])),
                execution_options={"synchronize_session": False})
        values = [{"benchmark_id": row.id, "group_code": group, "count": count}
                  for row, benchmark in rows for group, count in benchmark.counts.items()]
        if values:
            db.session.execute(insert(BenchmarkCount), values)
        for row, _ in rows:
            db.session.expire(row, ["counts"])
        if commit:
            db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return result


# --- surveys and partners -------------------------------------------------------------


def _owner_column(owner: Owner):  # type: ignore[no-untyped-def]
    table = _TABLES[owner]
    return table, table.c.survey_id if owner == "survey" else table.c.partner_id


def assigned(owner: Owner, owner_id: int) -> dict[str, PopulationBenchmark]:
    """The benchmarks a survey or partner compares against, by dimension."""
    table, column = _owner_column(owner)
    found: dict[str, PopulationBenchmark] = {}
    for benchmark in db.session.scalars(
            select(PopulationBenchmark)
            .join(table, table.c.benchmark_id == PopulationBenchmark.id)
            .where(column == owner_id)
            .order_by(PopulationBenchmark.dimension, PopulationBenchmark.id)):
        found.setdefault(benchmark.dimension, benchmark)
    return found


def survey_benchmarks(survey_id: int) -> dict[str, PopulationBenchmark]:
    return assigned("survey", survey_id)


def partner_benchmarks(partner_id: int) -> dict[str, PopulationBenchmark]:
    return assigned("partner", partner_id)


def assign(owner: Owner, owner_id: int,
           benchmark: PopulationBenchmark) -> PopulationBenchmark | None:
    """Give the benchmark to the survey or partner, in place of any other benchmark of the
    same dimension; return the one it replaced. The caller commits."""
    table, column = _owner_column(owner)
    same_dimension = select(PopulationBenchmark.id).where(
        PopulationBenchmark.dimension == benchmark.dimension)
    previous = [b for b in db.session.scalars(
        select(PopulationBenchmark).join(table, table.c.benchmark_id == PopulationBenchmark.id)
        .where(column == owner_id, PopulationBenchmark.dimension == benchmark.dimension))]
    if any(b.id == benchmark.id for b in previous) and len(previous) == 1:
        return None
    db.session.execute(delete(table).where(column == owner_id,
                                           table.c.benchmark_id.in_(same_dimension)))
    db.session.execute(insert(table).values({column.name: owner_id,
                                             "benchmark_id": benchmark.id}))
    db.session.expire(benchmark, ["surveys", "partners"])
    replaced = [b for b in previous if b.id != benchmark.id]
    return replaced[0] if replaced else None


def unassign(owner: Owner, owner_id: int, dimension: str) -> PopulationBenchmark | None:
    """Stop comparing the survey or partner on a dimension; return the benchmark it had."""
    current = assigned(owner, owner_id).get(dimension)
    if current is None:
        return None
    table, column = _owner_column(owner)
    db.session.execute(delete(table).where(
        column == owner_id, table.c.benchmark_id.in_(
            select(PopulationBenchmark.id).where(PopulationBenchmark.dimension == dimension))))
    db.session.expire(current, ["surveys", "partners"])
    return current

"""Population benchmarks: reference counts per group for one demographic dimension.

A benchmark is who lives in an area (ONS Census 2021) or who gives birth at a trust
(NHS Maternity Statistics, or the trust's own booking data). Its group codes are the
survey's codes for that dimension (see surveyapp.population.GROUP_CODES), so respondents
and population meet in one GROUP BY. People whose group was not recorded are kept in
`not_stated`, apart from the groups: they are never a group to compare.

A survey, and optionally a partner, is given at most one benchmark per dimension. The
tables cannot say that without repeating the dimension, so surveyapp.population.store
enforces it: always assign through it.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from surveyapp.extensions import db
from surveyapp.models.base import utcnow
from surveyapp.population import GROUP_CODES

if TYPE_CHECKING:
    from surveyapp.models.partner import Partner
    from surveyapp.models.survey import Survey

survey_benchmark = Table(
    "survey_benchmark",
    db.metadata,
    Column("survey_id", ForeignKey("survey.id", ondelete="CASCADE"), primary_key=True),
    Column("benchmark_id", ForeignKey("population_benchmark.id", ondelete="CASCADE"),
           primary_key=True, index=True),
)

partner_benchmark = Table(
    "partner_benchmark",
    db.metadata,
    Column("partner_id", ForeignKey("partner.id", ondelete="CASCADE"), primary_key=True),
    Column("benchmark_id", ForeignKey("population_benchmark.id", ondelete="CASCADE"),
           primary_key=True, index=True),
)


class PopulationBenchmark(db.Model):
    __table_args__ = (
        CheckConstraint("not_stated >= 0", name="not_stated_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # e.g. "Census 2021, Birmingham (E08000025), usual residents, ethnic group (19)"
    name: Mapped[str] = mapped_column(String(300), unique=True)
    # one of surveyapp.population.DIMENSIONS
    dimension: Mapped[str] = mapped_column(String(32), index=True)
    # one of surveyapp.population.AREA_TYPES
    area_type: Mapped[str] = mapped_column(String(32))
    area_code: Mapped[str | None] = mapped_column(String(32), index=True)
    area_name: Mapped[str] = mapped_column(String(200))
    # "residents" or "births"
    population: Mapped[str] = mapped_column(String(16))
    # The citation with its licence, shown wherever the figures are.
    source: Mapped[str] = mapped_column(String(500))
    period: Mapped[str] = mapped_column(String(32))  # "2021", "2022-23"
    not_stated: Mapped[int] = mapped_column(default=0)
    # The publisher's own total where the file has one (NHS TotalDeliveries). Kept for
    # reference only: it may differ from the counts (see population.formats).
    reported_total: Mapped[int | None]
    builtin: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    counts: Mapped[list[BenchmarkCount]] = relationship(
        back_populates="benchmark", cascade="all, delete-orphan", passive_deletes=True)
    surveys: Mapped[list[Survey]] = relationship(secondary=survey_benchmark,
                                                 order_by="Survey.title")
    partners: Mapped[list[Partner]] = relationship(secondary=partner_benchmark,
                                                   order_by="Partner.name")

    @property
    def group_total(self) -> int:
        return sum(c.count for c in self.counts)

    @property
    def total(self) -> int:
        """Everyone counted: the groups and the not stated."""
        return self.group_total + self.not_stated

    def reference(self) -> dict[str, int]:
        """Counts by group code in the dimension's display order (for analysis.compare)."""
        by_code = {c.group_code: c.count for c in self.counts}
        order = [code for code in GROUP_CODES.get(self.dimension, []) if code in by_code]
        return {code: by_code[code] for code in [*order, *sorted(set(by_code) - set(order))]}


class BenchmarkCount(db.Model):
    __table_args__ = (
        UniqueConstraint("benchmark_id", "group_code"),
        CheckConstraint("count >= 0", name="count_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    benchmark_id: Mapped[int] = mapped_column(
        ForeignKey("population_benchmark.id", ondelete="CASCADE"))
    group_code: Mapped[str] = mapped_column(String(40))
    count: Mapped[int]

    benchmark: Mapped[PopulationBenchmark] = relationship(back_populates="counts")

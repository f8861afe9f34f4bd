"""Reading population files into benchmarks, checking everything first.

Plain Python: no Flask, no database. Each reader takes the file's bytes and returns a
`ParsedFile` (benchmarks and warnings), or raises `PopulationImportError` listing every
problem found, each with the row (1-based, the header is row 1) and the column it is in,
so a person can find and fix it. Nothing is stored here; surveyapp.population.store saves
what a reader returns, all or nothing.

Formats:

* `parse_census_ts021`: ONS Census 2021 table TS021 "Ethnic group", the Nomis bulk CSV
  (one row an area; total, 5 high-level and 19 detailed columns).
* `parse_nhs_maternity`: NHS Maternity Statistics CSV (Period, Dimension, Org_Level,
  Org_Code, Org_Name, Measure, Count_Of, Value), deliveries by ethnic group of mother, age
  at booking and deprivation decile at booking, for England, regions and trusts.
* `parse_generic`: `group_code,count`, e.g. a trust's own booking data; the caller says
  what it counts.

On NHS totals: each published value is rounded to the nearest 5, so a breakdown may
miss its total by up to 2.5 a cell. In the 2022-23 file the three breakdowns of every
organisation agree with each other within that, and the National breakdowns match
TotalDeliveries, but for most trusts and regions TotalDeliveries differs from the
breakdowns by far more (Birmingham Women's and Children's, RQ3: 5,270 deliveries, the
breakdowns 5,515 to 5,525). So breakdowns that disagree with *each other* are an error
(a damaged file), while a TotalDeliveries that differs from them is a warning (or an
error with `strict_totals=True`): the breakdowns are what is stored and compared, and
TotalDeliveries is kept beside them as `reported_total`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from surveyapp.import_problems import ImportProblems, Problem, decode_csv
from surveyapp.population import (
    AGE_BAND,
    AREA_TYPES,
    BIRTHS,
    DEPRIVATION_DECILE,
    DIMENSION_LABELS,
    ETHNIC_GROUP_5,
    ETHNIC_GROUP_19,
    GROUP_CODES,
    MATERNITY_ETHNIC_GROUP,
    NOT_STATED,
    POPULATIONS,
    RESIDENTS,
    benchmark_name,
)

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_PROBLEMS = 1000  # enough to see what is wrong; a broken file could have millions


# --- results and problems -------------------------------------------------------------


class PopulationImportError(ImportProblems):
    """A file (or a save) that cannot be used; `problems` lists everything found."""


@dataclass(frozen=True)
class ParsedBenchmark:
    name: str
    dimension: str
    area_type: str
    area_code: str | None
    area_name: str
    population: str
    source: str
    period: str
    counts: dict[str, int]  # every group code of the dimension, in display order
    not_stated: int = 0
    reported_total: int | None = None
    builtin: bool = False

    @property
    def group_total(self) -> int:
        return sum(self.counts.values())

    @property
    def total(self) -> int:
        return self.group_total + self.not_stated


@dataclass(frozen=True)
class ParsedFile:
    benchmarks: list[ParsedBenchmark]
    # Things a person should know that do not stop the import.
    warnings: list[Problem] = field(default_factory=list)


class _Problems:
    """Collects problems, stopping at MAX_PROBLEMS but counting the rest."""

    def __init__(self) -> None:
        self.items: list[Problem] = []
        self.more = 0

    def add(self, row: int | None, column: str | None, message: str) -> None:
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(Problem(row, column, message))
        else:
            self.more += 1

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if not self.items:
            return
        problems = sorted(self.items, key=lambda p: p.row or 0)  # file-level ones first
        if self.more:
            problems.append(Problem(None, None, f"… and {self.more:,} more problems"))
        raise PopulationImportError(problems)


def _fail(message: str, row: int | None = None, column: str | None = None) -> PopulationImportError:
    return PopulationImportError([Problem(row, column, message)])


# --- reading bytes and CSV -----------------------------------------------------------


def read_path(path: str | Path) -> bytes:
    """A file's bytes, refusing one over MAX_FILE_BYTES before reading it."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as error:
        raise _fail(f"Cannot read {path.name}: {error.strerror or error}") from error
    if size > MAX_FILE_BYTES:
        raise _fail(f"The file is {size / 1024 / 1024:.1f} MB: it must be "
                    f"{MAX_FILE_BYTES // 1024 // 1024} MB or smaller")
    return path.read_bytes()


def read_stream(stream: BinaryIO) -> bytes:
    """An upload's bytes, refusing one over MAX_FILE_BYTES without reading all of it."""
    data = stream.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise _fail(f"The file must be {MAX_FILE_BYTES // 1024 // 1024} MB or smaller")
    return data


def _decode(data: bytes) -> str:
    return decode_csv(data, MAX_FILE_BYTES, PopulationImportError)


def _records(text: str) -> list[tuple[int, list[str]]]:
    """(row number, cells) of every non-blank record; row 1 is the header."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records = []
    row = 0
    try:
        for row, cells in enumerate(reader, start=1):
            if any(cell.strip() for cell in cells):
                records.append((row, cells))
    except csv.Error as error:
        raise _fail(f"This is not a well-formed CSV file ({error}); check the quotes on "
                    "this row", row=row + 1) from error
    if not records:
        raise _fail("The file is empty")
    return records


def _check_delimiter(header: list[str]) -> None:
    if len(header) == 1:
        for delimiter, name in ((";", "semicolons"), ("\t", "tabs"), ("|", "bars")):
            if delimiter in header[0]:
                raise _fail(f"The columns are separated by {name}: save the file as "
                            "comma-separated CSV", row=1)


def _read_table(data: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    records = _records(_decode(data))
    header = [cell.strip() for cell in records[0][1]]
    _check_delimiter(header)
    if len(records) == 1:
        raise _fail("The file has a header but no rows")
    return header, records[1:]


def _check_header(header: list[str], expected: Iterable[str], problems: _Problems,
                  normalise: dict[str, str] | None = None) -> dict[str, int]:
    """Column name -> index; every missing, unknown or repeated column is a problem."""
    wanted = list(expected)
    index: dict[str, int] = {}
    for position, raw in enumerate(header):
        name = (normalise or {}).get(raw, raw)
        if name == "":
            problems.add(1, f"column {position + 1}", "The column has no name")
        elif name in index:
            problems.add(1, raw, "The column appears twice")
        elif name not in wanted:
            problems.add(1, raw, "Unknown column")
        else:
            index[name] = position
    for name in wanted:
        if name not in index:
            problems.add(1, name, "The column is missing")
    return index


def _row_width(row: int, cells: list[str], header: list[str], problems: _Problems) -> bool:
    if len(cells) == len(header):
        return True
    problems.add(row, None, f"The row has {len(cells)} values but the header has "
                            f"{len(header)} columns")
    return False


_WHOLE = re.compile(r"[+-]?\d+")
_WITH_SEPARATORS = re.compile(r"\d{1,3}(,\d{3})+")


def _count(raw: str, row: int, column: str, problems: _Problems) -> int | None:
    value = raw.strip()
    if _WHOLE.fullmatch(value):
        number = int(value)
        if number < 0:
            problems.add(row, column, f"The count must be 0 or more, not {value}")
            return None
        return number
    if value == "":
        problems.add(row, column, "The count is empty: enter a whole number (0 if none)")
    elif _WITH_SEPARATORS.fullmatch(value):
        problems.add(row, column, f"'{value}': write the count without commas")
    else:
        problems.add(row, column, f"'{_short(value)}' is not a whole number")
    return None


def _short(value: str, limit: int = 60) -> str:
    return value if len(value) <= limit else value[:limit] + "…"


def _codes(codes: Iterable[str] | None) -> list[str] | None:
    if codes is None:
        return None
    wanted = []
    for code in codes:
        for part in re.split(r"[\s,]+", code):
            if part and part.upper() not in wanted:
                wanted.append(part.upper())
    return wanted or None


# --- ONS Census 2021 TS021 ------------------------------------------------------------

CENSUS_DATE = "date"
CENSUS_NAME = "geography"
CENSUS_CODE = "geography code"
CENSUS_TOTAL = "Ethnic group: Total: All usual residents"

#: High-level column -> Census 2021 5-way group (ethnic_group_5 code).
CENSUS_GROUP_COLUMNS: dict[str, str] = {
    "Ethnic group: Asian, Asian British or Asian Welsh": "asian",
    "Ethnic group: Black, Black British, Black Welsh, Caribbean or African": "black",
    "Ethnic group: Mixed or Multiple ethnic groups": "mixed",
    "Ethnic group: White": "white",
    "Ethnic group: Other ethnic group": "other",
}

#: Detailed column -> (survey ethnic_group code, its high-level column). Written out one
#: by one: ONS's wording ("Other Asian") and the survey's ("Any other Asian
#: background") differ, and a guessed match would be wrong silently.
CENSUS_DETAIL_COLUMNS: dict[str, tuple[str, str]] = {
    "Ethnic group: Asian, Asian British or Asian Welsh: Bangladeshi":
        ("bangladeshi", "Ethnic group: Asian, Asian British or Asian Welsh"),
    "Ethnic group: Asian, Asian British or Asian Welsh: Chinese":
        ("chinese", "Ethnic group: Asian, Asian British or Asian Welsh"),
    "Ethnic group: Asian, Asian British or Asian Welsh: Indian":
        ("indian", "Ethnic group: Asian, Asian British or Asian Welsh"),
    "Ethnic group: Asian, Asian British or Asian Welsh: Pakistani":
        ("pakistani", "Ethnic group: Asian, Asian British or Asian Welsh"),
    "Ethnic group: Asian, Asian British or Asian Welsh: Other Asian":
        ("asian_other", "Ethnic group: Asian, Asian British or Asian Welsh"),
    "Ethnic group: Black, Black British, Black Welsh, Caribbean or African: African":
        ("african", "Ethnic group: Black, Black British, Black Welsh, Caribbean or African"),
    "Ethnic group: Black, Black British, Black Welsh, Caribbean or African: Caribbean":
        ("caribbean", "Ethnic group: Black, Black British, Black Welsh, Caribbean or African"),
    "Ethnic group: Black, Black British, Black Welsh, Caribbean or African: Other Black":
        ("black_other", "Ethnic group: Black, Black British, Black Welsh, Caribbean or African"),
    "Ethnic group: Mixed or Multiple ethnic groups: White and Asian":
        ("white_and_asian", "Ethnic group: Mixed or Multiple ethnic groups"),
    "Ethnic group: Mixed or Multiple ethnic groups: White and Black African":
        ("white_and_black_african", "Ethnic group: Mixed or Multiple ethnic groups"),
    "Ethnic group: Mixed or Multiple ethnic groups: White and Black Caribbean":
        ("white_and_black_caribbean", "Ethnic group: Mixed or Multiple ethnic groups"),
    "Ethnic group: Mixed or Multiple ethnic groups: Other Mixed or Multiple ethnic groups":
        ("mixed_other", "Ethnic group: Mixed or Multiple ethnic groups"),
    "Ethnic group: White: English, Welsh, Scottish, Northern Irish or British":
        ("white_british", "Ethnic group: White"),
    "Ethnic group: White: Irish": ("irish", "Ethnic group: White"),
    "Ethnic group: White: Gypsy or Irish Traveller":
        ("gypsy_or_irish_traveller", "Ethnic group: White"),
    "Ethnic group: White: Roma": ("roma", "Ethnic group: White"),
    "Ethnic group: White: Other White": ("white_other", "Ethnic group: White"),
    "Ethnic group: Other ethnic group: Arab": ("arab", "Ethnic group: Other ethnic group"),
    "Ethnic group: Other ethnic group: Any other ethnic group":
        ("other_ethnic_group", "Ethnic group: Other ethnic group"),
}

CENSUS_COLUMNS = [CENSUS_DATE, CENSUS_NAME, CENSUS_CODE, CENSUS_TOTAL,
                  *CENSUS_GROUP_COLUMNS, *CENSUS_DETAIL_COLUMNS]
CENSUS_SOURCE = ("Source: Office for National Statistics, Census {year} table TS021, "
                 "Open Government Licence v3.0")


def census_area_type(code: str) -> str:
    """The kind of area a GSS code names (the TS021 bulk files share one layout)."""
    if code == "E92000001":
        return "england"
    if code == "W92000004":
        return "wales"
    if code.startswith("E12"):
        return "region"
    if code.startswith(("E06", "E07", "E08", "E09", "E10", "W06")):
        return "local_authority"
    return "custom"


def _census_header_names(header: list[str]) -> dict[str, str]:
    # Some Nomis downloads end each column name with "; measures: Value".
    return {raw: raw.removesuffix("; measures: Value").strip() for raw in header}


def parse_census_ts021(data: bytes, *, areas: Iterable[str] | None = None) -> ParsedFile:
    """Each area (row) becomes two benchmarks: ethnic_group_19 and ethnic_group_5.

    `areas` keeps only those geography codes; the whole file is still checked.
    """
    header, records = _read_table(data)
    problems = _Problems()
    index = _check_header(header, CENSUS_COLUMNS, problems, _census_header_names(header))
    problems.raise_if_any()
    wanted = _codes(areas)
    seen: dict[str, int] = {}
    rows: list[tuple[int, str, str, str, dict[str, int]]] = []
    for row, cells in records:
        if not _row_width(row, cells, header, problems):
            continue
        code = cells[index[CENSUS_CODE]].strip()
        name = cells[index[CENSUS_NAME]].strip()
        year = cells[index[CENSUS_DATE]].strip()
        if not code:
            problems.add(row, CENSUS_CODE, "The area code is empty")
        elif code.upper() in seen:
            problems.add(row, CENSUS_CODE, f"{code} appears again (first in row "
                                           f"{seen[code.upper()]})")
        else:
            seen[code.upper()] = row
        if not name:
            problems.add(row, CENSUS_NAME, "The area name is empty")
        if not year:
            problems.add(row, CENSUS_DATE, "The date (census year) is empty")
        values: dict[str, int] = {}
        for column in [CENSUS_TOTAL, *CENSUS_GROUP_COLUMNS, *CENSUS_DETAIL_COLUMNS]:
            value = _count(cells[index[column]], row, column, problems)
            if value is not None:
                values[column] = value
        if len(values) == len(CENSUS_COLUMNS) - 3:
            _check_census_sums(row, values, problems)
        rows.append((row, code, name, year, values))
    if wanted:
        for code in wanted:
            if code not in seen:
                problems.add(None, CENSUS_CODE, f"{code} is not in the file")
    problems.raise_if_any()

    benchmarks: list[ParsedBenchmark] = []
    warnings: list[Problem] = []
    for row, code, name, year, values in rows:
        if wanted and code.upper() not in wanted:
            continue
        if values[CENSUS_TOTAL] == 0:
            warnings.append(Problem(row, CENSUS_TOTAL, f"{name} ({code}) has no residents: "
                                                       "not imported"))
            continue
        detailed = {c: values[column] for column, (c, _) in CENSUS_DETAIL_COLUMNS.items()}
        grouped = {g: values[column] for column, g in CENSUS_GROUP_COLUMNS.items()}
        for dimension, counts in ((ETHNIC_GROUP_19, detailed), (ETHNIC_GROUP_5, grouped)):
            benchmarks.append(ParsedBenchmark(
                name=benchmark_name(source=f"Census {year}", area_name=name, area_code=code,
                                    population=RESIDENTS, dimension=dimension),
                dimension=dimension, area_type=census_area_type(code), area_code=code,
                area_name=name, population=RESIDENTS,
                source=CENSUS_SOURCE.format(year=year), period=year,
                counts={g: counts[g] for g in GROUP_CODES[dimension]}))
    return ParsedFile(benchmarks, warnings)


def _check_census_sums(row: int, values: dict[str, int], problems: _Problems) -> None:
    for heading in CENSUS_GROUP_COLUMNS:
        parts = [column for column, (_, parent) in CENSUS_DETAIL_COLUMNS.items()
                 if parent == heading]
        added = sum(values[column] for column in parts)
        if added != values[heading]:
            problems.add(row, heading, f"The {len(parts)} detailed groups add up to "
                                       f"{added:,}, not {values[heading]:,}")
    added = sum(values[column] for column in CENSUS_DETAIL_COLUMNS)
    if added != values[CENSUS_TOTAL]:
        problems.add(row, CENSUS_TOTAL, f"The {len(CENSUS_DETAIL_COLUMNS)} detailed groups "
                                        f"add up to {added:,}, not {values[CENSUS_TOTAL]:,}")


# --- NHS Maternity Statistics ---------------------------------------------------------

NHS_COLUMNS = ["Period", "Dimension", "Org_Level", "Org_Code", "Org_Name", "Measure",
               "Count_Of", "Value"]
NHS_TOTAL = "TotalDeliveries"
NHS_DIMENSIONS: dict[str, str] = {
    "EthnicCategoryMotherGroup": MATERNITY_ETHNIC_GROUP,
    "AgeAtBookingMotherGroup": AGE_BAND,
    "DeprivationDecileAtBooking": DEPRIVATION_DECILE,
}
NHS_ORG_LEVELS: dict[str, str] = {
    "National": "england",
    "NHS England (Region)": "region",
    "Region": "region",
    "Provider": "nhs_trust",
}
NHS_COUNT_OF = "Deliveries"
NHS_MISSING = "Missing value / Value outside reporting parameters"

#: Measure -> group code (or NOT_STATED), per dimension. Matched ignoring case and runs
#: of spaces, since NHS England's capitalisation varies between years.
NHS_MEASURES: dict[str, dict[str, str]] = {
    MATERNITY_ETHNIC_GROUP: {
        "White": "white",
        "Mixed": "mixed",
        "Asian or Asian British": "asian",
        "Black or Black British": "black",
        "Any other ethnic group": "other",
        "Not Stated": NOT_STATED,
        "Not known": NOT_STATED,
        NHS_MISSING: NOT_STATED,
    },
    AGE_BAND: {
        "Under 20": "under_20",
        "20 to 24": "20_24",
        "25 to 29": "25_29",
        "30 to 34": "30_34",
        "35 to 39": "35_39",
        "40 to 44": "40_44",
        "45 or Over": "45_or_over",
        NHS_MISSING: NOT_STATED,
    },
    DEPRIVATION_DECILE: {
        "01 - Most deprived": "1",
        "02": "2",
        "03": "3",
        "04": "4",
        "05": "5",
        "06": "6",
        "07": "7",
        "08": "8",
        "09": "9",
        "10 - Least deprived": "10",
        # No decile: not an English postcode, so not a group to compare.
        "Pseudo postcode recorded (includes no fixed abode or resident overseas)": NOT_STATED,
        "Resident Elsewhere in UK, Channel Islands or Isle of Man": NOT_STATED,
        NHS_MISSING: NOT_STATED,
    },
}
NHS_TOTAL_MEASURES = {"", "total"}
NHS_SOURCE = ("Source: NHS England, NHS Maternity Statistics, England {period} "
              "(Maternity Services Data Set), Open Government Licence v3.0")
ROUNDING = 2.5  # each published value is rounded to the nearest 5


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


_MEASURE_KEYS = {dimension: {_key(m): code for m, code in measures.items()}
                 for dimension, measures in NHS_MEASURES.items()}

_SMALL_WORDS = {"and", "of", "the", "upon", "on", "in", "for", "at", "with", "under"}
_UPPER_WORDS = {"NHS", "UK", "ICB"}


def tidy_org_name(name: str) -> str:
    """NHS files shout names ("BIRMINGHAM WOMEN'S AND CHILDREN'S NHS FOUNDATION TRUST");
    give them the usual capitals ("Birmingham Women's and Children's NHS Foundation
    Trust"). Names already in mixed case are left alone."""
    name = " ".join(name.split())
    if not name.isupper():
        return name
    words = []
    for position, word in enumerate(name.split(" ")):
        if word.strip(",.()") in _UPPER_WORDS:
            words.append(word)
            continue
        parts = []
        for part_number, part in enumerate(word.split("-")):
            lower = part.lower()
            if (position or part_number) and lower.strip(",.") in _SMALL_WORDS:
                parts.append(lower)
            else:
                parts.append(re.sub(r"[a-z]", lambda m: m.group().upper(), lower, count=1))
        words.append("-".join(parts))
    return " ".join(words)


@dataclass
class _Cells:
    """One organisation's cells of one dimension."""

    first_row: int
    counts: dict[str, int] = field(default_factory=dict)
    not_stated: int = 0
    cells: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values()) + self.not_stated


@dataclass
class _Org:
    period: str
    code: str
    level: str
    name: str
    first_row: int
    total: int | None = None
    dimensions: dict[str, _Cells] = field(default_factory=dict)


def parse_nhs_maternity(data: bytes, *, orgs: Iterable[str] | None = None,
                        strict_totals: bool = False) -> ParsedFile:
    """Per organisation, benchmarks of deliveries by maternity ethnic group, age band and
    deprivation decile.

    `orgs` keeps only those Org_Code values ("National" for England); the whole file is
    still checked. `strict_totals` makes a TotalDeliveries that the breakdowns miss by
    more than rounding an error rather than a warning (see the module's docstring).
    """
    header, records = _read_table(data)
    problems = _Problems()
    index = _check_header(header, NHS_COLUMNS, problems)
    problems.raise_if_any()
    wanted = _codes(orgs)
    by_org: dict[tuple[str, str], _Org] = {}
    seen_cells: dict[tuple[str, str, str, str], int] = {}
    # Unknown values are reported once each, with how many rows have them.
    unknown: dict[tuple[str, str], list[int]] = {}

    def once(column: str, value: str, row: int) -> None:
        unknown.setdefault((column, value), []).append(row)

    for row, cells in records:
        if not _row_width(row, cells, header, problems):
            continue
        value = {column: cells[index[column]].strip() for column in NHS_COLUMNS}
        period, code = value["Period"], value["Org_Code"]
        dimension_name, measure = value["Dimension"], value["Measure"]
        ok = True
        if not period:
            problems.add(row, "Period", "The period is empty")
            ok = False
        if not code:
            problems.add(row, "Org_Code", "The organisation code is empty")
            ok = False
        if value["Org_Level"] not in NHS_ORG_LEVELS:
            once("Org_Level", value["Org_Level"], row)
            ok = False
        if value["Count_Of"] != NHS_COUNT_OF:
            once("Count_Of", value["Count_Of"], row)
            ok = False
        dimension = NHS_DIMENSIONS.get(dimension_name)
        group = None
        if dimension_name == NHS_TOTAL:
            if _key(measure) not in NHS_TOTAL_MEASURES:
                once("Measure", f"{dimension_name}|{measure}", row)
                ok = False
        elif dimension is None:
            once("Dimension", dimension_name, row)
            ok = False
        else:
            group = _MEASURE_KEYS[dimension].get(_key(measure))
            if group is None:
                once("Measure", f"{dimension_name}|{measure}", row)
                ok = False
        count = _count(value["Value"], row, "Value", problems)
        if not ok or count is None:
            continue
        cell_key = (period, code.upper(), dimension_name, _key(measure))
        if cell_key in seen_cells:
            problems.add(row, "Measure", f"'{measure or dimension_name}' for {code} appears "
                                         f"again (first in row {seen_cells[cell_key]})")
            continue
        seen_cells[cell_key] = row
        org = by_org.get((period, code.upper()))
        if org is None:
            org = by_org[(period, code.upper())] = _Org(
                period=period, code=code, level=NHS_ORG_LEVELS[value["Org_Level"]],
                name=value["Org_Name"], first_row=row)
        if dimension_name == NHS_TOTAL:
            org.total = count
            continue
        assert dimension is not None and group is not None
        part = org.dimensions.setdefault(dimension, _Cells(first_row=row))
        part.cells += 1
        if group == NOT_STATED:
            part.not_stated += count
        else:
            part.counts[group] = count

    for (column, raw), rows in unknown.items():
        more = f" (and {len(rows) - 1:,} more rows)" if len(rows) > 1 else ""
        if column == "Measure":
            dimension_name, measure = raw.split("|", 1)
            problems.add(rows[0], column, f"Unknown measure '{_short(measure)}' for "
                                          f"{dimension_name}{more}")
        elif column == "Dimension":
            problems.add(rows[0], column, f"Unknown dimension '{_short(raw)}': the file may "
                         f"only have {', '.join([*NHS_DIMENSIONS, NHS_TOTAL])}{more}")
        elif column == "Org_Level":
            problems.add(rows[0], column, f"Unknown organisation level '{_short(raw)}': use "
                                          f"{', '.join(NHS_ORG_LEVELS)}{more}")
        else:
            problems.add(rows[0], column, f"'{_short(raw)}' is not {NHS_COUNT_OF}: only "
                                          f"counts of deliveries can be imported{more}")

    if wanted:
        present = {org.code.upper() for org in by_org.values()}
        for code in wanted:
            if code not in present:
                problems.add(None, "Org_Code", f"{code} is not in the file")
    # Sums are only worth checking once every cell is readable (else one bad cell would
    # also show up as its organisation's breakdowns disagreeing).
    problems.raise_if_any()
    warnings: list[Problem] = []
    for org in by_org.values():
        keep = not wanted or org.code.upper() in wanted
        # Every organisation's breakdowns must agree (else the file is damaged); its
        # TotalDeliveries is only looked at when it is being imported.
        _check_org(org, problems, warnings if keep else None, strict_totals)
    problems.raise_if_any()

    benchmarks: list[ParsedBenchmark] = []
    for org in by_org.values():
        if wanted and org.code.upper() not in wanted:
            continue
        national = org.level == "england"
        area_name = "England" if national else tidy_org_name(org.name)
        area_code = None if national else org.code
        for dimension in NHS_DIMENSIONS.values():
            part = org.dimensions.get(dimension)
            if part is None:
                continue
            label = f"{area_name}{'' if national else f' ({org.code})'}"
            missing = [g for g in GROUP_CODES[dimension] if g not in part.counts]
            if missing:
                warnings.append(Problem(part.first_row, "Measure", (
                    f"{label}, {DIMENSION_LABELS[dimension]}: no row for "
                    f"{', '.join(missing)}; counted as 0")))
            if not sum(part.counts.values()):
                warnings.append(Problem(part.first_row, "Value", (
                    f"{label}, {DIMENSION_LABELS[dimension]}: no deliveries with a known "
                    "group; not imported")))
                continue
            benchmarks.append(ParsedBenchmark(
                name=benchmark_name(source=f"NHS Maternity Statistics {org.period}",
                                    area_name=area_name, area_code=area_code,
                                    population=BIRTHS, dimension=dimension),
                dimension=dimension, area_type=org.level, area_code=area_code,
                area_name=area_name, population=BIRTHS,
                source=NHS_SOURCE.format(period=org.period), period=org.period,
                counts={g: part.counts.get(g, 0) for g in GROUP_CODES[dimension]},
                not_stated=part.not_stated, reported_total=org.total))
    return ParsedFile(benchmarks, warnings)


def _dimension_name(dimension: str) -> str:
    return next(name for name, value in NHS_DIMENSIONS.items() if value == dimension)


def _check_org(org: _Org, problems: _Problems, warnings: list[Problem] | None,
               strict_totals: bool) -> None:
    """Breakdowns must agree with each other; TotalDeliveries is checked against them."""
    label = f"{'England' if org.level == 'england' else tidy_org_name(org.name)} ({org.code})"
    parts = org.dimensions
    for dimension, part in parts.items():
        others = [(d, p) for d, p in parts.items() if d != dimension]
        disagree = [(d, p) for d, p in others
                    if abs(part.total - p.total) > ROUNDING * (part.cells + p.cells)]
        if others and len(disagree) == len(others):
            other_dimension, other = disagree[0]
            problems.add(part.first_row, "Value", (
                f"{label}, {org.period}: the {_dimension_name(dimension)} rows add up to "
                f"{part.total:,} deliveries but the {_dimension_name(other_dimension)} rows "
                f"to {other.total:,}; with each value rounded to the nearest 5 they can "
                f"differ by at most {ROUNDING * (part.cells + other.cells):g}"))
    if warnings is None:
        return
    if org.total is None:
        if parts:
            warnings.append(Problem(org.first_row, "Dimension", (
                f"{label}, {org.period}: no {NHS_TOTAL} row; the breakdowns are used")))
        return
    off = {d: p for d, p in parts.items()
           if abs(p.total - org.total) > ROUNDING * p.cells + ROUNDING}
    if not off:
        return
    if strict_totals:
        for dimension, part in off.items():
            problems.add(part.first_row, "Value", (
                f"{label}, {org.period}: the {_dimension_name(dimension)} rows add up to "
                f"{part.total:,}, not {NHS_TOTAL} {org.total:,} (allowing "
                f"{ROUNDING * part.cells + ROUNDING:g} for rounding)"))
        return
    sums = ", ".join(f"{p.total:,} ({_dimension_name(d)})" for d, p in off.items())
    warnings.append(Problem(org.first_row, "Value", (
        f"{label}, {org.period}: {NHS_TOTAL} is {org.total:,} but the breakdowns add up to "
        f"{sums}; the breakdowns are used")))


# --- generic group_code,count ---------------------------------------------------------

GENERIC_COLUMNS = ["group_code", "count"]


def parse_generic(data: bytes, *, dimension: str, area_name: str, population: str,
                  source: str, period: str, area_code: str | None = None,
                  area_type: str = "custom", name: str | None = None) -> ParsedFile:
    """One benchmark from `group_code,count` rows, e.g. a trust's own booking data.

    Group codes are the dimension's codes (GROUP_CODES), plus `not_stated` for people
    whose group was not recorded. A group without a row counts as 0.
    """
    problems = _Problems()
    area_name, source, period = area_name.strip(), source.strip(), period.strip()
    area_code = (area_code or "").strip() or None
    if dimension not in GROUP_CODES:
        problems.add(None, None, f"Unknown dimension '{dimension}': use one of "
                                 f"{', '.join(GROUP_CODES)}")
    if population not in POPULATIONS:
        problems.add(None, None, f"Unknown population '{population}': use "
                                 f"{' or '.join(POPULATIONS)}")
    if area_type not in AREA_TYPES:
        problems.add(None, None, f"Unknown area type '{area_type}': use one of "
                                 f"{', '.join(AREA_TYPES)}")
    for label, given in (("area name", area_name), ("source", source), ("period", period)):
        if not given:
            problems.add(None, None, f"Enter the {label}")
    for label, given, limit in (("area name", area_name, 200), ("source", source, 500),
                                ("period", period, 32), ("area code", area_code or "", 32),
                                ("name", (name or "").strip(), 300)):
        if len(given) > limit:
            problems.add(None, None, f"The {label} must be {limit} characters or fewer")
    problems.raise_if_any()

    header, records = _read_table(data)
    if header != GENERIC_COLUMNS:
        first = header[0].strip().lower() if header else ""
        hint = " (the first row looks like data)" if first in GROUP_CODES[dimension] \
            or first == NOT_STATED else ""
        raise _fail(f"The first row must be the header 'group_code,count'{hint}", row=1)
    known = GROUP_CODES[dimension]
    counts: dict[str, int] = {}
    not_stated: int | None = None
    seen: dict[str, int] = {}
    for row, cells in records:
        if not _row_width(row, cells, header, problems):
            continue
        code = cells[0].strip()
        count = _count(cells[1], row, "count", problems)
        if not code:
            problems.add(row, "group_code", "The group code is empty")
            continue
        if code in seen:
            problems.add(row, "group_code", f"'{code}' appears again (first in row "
                                            f"{seen[code]})")
            continue
        seen[code] = row
        if code != NOT_STATED and code not in known:
            problems.add(row, "group_code", (
                f"'{_short(code)}' is not a group of {DIMENSION_LABELS[dimension]}: use "
                f"{', '.join(known)} or {NOT_STATED}"))
            continue
        if count is None:
            continue
        if code == NOT_STATED:
            not_stated = count
        else:
            counts[code] = count
    if not problems and not sum(counts.values()):
        problems.add(None, "count", "Every group's count is 0: there is nothing to compare")
    problems.raise_if_any()
    benchmark = ParsedBenchmark(
        name=name.strip() if name and name.strip() else benchmark_name(
            source=f"Own data {period}", area_name=area_name, area_code=area_code,
            population=population, dimension=dimension),
        dimension=dimension, area_type=area_type, area_code=area_code, area_name=area_name,
        population=population, source=source, period=period,
        counts={g: counts.get(g, 0) for g in known}, not_stated=not_stated or 0)
    return ParsedFile([benchmark])


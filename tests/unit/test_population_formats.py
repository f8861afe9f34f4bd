"""Reading population files: the real published files give the published figures, and
every kind of bad file is refused with the row and column of each problem.

The real files are in ../shared/data (beside the repository; CI has them). Bad files are
made by editing the real ones, so each test breaks exactly one thing.
"""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from pathlib import Path

import pytest

from surveyapp.demographics import ETHNIC_CODES, ETHNIC_GROUPS, census_group
from surveyapp.population import (
    DIMENSIONS,
    GROUP_CODES,
    TO_GROUP,
    group_label,
)
from surveyapp.population import builtin as shipped
from surveyapp.population.formats import (
    CENSUS_DETAIL_COLUMNS,
    CENSUS_GROUP_COLUMNS,
    MAX_FILE_BYTES,
    NHS_MEASURES,
    PopulationImportError,
    Problem,
    parse_census_ts021,
    parse_generic,
    parse_nhs_maternity,
    read_path,
    read_stream,
    tidy_org_name,
)

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
CENSUS_FILE = DATA / "census2021_ts021_ethnic_group_ltla2021_EW.csv"
NHS_FILE = DATA / "nhs_maternity_2022-23_provider_ethnicity_age_imd_extract.csv"
RQ3 = "Birmingham Women's and Children's NHS Foundation Trust"


def _needs(path: Path) -> bytes:
    if not path.is_file():
        pytest.skip(f"{path.name} is not in {DATA}: the shared reference data sits beside "
                    "the repository (../shared/data), as in CI")
    return read_path(path)


@pytest.fixture(scope="module")
def census_bytes() -> bytes:
    return _needs(CENSUS_FILE)


@pytest.fixture(scope="module")
def census(census_bytes):
    """The whole census file, parsed once for the module."""
    return parse_census_ts021(census_bytes)


@pytest.fixture(scope="module")
def nhs_bytes() -> bytes:
    return _needs(NHS_FILE)


@pytest.fixture(scope="module")
def nhs(nhs_bytes):
    return parse_nhs_maternity(nhs_bytes)


def by_name(parsed, fragment: str, dimension: str):
    [found] = [b for b in parsed.benchmarks if fragment in b.name and b.dimension == dimension]
    return found


def edit(tmp_path: Path, data: bytes, change) -> bytes:
    """Apply `change` to the file's rows of cells (row 1 is rows[0]) and read it back
    from disk, as an import would."""
    text = data.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    change(rows)
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n" if "\r\n" in text else "\n").writerows(rows)
    path = tmp_path / "edited.csv"
    path.write_bytes(out.getvalue().encode("utf-8"))
    return read_path(path)


def row_of(data: bytes, *cells: str) -> int:
    """The 1-based row (the header is row 1) of the first row having all these cells."""
    for number, row in enumerate(csv.reader(io.StringIO(data.decode(), newline="")), 1):
        if all(cell in row for cell in cells):
            return number
    raise AssertionError(cells)


def set_cell(rows: list[list[str]], row: int, column: int, value: str) -> None:
    rows[row - 1][column] = value


def problems_of(excinfo) -> list[Problem]:
    return excinfo.value.problems


# --- the vocabulary --------------------------------------------------------------------


def test_group_codes_are_the_survey_codes():
    assert GROUP_CODES["ethnic_group_19"] == ETHNIC_CODES
    assert GROUP_CODES["ethnic_group_5"] == ["white", "mixed", "asian", "black", "other"]
    assert GROUP_CODES["maternity_ethnic_group"] == ["white", "mixed", "asian", "black",
                                                     "other"]
    assert GROUP_CODES["age_band"] == ["under_20", "20_24", "25_29", "30_34", "35_39",
                                       "40_44", "45_or_over"]
    assert GROUP_CODES["deprivation_decile"] == [str(n) for n in range(1, 11)]
    assert "english" in GROUP_CODES["main_language"]
    assert "prefer_not_to_say" not in sum(GROUP_CODES.values(), [])


def test_answers_map_to_groups_of_each_dimension():
    assert TO_GROUP["ethnic_group_19"]("bangladeshi") == "bangladeshi"
    assert TO_GROUP["ethnic_group_5"]("chinese") == "asian"
    assert TO_GROUP["maternity_ethnic_group"]("chinese") == "other"  # NHS code R
    assert TO_GROUP["age_band"]("prefer_not_to_say") is None
    for dimension in DIMENSIONS:
        for code in GROUP_CODES[dimension]:
            assert group_label(dimension, code)


def test_every_census_column_is_mapped_to_its_own_group():
    assert sorted(code for code, _ in CENSUS_DETAIL_COLUMNS.values()) == sorted(ETHNIC_CODES)
    assert sorted(CENSUS_GROUP_COLUMNS.values()) == sorted(ETHNIC_GROUPS)
    for column, (code, heading) in CENSUS_DETAIL_COLUMNS.items():
        assert column.startswith(heading + ": ")
        assert census_group(code) == CENSUS_GROUP_COLUMNS[heading]


def test_every_nhs_measure_maps_to_a_group_of_its_dimension_or_not_stated():
    for dimension, measures in NHS_MEASURES.items():
        assert set(GROUP_CODES[dimension]) <= set(measures.values())
        assert set(measures.values()) <= {*GROUP_CODES[dimension], "not_stated"}


@pytest.mark.parametrize("shouting,tidy", [
    ("BIRMINGHAM WOMEN'S AND CHILDREN'S NHS FOUNDATION TRUST", RQ3),
    ("GUY'S AND ST THOMAS' NHS FOUNDATION TRUST", "Guy's and St Thomas' NHS Foundation Trust"),
    ("THE NEWCASTLE UPON TYNE HOSPITALS NHS FOUNDATION TRUST",
     "The Newcastle upon Tyne Hospitals NHS Foundation Trust"),
    ("Already Mixed Case", "Already Mixed Case"),
])
def test_nhs_names_get_their_usual_capitals(shouting, tidy):
    assert tidy_org_name(shouting) == tidy


# --- ONS Census 2021 TS021 -------------------------------------------------------------


def test_census_every_area_gives_a_19_and_a_5_group_benchmark(census):
    assert len(census.benchmarks) == 2 * 333  # 331 local authorities, England and Wales
    assert census.warnings == []
    for benchmark in census.benchmarks:
        assert list(benchmark.counts) == GROUP_CODES[benchmark.dimension]
        assert benchmark.population == "residents" and benchmark.period == "2021"


def test_census_birmingham(census):
    detailed = by_name(census, "(E08000025)", "ethnic_group_19")
    grouped = by_name(census, "(E08000025)", "ethnic_group_5")
    assert detailed.name == ("Census 2021, Birmingham (E08000025), usual residents, "
                             "ethnic group (19)")
    assert detailed.total == grouped.total == 1_144_922
    assert detailed.area_type == "local_authority" and detailed.area_name == "Birmingham"
    assert detailed.counts["pakistani"] == 195_102
    assert detailed.counts["bangladeshi"] == 48_232
    assert detailed.counts["white_british"] == 491_211
    assert detailed.counts["other_ethnic_group"] == 32_769
    assert grouped.counts == {"white": 556_608, "mixed": 55_205, "asian": 355_384,
                              "black": 125_760, "other": 51_965}
    assert detailed.source == ("Source: Office for National Statistics, Census 2021 table "
                               "TS021, Open Government Licence v3.0")
    assert detailed.not_stated == 0 and detailed.reported_total is None


def test_census_england_and_wales(census):
    england = by_name(census, "(E92000001)", "ethnic_group_19")
    assert england.area_type == "england" and england.total == 56_490_048
    assert england.counts["bangladeshi"] == 629_567
    assert england.counts["chinese"] == 431_165
    assert by_name(census, "(E92000001)", "ethnic_group_5").counts["asian"] == 5_426_392
    assert by_name(census, "(W92000004)", "ethnic_group_19").area_type == "wales"


def test_census_only_some_areas(census_bytes):
    parsed = parse_census_ts021(census_bytes, areas=["e08000025, E09000030"])
    assert sorted(b.area_code for b in parsed.benchmarks) == ["E08000025", "E08000025",
                                                             "E09000030", "E09000030"]


def test_census_unknown_area_is_named(census_bytes):
    with pytest.raises(PopulationImportError) as excinfo:
        parse_census_ts021(census_bytes, areas=["E08000025", "E99999999"])
    assert problems_of(excinfo) == [Problem(None, "geography code",
                                            "E99999999 is not in the file")]


def test_census_tolerates_a_byte_order_mark_and_nomis_measure_suffixes(census_bytes, census):
    header, rest = census_bytes.decode().split("\n", 1)
    [columns] = csv.reader([header])
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(
        [f"{c}; measures: Value" if c.startswith("Ethnic group") else c for c in columns])
    parsed = parse_census_ts021(b"\xef\xbb\xbf" + (out.getvalue() + rest).encode())
    assert parsed.benchmarks == census.benchmarks


def test_census_unknown_and_missing_columns_are_named(tmp_path, census_bytes):
    def rename(rows):
        rows[0][rows[0].index("Ethnic group: White: Roma")] = "Ethnic group: White: Romany"

    data = edit(tmp_path, census_bytes, rename)
    with pytest.raises(PopulationImportError) as excinfo:
        parse_census_ts021(data)
    assert problems_of(excinfo) == [
        Problem(1, "Ethnic group: White: Romany", "Unknown column"),
        Problem(1, "Ethnic group: White: Roma", "The column is missing"),
    ]


def test_census_a_dropped_column_is_named(tmp_path, census_bytes):
    def drop_last_column(rows):
        for row in rows:
            del row[-1]

    with pytest.raises(PopulationImportError) as excinfo:
        parse_census_ts021(edit(tmp_path, census_bytes, drop_last_column))
    assert problems_of(excinfo) == [Problem(
        1, "Ethnic group: Other ethnic group: Any other ethnic group", "The column is missing")]


BANGLADESHI = 5  # column index of "…: Bangladeshi" in the published file
ASIAN = "Ethnic group: Asian, Asian British or Asian Welsh"
BANGLADESHI_COLUMN = ASIAN + ": Bangladeshi"
TOTAL = "Ethnic group: Total: All usual residents"


@pytest.mark.parametrize("value,message", [
    ("abc", "'abc' is not a whole number"),
    ("-5", "The count must be 0 or more, not -5"),
    ("", "The count is empty: enter a whole number (0 if none)"),
    ("4.5", "'4.5' is not a whole number"),
])
def test_census_bad_count_names_row_and_column(tmp_path, census_bytes, value, message):
    row = row_of(census_bytes, "E08000025")
    data = edit(tmp_path, census_bytes, lambda rows: set_cell(rows, row, BANGLADESHI, value))
    with pytest.raises(PopulationImportError) as excinfo:
        parse_census_ts021(data)
    assert problems_of(excinfo) == [Problem(row, BANGLADESHI_COLUMN, message)]


def test_census_groups_that_do_not_add_up_are_named(tmp_path, census_bytes):
    row = row_of(census_bytes, "E08000025")
    data = edit(tmp_path, census_bytes,
                lambda rows: set_cell(rows, row, BANGLADESHI, "48233"))
    with pytest.raises(PopulationImportError) as excinfo:
        parse_census_ts021(data)
    assert problems_of(excinfo) == [
        Problem(row, ASIAN, "The 5 detailed groups add up to 355,385, not 355,384"),
        Problem(row, TOTAL, "The 19 detailed groups add up to 1,144,923, not 1,144,922"),
    ]


def test_census_total_that_is_not_the_sum_is_named(tmp_path, census_bytes):
    row = row_of(census_bytes, "E92000001")
    data = edit(tmp_path, census_bytes, lambda rows: set_cell(rows, row, 3, "56490000"))
    with pytest.raises(PopulationImportError) as excinfo:
        parse_census_ts021(data)
    assert problems_of(excinfo) == [
        Problem(row, TOTAL, "The 19 detailed groups add up to 56,490,048, not 56,490,000")]


def test_census_row_with_too_few_values_and_a_repeated_area(tmp_path, census_bytes):
    def damage(rows):
        del rows[2][-2:]  # row 3
        rows[4] = list(rows[3])  # row 5 repeats row 4

    with pytest.raises(PopulationImportError) as excinfo:
        parse_census_ts021(edit(tmp_path, census_bytes, damage))
    code = next(csv.reader(io.StringIO(census_bytes.decode().split("\n")[3])))[2]
    assert problems_of(excinfo) == [
        Problem(3, None, "The row has 26 values but the header has 28 columns"),
        Problem(5, "geography code", f"{code} appears again (first in row 4)"),
    ]


def test_census_every_problem_is_listed_not_just_the_first(tmp_path, census_bytes):
    def damage(rows):
        for row in (2, 100, 334):
            set_cell(rows, row, BANGLADESHI, "x")

    with pytest.raises(PopulationImportError) as excinfo:
        parse_census_ts021(edit(tmp_path, census_bytes, damage))
    assert [(p.row, p.column) for p in problems_of(excinfo)] == [
        (2, BANGLADESHI_COLUMN), (100, BANGLADESHI_COLUMN), (334, BANGLADESHI_COLUMN)]


# --- files that are not CSV, or not the right kind -------------------------------------


def test_not_utf8_names_the_row(census_bytes):
    lines = census_bytes.split(b"\n")
    lines[6] = lines[6].replace(b"Halton", b"Halt\xf6n")  # Latin-1, row 7
    with pytest.raises(PopulationImportError) as excinfo:
        parse_census_ts021(b"\n".join(lines))
    assert problems_of(excinfo) == [Problem(7, None, "This is not UTF-8 text: save the file "
                                                     "as 'CSV UTF-8 (comma delimited)'")]


@pytest.mark.parametrize("data,message", [
    (b"", "The file is empty"),
    (b"\n\n", "The file is empty"),
    (b"PK\x03\x04rest of a workbook", "This is a zip file or an Excel workbook, not a CSV "
                                      "file: open it and save it as 'CSV UTF-8 (comma "
                                      "delimited)'"),
    ("date,geography".encode("utf-16"), "The file is UTF-16 text: save it as 'CSV UTF-8 "
                                        "(comma delimited)'"),
])
def test_files_that_are_not_csv_text(data, message):
    with pytest.raises(PopulationImportError) as excinfo:
        parse_census_ts021(data)
    assert problems_of(excinfo) == [Problem(None, None, message)]


def test_a_header_without_rows(census_bytes, nhs_bytes):
    for data, parse in ((census_bytes, parse_census_ts021), (nhs_bytes, parse_nhs_maternity)):
        with pytest.raises(PopulationImportError) as excinfo:
            parse(data.split(b"\n", 1)[0] + b"\n")
        assert problems_of(excinfo) == [Problem(None, None, "The file has a header but no "
                                                            "rows")]


def test_semicolons_instead_of_commas(census_bytes):
    data = census_bytes.decode().split("\n")[0].replace(",", ";").encode()
    with pytest.raises(PopulationImportError) as excinfo:
        parse_census_ts021(data + b"\n2021;x;y\n")
    assert problems_of(excinfo) == [Problem(1, None, "The columns are separated by "
                                                     "semicolons: save the file as "
                                                     "comma-separated CSV")]


def test_broken_quotes_are_a_clear_error(census_bytes):
    lines = census_bytes.split(b"\n")
    lines[3] = lines[3].replace(b"2021,", b'2021,"', 1)  # row 4 opens a quote it never closes
    with pytest.raises(PopulationImportError) as excinfo:
        parse_census_ts021(b"\n".join(lines))
    [problem] = problems_of(excinfo)
    assert problem.message.startswith("This is not a well-formed CSV file")
    assert problem.row is not None and problem.row >= 4


def test_a_file_over_the_limit_is_refused_before_reading(tmp_path):
    big = tmp_path / "big.csv"
    with big.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: costs no disk
    with pytest.raises(PopulationImportError) as excinfo:
        read_path(big)
    assert "it must be 20 MB or smaller" in str(problems_of(excinfo)[0])
    with pytest.raises(PopulationImportError):
        read_stream(io.BytesIO(b"x" * (MAX_FILE_BYTES + 1)))


def test_the_wrong_format_for_the_file(census_bytes, nhs_bytes):
    with pytest.raises(PopulationImportError) as excinfo:
        parse_nhs_maternity(census_bytes)
    assert Problem(1, "Period", "The column is missing") in problems_of(excinfo)
    with pytest.raises(PopulationImportError) as excinfo:
        parse_census_ts021(nhs_bytes)
    assert Problem(1, "Org_Code", "Unknown column") in problems_of(excinfo)


# --- NHS Maternity Statistics ----------------------------------------------------------


def test_nhs_every_organisation_gives_three_benchmarks(nhs):
    assert len(nhs.benchmarks) == 131 * 3  # England, 7 regions, 123 trusts
    kinds = {b.area_type for b in nhs.benchmarks}
    assert kinds == {"england", "region", "nhs_trust"}
    for benchmark in nhs.benchmarks:
        assert list(benchmark.counts) == GROUP_CODES[benchmark.dimension]
        assert benchmark.population == "births" and benchmark.period == "2022-23"


def test_nhs_birmingham_womens_and_childrens(nhs):
    ethnic = by_name(nhs, "(RQ3)", "maternity_ethnic_group")
    assert ethnic.name == (f"NHS Maternity Statistics 2022-23, {RQ3} (RQ3), deliveries, "
                           "ethnic group (5, NHS maternity)")
    assert ethnic.area_name == RQ3 and ethnic.area_type == "nhs_trust"
    assert ethnic.reported_total == 5_270
    assert ethnic.counts == {"white": 2_550, "mixed": 285, "asian": 1_670, "black": 575,
                             "other": 255}
    assert ethnic.not_stated == 5 + 80 + 105  # Not known, Not Stated, Missing value
    assert ethnic.source == ("Source: NHS England, NHS Maternity Statistics, England 2022-23 "
                             "(Maternity Services Data Set), Open Government Licence v3.0")
    age = by_name(nhs, "(RQ3)", "age_band")
    assert age.counts["45_or_over"] == 30 and age.counts["under_20"] == 170
    deprivation = by_name(nhs, "(RQ3)", "deprivation_decile")
    assert deprivation.counts["1"] == 1_920 and deprivation.counts["10"] == 130
    assert deprivation.not_stated == 0 + 5 + 5  # pseudo postcode, elsewhere in UK, missing


def test_nhs_england(nhs):
    ethnic = by_name(nhs, "2022-23, England,", "maternity_ethnic_group")
    assert ethnic.area_type == "england" and ethnic.area_code is None
    assert ethnic.total == ethnic.reported_total == 531_000
    assert ethnic.counts["asian"] == 70_005
    assert by_name(nhs, "2022-23, England,", "age_band").total == 530_995


def test_nhs_total_deliveries_that_differ_from_the_breakdowns_are_a_warning(nhs, nhs_bytes):
    """The published breakdowns agree with each other, but most trusts' TotalDeliveries
    does not match them (RQ3: 5,270 against 5,515 to 5,525)."""
    rq3 = [w for w in nhs.warnings if "(RQ3)" in w.message]
    assert rq3 == [Problem(row_of(nhs_bytes, "RQ3"), "Value", (
        f"{RQ3} (RQ3), 2022-23: TotalDeliveries is 5,270 but the breakdowns add up to "
        "5,525 (AgeAtBookingMotherGroup), 5,515 (DeprivationDecileAtBooking), "
        "5,525 (EthnicCategoryMotherGroup); the breakdowns are used"))]
    assert not [w for w in nhs.warnings if "England (National)" in w.message]
    assert any("no TotalDeliveries row" in w.message for w in nhs.warnings)  # RY2


def test_nhs_strict_totals_refuses_what_rounding_cannot_explain(nhs_bytes):
    with pytest.raises(PopulationImportError) as excinfo:
        parse_nhs_maternity(nhs_bytes, orgs=["RQ3"], strict_totals=True)
    first = row_of(nhs_bytes, "EthnicCategoryMotherGroup", "RQ3")
    assert Problem(first, "Value", (
        f"{RQ3} (RQ3), 2022-23: the EthnicCategoryMotherGroup rows add up to 5,525, not "
        "TotalDeliveries 5,270 (allowing 22.5 for rounding)")) in problems_of(excinfo)


def test_nhs_rounding_tolerance_is_two_and_a_half_a_cell_plus_one(tmp_path, nhs_bytes):
    """England: ethnic group 8 cells add up to 531,000, age 7 cells to 530,995. With
    TotalDeliveries 531,020 ethnic group is 20 off (allowed 22.5), age 25 (allowed 20)."""
    row = row_of(nhs_bytes, "TotalDeliveries", "National")
    data = edit(tmp_path, nhs_bytes, lambda rows: set_cell(rows, row, 7, "531020"))
    with pytest.raises(PopulationImportError) as excinfo:
        parse_nhs_maternity(data, orgs=["National"], strict_totals=True)
    assert [(p.row, p.column) for p in problems_of(excinfo)] == [(2, "Value")]
    assert "AgeAtBookingMotherGroup rows add up to 530,995, not TotalDeliveries 531,020 " \
           "(allowing 20 for rounding)" in problems_of(excinfo)[0].message


def test_nhs_only_some_organisations(nhs_bytes):
    parsed = parse_nhs_maternity(nhs_bytes, orgs=["rq3", "National"])
    assert {b.area_name for b in parsed.benchmarks} == {RQ3, "England"}
    assert [w.message.split(",")[0] for w in parsed.warnings] == [RQ3 + " (RQ3)"]
    with pytest.raises(PopulationImportError) as excinfo:
        parse_nhs_maternity(nhs_bytes, orgs=["ZZZ"])
    assert problems_of(excinfo) == [Problem(None, "Org_Code", "ZZZ is not in the file")]


def nhs_row(data: bytes, code: str, dimension: str, measure: str) -> int:
    return row_of(data, dimension, code, measure)


@pytest.mark.parametrize("column,value,message", [
    (1, "EthnicCategoryMotherGrup",
     "Unknown dimension 'EthnicCategoryMotherGrup': the file may only have "
     "EthnicCategoryMotherGroup, AgeAtBookingMotherGroup, DeprivationDecileAtBooking, "
     "TotalDeliveries"),
    (5, "Asian", "Unknown measure 'Asian' for EthnicCategoryMotherGroup"),
    (7, "1,670", "'1,670': write the count without commas"),
    (7, "*", "'*' is not a whole number"),
    (7, "-5", "The count must be 0 or more, not -5"),
    (2, "Trust", "Unknown organisation level 'Trust': use National, NHS England (Region), "
                 "Region, Provider"),
    (6, "Births", "'Births' is not Deliveries: only counts of deliveries can be imported"),
])
def test_nhs_bad_cells_name_row_and_column(tmp_path, nhs_bytes, column, value, message):
    row = nhs_row(nhs_bytes, "RQ3", "EthnicCategoryMotherGroup", "Asian or Asian British")
    data = edit(tmp_path, nhs_bytes, lambda rows: set_cell(rows, row, column, value))
    with pytest.raises(PopulationImportError) as excinfo:
        parse_nhs_maternity(data)
    name = ["Period", "Dimension", "Org_Level", "Org_Code", "Org_Name", "Measure",
            "Count_Of", "Value"][column]
    assert problems_of(excinfo) == [Problem(row, name, message)]


def test_nhs_an_unknown_value_is_reported_once_with_how_many_rows_have_it(tmp_path,
                                                                         nhs_bytes):
    def babies(rows):
        for row in rows[1:]:
            row[6] = "Babies"

    data = edit(tmp_path, nhs_bytes, babies)
    with pytest.raises(PopulationImportError) as excinfo:
        parse_nhs_maternity(data)
    assert problems_of(excinfo) == [Problem(2, "Count_Of", (
        "'Babies' is not Deliveries: only counts of deliveries can be imported "
        "(and 3,797 more rows)"))]


def test_nhs_breakdowns_that_disagree_name_the_organisation_and_dimension(tmp_path,
                                                                         nhs_bytes):
    row = nhs_row(nhs_bytes, "RQ3", "EthnicCategoryMotherGroup", "White")
    data = edit(tmp_path, nhs_bytes, lambda rows: set_cell(rows, row, 7, "3550"))
    with pytest.raises(PopulationImportError) as excinfo:
        parse_nhs_maternity(data, orgs=["RQ3"])
    first = row_of(nhs_bytes, "EthnicCategoryMotherGroup", "RQ3")
    assert problems_of(excinfo) == [Problem(first, "Value", (
        f"{RQ3} (RQ3), 2022-23: the EthnicCategoryMotherGroup rows add up to 6,525 "
        "deliveries but the AgeAtBookingMotherGroup rows to 5,525; with each value rounded "
        "to the nearest 5 they can differ by at most 37.5"))]


def test_nhs_repeated_row_and_missing_column(tmp_path, nhs_bytes):
    data = edit(tmp_path, nhs_bytes, lambda rows: rows.insert(3, rows[1]))
    with pytest.raises(PopulationImportError) as excinfo:
        parse_nhs_maternity(data)
    assert problems_of(excinfo) == [Problem(4, "Measure", (
        "'Under 20' for National appears again (first in row 2)"))]

    def drop_count_of(rows):
        for row in rows:
            del row[6]

    with pytest.raises(PopulationImportError) as excinfo:
        parse_nhs_maternity(edit(tmp_path, nhs_bytes, drop_count_of))
    assert problems_of(excinfo) == [Problem(1, "Count_Of", "The column is missing")]


# --- generic group_code,count ----------------------------------------------------------

GENERIC = dict(dimension="maternity_ethnic_group", area_name=RQ3, area_code="RQ3",
               population="births", period="2024-25",
               source="Booking data 2024-25, used with the trust's permission")


def test_generic_counts_with_not_stated():
    data = b"\xef\xbb\xbfgroup_code,count\r\nwhite,2500\r\nasian,1700\r\nblack,600\r\n" \
           b"not_stated,40\r\n"
    [benchmark] = parse_generic(data, **GENERIC).benchmarks
    assert benchmark.counts == {"white": 2500, "mixed": 0, "asian": 1700, "black": 600,
                                "other": 0}
    assert benchmark.not_stated == 40 and benchmark.total == 4840
    assert benchmark.name == (f"Own data 2024-25, {RQ3} (RQ3), deliveries, ethnic group "
                              "(5, NHS maternity)")
    assert benchmark.area_type == "custom" and benchmark.source == GENERIC["source"]


@pytest.mark.parametrize("data,problems", [
    (b"white,2500\nasian,1700\n", [Problem(1, None, "The first row must be the header "
                                                    "'group_code,count' (the first row "
                                                    "looks like data)")]),
    (b"code,number\nwhite,1\n", [Problem(1, None, "The first row must be the header "
                                                  "'group_code,count'")]),
    (b"group_code,count\n", [Problem(None, None, "The file has a header but no rows")]),
    (b"group_code,count\nwhite,10\nbangladeshi,5\n", [Problem(3, "group_code", (
        "'bangladeshi' is not a group of ethnic group (5, NHS maternity): use white, "
        "mixed, asian, black, other or not_stated"))]),
    (b"group_code,count\nwhite,10\nwhite,12\n", [
        Problem(3, "group_code", "'white' appears again (first in row 2)")]),
    (b"group_code,count\nwhite,ten\nasian,-1\n", [
        Problem(2, "count", "'ten' is not a whole number"),
        Problem(3, "count", "The count must be 0 or more, not -1")]),
    (b"group_code,count\nwhite,0\nnot_stated,4\n", [
        Problem(None, "count", "Every group's count is 0: there is nothing to compare")]),
    (b"group_code,count\nwhite,1,2\n", [
        Problem(2, None, "The row has 3 values but the header has 2 columns")]),
])
def test_generic_bad_files(data, problems):
    with pytest.raises(PopulationImportError) as excinfo:
        parse_generic(data, **GENERIC)
    assert problems_of(excinfo) == problems


def test_generic_what_the_caller_gives_is_checked():
    with pytest.raises(PopulationImportError) as excinfo:
        parse_generic(b"group_code,count\nwhite,1\n", **{
            **GENERIC, "dimension": "religion", "area_name": " ", "population": "women"})
    assert [str(p) for p in problems_of(excinfo)] == [
        "Unknown dimension 'religion': use one of ethnic_group_19, ethnic_group_5, "
        "maternity_ethnic_group, age_band, deprivation_decile, main_language",
        "Unknown population 'women': use residents or births",
        "Enter the area name",
    ]


# --- the shipped figures ---------------------------------------------------------------


def test_builtin_figures_are_what_the_importer_reads_from_the_published_files(census_bytes,
                                                                             nhs_bytes):
    parsed = {b.name: b for b in [
        *parse_census_ts021(census_bytes, areas=["E92000001", "E08000025"]).benchmarks,
        *parse_nhs_maternity(nhs_bytes, orgs=["National", "RQ3"]).benchmarks]}
    shipped_ones = shipped.builtin_benchmarks(include_demo=True)
    assert len(shipped_ones) == len(parsed) == 10
    for benchmark in shipped_ones:
        assert benchmark == replace(parsed[benchmark.name], builtin=True), benchmark.name


def test_builtin_without_the_demo_is_england_only():
    names = [b.name for b in shipped.builtin_benchmarks()]
    assert len(names) == 5 and all("England" in name for name in names)
    assert len(shipped.DEMO_SURVEY_BENCHMARKS) == 3
    dimensions = [b.dimension for b in shipped.DEMO if b.name in shipped.DEMO_SURVEY_BENCHMARKS]
    assert sorted(dimensions) == ["age_band", "ethnic_group_19", "maternity_ethnic_group"]

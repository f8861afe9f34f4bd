"""The XLSX exports as XlsxWriter streams them (surveyapp/xlsx.py): the same cells as the
CSV, nothing turned into a formula, a number or a link, rows read in batches, and memory
that does not grow with the number of rows."""

from __future__ import annotations

import csv
import io
import tracemalloc

from openpyxl import load_workbook
from sqlalchemy import select

from surveyapp import xlsx
from surveyapp.extensions import db
from surveyapp.insights import exports
from surveyapp.models import DistributionLink


def get_csv(client, survey_id, query=""):
    response = client.get(f"/insights/surveys/{survey_id}/responses.csv{query}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def get_xlsx(client, survey_id, query=""):
    response = client.get(f"/insights/surveys/{survey_id}/responses.xlsx{query}")
    assert response.status_code == 200
    assert response.mimetype == xlsx.XLSX_MIMETYPE
    return load_workbook(io.BytesIO(response.get_data()))


def test_the_xlsx_has_the_csv_cells_with_numbers_as_numbers(app, reviewer, fixture_survey):
    rows = get_csv(reviewer, fixture_survey)
    sheet = get_xlsx(reviewer, fixture_survey)["Responses"]
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert len(cells) == len(rows) == 51
    width = len(rows[0])
    as_text = [["" if v is None else str(v) for v in row] + [""] * (width - len(row))
               for row in cells]
    assert as_text == rows  # cell for cell, empty cells left out of the workbook
    assert [row[0] for row in cells[1:]] == list(range(1, 51))  # numbers, not text
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    good = cells[0].index("what_was_good")
    assert sum(str(row[good]).startswith("'=HYPERLINK") for row in cells[1:]) == 10


def test_rows_read_in_small_batches_give_the_same_export(app, reviewer, fixture_survey,
                                                         monkeypatch):
    whole = get_csv(reviewer, fixture_survey)
    monkeypatch.setattr(exports, "BATCH", 7)  # 50 responses: 8 batches, the last of 1
    assert get_csv(reviewer, fixture_survey) == whole
    sheet = get_xlsx(reviewer, fixture_survey)["Responses"]
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == list(range(1, 51))


def test_a_hostile_link_label_is_neutralised_in_both_exports(app, reviewer, fixture_survey):
    with app.app_context():
        link = db.session.scalar(select(DistributionLink).where(
            DistributionLink.default_language == "en"))
        link.label = "=cmd|' /C calc'!A0"
        db.session.commit()
    rows = get_csv(reviewer, fixture_survey)
    column = rows[0].index("link")
    assert sum(row[column] == "'=cmd|' /C calc'!A0" for row in rows[1:]) == 30
    sheet = get_xlsx(reviewer, fixture_survey)["Responses"]
    labels = [row[column].value for row in sheet.iter_rows(min_row=2)]
    assert labels.count("'=cmd|' /C calc'!A0") == 30


def test_strings_stay_strings_in_a_workbook():
    """Even a string the callers forgot to neutralise is never a formula, a number or a
    link; a control character (which openpyxl refused to write) is kept in Excel's
    escaped form, _xHHHH_, which Excel reads back as the character."""
    values = ["=1+2", "https://example.org/a", "007", "1e5", 3, 2.5, "", None, "a\x01b",
              "-"]
    book = load_workbook(xlsx.workbook([("S", [["header"], values])]))
    row = list(book["S"].iter_rows(min_row=2))[0]
    assert [c.value for c in row] == ["=1+2", "https://example.org/a", "007", "1e5", 3, 2.5,
                                      None, None, "a_x0001_b", "-"]
    assert [c.data_type for c in row[:4]] == ["s", "s", "s", "s"]
    assert all(c.hyperlink is None for c in row)


def test_writing_a_workbook_keeps_memory_flat():
    import xlsxwriter  # noqa: F401 - loaded before measuring

    def rows(n):
        yield [f"column {i}" for i in range(20)]
        for r in range(n):
            yield [r, *(f"value {r} {c}" for c in range(19))]

    tracemalloc.start()
    try:
        xlsx.workbook([("S", rows(200))]).close()  # the first workbook's one-off costs
        tracemalloc.reset_peak()
        out = xlsx.workbook([("S", rows(4000))])
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # 80,000 cells held in memory take about 18 MB; streamed, well under 5 MB.
    assert peak < 5_000_000, peak
    sheet = load_workbook(out, read_only=True)["S"]
    assert sum(1 for _ in sheet.iter_rows()) == 4001

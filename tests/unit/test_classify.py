"""Coding a spreadsheet of comments without storing anything: the columns it writes, the
evidence it uses, malformed rows reported and skipped, a byte order mark, semicolons,
and cells a spreadsheet would run as formulas."""

from __future__ import annotations

import csv
import io

import pytest

from surveyapp.themes.classify import (
    OUTPUT_COLUMNS,
    ClassifyFileProblem,
    classify,
    read_table,
    safe_cell,
)

LISTENED = "The midwife was lovely but nobody listened when I said the pain was bad."


def run(data: bytes, **options) -> tuple[list[list[str]], str, object]:
    output = io.StringIO(newline="")
    summary = classify(data, output, **options)
    text = output.getvalue()
    first_line = text.split("\r\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)), text, summary


def test_writes_the_input_columns_then_language_sentiment_polarity_and_themes():
    data = ("id,comment,fft\n"
            f'1,"{LISTENED}",4\n'
            "2,Everything was perfect thank you so much,1\n").encode()
    rows, _, summary = run(data, text_column="comment", rating_column="fft")
    assert rows[0] == ["id", "comment", "fft", *OUTPUT_COLUMNS]
    assert rows[1][:3] == ["1", LISTENED, "4"]
    language, sentiment, polarity, themes = rows[1][3:]
    assert language == "en" and sentiment == "negative"
    assert -1 <= float(polarity) <= 1
    assert {"staff_attitude", "listened_to"} <= set(themes.split(";"))
    assert rows[2][4] == "positive" and "positive_gratitude" in rows[2][6].split(";")
    assert summary.coded == 2 and summary.problems == []


def test_ratings_outside_one_to_five_are_ignored_and_question_wording_is_evidence():
    data = (b"text,rating,question\n"
            b"More parking.,5,What could have been better?\n"
            b"More parking.,6,What could have been better?\n"
            b"More parking.,very poor,\n"
            b"Nothing.,1,What could be improved?\n"
            b"Nothing.,1,What was good?\n")
    rows, _, _ = run(data, text_column="text", rating_column="rating",
                     question_column="question")
    sentiments = [row[4] for row in rows[1:]]
    # A poor rating makes a suggestion a complaint; "6" (don't know) and words are no
    # evidence. "Nothing" could be improved is praise; "nothing" was good is not.
    assert sentiments[0] == "negative"
    assert sentiments[1] == sentiments[2]
    assert sentiments[1] != "positive"
    assert sentiments[3] == "positive"
    assert sentiments[4] == "negative"
    assert all(s in ("positive", "neutral", "negative") for s in sentiments)


def test_malformed_rows_are_reported_by_row_number_and_skipped():
    data = (b"id,comment\n"
            b"1,Kind staff\n"
            b"2,too,many,cells\n"
            b"3\n"
            b"\n"
            b"5,Clean ward\n"
            b"6,Lovely midwives,,\n")
    rows, _, summary = run(data, text_column="comment")
    assert [row[0] for row in rows[1:]] == ["1", "5", "6"]
    assert [(p.row, p.message) for p in summary.problems] == [
        (3, "has 4 cells but the header has 2; skipped"),
        (4, "has 1 cells but the header has 2; skipped"),
    ]
    assert str(summary.problems[0]) == "row 3: has 4 cells but the header has 2; skipped"


def test_a_cell_too_large_for_csv_is_one_skipped_row(monkeypatch):
    monkeypatch.setattr(csv, "field_size_limit", csv.field_size_limit)
    csv.field_size_limit(100)
    try:
        data = ("id,comment\n1,Kind staff\n2,\"" + "x" * 200 + "\"\n3,Clean ward\n").encode()
        rows, _, summary = run(data, text_column="comment")
    finally:
        csv.field_size_limit(131072)
    assert [row[0] for row in rows[1:]] == ["1", "3"]
    assert [p.row for p in summary.problems] == [3]


def test_excel_byte_order_mark_and_semicolons_and_a_column_named_loosely():
    data = "\ufeffNr;Comment ;FFT\n1;Kind staff, clean ward;2\n2;\"Quoted; with semicolon\";1\n"
    rows, text, _ = run(data.encode("utf-8"), text_column="comment")
    assert not text.startswith("\ufeff")  # the writer (the CLI) adds its own
    assert rows[0] == ["Nr", "Comment", "FFT", *OUTPUT_COLUMNS]
    assert rows[1][1] == "Kind staff, clean ward"
    assert rows[2][1] == "Quoted; with semicolon"
    assert "staff_attitude" in rows[1][6]


def test_themes_joined_by_semicolons_survive_a_semicolon_file():
    data = f"id;text\n1;{LISTENED}\n".encode()
    rows, _, _ = run(data, text_column="text")
    assert len(rows[1][5].split(";")) >= 2


def test_formula_cells_are_neutralised_in_every_column():
    data = (b'id,comment,note\n'
            b'=1+1,"=HYPERLINK(""http://evil.example"",""click"")",+44 7700 900000\n'
            b'@SUM(A1),-2+3 the ward was cold,-0.5\n')
    rows, _, summary = run(data, text_column="comment")
    assert summary.problems == []
    assert rows[1][0] == "'=1+1"
    assert rows[1][1].startswith("'=HYPERLINK(")
    assert rows[1][2] == "'+44 7700 900000"
    assert rows[2][0] == "'@SUM(A1)"
    assert rows[2][1] == "'-2+3 the ward was cold"
    assert rows[2][2] == "-0.5"  # a plain number is left as a number
    polarity = rows[2][5]  # "the ward was cold": negative, and still a number
    assert polarity.startswith("-") and -1 <= float(polarity) < 0


@pytest.mark.parametrize("value, shown", [
    ("=cmd", "'=cmd"), ("+1+1", "'+1+1"), ("-A1", "'-A1"), ("@x", "'@x"),
    ("\tTAB", "'\tTAB"), ("\rCR", "'\rCR"), ("-0.25", "-0.25"), ("+3", "+3"),
    ("1e5", "1e5"), ("hello", "hello"), ("", ""),
])
def test_safe_cell(value, shown):
    assert safe_cell(value) == shown


def test_existing_output_columns_are_overwritten_so_a_coded_file_can_be_coded_again():
    data = ("text,themes,sentiment\n"
            f'"{LISTENED}",old;codes,positive\n').encode()
    rows, _, _ = run(data, text_column="text")
    assert rows[0] == ["text", "themes", "sentiment", "language", "polarity"]
    assert "listened_to" in rows[1][1].split(";")
    assert rows[1][2] == "neutral"  # mixed, and no question says it is a complaint


def test_blank_comments_are_kept_with_blank_codes_and_other_languages_are_flagged():
    polish = "Położna była bardzo miła i pomocna, dziękuję za wszystko co zrobiliście."
    data = f'id,text\n1,\n2,"{polish}"\n'.encode()
    rows, _, summary = run(data, text_column="text")
    assert rows[1] == ["1", "", "", "", "", ""]
    assert rows[2][2] == "pl" and rows[2][5] == ""
    assert (summary.blank, summary.coded, summary.not_english) == (1, 1, 1)


def test_files_that_cannot_be_read_at_all():
    with pytest.raises(ClassifyFileProblem, match="no column 'comments'"):
        classify(b"id,text\n1,hi\n", io.StringIO(), "comments")
    with pytest.raises(ClassifyFileProblem, match="Excel workbook"):
        classify(b"PK\x03\x04rest", io.StringIO(), "text")
    with pytest.raises(ClassifyFileProblem, match="empty"):
        classify(b"  \n", io.StringIO(), "text")
    with pytest.raises(ClassifyFileProblem, match="UTF-16"):
        classify("id,text\n".encode("utf-16"), io.StringIO(), "text")


def test_read_table_numbers_rows_as_a_spreadsheet_does():
    table = read_table(b"a,b\n1,2\n\n3,4\n\"multi\nline\",5\n")
    assert [number for number, _ in table.rows] == [2, 4, 5]
    assert table.problems == []

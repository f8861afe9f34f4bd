"""Coding an existing spreadsheet of comments (`flask --app wsgi themes classify`): the same
analysis as stored comments get, over a CSV file, storing nothing.

Plain Python (no Flask, no database). The file is read with the shared CSV decoder (UTF-8,
a byte order mark from Excel is fine; Excel workbooks and UTF-16 are refused with a plain
reason), commas, semicolons or tabs. The output keeps every input column, in the same
order and with the same delimiter, and adds ``language``, ``sentiment`` (positive,
neutral or negative), ``polarity`` and ``themes`` (codes separated by ";"). A column of
the input with one of those names is overwritten, so a coded file can be coded again.

Ratings are the Friends and Family Test codes 1 (very good) to 5 (very poor); anything
else is ignored. The question column holds the question's wording; "what was good"-style
and "what could be better"-style wordings are recognised (surveyapp/analysis/evidence.py).
A malformed row (too few or too many cells, a cell too large) is reported by its row
number (the header is row 1) and skipped; it never stops the rest.

Every output cell that a spreadsheet would run as a formula (starting with =, +, -, @, a
tab or a carriage return, and not a plain number) gets a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from surveyapp.analysis import themes as th
from surveyapp.analysis.evidence import fft_code, question_kind
from surveyapp.import_problems import ImportProblems, Problem, decode_csv

MAX_BYTES = 200 * 1024 * 1024
OUTPUT_COLUMNS = ("language", "sentiment", "polarity", "themes")
DELIMITERS = (",", ";", "\t")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")


class ClassifyFileProblem(ImportProblems):
    """The file cannot be read at all (not CSV, no such column); rows are never fatal."""


def safe_cell(value: str) -> str:
    """``value`` as a spreadsheet will show it, never run it: "=HYPERLINK(...)" becomes
    "'=HYPERLINK(...)"; "-0.35" stays a number."""
    if value and value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def three_way(sentiment: str, question: str | None) -> str:
    """positive, neutral or negative: a mixed answer to "what could be better" is a
    complaint, any other mixed answer is neutral (as bench/themes_quality.py scores it)."""
    if sentiment == th.MIXED:
        return th.NEGATIVE if question == th.BETTER_QUESTION else th.NEUTRAL
    return sentiment


def _delimiter(text: str) -> str:
    """The delimiter of the header line: whichever of , ; and tab it has most of."""
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _column(header: list[str], name: str | None, option: str) -> int | None:
    if name is None:
        return None
    for i, given in enumerate(header):
        if given == name:
            return i
    wanted = name.strip().casefold()
    for i, given in enumerate(header):
        if given.strip().casefold() == wanted:
            return i
    shown = ", ".join(repr(h) for h in header) or "no columns"
    raise ClassifyFileProblem([Problem(1, name, f"there is no column '{name}' ({option}); "
                                                f"the header has {shown}")])


@dataclass
class Table:
    delimiter: str
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (row number, cells), header = row 1
    problems: list[Problem] = field(default_factory=list)


def read_table(data: bytes) -> Table:
    """The CSV's header and well-formed rows; malformed rows become problems."""
    text = decode_csv(data, MAX_BYTES, ClassifyFileProblem)
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    problems: list[Problem] = []
    number = 0
    records: Iterator[list[str]] = iter(reader)
    while True:
        try:
            cells = next(records)
        except StopIteration:
            break
        except csv.Error as error:
            number += 1
            problems.append(Problem(number, None, f"cannot be read ({error}); skipped"))
            continue
        number += 1  # blank lines count, as a spreadsheet numbers its rows
        if not cells or not any(c.strip() for c in cells):
            continue
        if header is None:
            header = [c.strip() for c in cells]
            continue
        while len(cells) > len(header) and not cells[-1].strip():
            cells = cells[:-1]  # trailing empty cells some programs add
        if len(cells) != len(header):
            problems.append(Problem(number, None, f"has {len(cells)} cells but the header "
                                                  f"has {len(header)}; skipped"))
            continue
        rows.append((number, cells))
    if header is None:
        raise ClassifyFileProblem([Problem(None, None, "The file has no header row")])
    return Table(delimiter, header, rows, problems)


@dataclass
class Summary:
    coded: int = 0
    blank: int = 0
    not_english: int = 0
    problems: list[Problem] = field(default_factory=list)


def classify(data: bytes, output: IO[str], text_column: str,
             rating_column: str | None = None, question_column: str | None = None,
             framework: th.Framework | None = None,
             progress: Callable[[Iterable[Any]], Iterable[Any]] | None = None) -> Summary:
    """Code every comment of the CSV in ``data`` and write the coded CSV to ``output``.
    ``progress`` wraps the rows (a progress bar); problems are returned, never raised,
    except for a file that cannot be read at all."""
    table = read_table(data)
    text_at = _column(table.header, text_column, "--text-column")
    rating_at = _column(table.header, rating_column, "--rating-column")
    question_at = _column(table.header, question_column, "--question-column")
    fw = framework or th.load_framework()

    replaced = {name: i for i, name in enumerate(table.header) if name in OUTPUT_COLUMNS}
    out_header = list(table.header) + [c for c in OUTPUT_COLUMNS if c not in replaced]
    writer = csv.writer(output, delimiter=table.delimiter)
    writer.writerow([safe_cell(h) for h in out_header])
    summary = Summary(problems=list(table.problems))
    rows: Iterable[tuple[int, list[str]]] = progress(table.rows) if progress else table.rows
    for number, cells in rows:
        text = cells[text_at].strip() if text_at is not None else ""
        rating = fft_code(cells[rating_at]) if rating_at is not None else None
        question = question_kind(cells[question_at]) if question_at is not None else None
        coded = {c: "" for c in OUTPUT_COLUMNS}
        if text:
            try:
                result = th.analyse(text, rating=rating, question=question, framework=fw)
            except Exception as error:  # one odd comment never stops the file  # noqa: BLE001
                summary.problems.append(Problem(number, text_column,
                                                f"could not be analysed ({error}); skipped"))
                continue
            coded = {"language": result.language,
                     "sentiment": three_way(result.sentiment, question),
                     "polarity": f"{result.polarity:.3f}",
                     "themes": ";".join(result.theme_codes)}
            summary.coded += 1
            summary.not_english += result.needs_translation
        else:
            summary.blank += 1
        values = list(cells)
        for name, i in replaced.items():
            values[i] = coded[name]
        values += [coded[c] for c in OUTPUT_COLUMNS if c not in replaced]
        writer.writerow([safe_cell(v) for v in values])
    summary.problems.sort(key=lambda p: p.row or 0)
    return summary

"""Reading responses from a CSV file: surveys filled in on paper, or answered in another tool.

Plain Python: no Flask, no database. One row a response, one column a question (named by
its key) holding what the web form would send: the option code, several codes separated
by `;` for a multiple choice, a number, or text. Optional columns:

* `language`: the locale she answered in (default `en`), one the survey offers;
* `submitted_on`: the day, YYYY-MM-DD (default today), never in the future;
* `link`: the code of the link the form came through, or `partner`: the partner
  organisation's name; the caller resolves both (surveyapp.surveys.responses_store).

Every row is checked with the rules of a web submission (surveyapp.surveys.answers), and
answers to questions that skip logic hides are dropped, as on the web. Every problem is
reported with its row (the header is row 1) and column, all at once (up to MAX_PROBLEMS).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from surveyapp.import_problems import ImportProblems, Problem, decode_csv
from surveyapp.surveys import answers as rules
from surveyapp.surveys.definition import Definition, Question

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_PROBLEMS = 200
LANGUAGE, SUBMITTED_ON, LINK, PARTNER = "language", "submitted_on", "link", "partner"
EXTRA_COLUMNS = (LANGUAGE, SUBMITTED_ON, LINK, PARTNER)
DEFAULT_LANGUAGE = "en"
SEPARATOR = ";"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class ResponsesImportError(ImportProblems):
    """A file that cannot be stored; `problems` lists every problem found."""


@dataclass(frozen=True)
class ParsedResponse:
    row: int
    answers: dict[str, Any]  # only answers to questions shown, in survey order
    language: str
    submitted_on: date
    link: str | None = None
    partner: str | None = None


class _Problems:
    def __init__(self) -> None:
        self.items: list[Problem] = []
        self.total = 0

    def add(self, row: int | None, column: str | None, message: str) -> None:
        self.total += 1
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(Problem(row, column, message))

    def raise_if_any(self) -> None:
        if self.items:
            if self.total > len(self.items):
                self.items.append(Problem(None, None, f"… and {self.total - len(self.items)} "
                                                      "more problems not listed"))
            raise ResponsesImportError(self.items)


def fail(message: str, row: int | None = None, column: str | None = None
         ) -> ResponsesImportError:
    return ResponsesImportError([Problem(row, column, message)])


# --- the answer rules, in words for the person importing ----------------------------


def describe(question: Question, problem: rules.AnswerProblem, given: str) -> str:
    params = problem.params
    if problem.code == rules.REQUIRED:
        return "an answer is required"
    if problem.code == rules.UNKNOWN_OPTION:
        codes = ", ".join(f"'{c}'" for c in params["codes"])
        known = ", ".join(o.code for o in question.options)
        return f"{codes} is not an answer code of this question (codes: {known})"
    if problem.code == rules.EXCLUSIVE:
        codes = ", ".join(f"'{c}'" for c in params["codes"])
        return f"{codes} cannot go with other answers: give it on its own"
    if problem.code == rules.POSTCODE:
        return (f"'{given}' is not the first half of a postcode (like B12 or SW1A)")
    if problem.code == rules.TOO_LONG:
        return (f"the answer must be {params['limit']} characters or fewer; it is "
                f"{params['length']}")
    if problem.code == rules.NOT_A_NUMBER:
        kind = "a whole number" if params["integer"] else "a number"
        return f"'{given}' is not {kind}"
    if problem.code == rules.OUT_OF_RANGE:
        low, high = params["minimum"], params["maximum"]
        if low is not None and high is not None:
            return f"{given} is not from {_plain(low)} to {_plain(high)}"
        if low is not None:
            return f"{given} is less than {_plain(low)}"
        return f"{given} is more than {_plain(high)}"
    return problem.code


def _plain(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def _shown_questions(definition: Definition, answers: Mapping[str, Any]) -> list[Question]:
    """The questions she would have been shown, given her answers (as visible_answers)."""
    shown: list[Question] = []
    kept: dict[str, Any] = {}
    for page in definition.pages:
        if page.condition is not None and not page.condition.holds(kept):
            continue
        for question in page.questions:
            if question.is_shown(kept):
                shown.append(question)
                if question.key in answers:
                    kept[question.key] = answers[question.key]
    return shown


# --- reading the file ------------------------------------------------------------------


def decode(data: bytes) -> str:
    return decode_csv(data, MAX_FILE_BYTES, ResponsesImportError)


def parse_responses(data: bytes, definition: Definition, today: date | None = None
                    ) -> list[ParsedResponse]:
    """Every response in the file, checked; or ResponsesImportError listing every problem."""
    today = today or date.today()
    text = decode(data)
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise fail(f"The file is not a readable CSV file: {error}") from error
    problems = _Problems()
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise fail("The first row must be the header: the question keys", row=1)
    header = [cell.strip() for cell in rows[0]]
    questions = {q.key: q for q in definition.questions}
    seen: set[str] = set()
    for name in header:
        if not name:
            problems.add(1, None, "a column has no name: give every column a question key "
                                  "or remove it")
        elif name in seen:
            problems.add(1, name, "the column appears twice")
        elif name not in questions and name not in EXTRA_COLUMNS:
            problems.add(1, name, f"unknown column: '{name}' is not a question key of this "
                                  f"survey, nor one of {', '.join(EXTRA_COLUMNS)}")
        seen.add(name)
    if LINK in seen and PARTNER in seen:
        problems.add(1, PARTNER, "give either a 'link' column or a 'partner' column, not both")
    problems.raise_if_any()

    parsed: list[ParsedResponse] = []
    for number, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue  # a blank line, or a row of empty cells that a spreadsheet left
        if len(cells) > len(header):
            problems.add(number, None, f"the row has {len(cells)} cells but the header has "
                                       f"{len(header)} columns")
            continue
        values = dict(zip(header, cells, strict=False))
        response = _parse_row(number, values, definition, questions, today, problems)
        if response is not None:
            parsed.append(response)
    problems.raise_if_any()
    if not parsed:
        raise fail("The file has a header but no responses")
    return parsed


def _parse_row(number: int, values: Mapping[str, str], definition: Definition,
               questions: Mapping[str, Question], today: date, problems: _Problems
               ) -> ParsedResponse | None:
    before = problems.total
    answers: dict[str, Any] = {}
    wrong: set[str] = set()
    for key, question in questions.items():
        raw = values.get(key, "")
        if not raw.strip():
            continue  # required questions are checked below, once skip logic is known
        given: str | list[str] = raw
        if question.type == "multiple":
            given = [code.strip() for code in raw.split(SEPARATOR) if code.strip()]
        elif question.is_choice:
            given = raw.strip()
        value, problem = rules.check_answer(question, given)
        if problem is not None:
            wrong.add(key)
            problems.add(number, key, describe(question, problem, raw.strip()))
        elif value is not None:
            answers[key] = value
    # Skip logic from the answers that are right: a question shown only after a wrong
    # answer is not asked for until that answer is put right.
    for question in _shown_questions(definition, answers):
        if question.required and question.key not in answers and question.key not in wrong:
            problems.add(number, question.key, "an answer is required")
    language = (values.get(LANGUAGE) or "").strip() or DEFAULT_LANGUAGE
    offered = set(definition.languages) | {DEFAULT_LANGUAGE}
    if language not in offered:
        problems.add(number, LANGUAGE, f"'{language}' is not a language of this survey "
                                       f"({', '.join(sorted(offered))})")
    submitted_on = today
    day = (values.get(SUBMITTED_ON) or "").strip()
    if day:
        try:
            if not _DATE.match(day):
                raise ValueError(day)
            submitted_on = date.fromisoformat(day)
        except ValueError:
            problems.add(number, SUBMITTED_ON, f"'{day}' is not a date written YYYY-MM-DD, "
                                               "like 2026-03-31")
        else:
            if submitted_on > today:
                problems.add(number, SUBMITTED_ON, f"{day} is in the future")
    if problems.total != before:
        return None
    return ParsedResponse(
        row=number, answers=definition.visible_answers(answers), language=language,
        submitted_on=submitted_on, link=(values.get(LINK) or "").strip() or None,
        partner=(values.get(PARTNER) or "").strip() or None)


# --- the template ------------------------------------------------------------------------


def template_rows(definition: Definition) -> list[list[str]]:
    """The header a file for this survey can have, and a row of example answers."""
    header = [q.key for q in definition.questions] + [LANGUAGE, SUBMITTED_ON, LINK]
    example = [_example(q) for q in definition.questions]
    example += [DEFAULT_LANGUAGE, date.today().isoformat(), ""]
    return [header, example]


def _example(question: Question) -> str:
    if question.condition is not None:
        return ""
    if question.is_choice:
        plain = [o.code for o in question.options if not o.exclusive]
        if question.type == "multiple":
            return SEPARATOR.join(plain[:2])
        return plain[0] if plain else ""
    if question.type == "number":
        low = question.minimum if question.minimum is not None else 1
        return _plain(low)
    if question.pattern == "postcode_district":
        return "B12"
    return "Free text, as written" if question.required else ""


def template_csv(definition: Definition) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(template_rows(definition))
    return out.getvalue()


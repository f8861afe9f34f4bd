"""De-identified responses, one row per response: the explorer, the CSV and the XLSX.

What leaves here identifies no one: no receipt, no database id (rows are numbered
afresh), the day rather than the hour, comments redacted
(surveyapp.analysis.redaction), and every cell neutralised against spreadsheet formula
injection (surveyapp.themes.classify.safe_cell). A set narrowed by any stack of filters
to fewer responses than the small-number threshold gives no rows at all, only a notice,
so no one can be singled out by combining filters.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import IO, Any

from sqlalchemy import Select, func, select

from surveyapp.analysis.redaction import redact
from surveyapp.extensions import db
from surveyapp.insights.queries import Filters
from surveyapp.models import Answer, DistributionLink, Response, Survey, SurveyVersion
from surveyapp.surveys.definition import Definition, Question, from_document
from surveyapp.themes.classify import safe_cell

BATCH = 2000
FIXED_COLUMNS = ["row", "survey_version", "submitted_on", "language", "way_in", "link"]


@dataclass(frozen=True)
class Plan:
    """How one version's responses fill a row: an empty row to copy, and for each
    question key its column, whether it is a choice, and its English labels by code."""

    number: int | None
    empty: list[Any]
    slots: dict[str, tuple[int, bool, dict[str, str]]]


@dataclass(frozen=True)
class Columns:
    """Every question of every version, in the latest version's order, older ones after."""

    questions: list[Question]
    versions: dict[int, tuple[int, Definition]]  # version id: (number, definition)
    _plans: dict[int, Plan] = field(default_factory=dict, repr=False)

    def plan(self, version_id: int) -> Plan:
        """Worked out once per version, not once per row: a row costs only the questions
        the response answered."""
        if version_id not in self._plans:
            number, definition = self.versions.get(version_id, (None, None))
            by_key = {q.key: {o.code: o.label for o in q.options}
                      for q in (definition.questions if definition else [])}
            slots = {}
            index = len(FIXED_COLUMNS)
            for question in self.questions:  # a key this version lacks: the newest labels
                names = by_key.get(question.key)
                if names is None:
                    names = {o.code: o.label for o in question.options}
                slots[question.key] = (index, question.is_choice, names)
                index += 2 if question.is_choice else 1
            self._plans[version_id] = Plan(number, [""] * index, slots)
        return self._plans[version_id]

    @property
    def header(self) -> list[str]:
        names = list(FIXED_COLUMNS)
        for question in self.questions:
            names.append(question.key)
            if question.is_choice:
                names.append(f"{question.key}_label")
        return names


def columns_for(survey: Survey) -> Columns:
    versions = db.session.scalars(select(SurveyVersion).where(
        SurveyVersion.survey_id == survey.id).order_by(SurveyVersion.number.desc())).all()
    seen: dict[str, Question] = {}
    by_id = {}
    for version in versions:
        definition = from_document(version.definition)
        by_id[version.id] = (version.number, definition)
        for question in definition.questions:
            seen.setdefault(question.key, question)
    return Columns(list(seen.values()), by_id)


def answer_filters(args: Mapping[str, Any], columns: Columns) -> dict[str, list[str]]:
    """`a.<question key>=<option code>` (repeatable): only choice questions, only codes
    the question has. A response matches when it gave one of the codes, for each key."""
    wanted: dict[str, list[str]] = {}
    questions = {q.key: q for q in columns.questions if q.is_choice}
    getlist = getattr(args, "getlist", None)
    for name in args:
        if not name.startswith("a."):
            continue
        question = questions.get(name[2:])
        values = getlist(name) if getlist else [args[name]]
        codes = [v for v in values if question is not None and question.option(v)]
        if codes:
            wanted[name[2:]] = codes
    return wanted


def matching(survey_id: int, filters: Filters, answers: Mapping[str, list[str]]) -> Select:
    """The ids of responses matching every filter, in order of submission."""
    query = filters.apply(select(Response.id).where(Response.survey_id == survey_id))
    for key, codes in sorted(answers.items()):
        query = query.where(Response.id.in_(select(Answer.response_id).where(
            Answer.survey_id == survey_id, Answer.question_key == key,
            Answer.option_code.in_(codes))))
    return query.order_by(Response.submitted_at, Response.id)


def count_matching(survey_id: int, filters: Filters, answers: Mapping[str, list[str]]) -> int:
    ids = matching(survey_id, filters, answers).order_by(None).subquery()
    return db.session.scalar(select(func.count()).select_from(ids)) or 0


def rows(survey: Survey, columns: Columns, filters: Filters,
         answers: Mapping[str, list[str]], threshold: int, limit: int | None = None,
         offset: int = 0) -> Iterator[list[Any]]:
    """The rows (header not included), or none when the set is too small to show."""
    if count_matching(survey.id, filters, answers) < threshold:
        return
    links = {link_id: safe_cell(label) for link_id, label in db.session.execute(
        select(DistributionLink.id, DistributionLink.label)
        .where(DistributionLink.survey_id == survey.id))}
    query = matching(survey.id, filters, answers).with_only_columns(
        Response.id, Response.version_id, Response.submitted_at, Response.language,
        Response.source, Response.link_id)
    if limit is not None:
        query = query.limit(limit).offset(offset)
    number = offset
    # Responses are read BATCH at a time (a server-side cursor on PostgreSQL), so memory
    # stays flat however many there are; each batch's answers are one more query.
    result = db.session.execute(query, execution_options={"yield_per": BATCH})
    for batch in result.partitions():
        for row in _rows_of(batch, columns, links, number):
            number += 1
            yield row


def _rows_of(batch: list[Any], columns: Columns, links: dict[int, str], start: int
             ) -> Iterator[list[Any]]:
    if not batch:
        return
    given: dict[int, dict[str, list[Any]]] = {}
    for response_id, key, code, text, number in db.session.execute(
            select(Answer.response_id, Answer.question_key, Answer.option_code, Answer.text,
                   Answer.number)
            .where(Answer.response_id.in_([r.id for r in batch])).order_by(Answer.id)):
        given.setdefault(response_id, {}).setdefault(key, []).append(
            code if code is not None else (redact(text) if text is not None else number))
    for n, response in enumerate(batch, start=start + 1):
        plan = columns.plan(response.version_id)
        row = plan.empty.copy()  # "" for every question not answered
        row[0:6] = [n, plan.number, response.submitted_at.date().isoformat(),
                    _safe(response.language), _safe(response.source),
                    links.get(response.link_id, "") if response.link_id else ""]
        for key, values in given.get(response.id, {}).items():
            slot = plan.slots.get(key)
            if slot is None:
                continue  # a key no version has (not a column)
            index, is_choice, names = slot
            if is_choice:
                row[index] = safe_cell(";".join(str(v) for v in values))
                row[index + 1] = safe_cell("; ".join(names.get(str(v), str(v))
                                                     for v in values))
            elif len(values) == 1 and isinstance(values[0], int | float):
                row[index] = values[0]
            else:
                row[index] = safe_cell(" ".join(str(v) for v in values))
        yield row


def _safe(value: Any) -> Any:
    return safe_cell(value) if isinstance(value, str) else value


DICTIONARY_HEADER = ["survey_version", "question_key", "question", "type", "code", "label"]


def dictionary_rows(columns: Columns) -> Iterator[list[Any]]:
    """What each column means, for every version: question wording, codes and labels."""
    for _id, (number, definition) in sorted(columns.versions.items(),
                                            key=lambda item: item[1][0]):
        for question in definition.questions:
            if question.options:
                for option in question.options:
                    yield [safe_cell(str(c)) if isinstance(c, str) else c for c in
                           (number, question.key, question.text, question.type, option.code,
                            option.label)]
            else:
                yield [number, safe_cell(question.key), safe_cell(question.text),
                       question.type, "", ""]


TOO_FEW = ("Fewer than {n} responses match these filters, so no responses are given: "
           "widen the filters.")


def as_csv(header: list[str], body: Iterator[list[Any]], threshold: int) -> IO[bytes]:
    """A temporary file, rewound, for the route to stream: rows go to disk as they come."""
    out = tempfile.TemporaryFile(prefix="surveyapp-export-", suffix=".csv")
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    writer = csv.writer(text)
    writer.writerow(header)
    wrote = False
    for row in body:
        writer.writerow(row)
        wrote = True
    if not wrote:
        writer.writerow([TOO_FEW.format(n=threshold)])
    text.flush()
    text.detach()
    out.seek(0)
    return out


def as_xlsx(header: list[str], body: Iterator[list[Any]], columns: Columns,
            threshold: int) -> IO[bytes]:
    """Two sheets, responses and the data dictionary, streamed to a temporary file by
    XlsxWriter in constant-memory mode (surveyapp/xlsx.py)."""
    from surveyapp.xlsx import workbook

    def responses() -> Iterator[list[Any]]:
        yield header
        wrote = False
        for row in body:
            yield row
            wrote = True
        if not wrote:
            yield [TOO_FEW.format(n=threshold)]

    return workbook([("Responses", responses()),
                     ("Data dictionary", [DICTIONARY_HEADER, *dictionary_rows(columns)])])

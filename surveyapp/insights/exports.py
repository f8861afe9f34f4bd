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
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

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
class Columns:
    """Every question of every version, in the latest version's order, older ones after."""

    questions: list[Question]
    versions: dict[int, tuple[int, Definition]]  # version id: (number, definition)
    _labels: dict[int, tuple[int | None, dict[str, dict[str, str]]]] = field(
        default_factory=dict, repr=False)

    def labels(self, version_id: int) -> tuple[int | None, dict[str, dict[str, str]]]:
        """The version's number and its English labels, by question key and option code
        (worked out once per version, not once per row)."""
        if version_id not in self._labels:
            number, definition = self.versions.get(version_id, (None, None))
            by_key = {q.key: {o.code: o.label for o in q.options}
                      for q in (definition.questions if definition else [])}
            for question in self.questions:  # a key this version lacks: the newest labels
                by_key.setdefault(question.key, {o.code: o.label for o in question.options})
            self._labels[version_id] = (number, by_key)
        return self._labels[version_id]

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
    links = dict(db.session.execute(select(DistributionLink.id, DistributionLink.label)
                                    .where(DistributionLink.survey_id == survey.id)).all())
    query = matching(survey.id, filters, answers).with_only_columns(
        Response.id, Response.version_id, Response.submitted_at, Response.language,
        Response.source, Response.link_id)
    if limit is not None:
        query = query.limit(limit).offset(offset)
    number = offset
    batch: list[Any] = []
    for response in db.session.execute(query).all():
        batch.append(response)
        if len(batch) >= BATCH:
            for row in _rows_of(batch, columns, links, number):
                number += 1
                yield row
            batch = []
    yield from _rows_of(batch, columns, links, number)


def _rows_of(batch: list[Any], columns: Columns, links: dict[int, str], start: int
             ) -> Iterator[list[Any]]:
    if not batch:
        return
    given: dict[int, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for response_id, key, code, text, number in db.session.execute(
            select(Answer.response_id, Answer.question_key, Answer.option_code, Answer.text,
                   Answer.number)
            .where(Answer.response_id.in_([r.id for r in batch])).order_by(Answer.id)):
        given[response_id][key].append(code if code is not None else
                                       (redact(text) if text is not None else number))
    for n, response in enumerate(batch, start=start + 1):
        version_number, labels = columns.labels(response.version_id)
        row: list[Any] = [n, version_number, response.submitted_at.date().isoformat(),
                          response.language, response.source,
                          links.get(response.link_id, "") if response.link_id else ""]
        answered = given.get(response.id, {})
        for question in columns.questions:
            values = answered.get(question.key, ())
            if question.is_choice:
                names = labels.get(question.key, {})
                row.append(";".join(str(v) for v in values))
                row.append("; ".join(names.get(str(v), str(v)) for v in values))
            elif len(values) == 1 and isinstance(values[0], int | float):
                row.append(values[0])
            else:
                row.append(" ".join(str(v) for v in values))
        yield [safe_cell(cell) if isinstance(cell, str) else cell for cell in row]


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


def as_csv(header: list[str], body: Iterator[list[Any]], threshold: int) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    wrote = False
    for row in body:
        writer.writerow(row)
        wrote = True
    if not wrote:
        writer.writerow([TOO_FEW.format(n=threshold)])
    return out.getvalue()


def as_xlsx(header: list[str], body: Iterator[list[Any]], columns: Columns,
            threshold: int) -> bytes:
    """Two sheets: responses and the data dictionary. Write-only mode: rows stream to
    the file, so 100,000 responses fit in memory."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Responses")
    sheet.append(header)
    wrote = False
    for row in body:
        sheet.append(row)
        wrote = True
    if not wrote:
        sheet.append([TOO_FEW.format(n=threshold)])
    dictionary = book.create_sheet("Data dictionary")
    dictionary.append(DICTIONARY_HEADER)
    for row in dictionary_rows(columns):
        dictionary.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

"""Storing imported responses (surveyapp.surveys.responses_import): all rows or none.

Each response records the survey version it answers, the link it came through (if the
file names one), its language, the day at noon rounded to the hour, and where it came
from (`paper` or `import`). No receipt is handed out, so only its hash is kept, as for
a web response; there is no submission key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.models import DistributionLink, Partner, Response, Survey, SurveyVersion
from surveyapp.models.base import to_the_hour
from surveyapp.models.response import ResponseSource
from surveyapp.respond.journey import answer_rows, fingerprint, receipt_code
from surveyapp.surveys.definition import Definition, from_document
from surveyapp.surveys.responses_import import (
    LINK,
    PARTNER,
    ParsedResponse,
    Problem,
    ResponsesImportError,
    fail,
    parse_responses,
)

IMPORT_SOURCES = (ResponseSource.PAPER.value, ResponseSource.IMPORT.value)


@dataclass(frozen=True)
class ImportResult:
    count: int
    version: SurveyVersion


def version_to_answer(survey: Survey, number: int | None = None) -> SurveyVersion:
    """The latest published version, or published version `number`."""
    if number is None:
        version = survey.latest_published()
        if version is None:
            raise fail(f"The survey '{survey.key}' has no published version yet")
        return version
    version = db.session.scalar(select(SurveyVersion).where(
        SurveyVersion.survey_id == survey.id, SurveyVersion.number == number))
    if version is None or not version.is_published:
        raise fail(f"The survey '{survey.key}' has no published version {number}")
    return version


def submitted_at(day: date) -> datetime:
    return to_the_hour(datetime.combine(day, time(12, 0)))


def _resolve_links(survey: Survey, responses: list[ParsedResponse]) -> dict[int, int | None]:
    """The link id of each row (by row number), or every problem with the links."""
    problems: list[Problem] = []
    links = {link.code: link for link in db.session.scalars(
        select(DistributionLink).where(DistributionLink.survey_id == survey.id))}
    partners = {p.name: p for p in db.session.scalars(select(Partner))}
    resolved: dict[int, int | None] = {}
    for response in responses:
        link_id = None
        if response.link is not None:
            link = links.get(response.link)
            if link is None:
                problems.append(Problem(response.row, LINK, f"'{response.link}' is not the "
                                        f"code of a link of the survey '{survey.key}'"))
            else:
                link_id = link.id
        elif response.partner is not None:
            partner = partners.get(response.partner)
            own = [link for link in links.values()
                   if partner is not None and link.partner_id == partner.id]
            if partner is None:
                problems.append(Problem(response.row, PARTNER, f"there is no partner "
                                        f"organisation called '{response.partner}'"))
            elif len(own) != 1:
                problems.append(Problem(
                    response.row, PARTNER, f"'{response.partner}' has {len(own)} links for "
                    "this survey: give the link's code in a 'link' column instead"))
            else:
                link_id = own[0].id
        resolved[response.row] = link_id
    if problems:
        raise ResponsesImportError(problems)
    return resolved


def import_responses(survey: Survey, data: bytes, source: str = ResponseSource.IMPORT,
                     version_number: int | None = None, dry_run: bool = False,
                     commit: bool = True, today: date | None = None) -> ImportResult:
    """Check the whole file and store every response in it, in one transaction; or store
    nothing and raise ResponsesImportError listing every problem."""
    if source not in IMPORT_SOURCES:
        raise ValueError(f"source must be one of {IMPORT_SOURCES}")
    version = version_to_answer(survey, version_number)
    definition: Definition = from_document(version.definition)
    parsed = parse_responses(data, definition, today=today)
    link_ids = _resolve_links(survey, parsed)
    if dry_run:
        return ImportResult(len(parsed), version)
    try:
        for item in parsed:
            response = Response(
                survey_id=survey.id, version_id=version.id, link_id=link_ids[item.row],
                language=item.language, source=str(source),
                submitted_at=submitted_at(item.submitted_on),
                receipt_hash=fingerprint(receipt_code()), submission_hash=None)
            response.answers = answer_rows(definition, item.answers, survey.id)
            db.session.add(response)
        db.session.flush()
    except Exception:
        db.session.rollback()
        raise
    if commit:
        db.session.commit()
    return ImportResult(len(parsed), version)

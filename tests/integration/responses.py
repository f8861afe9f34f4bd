"""Making stored responses directly, for tests of what reviewers see."""

from __future__ import annotations

import itertools
from datetime import datetime

from surveyapp.extensions import db
from surveyapp.models import Answer, Response, SurveyVersion

_counter = itertools.count(1)


def add_responses(version: SurveyVersion, count: int, answers: dict[str, object],
                  link_id: int | None = None, language: str = "en",
                  submitted_at: datetime | None = None) -> None:
    """`count` identical responses with `answers` (a list value is a multiple choice)."""
    for _ in range(count):
        n = next(_counter)
        response = Response(survey_id=version.survey_id, version_id=version.id,
                            link_id=link_id, language=language,
                            submitted_at=submitted_at or datetime(2026, 10, 1, 10),
                            receipt_hash=f"{n:064x}", submission_hash=f"s{n:063x}")
        for key, value in answers.items():
            values = value if isinstance(value, list) else [value]
            for item in values:
                if isinstance(item, int | float):
                    response.answers.append(Answer(survey_id=version.survey_id,
                                                   question_key=key, number=item))
                elif key.startswith("what_") or key.endswith("_more"):
                    response.answers.append(Answer(survey_id=version.survey_id,
                                                   question_key=key, text=str(item)))
                else:
                    response.answers.append(Answer(survey_id=version.survey_id,
                                                   question_key=key, option_code=str(item)))
        db.session.add(response)
    db.session.commit()

"""Many phones submitting complete responses at once through a real gunicorn, and the
check that the database holds exactly what they sent (shared by the tests here)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select

from bench.harness import LANGUAGES, JourneyError, Outcome, Phone, short_journey
from surveyapp import create_app
from surveyapp.extensions import db
from surveyapp.models import Answer, Draft, Response


def answers_for(client: int, n: int) -> dict[str, str]:
    """What phone `client` says in its `n`th response: a rating and two comments that
    name the submission, in several scripts, so every stored answer can be checked."""
    tag = f"c{client:02d}n{n:04d}"
    return {"overall_experience": str(1 + (client + n) % 6),
            "what_was_good": f"[{tag}] The midwife was kind — położna była miła, "
                             f"دائی بہت مہربان تھی, ধাত্রী খুব দয়ালু ছিলেন 👶",
            "what_could_be_better": f"[{tag}] Nobody listened <b>at night</b> & \"then\""}


@dataclass
class Crowd:
    port: int
    codes: dict[str, str]
    clients: int
    per_client: int
    retries: int = 0
    outcomes: dict[tuple[int, int], Outcome] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    done: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def run(self, meanwhile: Callable[[Crowd], None] | None = None) -> float:
        """Every client submits `per_client` responses, one after another, each from a
        new phone (empty cookie jar); `meanwhile(self)` runs beside them. Seconds taken."""
        threads = [threading.Thread(target=self._client, args=(c,))
                   for c in range(self.clients)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        if meanwhile is not None:
            meanwhile(self)
        for thread in threads:
            thread.join()
        return time.perf_counter() - started

    def _client(self, client: int) -> None:
        for n in range(self.per_client):
            language = LANGUAGES[(client + n) % len(LANGUAGES)]
            phone = Phone(self.port)
            try:
                outcome = short_journey(phone, self.codes[language], language,
                                        answers_for(client, n), retries=self.retries)
            except (JourneyError, Exception) as error:  # noqa: BLE001 - counted, reported
                with self.lock:
                    self.failures.append(f"client {client} #{n}: {error!r}")
                continue
            finally:
                phone.close()
            with self.lock:
                self.outcomes[(client, n)] = outcome
                self.done += 1

    @property
    def thanked(self) -> list[tuple[int, int]]:
        return [key for key, outcome in self.outcomes.items() if outcome.thanked]


def stored_submissions(database_url: str) -> tuple[list[dict[str, str]], int, int, int]:
    """(each stored web response's answers as {question key: option code or text},
    responses, distinct submission keys, drafts left)."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url)
    with app.app_context():
        responses = db.session.scalars(select(Response)).all()
        by_response: dict[int, dict[str, str]] = {r.id: {} for r in responses}
        for answer in db.session.scalars(select(Answer)):
            value = answer.option_code if answer.option_code is not None else answer.text
            assert answer.question_key not in by_response[answer.response_id], \
                "an answer stored twice"
            by_response[answer.response_id][answer.question_key] = value
        keys = {r.submission_hash for r in responses}
        drafts = len(db.session.scalars(select(Draft.id)).all())
        db.session.remove()
        db.engine.dispose()
    return list(by_response.values()), len(responses), len(keys), drafts


def check_every_answer_intact(crowd: Crowd, stored: list[dict[str, str]]) -> None:
    """Each submission sent is stored exactly once, with exactly the answers sent."""
    sent = {answers_for(c, n)["what_was_good"]: answers_for(c, n) for c, n in crowd.thanked}
    seen: dict[str, int] = {}
    for answers in stored:
        key = answers.get("what_was_good", "")
        seen[key] = seen.get(key, 0) + 1
        assert key in sent, f"a stored response nobody was thanked for: {answers}"
        assert answers == sent[key], (answers, sent[key])
    twice = [key for key, count in seen.items() if count > 1]
    assert not twice, f"{len(twice)} submissions stored more than once, e.g. {twice[0]}"
    assert set(seen) == set(sent)

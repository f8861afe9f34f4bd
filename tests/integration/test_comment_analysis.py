"""Comment analysis stored beside the answers: waiting → analysed, the rating and the
question as evidence, comments not in English → translation → analysed, a reviewer's
edits surviving re-analysis after the framework changes, two workers at once, the
worker's database checks, emerging phrases, and `themes refresh`."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from surveyapp.analysis.themes import DEFAULT_FRAMEWORK
from surveyapp.demo import seed_demo
from surveyapp.extensions import db
from surveyapp.models import (
    Answer,
    CommentAnalysis,
    CommentTheme,
    EmergingPhrase,
    Response,
    User,
)
from surveyapp.themes import pipeline
from surveyapp.themes.worker import Sweeper
from tests.integration.responses import add_responses

KIND = "The midwife was lovely but nobody listened when I said the pain was bad."
POLISH = "Położna była bardzo miła i pomocna, dziękuję za wszystko co zrobiliście dla nas."
POLISH_IN_ENGLISH = "The midwife was very kind and helpful, thank you for everything you did."


@pytest.fixture
def survey(app):
    with app.app_context():
        survey, _, _ = seed_demo()
        yield survey


def version_of(survey):
    return survey.latest_published()


def analyses() -> dict[str, CommentAnalysis]:
    rows = db.session.scalars(select(CommentAnalysis).order_by(CommentAnalysis.id)).all()
    return {row.question_key + f"#{row.response_id}": row for row in rows}


def themes_of(analysis_id: int, shown_only: bool = True) -> dict[str, str]:
    rows = db.session.scalars(select(CommentTheme).where(CommentTheme.analysis_id == analysis_id))
    return {t.theme_code: t.sentiment for t in rows if not (shown_only and t.removed_by_reviewer)}


def staff_user() -> User:
    user = User(email="reviewer@example.nhs.uk", role="reviewer", password_hash="!")  # noqa: S106
    db.session.add(user)
    db.session.commit()
    return user


def test_comments_wait_until_analysed_and_other_text_answers_are_not_comments(survey):
    add_responses(version_of(survey), 2, {"overall_experience": "2", "what_was_good": KIND,
                                          "what_could_be_better": "More parking."})
    response = db.session.scalars(select(Response)).first()
    # The postcode district is a text answer too, but not a comment.
    db.session.add(Answer(response=response, survey_id=survey.id,
                          question_key="postcode_district", text="B12"))
    db.session.commit()

    pending = pipeline.pending_comments(db.session, limit=50)
    assert sorted(p.question_key for p in pending) == [
        "what_could_be_better", "what_could_be_better", "what_was_good", "what_was_good"]
    assert all(p.analysis_id is None for p in pending)
    assert pipeline.waiting(db.session, survey.id) == pipeline.Waiting(4, 0)

    counts = pipeline.analyse_pending(db.session, batch_size=3)
    assert (counts.analysed, counts.awaiting_translation, counts.failed) == (4, 0, 0)
    assert pipeline.pending_comments(db.session) == []
    assert pipeline.waiting(db.session, survey.id) == pipeline.Waiting(0, 0)

    stored = db.session.scalars(select(CommentAnalysis)).all()
    assert len(stored) == 4
    good = next(a for a in stored if a.question_key == "what_was_good")
    assert good.language == "en" and not good.needs_translation
    assert good.framework_key == "maternity"
    assert good.framework_version == pipeline.active_framework().version
    assert good.analysed_at is not None and good.sentiment in ("mixed", "negative")
    answer = db.session.get(Answer, good.answer_id)
    assert (good.survey_id, good.link_id, good.submitted_at, good.response_id) == (
        answer.survey_id, answer.link_id, answer.submitted_at, answer.response_id)
    found = themes_of(good.id)
    assert found["staff_attitude"] == "positive"
    assert found["listened_to"] == "negative"
    # Theme rows carry what dashboards filter on.
    row = db.session.scalar(select(CommentTheme).where(CommentTheme.analysis_id == good.id))
    assert (row.survey_id, row.response_id, row.submitted_at, row.source) == (
        good.survey_id, good.response_id, good.submitted_at, "auto")


def test_the_rating_and_the_question_are_evidence(survey):
    version = version_of(survey)
    add_responses(version, 1, {"overall_experience": "5", "what_could_be_better": "More parking."})
    add_responses(version, 1, {"overall_experience": "1", "what_was_good": "Everything."})
    pipeline.analyse_pending(db.session)
    by_key = {a.question_key: a for a in db.session.scalars(select(CommentAnalysis))}
    # "More parking." is a suggestion in itself; as what could be better, from someone
    # who rated her care very poor, it is a complaint. "Everything." was good: praise.
    assert by_key["what_could_be_better"].sentiment == "negative"
    assert by_key["what_was_good"].sentiment == "positive"


def test_a_comment_not_in_english_waits_for_a_translation_then_is_analysed(survey):
    add_responses(version_of(survey), 1, {"overall_experience": "1", "what_was_good": POLISH},
                  language="pl")
    counts = pipeline.analyse_pending(db.session)
    assert (counts.analysed, counts.awaiting_translation) == (0, 1)
    [row] = db.session.scalars(select(CommentAnalysis)).all()
    assert row.language == "pl" and row.needs_translation and row.translation is None
    assert themes_of(row.id) == {}  # not theme-coded until translated
    assert row.analysed_at is not None  # but not waiting for analysis either
    assert pipeline.waiting(db.session, survey.id) == pipeline.Waiting(0, 1)
    assert pipeline.pending_comments(db.session) == []

    user = staff_user()
    with pytest.raises(pipeline.TranslationProblem, match="does not look like English"):
        pipeline.add_translation(db.session, row.id, POLISH, user.id)
    with pytest.raises(pipeline.TranslationProblem, match="Enter the comment in English"):
        pipeline.add_translation(db.session, row.id, "   ", user.id)

    done = pipeline.add_translation(db.session, row.id, POLISH_IN_ENGLISH, user.id)
    assert done.id == row.id
    assert done.translation == POLISH_IN_ENGLISH
    assert done.translated_by_id == user.id and done.translated_at is not None
    assert done.language == "pl"  # the original's language
    assert not done.needs_translation and done.analysed_at is not None
    assert done.sentiment == "positive"
    assert {"staff_attitude", "positive_gratitude"} <= set(themes_of(row.id))
    # The original is kept as written.
    assert db.session.get(Answer, row.answer_id).text == POLISH
    assert pipeline.waiting(db.session, survey.id) == pipeline.Waiting(0, 0)


def _framework_version(tmp_path: Path, version: int) -> pipeline.ActiveFramework:
    raw = yaml.safe_load(DEFAULT_FRAMEWORK.read_text(encoding="utf-8"))
    raw["version"] = version
    path = tmp_path / f"v{version}" / "maternity.yaml"
    path.parent.mkdir()
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return pipeline.active_framework(path)


def test_reviewer_edits_survive_reanalysis_after_a_framework_version_bump(survey, tmp_path):
    add_responses(version_of(survey), 1, {"overall_experience": "3", "what_was_good": KIND})
    pipeline.analyse_pending(db.session)
    [row] = db.session.scalars(select(CommentAnalysis)).all()
    assert {"staff_attitude", "listened_to"} <= set(themes_of(row.id))
    user = staff_user()

    pipeline.remove_theme(db.session, row.id, "listened_to", user.id)
    pipeline.add_theme(db.session, row.id, "staff_attitude", "mixed", user.id)
    pipeline.add_theme(db.session, row.id, "continuity", "negative", user.id)
    with pytest.raises(ValueError, match="not a theme"):
        pipeline.add_theme(db.session, row.id, "no_such_theme", "negative", user.id)
    with pytest.raises(ValueError, match="sentiment must be"):
        pipeline.add_theme(db.session, row.id, "continuity", "furious", user.id)
    before = themes_of(row.id)
    assert "listened_to" not in before
    assert before["staff_attitude"] == "mixed" and before["continuity"] == "negative"

    # Same version: nothing to re-analyse.
    assert pipeline.mark_outdated(db.session, pipeline.active_framework()) == 0

    v2 = _framework_version(tmp_path, pipeline.active_framework().version + 1)
    counts = pipeline.reanalyse(db.session, fw=v2)
    assert counts.marked == 1 and counts.analysed == 1
    db.session.expire_all()
    row = db.session.get(CommentAnalysis, row.id)
    assert row.framework_version == v2.version and row.analysed_at is not None
    after = themes_of(row.id)
    assert after == before  # the removed theme stays removed, the added ones stay
    all_rows = db.session.scalars(select(CommentTheme).where(
        CommentTheme.analysis_id == row.id)).all()
    by_code = {t.theme_code: t for t in all_rows}
    assert len(all_rows) == len(by_code)  # never two rows for one theme
    assert by_code["listened_to"].removed_by_reviewer
    assert by_code["staff_attitude"].source == "reviewer"
    assert by_code["staff_attitude"].reviewer_id == user.id
    assert by_code["pain_relief"].source == "auto"  # the machine's own, replaced
    assert pipeline.mark_outdated(db.session, v2) == 0

    # A reviewer who changes her mind puts the theme back.
    pipeline.add_theme(db.session, row.id, "listened_to", "negative", user.id)
    assert themes_of(row.id)["listened_to"] == "negative"


def test_two_workers_never_store_a_comment_twice(survey):
    add_responses(version_of(survey), 3, {"what_was_good": KIND})
    first = pipeline.pending_comments(db.session)
    second = pipeline.pending_comments(db.session)
    assert len(first) == len(second) == 3
    assert pipeline.analyse_comments(db.session, first).analysed == 3
    late = pipeline.analyse_comments(db.session, second)
    assert (late.analysed, late.skipped) == (0, 3)
    assert db.session.scalar(select(func.count()).select_from(CommentAnalysis)) == 3
    # Queued again (framework changed): a second worker with a stale list skips them too.
    pipeline.mark_outdated(db.session, everything=True)
    first = pipeline.pending_comments(db.session)
    second = pipeline.pending_comments(db.session)
    assert all(p.analysis_id is not None for p in first)
    assert pipeline.analyse_comments(db.session, first).analysed == 3
    assert pipeline.analyse_comments(db.session, second).skipped == 3
    codes = db.session.execute(select(CommentTheme.analysis_id, CommentTheme.theme_code)).all()
    assert len(codes) == len(set(codes))


def test_a_failing_comment_is_stored_without_a_result_and_the_rest_go_on(survey, monkeypatch):
    add_responses(version_of(survey), 2, {"what_was_good": KIND})
    real = pipeline.th.analyse
    calls = []

    def flaky(text, **kwargs):
        calls.append(text)
        if len(calls) == 1:
            raise RuntimeError("boom")
        return real(text, **kwargs)

    monkeypatch.setattr(pipeline.th, "analyse", flaky)
    counts = pipeline.analyse_pending(db.session)
    assert (counts.analysed, counts.failed) == (1, 1)
    assert pipeline.pending_comments(db.session) == []  # not retried in a loop
    failed = db.session.scalar(select(CommentAnalysis).where(CommentAnalysis.sentiment.is_(None)))
    assert failed is not None and failed.analysed_at is not None


def test_analyse_responses_does_only_those_responses(survey):
    add_responses(version_of(survey), 3, {"what_was_good": KIND, "what_could_be_better": "x y"})
    ids = db.session.scalars(select(Response.id).order_by(Response.id)).all()
    counts = pipeline.analyse_responses(db.session, [ids[0], ids[2]])
    assert counts.stored == 4
    done = set(db.session.scalars(select(CommentAnalysis.response_id)))
    assert done == {ids[0], ids[2]}
    assert pipeline.analyse_responses(db.session, [ids[0]]).stored == 0  # already done


def test_the_worker_database_check_finds_new_comments_each_time(survey):
    version = version_of(survey)
    add_responses(version, 2, {"what_was_good": KIND})
    sweeper = Sweeper(batch_size=10)
    assert sweeper.sweep(db.session).analysed == 2
    assert sweeper.sweep(db.session).stored == 0
    add_responses(version, 1, {"what_could_be_better": "The ward was dirty."})
    counts = sweeper.sweep(db.session)  # an incremental check, not a full one
    assert counts.analysed == 1
    assert db.session.scalar(select(func.count()).select_from(CommentAnalysis)) == 3


def test_emerging_phrases_need_five_different_respondents(survey):
    version = version_of(survey)
    text = "The hospital radio was broken all week."
    add_responses(version, 4, {"what_could_be_better": text})
    # One respondent saying it twice is still one respondent.
    add_responses(version, 1, {"what_could_be_better": text, "what_was_good": text})
    pipeline.analyse_pending(db.session)
    fw = pipeline.active_framework()
    assert pipeline.refresh_emerging_phrases(db.session, survey.id, fw) >= 1
    found = {e.phrase: e for e in db.session.scalars(select(EmergingPhrase))}
    assert found["hospital radio"].respondents == 5
    assert "week" not in found  # too general to be a theme
    assert pipeline.refresh_emerging_phrases(db.session, survey.id, fw,
                                             min_respondents=6) == 0
    assert db.session.scalar(select(func.count()).select_from(EmergingPhrase)) == 0


def test_names_never_become_emerging_phrases(survey):
    add_responses(version_of(survey), 6, {
        "what_was_good": "My midwife Sarah Jones was amazing and the birth pool was warm."})
    pipeline.analyse_pending(db.session)
    stored = db.session.scalars(select(CommentAnalysis.noun_phrases)).all()
    assert stored and all("birth pool" in phrases for phrases in stored)
    assert not any("sarah" in p for phrases in stored for p in phrases)
    pipeline.refresh_emerging_phrases(db.session, survey.id)
    assert not any("sarah" in e.phrase for e in db.session.scalars(select(EmergingPhrase)))


def test_themes_refresh_command(app, survey):
    add_responses(version_of(survey), 2, {"overall_experience": "1", "what_was_good": KIND})
    add_responses(version_of(survey), 1, {"what_was_good": POLISH}, language="pl",
                  submitted_at=datetime(2026, 10, 2, 9))
    db.session.remove()
    result = app.test_cli_runner().invoke(args=["themes", "refresh", "--survey",
                                                "maternity-experience", "--batch", "2"])
    assert result.exit_code == 0, result.output
    assert "Analysed: 2 comments" in result.output
    assert "now waiting for a translation: 1" in result.output
    assert "Waiting for an English translation: 1. Still waiting for analysis: 0." \
        in result.output
    again = app.test_cli_runner().invoke(args=["themes", "refresh"])
    assert "Analysed: 0 comments" in again.output
    bad = app.test_cli_runner().invoke(args=["themes", "refresh", "--survey", "nope"])
    assert bad.exit_code != 0 and "no survey 'nope'" in bad.output


def test_themes_classify_command_writes_a_coded_copy_and_reports_bad_rows(app, tmp_path):
    source = tmp_path / "fft.csv"
    source.write_bytes("\ufeffid;comment;rating\n"
                       f"1;{KIND};4\n"
                       "2;too;many;cells;here\n"
                       "3;=HYPERLINK(\"http://x\");1\n".encode())
    target = tmp_path / "coded.csv"
    runner = app.test_cli_runner()
    result = runner.invoke(args=["themes", "classify", str(source), "--text-column", "comment",
                                 "--rating-column", "rating", "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert "fft.csv: row 3: has 5 cells but the header has 3; skipped" in result.stderr
    assert "Coded 2 comments" in result.stdout and "1 rows skipped" in result.stdout
    written = target.read_bytes()
    assert written.startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
    lines = written.decode("utf-8-sig").splitlines()
    assert lines[0] == "id;comment;rating;language;sentiment;polarity;themes"
    assert lines[1].startswith(f"1;{KIND};4;en;negative;")
    third = next(csv.reader(io.StringIO(lines[2]), delimiter=";"))
    assert third[:2] == ["3", "'=HYPERLINK(\"http://x\")"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CommentAnalysis)) == 0

    same = runner.invoke(args=["themes", "classify", str(source), "--text-column", "comment",
                               "--output", str(source)])
    assert same.exit_code != 0 and "so the original is kept" in same.output
    missing = runner.invoke(args=["themes", "classify", str(source), "--text-column", "text",
                                  "--output", str(tmp_path / "x.csv")])
    assert missing.exit_code != 0 and "no column 'text'" in missing.output
    assert not (tmp_path / "x.csv").exists()


def test_erasing_a_response_erases_its_analysis_translation_and_themes(survey):
    from surveyapp.privacy.erasure import delete_responses

    add_responses(version_of(survey), 2, {"what_was_good": POLISH}, language="pl")
    pipeline.analyse_pending(db.session)
    user = staff_user()
    first, second = db.session.scalars(select(CommentAnalysis).order_by(CommentAnalysis.id))
    pipeline.add_translation(db.session, first.id, POLISH_IN_ENGLISH, user.id)
    pipeline.add_theme(db.session, first.id, "continuity", "negative", user.id)
    gone = first.response_id
    assert db.session.scalar(select(func.count()).select_from(CommentTheme)) > 0

    delete_responses(db.session, Response.id == gone)
    db.session.expire_all()
    assert db.session.scalars(select(CommentAnalysis.response_id)).all() == [second.response_id]
    assert db.session.scalar(select(func.count()).select_from(CommentTheme).where(
        CommentTheme.response_id == gone)) == 0
    assert db.session.scalar(select(func.count()).select_from(CommentAnalysis).where(
        CommentAnalysis.translation.is_not(None))) == 0

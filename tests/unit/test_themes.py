"""Themes and sentiment of free-text comments: the framework file, negation, several themes
in one comment, text-speak, the rating and question as evidence, other languages."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml

from surveyapp.analysis import themes as th
from surveyapp.analysis.themes import (
    DEFAULT_FRAMEWORK,
    FrameworkError,
    analyse,
    load_framework,
    normalise,
    parse_framework,
)

CODES = {
    "staff_attitude", "listened_to", "communication", "discrimination",
    "language_interpreters", "pain_relief", "waiting_delays", "staffing", "safety",
    "continuity", "antenatal", "labour_birth", "postnatal_ward", "infant_feeding",
    "mental_health", "neonatal", "partners_family", "environment", "access_appointments",
    "discharge_followup", "positive_gratitude",
}


def themes_of(text: str, **kwargs) -> dict[str, str]:
    return dict(analyse(text, **kwargs).themes)


# --- the framework --------------------------------------------------------------------------


def test_framework_has_exactly_the_agreed_codes() -> None:
    fw = load_framework()
    assert set(fw.codes) == CODES
    assert len(fw.codes) == len(CODES)
    for theme in fw.themes:
        assert theme.name and theme.description and theme.category
        assert theme.phrases or theme.patterns
    assert {t.category for t in fw.themes} == {
        "people and relationships", "clinical care", "equity", "stages of care",
        "environment and access",
    }


def _raw() -> dict:
    return yaml.safe_load(DEFAULT_FRAMEWORK.read_text(encoding="utf-8"))


def test_duplicate_codes_are_refused() -> None:
    raw = _raw()
    raw["themes"].append(dict(raw["themes"][0]))
    with pytest.raises(FrameworkError, match="'staff_attitude': code is used twice"):
        parse_framework(raw)


def test_a_bad_pattern_names_its_theme() -> None:
    raw = _raw()
    raw["themes"][3]["patterns"] = ["(unclosed"]
    with pytest.raises(FrameworkError, match="theme 'discrimination': pattern"):
        parse_framework(raw)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": ""}, "'name' is required"),
        ({"code": "Bad Code"}, "'code' must be"),
        ({"phrases": "kind"}, "'phrases' must be a list"),
        ({"phrases": [], "patterns": [], "negative": [], "positive": []}, "at least one"),
        ({"colour": "red"}, "unknown keys"),
    ],
)
def test_invalid_themes_are_refused(change: dict, message: str) -> None:
    raw = _raw()
    raw["themes"][0].update(change)
    with pytest.raises(FrameworkError, match=message):
        parse_framework(raw)


def test_exclude_blanks_look_alike_words_for_that_theme_only() -> None:
    raw = {"themes": [
        {"code": "birth", "name": "Birth", "description": "The birth", "category": "stages",
         "phrases": ["birth"], "exclude": [r"\bafter (?:the |my )?birth\b"]},
        {"code": "ward", "name": "Ward", "description": "After", "category": "stages",
         "phrases": ["after the birth"]},
    ]}
    fw = parse_framework(raw)
    assert {c for c, _ in analyse("Great care after the birth", framework=fw).themes} == {
        "ward"}
    assert {c for c, _ in analyse("The birth was quick", framework=fw).themes} == {"birth"}
    raw["themes"][0]["exclude"] = ["(unclosed"]
    with pytest.raises(FrameworkError, match="theme 'birth': exclude"):
        parse_framework(raw)


def test_a_framework_can_be_loaded_from_a_path(tmp_path: Path) -> None:
    path = tmp_path / "mini.yaml"
    path.write_text(
        "themes:\n  - code: food\n    name: Food\n    description: Meals\n"
        "    category: environment\n    phrases: [toast]\n",
        encoding="utf-8",
    )
    fw = load_framework(path)
    assert analyse("The toast was cold", framework=fw).themes[0][0] == "food"


# --- negation and sentiment of a theme ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "sentiment"),
    [
        ("The midwife didn't listen", "negative"),
        ("the midwife didnt listen to me", "negative"),
        ("I was not listened to.", "negative"),
        ("Nobody listened when I said something was wrong.", "negative"),
        ("I felt ignored and dismissed.", "negative"),
        ("I wasn't believed when I said I was in labour.", "negative"),
        ("I was fobbed off on the phone by triage.", "negative"),
        ("They listened to me.", "positive"),
        ("I felt heard and involved in every decision.", "positive"),
        ("The consultant took my concerns seriously.", "positive"),
    ],
)
def test_listening_respects_negation(text: str, sentiment: str) -> None:
    assert themes_of(text).get("listened_to") == sentiment


def test_several_themes_each_with_its_own_sentiment() -> None:
    found = themes_of(
        "The midwives were so kind, but I waited 5 hours for an epidural and the ward was "
        "filthy. No interpreter was booked so my husband had to translate."
    )
    assert found["staff_attitude"] == "positive"
    assert found["pain_relief"] == "negative"
    assert found["waiting_delays"] == "negative"
    assert found["environment"] == "negative"
    assert found["language_interpreters"] == "negative"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("mw was fab x", "staff_attitude"),
        ("had an epi in the end", "pain_relief"),
        ("gas n air was great", "pain_relief"),
        ("emergency csection after 2 days", "labour_birth"),
        ("my c sec went well", "labour_birth"),
        ("the midwifes on nights were rude", "staff_attitude"),
        ("hv came 2 days after we got home", "discharge_followup"),
        ("no1 helped me bf, baby wouldnt latch", "infant_feeding"),
        ("baby went to scbu for 3 days", "neonatal"),
        ("Treated differently because I wear a hijab", "discrimination"),
        ("different midwife at every appointment, had to repeat my story", "continuity"),
        ("so short staffed, rang the buzzer and nobody came", "staffing"),
        ("My partner was sent home at 8pm and I was on my own", "partners_family"),
        ("never felt safe on labour ward", "safety"),
        ("I had awful anxiety and nobody asked about my mental health", "mental_health"),
        ("The 20 week scan was rushed", "antenatal"),
        ("Parking was a nightmare and appointments kept being cancelled", "access_appointments"),
        ("Thank you so much to everyone", "positive_gratitude"),
        ("Nobody told me what was happening", "communication"),
        ("Waited all day to be discharged", "discharge_followup"),
        ("The postnatal ward was so noisy at night", "postnatal_ward"),
        ("Good", "positive_gratitude"),
        ("very good experiance overall", "positive_gratitude"),
        ("I was given the wrong medication", "safety"),
        ("Her heart rate dropped and nobody told me why", "safety"),
        ("The midwife talked to my husband instead of me", "listened_to"),
        ("I told them something was wrong", "listened_to"),
        ("Because English is my second language they spoke slowly at me", "discrimination"),
        ("Found out my results by reading my notes", "communication"),
        ("Couldnt get a booking appt until 14 wks", "access_appointments"),
    ],
)
def test_common_ways_of_writing_a_theme(text: str, code: str) -> None:
    assert code in themes_of(text)


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("I was in labour for 36 hours", "waiting_delays"),
        ("I mean the care was ok", "staff_attitude"),
        ("She gave me a leaflet about tears", "safety"),
        ("I would not recommend this hospital", "positive_gratitude"),
        ("On the labour ward the midwife was great", "postnatal_ward"),
        # Framework version 2: look-alike words blanked by a theme's `exclude` list, and
        # rules from the labelling guide.
        ("After my c-section the ward was freezing", "labour_birth"),
        ("I disclosed past self harm at booking", "safety"),
        ("Kindness costs nothing", "access_appointments"),
        ("The phone interpreter was very good", "access_appointments"),
        ("The other babies were crying all night", "mental_health"),
        ("I was scared when she was born", "mental_health"),
        ("Whenever I pressed the buzzer someone came quickly", "waiting_delays"),
        ("One midwife said I was overreacting", "continuity"),
        ("Lovely midwives", "positive_gratitude"),
        ("After NICU a physio was meant to follow up, never heard anything", "listened_to"),
    ],
)
def test_words_that_only_look_like_a_theme(text: str, absent: str) -> None:
    assert absent not in themes_of(text)


# --- overall sentiment ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kwargs", "sentiment"),
    [
        ("The midwives were wonderful and so kind.", {}, "positive"),
        ("I felt ignored, rushed and left alone. It was traumatic.", {}, "negative"),
        ("Lovely midwives but the ward was dirty and I waited hours for pain relief.", {},
         "mixed"),
        ("More parking spaces", {"question": "what_could_be_better"}, "neutral"),
        ("Everything", {"question": "what_could_be_better"}, "negative"),
        ("Nothing to add", {"question": "what_could_be_better", "rating": "3"}, "neutral"),
        ("Amazing staff but please let dads stay overnight", {"question": "what_could_be_better"},
         "mixed"),
        ("Couldn't of been better", {"question": "what_could_be_better"}, "positive"),
        ("The birth centre", {"question": "what_was_good", "rating": "1"}, "positive"),
        ("Nothing", {"question": "what_could_be_better", "rating": "1"}, "positive"),
        ("Nothing", {"question": "what_was_good", "rating": "5"}, "negative"),
        ("The staff were not kind at all.", {}, "negative"),
        ("I never felt safe.", {}, "negative"),
        ("A wonderful midwife delivered my baby", {}, "positive"),
    ],
)
def test_overall_sentiment(text: str, kwargs: dict, sentiment: str) -> None:
    assert analyse(text, **kwargs).sentiment == sentiment


def test_rating_tips_a_neutral_comment() -> None:
    text = "I had my baby on the delivery suite"
    assert analyse(text, rating="1").sentiment == "positive"
    assert analyse(text, rating="5").sentiment == "negative"
    assert analyse(text, rating="6").sentiment == "neutral"


def test_the_analysis_fields() -> None:
    a = analyse("Dr. Khan was kind. The ward was loud and the midwives were rushed off their feet.")
    assert a.language == "en" and not a.needs_translation
    assert -1 <= a.polarity <= 1 and 0 <= a.subjectivity <= 1
    assert [s.text for s in a.sentences] == [
        "Dr. Khan was kind.",
        "The ward was loud and the midwives were rushed off their feet.",
    ]
    assert a.sentences[0].sentiment == "positive"
    assert "ward" in a.noun_phrases
    assert "midwife" in a.keywords  # lemmatised
    assert "the" not in a.keywords and "was" not in a.keywords
    assert all(isinstance(t, tuple) and len(t) == 2 for t in a.themes)
    assert all(s in th.SENTIMENTS for _, s in a.themes)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("ok", "en"),
        ("شكرا", "unknown"),
        ("Położna była bardzo miła i pomogła mi z karmieniem piersią.", "pl"),
        ("دائی بہت اچھی تھی اور اس نے میری بہت مدد کی", "ur"),
        ("mw was fab, thanks", "en"),
    ],
)
def test_language(text: str, language: str) -> None:
    a = analyse(text)
    assert a.language == language
    assert a.needs_translation == (language != "en")


def test_other_languages_are_flagged_not_themed() -> None:
    a = analyse("Położna była bardzo miła i pomogła mi z karmieniem piersią.", rating="1")
    assert a.needs_translation and a.themes == []
    assert a.sentiment == "positive"  # from the rating alone


def test_empty_text() -> None:
    a = analyse("   ")
    assert a.themes == [] and a.sentiment == "neutral" and not a.needs_translation


def test_normalise_expands_contractions_and_text_speak() -> None:
    assert normalise("The MW couldn’t find my epi notes, u know") == (
        "the midwife could not find my epidural notes, you know"
    )
    assert normalise("C-Section") == normalise("c sec") == normalise("csection") == "c-section"


def test_speed_sanity() -> None:
    """Prints a figure for the bench, asserts nothing about time."""
    comments = [
        "The midwife didn't listen to me and I waited hours for an epidural.",
        "Staff were amazing, thank you so much!",
        "No interpreter, my son had to translate. Felt treated differently.",
        "Ward was noisy, food was cold, but the HCAs were lovely.",
    ] * 25
    start = time.perf_counter()
    results = [analyse(c, rating="3") for c in comments]
    elapsed = time.perf_counter() - start
    assert len(results) == 100 and all(r.themes for r in results)
    print(f"analyse: {elapsed / len(comments) * 1000:.1f} ms per comment")

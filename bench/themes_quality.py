"""How well `surveyapp.analysis.themes.analyse` finds themes and sentiment, on labelled comments.

Loads `tests/data/maternity_comments.csv` (synthetic comments, hand-labelled; the rules
are in `tests/data/README.md`), runs

    analyse(text, rating=rating or None, question=question or None)

on every comment and compares with the labels:

* themes: per-theme precision, recall, F1 and support (the number of comments labelled
  with the theme), then micro-F1 (pooled over every comment x theme decision) and macro-F1
  (the unweighted mean of the per-theme F1s);
* sentiment, 4-class (positive, mixed, neutral, negative) and 3-class (positive, neutral,
  negative), each with a confusion matrix. For 3-class, "mixed" (expected or predicted)
  becomes "negative" when the comment answers "what_could_be_better" and "neutral"
  otherwise (what_was_good or no question): a mixed answer to "what could be better" is a
  complaint;
* baselines in the same run: plain TextBlob polarity (> 0.1 positive, < -0.1 negative,
  else neutral; it never says "mixed") and "always positive";
* speed: comments per second through `analyse` against TextBlob's sentiment alone on the
  same comments (best of --runs passes each, after one warm-up pass).

    .venv/bin/python bench/themes_quality.py [--csv PATH] [--runs 3] [--errors 0]

Prints figures only; never fails on a figure. If `surveyapp.analysis.themes` cannot be
imported yet, says so and exits 0.
"""

from __future__ import annotations

import argparse
import csv
import importlib
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_CSV = ROOT / "tests" / "data" / "maternity_comments.csv"

THEMES = (
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
)
SENTIMENTS4 = ("positive", "mixed", "neutral", "negative")
SENTIMENTS3 = ("positive", "neutral", "negative")
BETTER = "what_could_be_better"


def load(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        row["theme_set"] = frozenset(t for t in row["themes"].split(";") if t)
    return rows


def to3(sentiment: str, question: str) -> str:
    """Fold a 4-class label into 3 classes: mixed -> negative for what_could_be_better."""
    if sentiment == "mixed":
        return "negative" if question == BETTER else "neutral"
    return sentiment


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def theme_scores(gold: list[frozenset[str]], pred: list[frozenset[str]]) -> dict:
    """Per-theme and micro/macro scores. Predicted codes outside THEMES count as false
    positives in micro-F1 and are listed separately."""
    per = {}
    tp_all = fp_all = fn_all = 0
    for code in THEMES:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if code in g and code in p)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if code not in g and code in p)
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if code in g and code not in p)
        per[code] = (*prf(tp, fp, fn), sum(1 for g in gold if code in g), tp, fp, fn)
        tp_all, fp_all, fn_all = tp_all + tp, fp_all + fp, fn_all + fn
    unknown = Counter(c for p in pred for c in p if c not in THEMES)
    fp_all += sum(unknown.values())
    micro = prf(tp_all, fp_all, fn_all)
    macro_f1 = sum(v[2] for v in per.values()) / len(per)
    exact = sum(1 for g, p in zip(gold, pred, strict=True) if g == p) / len(gold)
    return {"per": per, "micro": micro, "macro_f1": macro_f1, "unknown": unknown, "exact": exact}


def accuracy(gold: list[str], pred: list[str]) -> float:
    return sum(1 for g, p in zip(gold, pred, strict=True) if g == p) / len(gold)


def confusion(gold: list[str], pred: list[str], labels: tuple[str, ...]) -> str:
    counts = Counter(zip(gold, pred, strict=True))
    extra = sorted({p for p in pred if p not in labels})
    cols = (*labels, *extra)
    width = max(9, *(len(c) for c in cols))
    header = f"{'expected':<10} " + " ".join(f"{c:>{width}}" for c in cols)
    lines = [" " * 11 + "predicted ->", header]
    for g in labels:
        lines.append(f"{g:<10} " + " ".join(f"{counts[(g, c)]:>{width}}" for c in cols))
    return "\n".join(lines)


def textblob_label(polarity: float) -> str:
    if polarity > 0.1:
        return "positive"
    if polarity < -0.1:
        return "negative"
    return "neutral"


def rate(fn, items, runs: int) -> float:
    """Best comments-per-second over `runs` passes, after one warm-up pass."""
    for item in items:
        fn(item)
    best = 0.0
    for _ in range(runs):
        start = time.perf_counter()
        for item in items:
            fn(item)
        elapsed = time.perf_counter() - start
        best = max(best, len(items) / elapsed if elapsed else float("inf"))
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--csv", type=Path, default=DEFAULT_CSV)
    parser.add_argument("--runs", type=int, default=3, help="timed passes (best is kept)")
    parser.add_argument(
        "--errors", type=int, default=0, help="list up to N comments where themes differ"
    )
    args = parser.parse_args(argv)

    try:
        themes_mod = importlib.import_module("surveyapp.analysis.themes")
        analyse = themes_mod.analyse
    except (ImportError, AttributeError) as exc:
        print(f"surveyapp.analysis.themes.analyse is not available yet ({exc}).")
        print("Nothing to measure.")
        return 0
    from textblob import TextBlob

    rows = load(args.csv)
    n = len(rows)
    shown_path = args.csv.relative_to(ROOT) if args.csv.is_relative_to(ROOT) else args.csv
    print(f"{n} labelled comments from {shown_path}")

    def run(row):
        return analyse(row["text"], rating=row["rating"] or None, question=row["question"] or None)

    results = [run(row) for row in rows]
    gold_themes = [row["theme_set"] for row in rows]
    pred_themes = [frozenset(code for code, _sent in r.themes) for r in results]

    # Themes
    s = theme_scores(gold_themes, pred_themes)
    print("\nThemes")
    heads = ("prec", "recall", "F1", "support", "tp", "fp", "fn")
    widths = (6, 6, 6, 7, 4, 4, 4)
    print(f"{'theme':<22} " + " ".join(f"{h:>{w}}" for h, w in zip(heads, widths, strict=True)))
    for code, (p, r, f, sup, tp, fp, fn) in sorted(s["per"].items(), key=lambda kv: kv[1][2]):
        print(f"{code:<22} {p:6.2f} {r:6.2f} {f:6.2f} {sup:7d} {tp:4d} {fp:4d} {fn:4d}")
    mp, mr, mf = s["micro"]
    print(f"\nmicro precision {mp:.3f}  recall {mr:.3f}  F1 {mf:.3f}")
    print(f"macro F1 {s['macro_f1']:.3f}   exact theme set {s['exact']:.3f}")
    if s["unknown"]:
        print(f"codes not in the label set (counted as false positives): {dict(s['unknown'])}")

    # Sentiment
    questions = [row["question"] for row in rows]
    gold4 = [row["sentiment"] for row in rows]
    gold3 = [to3(g, q) for g, q in zip(gold4, questions, strict=True)]
    pred4 = [r.sentiment for r in results]
    pred3 = [to3(p, q) for p, q in zip(pred4, questions, strict=True)]
    blob = [textblob_label(TextBlob(row["text"]).sentiment.polarity) for row in rows]
    always = ["positive"] * n

    print("\nSentiment accuracy      4-class  3-class")
    acc = {}
    runs = (("analyse", pred4), ("TextBlob polarity", blob), ("always positive", always))
    for name, pred in runs:
        p3 = [to3(p, q) for p, q in zip(pred, questions, strict=True)]
        acc[name] = (accuracy(gold4, pred), accuracy(gold3, p3))
        print(f"{name:<22} {acc[name][0]:8.3f} {acc[name][1]:8.3f}")
    for name in ("TextBlob polarity", "always positive"):
        a4, a3 = acc[name]
        r4 = acc["analyse"][0] / a4 if a4 else float("inf")
        r3 = acc["analyse"][1] / a3 if a3 else float("inf")
        print(f"analyse / {name}: {r4:.2f}x (4-class), {r3:.2f}x (3-class)")
    print(f"\nexpected sentiment: {dict(Counter(gold4))}")
    print("\nanalyse, 4-class confusion")
    print(confusion(gold4, pred4, SENTIMENTS4))
    print("\nanalyse, 3-class confusion (mixed -> negative for what_could_be_better, else neutral)")
    print(confusion(gold3, pred3, SENTIMENTS3))
    print("\nTextBlob polarity, 3-class confusion")
    print(confusion(gold3, [to3(b, q) for b, q in zip(blob, questions, strict=True)], SENTIMENTS3))

    if args.errors:
        print(f"\nFirst {args.errors} comments whose theme set differs (missing -, extra +)")
        shown = 0
        for row, g, p, res in zip(rows, gold_themes, pred_themes, results, strict=True):
            if g == p:
                continue
            miss = ", ".join(sorted(g - p))
            more = ", ".join(sorted(p - g))
            sents = f"{row['sentiment']}->{res.sentiment}"
            print(f"{row['id']} [{sents}] -{miss} +{more}: {row['text'][:90]}")
            shown += 1
            if shown >= args.errors:
                break

    # Speed
    analyse_rate = rate(run, rows, args.runs)
    blob_rate = rate(lambda row: TextBlob(row["text"]).sentiment.polarity, rows, args.runs)
    print(f"\nSpeed (best of {args.runs} passes over {n} comments)")
    print(f"analyse                {analyse_rate:10.1f} comments/s")
    print(f"TextBlob sentiment     {blob_rate:10.1f} comments/s")
    print(f"analyse is {blob_rate / analyse_rate:.1f}x slower than TextBlob sentiment alone")
    return 0


if __name__ == "__main__":
    sys.exit(main())

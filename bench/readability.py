"""How easy each English page of the journey is to read: Flesch reading ease per page.

    .venv/bin/python bench/readability.py

Walks the demo journey in English with the test client (the same walk as page_weight.py)
and scores, for every page, the words she reads in <main>: headings, paragraphs, labels,
legends, hints and list items, each treated as its own sentence (a label is a sentence to
the reader, not a fragment of the next one). Two figures a page:

* all text: everything on the page, including the ONS/GSS category names on "about you",
  which follow the national standard word for word and cannot be simplified;
* survey text: the same without those standard category names (and without the privacy
  notice's fixed legal names). The target, a Flesch reading ease of at least 70, applies
  to this one.

Also the easy-read introduction. Nothing is downloaded (see surveyapp/analysis/readability.py).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from page_weight import ANSWERS, Phone  # noqa: E402

from surveyapp import create_app  # noqa: E402
from surveyapp.analysis.readability import EASY_TO_READ, reading_ease  # noqa: E402
from surveyapp.demo import seed_demo  # noqa: E402
from surveyapp.demographics import standard_labels  # noqa: E402
from surveyapp.extensions import db  # noqa: E402

BLOCKS = ("h1", "h2", "h3", "p", "li", "label", "legend", "dt", "dd", "summary",
          ".nhsuk-hint", "caption", "th", "td")


def sentences(phone: Phone) -> list[str]:
    """The page's readable text, one entry per block, each ending as a sentence."""
    main = phone.soup().find("main") or phone.soup()
    for hidden in main.select(".nhsuk-u-visually-hidden, [hidden], [aria-hidden=true]"):
        hidden.decompose()
    found: list[str] = []
    for block in main.select(", ".join(BLOCKS)):
        if block.find(["p", "li", "label", "legend", "h1", "h2", "h3"]):
            continue  # the inner blocks are read on their own
        text = " ".join(block.get_text(" ").split())
        if text:
            found.append(text if text[-1] in ".?!:" else text + ".")
    return found


def score(found: list[str], leave_out: set[str]) -> tuple[float, float, int]:
    every = " ".join(found)
    own = " ".join(s for s in found if s.rstrip(".") not in leave_out)
    return reading_ease(every), reading_ease(own), len(own.split())


def walk(app, code: str) -> list[tuple[str, float, float, int]]:
    leave_out = standard_labels()
    phone = Phone(app)
    rows = []
    phone.get(f"/s/{code}?lang=en")
    rows.append(("start (consent)", *score(sentences(phone), leave_out)))
    phone.post({"consent": "y"})
    for _ in range(40):
        if "/check" in phone.url:
            break
        rows.append((phone.page_key(), *score(sentences(phone), leave_out)))
        names = phone.field_names()
        phone.post({n: ANSWERS[n] for n in names if n in ANSWERS})
    rows.append(("check answers", *score(sentences(phone), leave_out)))
    phone.post({})
    rows.append(("thank you", *score(sentences(phone), leave_out)))
    for extra in ("privacy", "easy-read"):
        response = phone.client.get(f"/s/{code}/{extra}?lang=en")
        if response.status_code == 200:
            phone.response, phone.url = response, extra
            rows.append((extra, *score(sentences(phone), leave_out)))
    return rows


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="surveyapp-bench-") as tmp:
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp}/bench.db")
        with app.app_context():
            db.create_all()
            _survey, links, _new = seed_demo()
            code = next(link.code for link in links if link.default_language == "en")
            db.session.remove()
        rows = walk(app, code)
    print(f"Flesch reading ease per English page (target: survey text {EASY_TO_READ:.0f}+)")
    print(f"{'page':<28} {'all text':>9} {'survey text':>12} {'words':>6}  verdict")
    for page, every, own, words in rows:
        verdict = "ok" if own >= EASY_TO_READ else "HARD"
        print(f"{page:<28} {every:>9.1f} {own:>12.1f} {words:>6}  {verdict}")
    low = [page for page, _every, own, _words in rows if own < EASY_TO_READ]
    print(f"{len(rows) - len(low)} of {len(rows)} pages at {EASY_TO_READ:.0f} or more"
          + (f"; below: {', '.join(low)}" if low else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Every shipped language is complete for the respondent journey, and honest about review."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from config import LANGUAGES

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "translations" / "messages.pot"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
SURVEY_DIR = ROOT / "surveyapp" / "surveys" / "demo" / "maternity"


def catalog(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


def extract(config: str) -> set[str]:
    import subprocess
    import sys
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "messages.pot"
        subprocess.run(  # noqa: S603 - fixed arguments
            [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", config,
             "-k", "_l", "-k", "N_", "--no-location", "--sort-output", "-o", str(out),
             "."], cwd=ROOT, check=True, capture_output=True)
        return {m.id for m in catalog(out) if m.id}


@pytest.fixture(scope="module")
def respondent_messages() -> set[str]:
    return extract("babel-respondent.cfg")


@pytest.mark.parametrize("locale", [code for code in LANGUAGES if code != "en"])
def test_interface_catalog_is_complete_and_placeholders_match(locale, respondent_messages):
    """Everything a respondent can see is translated; staff pages may stay in English."""
    expected = respondent_messages
    assert len(expected) > 150
    po = catalog(ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po")
    translated = {m.id: m.string for m in po if m.id and m.string and not m.fuzzy}
    missing = expected - set(translated)
    assert not missing, f"{locale} is missing {len(missing)}: {sorted(missing)[:5]}"
    for msgid, msgstr in translated.items():
        assert set(PLACEHOLDER.findall(msgid)) == set(PLACEHOLDER.findall(msgstr)), msgid


@pytest.mark.parametrize("path", sorted((ROOT / "translations").glob("*/LC_MESSAGES/*.po"))
                         + sorted(SURVEY_DIR.glob("*.po")), ids=str)
def test_every_drafted_catalog_says_it_needs_native_review(path):
    head = path.read_text(encoding="utf-8")[:600]
    assert "needs review by a native speaker" in " ".join(head.split())


def test_the_template_is_up_to_date_with_the_code():
    """`make update-messages` was run after the last change to user-facing text."""
    fresh = extract("babel.cfg")
    committed = {m.id for m in catalog(TEMPLATE) if m.id}
    assert fresh == committed, {"new": sorted(fresh - committed)[:5],
                                "gone": sorted(committed - fresh)[:5]}

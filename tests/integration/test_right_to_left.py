"""Right to left done properly: every piece of Latin-script text on a right-to-left page
sits in an element that says its own language or direction, so English names and what
she typed cannot scramble the sentence around them."""

from __future__ import annotations

import re

import pytest
from bs4 import NavigableString

from config import LANGUAGES
from surveyapp.languages import direction
from tests.integration.submitted import ANSWERS

RIGHT_TO_LEFT = [lang for lang in LANGUAGES if direction(lang) == "rtl"]
LATIN = re.compile(r"[A-Za-z]")
# Elements whose text is not laid out inside the sentence, or cannot hold markup.
NOT_PROSE = {"script", "style", "title", "option", "textarea"}


def unisolated_latin(soup) -> list[str]:
    """Text nodes in the body with Latin letters and no ancestor that isolates them."""
    found = []
    for node in soup.body.find_all(string=LATIN):
        if not isinstance(node, NavigableString):
            continue
        isolated = False
        for parent in node.parents:
            if parent.name == "body":  # the page's own lang and dir are on <html>
                break
            if parent.name in NOT_PROSE or parent.name == "bdi" or parent.has_attr("lang") \
                    or parent.has_attr("dir"):
                isolated = True
                break
        if not isolated:
            found.append(node.strip())
    return found


def test_at_least_four_shipped_languages_are_right_to_left():
    assert len(RIGHT_TO_LEFT) >= 4, RIGHT_TO_LEFT


@pytest.mark.parametrize("lang", RIGHT_TO_LEFT)
def test_no_latin_text_is_left_unisolated_on_any_page(demo, respondent, lang):
    code = demo["links"]["en"]
    pages = {"privacy": respondent.get(f"/s/{code}/privacy?lang={lang}"),
             "start": respondent.get(f"/s/{code}")}
    assert pages["start"].html["dir"] == "rtl"
    respondent.start(code)
    # English typed into an answer, shown back on the check page.
    pages["check"] = respondent.answer_all({**ANSWERS, "what_was_good": "Dr Smith (NHS) was kind"})
    pages["thank you"] = respondent.submit()
    problems = {name: unisolated_latin(page.soup) for name, page in pages.items()}
    assert not any(problems.values()), problems
    start = pages["start"].soup
    isolated = [bdi.get_text() for bdi in start.select('bdi[lang="en"]')]
    assert "NHS 111" in isolated and "Maternity and Neonatal Voices Partnership" in isolated
    assert "Dr Smith (NHS) was kind" in pages["check"].text()


def test_an_english_page_gets_no_extra_markup(demo, respondent):
    page = respondent.start(demo["links"]["en"], lang="en")
    assert page.html["dir"] == "ltr"
    assert not page.soup.select('bdi[lang="en"]')

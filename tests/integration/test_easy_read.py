"""The easy-read introduction: English, short sentences with pictures, and a way in."""

from __future__ import annotations

import re

from surveyapp.analysis.readability import reading_ease
from surveyapp.extensions import db
from surveyapp.models import Draft


def test_english_start_page_offers_easy_read_and_other_languages_do_not(demo, respondent):
    code = demo["links"]["en"]
    english = respondent.get(f"/s/{code}?lang=en")
    link = english.soup.find("a", href=f"/s/{code}/easy-read")
    assert link is not None and "Easy read" in link.get_text()
    urdu = respondent.get(f"/s/{code}?lang=ur")
    assert urdu.soup.find("a", href=f"/s/{code}/easy-read") is None


def test_easy_read_is_english_one_idea_a_line_with_a_picture_for_each_part(demo, respondent):
    page = respondent.get(f"/s/{demo['links']['ur']}/easy-read")  # an Urdu link
    assert page.status == 200
    assert (page.html["lang"], page.html["dir"]) == ("en", "ltr")
    parts = page.soup.select(".app-easy-read__part")
    assert len(parts) >= 8
    for part in parts:
        picture = part.find("svg")
        assert picture is not None and picture["aria-hidden"] == "true"
        for line in part.select(".app-easy-read__words p"):
            sentence = line.get_text(" ", strip=True)
            assert len(sentence.split()) <= 15, sentence  # short
            assert len(re.findall(r"[.?!](?:\s|$)", sentence)) == 1, sentence  # one idea
    text = " ".join(p.get_text(" ", strip=True) for p in page.soup.select(".app-easy-read p"))
    assert reading_ease(text) >= 80
    for must_say in ("999", "NHS 111", "not ask for your name", "stop at any time"):
        assert must_say in text
    # The language picker leads to the full introduction in that language.
    urdu = page.soup.select_one('.app-language-switcher a[lang="ur"]')
    assert urdu["href"] == f"/s/{demo['links']['ur']}?lang=ur"


def test_agreeing_on_the_easy_read_page_starts_the_survey_in_english(app, demo, respondent):
    code = demo["links"]["ur"]
    form = respondent.get(f"/s/{code}/easy-read").soup.select_one("main form")
    assert form["action"] == f"/s/{code}?lang=en"
    refused = respondent.post({}, url=form["action"])  # not ticked: the start page asks
    assert refused.status == 200 and refused.error_messages()
    respondent.get(f"/s/{code}/easy-read")
    first = respondent.post({"consent": "y"}, url=form["action"])
    assert first.status == 200 and "/q/overall" in first.url
    assert first.html["lang"] == "en"
    with app.app_context():
        assert db.session.query(Draft).count() == 1
        db.session.remove()

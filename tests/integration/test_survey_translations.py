"""The survey's text in every language: the text page, .po files out and in (with every
kind of bad file), completeness, and markup in translations always escaped."""

from __future__ import annotations

import io
import re

import pytest
from babel.messages.pofile import read_po

from surveyapp.surveys.definition import from_document, translation_counts
from surveyapp.surveys.files import MAX_UPLOAD_BYTES
from tests.integration.builder import (
    audit_actions,
    draft_definition,
    error_links,
    flashes,
    signed_in_admin,
    soup_of,
    versions,
)
from tests.integration.respondent import Respondent

SCRIPT = '<script>alert("x")</script><b>Pytanie</b>'


@pytest.fixture
def admin(app, client):
    return signed_in_admin(app, client)


@pytest.fixture
def survey_id(demo, admin):
    """The demo survey with a draft (version 2) to work on."""
    sid = demo["survey_id"]
    assert admin.post(f"/admin/surveys/{sid}/new-draft").status_code == 303
    return sid


def change_english(admin, survey_id: int, text: str = "What went well?") -> None:
    response = admin.post(f"/admin/surveys/{survey_id}/questions/what_was_good",
                          {"type": "text", "key": "what_was_good", "text": text,
                           "hint": "Please do not include names."})
    assert response.status_code == 303


def entry(page, context: str):
    return page.select_one(f"#entry-text-{context.replace('.', '-')}")


# --- the text page ---------------------------------------------------------------------


def test_the_text_page_lists_every_text_with_its_state(app, admin, survey_id):
    change_english(admin, survey_id)
    page = admin.get(f"/admin/surveys/{survey_id}/translations/pl")
    definition = draft_definition(app, survey_id)
    counts = translation_counts(definition, "pl")
    assert len(page.select(".app-builder-text")) == counts["total"] == 85
    assert (counts["out_of_date"], counts["missing"]) == (1, 0)
    changed = entry(page, "what_was_good.text")
    assert "Out of date" in changed.select_one(".nhsuk-tag").text
    assert "English changed since this was translated" in changed.text
    assert "What was good?" in changed.select_one("del").text  # the old English
    assert "What went well?" in changed.select_one(".app-builder-english").text
    assert changed.select_one("textarea")["lang"] == "pl"
    assert "Translated" in entry(page, "survey.title").select_one(".nhsuk-tag").text
    urdu = admin.get(f"/admin/surveys/{survey_id}/translations/ur")
    assert urdu.select_one("textarea")["dir"] == "rtl"
    admin.get(f"/admin/surveys/{survey_id}/translations/en", status=404)
    admin.get(f"/admin/surveys/{survey_id}/translations/fr", status=404)


def test_saving_stores_the_english_each_translation_was_made_from(app, admin, survey_id):
    change_english(admin, survey_id)
    response = admin.post(f"/admin/surveys/{survey_id}/translations/pl", {
        "text-survey-title": "Twoja opieka",
        "text-what_was_good-text": "Co poszło dobrze?",
        "text-what_could_be_better-hint": "",
    })
    assert response.status_code == 303
    pl = draft_definition(app, survey_id).translations["pl"]
    assert pl["survey.title"] == {"source": "Your maternity and neonatal care",
                                  "text": "Twoja opieka"}
    assert pl["what_was_good.text"] == {"source": "What went well?",
                                        "text": "Co poszło dobrze?"}
    assert "what_could_be_better.hint" not in pl  # cleared
    assert audit_actions(app)[-1] == "translations_saved"


def test_an_out_of_date_text_left_alone_stays_out_of_date_unless_confirmed(app, admin,
                                                                           survey_id):
    change_english(admin, survey_id)
    old = draft_definition(app, survey_id).translations["pl"]["what_was_good.text"]
    admin.post(f"/admin/surveys/{survey_id}/translations/pl",
               {"text-what_was_good-text": old["text"]})
    assert draft_definition(app, survey_id).translations["pl"]["what_was_good.text"] == old
    admin.post(f"/admin/surveys/{survey_id}/translations/pl",
               {"text-what_was_good-text": old["text"], "still-text-what_was_good-text": "y"})
    assert draft_definition(app, survey_id).translations["pl"]["what_was_good.text"] == \
        {"source": "What went well?", "text": old["text"]}


def test_a_too_long_translation_is_refused_and_what_was_typed_is_kept(app, admin, survey_id):
    before = versions(app, survey_id)[-1][2]
    typed = "ż" * 5001
    response = admin.post(f"/admin/surveys/{survey_id}/translations/pl",
                          {"text-survey-title": typed, "text-survey-introduction": "Nowy"})
    assert response.status_code == 400
    page = soup_of(response)
    [(href, message)] = error_links(page)
    assert href == "#text-survey-title" and "5,000 characters or fewer" in message
    assert page.select_one("#text-survey-title").text == typed
    assert page.select_one("#text-survey-introduction").text == "Nowy"
    assert versions(app, survey_id)[-1][2] == before


def test_markup_in_a_translation_is_stored_as_typed_and_always_escaped(app, admin, survey_id,
                                                                       demo, client):
    admin.post(f"/admin/surveys/{survey_id}/translations/pl",
               {"text-overall_experience-text": SCRIPT})
    stored = draft_definition(app, survey_id).translations["pl"]["overall_experience.text"]
    assert stored["text"] == SCRIPT
    escaped = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;b&gt;Pytanie&lt;/b&gt;"
    for url in (f"/admin/surveys/{survey_id}/translations/pl",
                f"/admin/surveys/{survey_id}/preview/overall?lang=pl"):
        html = admin.client.get(url).get_data(True)
        assert SCRIPT not in html and "<script" not in html, url
        assert escaped in html, url
    assert admin.post(f"/admin/surveys/{survey_id}/publish").status_code == 303
    respondent = Respondent(client)
    page = respondent.start(demo["links"]["pl"], lang="pl")
    html = page.response.get_data(True)
    assert "<script" not in html and escaped in html
    assert page.soup.find(string=re.compile("Pytanie")) is not None


# --- .po files out ---------------------------------------------------------------------


def test_a_po_file_has_an_honest_header_and_shows_what_changed(app, admin, survey_id):
    change_english(admin, survey_id)
    response = admin.client.get(f"/admin/surveys/{survey_id}/translations/pl/download")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == \
        'attachment; filename="maternity-experience-v2-pl.po"'
    text = response.get_data(True)
    head = text.split('msgid ""', 1)[0]
    assert "needs review by a native speaker" in head
    assert "#, fuzzy" not in head
    assert '"Project-Id-Version: maternity-experience 2\\n"' in text
    assert '"Language: pl\\n"' in text
    assert '#, fuzzy\n#| msgid "What was good?"\nmsgctxt "what_was_good.text"\n' \
           'msgid "What went well?"\n' in text
    catalog = read_po(io.BytesIO(response.get_data()))
    assert not catalog.fuzzy and str(catalog.locale) == "pl"
    published = admin.client.get(f"/admin/surveys/{survey_id}/translations/pl/download"
                                 "?version=1").get_data(True)
    assert '"Project-Id-Version: maternity-experience 1\\n"' in published
    assert "\n#| msgid" not in published.split("msgid \"\"", 1)[1]


# --- .po files in ----------------------------------------------------------------------


def downloaded(admin, survey_id: int, locale: str = "pl") -> str:
    return admin.client.get(f"/admin/surveys/{survey_id}/translations/{locale}/download") \
        .get_data(True)


def test_an_uploaded_po_file_updates_the_draft(app, admin, survey_id):
    change_english(admin, survey_id)
    text = downloaded(admin, survey_id)
    fixed = text.replace('#, fuzzy\n#| msgid "What was good?"\n', "").replace(
        'msgid "What went well?"\nmsgstr "Co było dobre?"',
        'msgid "What went well?"\nmsgstr "Co poszło dobrze?"')
    fixed = fixed.replace('msgstr "Twoja opieka okołoporodowa i neonatologiczna"',
                          'msgstr "' + SCRIPT.replace('"', '\\"') + '"')
    response = admin.upload(f"/admin/surveys/{survey_id}/translations/pl/upload",
                            fixed.encode(), "pl.po")
    assert response.status_code == 303, error_links(soup_of(response))
    pl = draft_definition(app, survey_id).translations["pl"]
    assert pl["what_was_good.text"] == {"source": "What went well?",
                                        "text": "Co poszło dobrze?"}
    assert translation_counts(draft_definition(app, survey_id), "pl")["percent"] == 100
    assert audit_actions(app)[-1] == "translations_imported"
    page = admin.get(f"/admin/surveys/{survey_id}")
    cells = [td.get_text(" ", strip=True) for td in page.select("#language-pl td")]
    assert cells[1:4] == ["85 / 85 (100%)", "0", "0"]


def test_completeness_shows_on_the_survey_page(app, admin, survey_id):
    change_english(admin, survey_id)
    admin.post(f"/admin/surveys/{survey_id}/translations/bn",
               {"text-survey-title": "", "text-survey-introduction": ""})
    page = admin.get(f"/admin/surveys/{survey_id}")
    rows = {tr["id"]: [td.get_text(" ", strip=True) for td in tr.select("td")]
            for tr in page.select("#languages + .app-table-scroll tbody tr")}
    assert rows["language-pl"][1:4] == ["84 / 85 (98%)", "1", "0"]
    assert rows["language-bn"][1:4] == ["82 / 85 (96%)", "1", "2"]
    assert rows["language-ur"][0].startswith("Urdu")


def _plural(text: str, forms: int) -> str:
    strings = "".join(f'msgstr[{n}] "x"\n' for n in range(forms))
    return text + f'\nmsgctxt "what_was_good.text"\nmsgid "a"\nmsgid_plural "b"\n{strings}'


HEADER = ('msgid ""\nmsgstr ""\n"Language: pl\\n"\n'
          '"Plural-Forms: nplurals=3; plural=(n==1 ? 0 : 1);\\n"\n')


BAD_PO_FILES = {
    "malformed": (b"\x00\x01 this is not a po file", "is not .po syntax"),
    "unclosed-quote": (HEADER.encode() + b'\nmsgctxt "survey.title"\nmsgid "x\nmsgstr "y"\n',
                       "line 7 is not .po syntax"),
    "unknown-msgctxt": (HEADER.encode() + b'\nmsgctxt "nope.text"\nmsgid "x"\nmsgstr "y"\n',
                        "unknown msgctxt 'nope.text'"),
    "plural-forms": (_plural(HEADER, 3).encode(), "must not have plural forms"),
    "wrong-plural-count": (_plural(HEADER, 5).encode(),
                           "5 plural forms, but the header's Plural-Forms says nplurals=3"),
    "other-language": (HEADER.replace("pl", "ur").encode()
                       + b'\nmsgctxt "survey.title"\nmsgid "x"\nmsgstr "y"\n',
                       "the file is in Urdu (ur), not Polish (pl)"),
    "no-language": (b'msgctxt "survey.title"\nmsgid "x"\nmsgstr "y"\n',
                    "does not say which language"),
    "not-utf8": (HEADER.encode()
                 + '\nmsgctxt "survey.title"\nmsgid "x"\nmsgstr "ż"\n'.encode("iso-8859-2"),
                 "is not UTF-8 text"),
    "nothing-translated": (HEADER.encode() + b'\nmsgctxt "survey.title"\nmsgid "x"\nmsgstr ""\n',
                           "has no translations to add"),
    "twice": (HEADER.encode() + b'\nmsgctxt "survey.title"\nmsgid "x"\nmsgstr "y"\n'
                                b'\nmsgctxt "survey.title"\nmsgid "x"\nmsgstr "z"\n', "twice"),
    "too-long-text": (HEADER.encode() + b'\nmsgctxt "survey.title"\nmsgid "x"\nmsgstr "'
                      + b"y" * 5001 + b'"\n', "5,000 characters or fewer"),
    "oversize": (HEADER.encode() + b"#" * (MAX_UPLOAD_BYTES + 1),
                 "The file must be 1 MB or smaller"),
}


@pytest.mark.parametrize(("content", "expected"), list(BAD_PO_FILES.values()),
                         ids=list(BAD_PO_FILES))
def test_a_bad_po_file_is_refused_and_nothing_changes(app, admin, survey_id, content,
                                                      expected):
    before = versions(app, survey_id)
    response = admin.upload(f"/admin/surveys/{survey_id}/translations/pl/upload", content,
                            "pl.po")
    assert response.status_code == 400
    messages = " ".join(text for _href, text in error_links(soup_of(response)))
    assert expected in messages
    assert all(href == "#file" for href, _text in error_links(soup_of(response)))
    assert versions(app, survey_id) == before
    assert "translations_imported" not in audit_actions(app)


def test_a_published_version_has_read_only_text(app, admin, demo):
    sid = demo["survey_id"]
    page = admin.get(f"/admin/surveys/{sid}/translations/pl")
    assert not page.select("textarea") and "cannot change" in page.get_text()
    response = admin.upload(f"/admin/surveys/{sid}/translations/pl/upload", b"", "pl.po")
    assert response.status_code == 303
    response = admin.post(f"/admin/surveys/{sid}/translations/pl",
                          {"text-survey-title": "X"}, follow_redirects=True)
    assert "cannot change" in " ".join(flashes(soup_of(response)))
    assert from_document(versions(app, sid)[0][2]).translations["pl"]["survey.title"][
        "text"] != "X"

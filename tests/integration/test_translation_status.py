"""`flask translations status`: completeness per language, and --check fails on a gap."""

from __future__ import annotations

import shutil
from pathlib import Path

from babel.messages.pofile import read_po, write_po

from surveyapp.demo import seed_demo
from surveyapp.translation_status import respondent_messages

ROOT = Path(__file__).resolve().parents[2]


def test_status_lists_every_language_and_the_demo_survey(app):
    with app.app_context():
        seed_demo()
    result = app.test_cli_runner().invoke(args=["translations", "status", "--check"])
    assert result.exit_code == 0, result.output
    for locale in app.config["LANGUAGES"]:
        if locale != "en":
            assert f"  {locale} " in result.output
            assert f"maternity-experience v1 {locale}" in result.output
    assert "INCOMPLETE" not in result.output


def test_check_fails_when_a_respondent_message_is_missing(app, tmp_path):
    folder = tmp_path / "translations"
    shutil.copytree(ROOT / "translations" / "ur", folder / "ur")
    po_path = folder / "ur" / "LC_MESSAGES" / "messages.po"
    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    dropped = sorted(respondent_messages())[0]
    catalog[dropped].string = ""
    with po_path.open("wb") as handle:
        write_po(handle, catalog)
    app.config["LANGUAGES"] = ["en", "ur"]
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(folder)

    result = app.test_cli_runner().invoke(args=["translations", "status", "--check"])

    assert result.exit_code == 1
    assert "INCOMPLETE" in result.output
    assert repr(dropped[:70]) in result.output
    assert "incomplete for respondents: ur" in result.output

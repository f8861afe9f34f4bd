"""The survey builder in a real browser: an admin adds a question with its Polish
translation and publishes, and a respondent then sees that question in Polish."""

from __future__ import annotations

import re

import pytest

from surveyapp.extensions import db
from surveyapp.models import Role
from tests.integration.staff import PASSWORD, make_user

pytestmark = pytest.mark.browser

ADMIN = "builder-admin@example.nhs.uk"
POLISH = "Czy czuła się Pani mile widziana na oddziale?"


def submit(page, name: str) -> None:
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state("load")


def test_a_new_question_with_polish_text_reaches_a_polish_respondent(live_server,
                                                                     new_context):
    with live_server.app.app_context():
        make_user(ADMIN, Role.ADMIN)
        db.session.remove()

    admin = new_context().new_page()
    admin.goto(live_server("/staff/login"))
    admin.fill("#email", ADMIN)
    admin.fill("#password", PASSWORD)
    submit(admin, "Sign in")

    admin.goto(live_server("/admin/surveys"))
    admin.get_by_role("link", name="Your maternity and neonatal care").click()
    submit(admin, "Make a new draft")
    assert "Version 2 is a new draft" in admin.locator(".app-flash").inner_text()

    admin.locator("a[href$='/pages/overall/new-question']").click()
    admin.get_by_label("Yes or no").check()
    submit(admin, "Continue")
    admin.fill("#key", "felt_welcome")
    admin.fill("#text", "Did you feel welcome on the ward?")
    submit(admin, "Save the question")
    assert admin.locator("#question-felt_welcome").count() == 1

    admin.locator("#language-pl a", has_text="Edit the text").click()
    field = admin.locator("#text-felt_welcome-text")
    assert field.input_value() == ""
    field.fill(POLISH)
    submit(admin, "Save the text")
    assert admin.locator("#text-felt_welcome-text").input_value() == POLISH

    admin.locator("a.nhsuk-back-link").click()
    submit(admin, "Publish version 2")
    assert "Version 2 is published" in admin.locator(".app-flash").inner_text()

    respondent = new_context(locale="en-GB").new_page()
    respondent.goto(live_server(f"/s/{live_server.links['en']}?lang=pl"))
    respondent.locator("#consent").check()
    respondent.locator("form button[type=submit]").click()
    respondent.wait_for_url(re.compile(r"/q/overall"))
    assert respondent.locator("html").get_attribute("lang") == "pl"
    assert respondent.get_by_text(POLISH).is_visible()

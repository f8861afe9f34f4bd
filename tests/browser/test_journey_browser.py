"""The respondent journey in a real browser (Debian's Chromium, headless, phone-sized).

A. The issue's acceptance test: an Urdu speaker on a small phone, with JavaScript off,
   completes the survey with the keyboard alone, and the page really is right-to-left.
(axe-core on every page in every language: test_accessibility.py.)
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import func, select

from surveyapp.extensions import db
from surveyapp.models import Answer, DistributionLink, Response
from surveyapp.respond.journey import fingerprint

pytestmark = pytest.mark.browser

RECEIPT = re.compile(r"^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$")
SUBMIT = "form button[type=submit]"


# --- helpers ----------------------------------------------------------------------------

_DESCRIBE_FOCUS = """() => {
  const e = document.activeElement;
  if (!e) return "nothing";
  return e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
    + (e.name ? "[name=" + e.name + "]" : "") + (e.value ? "[value=" + e.value + "]" : "");
}"""


def focused_matches(page, selector: str) -> bool:
    # Playwright evaluates in its own world, so this works with the page's JavaScript off.
    return page.evaluate(
        "sel => !!document.activeElement && document.activeElement.matches(sel)", selector)


def tab_to(page, selector: str, backwards: bool = False, limit: int = 120) -> None:
    """Press Tab (or Shift+Tab) until the focused element matches `selector`."""
    key = "Shift+Tab" if backwards else "Tab"
    seen = []
    for _ in range(limit):
        page.keyboard.press(key)
        if focused_matches(page, selector):
            return
        seen.append(page.evaluate(_DESCRIBE_FOCUS))
    raise AssertionError(f"{key} never reached {selector!r} on {page.url}; "
                         f"focus went through {seen}")


def press_and_wait(page, key: str, url_part: str) -> None:
    """Press `key` on the focused button and wait for the page `url_part` to load."""
    page.keyboard.press(key)
    page.wait_for_url(re.compile(re.escape(url_part)))
    page.wait_for_load_state("load")


def assert_script_free(page) -> None:
    html = page.content()
    assert "<script" not in html.lower(), f"{page.url} has a <script> tag"
    assert page.locator("script").count() == 0


def box(page, selector: str) -> dict[str, float]:
    b = page.locator(selector).first.bounding_box()
    assert b is not None, f"{selector} is not rendered on {page.url}"
    return b


def assert_right_to_left(page) -> None:
    """On a radios page: inputs sit at the right of their labels, text hugs the right
    edge of the column, and the Continue button ends at the column's right edge."""
    items = page.locator("form .nhsuk-radios__item")
    assert items.count() >= 2
    for i in range(items.count()):
        item = items.nth(i)
        radio = item.locator("input").bounding_box()
        label = item.locator("label").bounding_box()
        assert radio and label
        assert radio["x"] > label["x"], (i, radio, label)
        assert radio["x"] >= label["x"] + label["width"] - 1, ("radio overlaps its label",
                                                              i, radio, label)
    # The column's content box: the form fills it.
    form = box(page, "main form")
    column_right = form["x"] + form["width"]
    button = box(page, SUBMIT)
    assert abs(button["x"] + button["width"] - column_right) <= 2, (button, form)
    # Short text starts at the right: the progress line's glyphs end at the column's
    # right edge and leave room on the left.
    text = page.evaluate("""() => {
      const range = document.createRange();
      range.selectNodeContents(document.querySelector('.app-progress'));
      const r = range.getBoundingClientRect();
      return {left: r.left, right: r.right};
    }""")
    assert abs(text["right"] - column_right) <= 2, (text, form)
    assert text["left"] > form["x"] + 40, (text, form)


def answers_by_question(response_id: int) -> dict[str, list[Any]]:
    rows = db.session.scalars(select(Answer).where(Answer.response_id == response_id))
    result: dict[str, list[Any]] = {}
    for row in rows:
        value = row.option_code if row.option_code is not None else (
            row.text if row.text is not None else row.number)
        result.setdefault(row.question_key, []).append(value)
    return {key: sorted(values) for key, values in result.items()}


# --- A. keyboard only, Urdu, right to left, JavaScript off ------------------------------

URDU_GOOD = "دائی بہت مہربان تھی"


def test_urdu_keyboard_only_journey_on_a_phone(live_server, new_context):
    code = live_server.links["ur"]
    # Her phone asks for English; the Urdu group's link opens in Urdu all the same.
    context = new_context(java_script_enabled=False, locale="en-GB")
    page = context.new_page()

    response = page.goto(live_server(f"/s/{code}"))
    assert response is not None and response.status == 200
    assert "<script" not in response.text().lower()
    html = page.locator("html")
    assert html.get_attribute("dir") == "rtl"
    assert html.get_attribute("lang") == "ur"
    stylesheet = page.locator("link[rel=stylesheet]").get_attribute("href")
    assert stylesheet.split("?")[0].endswith("main.rtl.css")
    assert_script_free(page)

    # Start page: the consent box, ticked with Space (Tab past it, Shift+Tab back to it).
    tab_to(page, "#consent")
    tab_to(page, SUBMIT)
    tab_to(page, "#consent", backwards=True, limit=5)
    assert not page.locator("#consent").is_checked()
    page.keyboard.press("Space")
    assert page.locator("#consent").is_checked()
    consent = box(page, "#consent")
    consent_label = box(page, "label[for=consent]")
    assert consent["x"] >= consent_label["x"] + consent_label["width"] - 1
    tab_to(page, SUBMIT)
    press_and_wait(page, "Enter", "/q/overall")

    # Page 1: the required question, and one of the two text boxes.
    assert_script_free(page)
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert_right_to_left(page)
    tab_to(page, "input[name=overall_experience]")
    assert focused_matches(page, "#overall_experience")  # the first option ("Very good")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")  # moves to "Good" and chooses it
    assert page.locator("input[name=overall_experience][value='2']").is_checked()
    assert not page.locator("input[name=overall_experience][value='1']").is_checked()
    page.keyboard.press("Tab")  # leaves the radio group for the first text box
    assert focused_matches(page, "textarea#what_was_good")
    page.keyboard.type(URDU_GOOD)
    assert page.locator("#what_was_good").input_value() == URDU_GOOD
    tab_to(page, SUBMIT, limit=5)  # past the second text box, left empty
    press_and_wait(page, "Space", "/q/pregnancy")

    # Page 2: arrow keys alone choose in a radio group.
    assert_script_free(page)
    tab_to(page, "input[name=pregnancy_help_when_needed]")
    page.keyboard.press("ArrowDown")
    assert page.locator(
        "input[name=pregnancy_help_when_needed][value=yes_to_some_extent]").is_checked()
    tab_to(page, SUBMIT, limit=20)
    press_and_wait(page, "Enter", "/q/labour_birth")

    # The rest: skip everything except one checkbox on the services page.
    for _ in range(20):
        assert_script_free(page)
        if "/check" in page.url:
            break
        assert "/q/neonatal" not in page.url and "/q/treated_differently_reasons" not in page.url
        if page.url.endswith("/q/services"):
            tab_to(page, "input[name=services_not_known][value=interpreters]")
            page.keyboard.press("Space")
            assert page.locator(
                "input[name=services_not_known][value=interpreters]").is_checked()
        before = page.url
        tab_to(page, SUBMIT)
        page.keyboard.press("Enter")
        page.wait_for_url(lambda url, before=before: url != before)
        page.wait_for_load_state("load")
    assert page.url.endswith("/check"), page.url

    # Check your answers, then send with the keyboard.
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert URDU_GOOD in page.locator("main").inner_text()
    tab_to(page, SUBMIT)
    press_and_wait(page, "Enter", "/thank-you")
    assert_script_free(page)
    receipt = page.locator(".app-receipt").inner_text().strip()
    assert RECEIPT.match(receipt), receipt

    # Exactly what she gave was stored, once, in Urdu, through the Urdu group's link.
    with live_server.app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 1
        stored = db.session.scalars(select(Response)).one()
        link = db.session.get(DistributionLink, stored.link_id)
        assert link is not None and link.code == code
        assert stored.link_id == live_server.link_ids["ur"]
        assert stored.language == "ur"
        assert stored.receipt_hash == fingerprint(receipt)
        assert answers_by_question(stored.id) == {
            "overall_experience": ["2"],
            "what_was_good": [URDU_GOOD],
            "pregnancy_help_when_needed": ["yes_to_some_extent"],
            "services_not_known": ["interpreters"],
        }
        db.session.remove()

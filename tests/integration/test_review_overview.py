"""The overview: hand-counted figures from the fixture survey, made safe."""

from __future__ import annotations

from bs4 import BeautifulSoup

from tests.integration.review_fixture import EXPECTED
from tests.integration.staff import sign_in


def overview(app, survey_id, query=""):
    client = app.test_client()
    sign_in(client, "reviewer@example.nhs.uk")
    page = client.get(f"/insights/surveys/{survey_id}/overview{query}")
    assert page.status_code == 200
    return BeautifulSoup(page.get_data(as_text=True), "html.parser")


def figure(soup, name):
    return soup.select_one(f'[data-figure="{name}"]').get_text(strip=True)


def test_the_overview_shows_the_hand_counted_figures(app, fixture_survey):
    soup = overview(app, fixture_survey)
    assert figure(soup, "responses") == "50"
    assert figure(soup, "this_month") == "50"
    assert figure(soup, "fft_positive") == EXPECTED["fft_positive"]
    assert figure(soup, "fft_negative") == EXPECTED["fft_negative"]
    languages = {row.th.get_text(strip=True): row.td.get_text(strip=True)
                 for row in soup.select("#languages tbody tr")}
    assert "38" in languages.values() and "6" in languages.values()
    assert list(languages.values()).count("fewer than 5") == 2  # pl 4 and bn 2
    sources = {row.th.get_text(strip=True): row.td.get_text(strip=True)
               for row in soup.select("#sources tbody tr")}
    assert sources == {"Online": "42", "On paper": "8"}
    weeks = [row.td.get_text(strip=True) for row in soup.select("#weeks tbody tr")]
    assert weeks[-3:] == ["50", "0", "0"]


def test_filters_narrow_every_figure_and_hide_small_ones(app, fixture_survey):
    from surveyapp.extensions import db
    from surveyapp.models import DistributionLink
    with app.app_context():
        bn = db.session.query(DistributionLink).filter_by(default_language="bn").one().id
    soup = overview(app, fixture_survey, f"?link={bn}")
    assert figure(soup, "responses") == "fewer than 5"
    assert figure(soup, "fft_positive") == "–"
    assert "2" not in [td.get_text(strip=True) for td in soup.select("#languages td")]
    soup = overview(app, fixture_survey, "?from=2026-10-02")
    assert figure(soup, "responses") == "0"

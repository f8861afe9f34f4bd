"""The explorer and the exports: de-identified, redacted, safe in a spreadsheet, audited,
and giving nothing when stacked filters narrow the set below the small-number threshold."""

from __future__ import annotations

import csv
import io

from bs4 import BeautifulSoup
from openpyxl import load_workbook
from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.models import AuditEvent, DistributionLink
from tests.integration.staff import make_user, sign_in


def csv_rows(client, survey_id, query=""):
    response = client.get(f"/insights/surveys/{survey_id}/responses.csv{query}")
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def xlsx_sheets(client, survey_id, query=""):
    response = client.get(f"/insights/surveys/{survey_id}/responses.xlsx{query}")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data), read_only=True)
    return {name: [list(row) for row in book[name].iter_rows(values_only=True)]
            for name in book.sheetnames}


def test_csv_has_one_row_per_response_with_codes_labels_and_redacted_comments(
        app, reviewer, fixture_survey):
    rows = csv_rows(reviewer, fixture_survey)
    header, body = rows[0], rows[1:]
    assert len(body) == 50
    assert "receipt_hash" not in header and "id" not in header
    fft = header.index("overall_experience")
    assert header[fft + 1] == "overall_experience_label"
    codes = [row[fft] for row in body]
    assert codes.count("1") == 20 and codes.count("2") == 10 and codes.count("6") == 4
    assert {row[fft + 1] for row in body if row[fft] == "1"} == {"Very good"}
    positive = sum(code in ("1", "2") for code in codes) / len(codes)
    assert f"{positive:.0%}" == "60%"  # the overview's figure, from the export
    good = [row[header.index("what_was_good")] for row in body]
    assert not any("Sarah" in text or "07700" in text for text in good)
    assert any("[removed]" in text for text in good)
    assert all(not text.startswith("=") for row in body for text in row)
    assert any(text.startswith("'=HYPERLINK") for text in good)


def test_xlsx_matches_the_csv_and_has_a_data_dictionary(app, reviewer, fixture_survey):
    sheets = xlsx_sheets(reviewer, fixture_survey)
    responses = sheets["Responses"]
    assert len(responses) == 51
    header = responses[0]
    fft = header.index("overall_experience")
    assert sorted(str(r[fft]) for r in responses[1:]).count("1") == 20
    cells = [c for row in responses for c in row if isinstance(c, str)]
    assert not any(c.startswith(("=", "+", "@")) for c in cells)
    dictionary = sheets["Data dictionary"]
    assert dictionary[0] == ["survey_version", "question_key", "question", "type", "code",
                             "label"]
    assert [1, "overall_experience"] == dictionary[1][:2] or any(
        row[1] == "overall_experience" and row[4] == "6" and row[5] == "Don't know"
        for row in dictionary)


def test_every_export_is_in_the_audit_log(app, reviewer, fixture_survey):
    csv_rows(reviewer, fixture_survey, "?a.overall_experience=1")
    xlsx_sheets(reviewer, fixture_survey)
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "export_responses")).all()
        assert [e.detail["format"] for e in events] == ["csv", "xlsx"]
        assert events[0].actor_email == "reviewer@example.nhs.uk"


def test_stacked_filters_below_the_threshold_give_no_responses_anywhere(
        app, reviewer, fixture_survey):
    with app.app_context():
        en = db.session.scalar(select(DistributionLink.id).where(
            DistributionLink.default_language == "en"))
    # Each filter alone leaves many; stacked they leave none or few.
    wide = f"?link={en}"
    assert len(csv_rows(reviewer, fixture_survey, wide)) == 31
    for narrow in (f"?link={en}&a.overall_experience=4",  # 0
                   "?a.overall_experience=5",  # 2, bn
                   "?a.overall_experience=4&a.ethnic_group=pakistani&from=2026-10-01"
                   "&to=2026-10-01&version=999"):  # 6, then version ignored: 6 -> shown
        rows = csv_rows(reviewer, fixture_survey, narrow)
        sheets = xlsx_sheets(reviewer, fixture_survey, narrow)
        page = BeautifulSoup(reviewer.get(
            f"/insights/surveys/{fixture_survey}/responses{narrow}").get_data(True),
            "html.parser")
        if "pakistani" in narrow:
            assert len(rows) == 7 and len(sheets["Responses"]) == 7
            assert page.select_one("#too-few") is None
            continue
        assert len(rows) == 2 and rows[1][0].startswith("Fewer than 5")
        assert len(sheets["Responses"]) == 2
        assert page.select_one("#too-few") is not None
        assert not page.select(".app-response")


def test_the_explorer_shows_redacted_responses_to_reviewers_only(app, reviewer,
                                                                 fixture_survey):
    page = BeautifulSoup(reviewer.get(
        f"/insights/surveys/{fixture_survey}/responses?a.overall_experience=1").get_data(True),
        "html.parser")
    assert page.select_one("#matched").get_text().strip().startswith("20 responses")
    text = page.get_text()
    assert "Sarah" not in text and "[removed]" in text
    assert len(page.select(".app-response")) == 20
    with app.app_context():
        partner = db.session.scalar(select(DistributionLink)).partner
        make_user("partner@example.org", "partner", partner=partner)
    client = app.test_client()
    sign_in(client, "partner@example.org")
    assert client.get(f"/insights/surveys/{fixture_survey}/responses").status_code == 403
    assert client.get(f"/insights/surveys/{fixture_survey}/responses.csv").status_code == 403

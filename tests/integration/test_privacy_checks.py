"""No IP address or user agent is stored anywhere, and no log line carries an answer,
a phone's address or its user agent."""

from __future__ import annotations

import logging
import re

from sqlalchemy import func, inspect, select, text

from surveyapp.extensions import db
from surveyapp.themes import pipeline
from tests.integration.respondent import Respondent
from tests.integration.staff import csrf_from
from tests.integration.submitted import ANSWERS, submit_response

# Words a column holding a phone's address or browser would be named with.
IDENTIFYING_WORDS = {"ip", "ipv4", "ipv6", "ipaddr", "ipaddress", "ip_address", "addr",
                     "address", "remote", "forwarded", "ua", "agent", "useragent",
                     "browser", "device", "client", "host", "hostname", "referer",
                     "referrer", "mac", "imei", "geo", "location", "latitude", "longitude"}


def words(name: str) -> set[str]:
    """user_agent -> {user, agent, user_agent, useragent}; remoteAddr -> {remote, addr}."""
    parts = [p for p in re.split(r"[_\W]+|(?<=[a-z])(?=[A-Z])", name) if p]
    lowered = [p.lower() for p in parts]
    joined = {"_".join(lowered[i:j]) for i in range(len(lowered))
              for j in range(i + 1, len(lowered) + 1)}
    return set(lowered) | joined | {j.replace("_", "") for j in joined}


def test_the_word_splitter_finds_what_it_should():
    for name in ("ip", "ip_address", "client_ip", "remote_addr", "user_agent", "userAgent",
                 "ua", "x_forwarded_for", "IPAddress", "browser_string", "useragent"):
        assert words(name) & IDENTIFYING_WORDS, name
    for name in ("email", "description", "updated_at", "receipt_hash", "language", "kind"):
        assert not words(name) & IDENTIFYING_WORDS, name


def test_no_table_has_a_column_for_an_address_or_user_agent(app):
    with app.app_context():
        found = [f"{table.name}.{column.name}"
                 for table in db.metadata.sorted_tables for column in table.columns
                 if words(column.name) & IDENTIFYING_WORDS]
        found += [table.name for table in db.metadata.sorted_tables
                  if words(table.name) & IDENTIFYING_WORDS]
    assert not found, f"columns that could hold a respondent's address or browser: {found}"


def test_the_live_database_has_no_such_column_either(app):
    """The tables the database really has (on PostgreSQL, built by the migrations), not
    only the models: a column added by a migration alone is found too. The newer tables
    are among those read, so the check is not of a fixed, old list."""
    with app.app_context():
        inspector = inspect(db.engine)
        tables = set(inspector.get_table_names())
        assert {"response", "answer", "comment_analysis", "comment_theme", "review_action",
                "emerging_phrase", "audit_event"} <= tables
        assert any("daily" in name for name in tables)
        assert {t.name for t in db.metadata.sorted_tables} <= tables
        found = [f"{table}.{column['name']}" for table in sorted(tables)
                 for column in inspector.get_columns(table)
                 if words(column["name"]) & IDENTIFYING_WORDS]
    assert not found, found


def test_no_row_of_any_table_holds_her_address_or_user_agent(app, demo):
    """After she answers (with a comment, analysed), erases a response and staff look,
    every value of every row of every table is read: neither her address nor her
    browser is anywhere, not even inside JSON such as the audit log's details."""
    headers = {"User-Agent": USER_AGENT}
    submit_response(app, demo["links"]["en"], SECRET_ANSWERS, headers=headers,
                    remote_addr=PHONE_ADDRESS)
    receipt = submit_response(app, demo["links"]["en"], SECRET_ANSWERS, headers=headers,
                              remote_addr=PHONE_ADDRESS)
    client = app.test_client()
    environ = {"REMOTE_ADDR": PHONE_ADDRESS}
    page = client.get("/erase", headers=headers, environ_base=environ)
    client.post("/erase", headers=headers, environ_base=environ, data={
        "csrf_token": csrf_from(page.get_data(True)), "receipt": receipt, "confirm": "yes"})
    with app.app_context():
        pipeline.analyse_pending(db.session)
        db.session.commit()
        seen = 0
        for table in db.metadata.sorted_tables:
            for row in db.session.execute(select(table)):
                text_of_row = repr(tuple(row))
                seen += 1
                for secret in (PHONE_ADDRESS, USER_AGENT, "TestPhone"):
                    assert secret not in text_of_row, (table.name, secret)
        assert seen > 20
        assert db.session.scalar(select(func.count()).select_from(
            db.metadata.tables["comment_analysis"])), "no comment was analysed"


PHONE_ADDRESS = "198.51.100.73"
USER_AGENT = "Mozilla/5.0 (Linux; Android 14; SM-A546B) TestPhone/73.1 Mobile Safari/537.36"
SECRET_ANSWERS = {**ANSWERS,
                  "what_was_good": "Midwife Rukhsana sang to my daughter at 3am quietly",
                  "what_could_be_better": "The registrar called me dramatic in front of my mum"}


def test_no_log_line_carries_an_answer_the_address_or_the_user_agent(app, demo, caplog):
    caplog.set_level(logging.DEBUG)
    headers = {"User-Agent": USER_AGENT}
    client_environ = {"REMOTE_ADDR": PHONE_ADDRESS}
    receipt = submit_response(app, demo["links"]["en"], SECRET_ANSWERS, headers=headers,
                              remote_addr=PHONE_ADDRESS)
    # Her erasure, and a page that fails, are logged too: check them as well.
    client = app.test_client()
    page = client.get("/erase", headers=headers, environ_base=client_environ)
    client.post("/erase", headers=headers, environ_base=client_environ, data={
        "csrf_token": csrf_from(page.get_data(True)), "receipt": receipt, "confirm": "yes"})
    client.get("/s/no-such-link", headers=headers, environ_base=client_environ)

    assert caplog.records, "nothing was logged at all: the check would prove nothing"
    secrets = [SECRET_ANSWERS["what_was_good"], SECRET_ANSWERS["what_could_be_better"],
               "Rukhsana", "dramatic", PHONE_ADDRESS, USER_AGENT, "TestPhone", receipt]
    leaks = []
    for record in caplog.records:
        line = record.getMessage() + " " + (record.exc_text or "") + " " + \
            " ".join(str(getattr(record, k, "")) for k in ("args", "stack_info"))
        leaks += [(record.name, secret) for secret in secrets if secret in line]
    assert not leaks, leaks


def test_a_database_error_while_storing_her_answers_logs_none_of_them(app, demo, caplog):
    """An error from the database quotes the statement that failed; its values (her
    answers) must stay out of the log (hide_parameters in config.py)."""
    caplog.set_level(logging.DEBUG)
    respondent = Respondent(app.test_client())
    respondent.start(demo["links"]["en"])
    respondent.answer_all(SECRET_ANSWERS)
    with app.app_context():  # the answer table goes away just as she presses submit
        db.session.execute(text("ALTER TABLE answer RENAME TO answer_away"))
        db.session.commit()
    try:
        failed = respondent.submit()
    finally:
        with app.app_context():
            db.session.execute(text("ALTER TABLE answer_away RENAME TO answer"))
            db.session.commit()
    assert failed.status >= 500
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors, "the failure was not logged at all"
    for record in caplog.records:
        line = record.getMessage() + (record.exc_text or "")
        for secret in ("Rukhsana", "dramatic", "bangladeshi"):
            assert secret not in line, (record.name, secret)


def test_the_log_check_would_see_a_leak(app, demo, caplog):
    """The check above reads the same records a handler would write: a line that did carry
    an answer is found."""
    caplog.set_level(logging.DEBUG)
    with app.app_context():
        app.logger.debug("answer was %s", SECRET_ANSWERS["what_was_good"])
    assert any("Rukhsana" in record.getMessage() for record in caplog.records)

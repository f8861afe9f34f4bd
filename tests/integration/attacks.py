"""Shared pieces of the attack tests: the routes of the URL map with their arguments
filled in, a fingerprint of every table (to show a request changed nothing), and the
check that a page shows hostile text only as text."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from bs4 import BeautifulSoup
from sqlalchemy import select

from surveyapp.extensions import db

ROOT = Path(__file__).resolve().parents[2]
PAYLOADS = [line for line in (ROOT / "tests" / "data" / "xss_payloads.txt")
            .read_text(encoding="utf-8").splitlines() if line.strip()]
TEMPLATE_MARKERS = re.findall(r"\[(tpl\d+)\]", "\n".join(PAYLOADS))
# Attributes whose value a browser follows or runs.
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster",
                  "background", "srcdoc"}


def table_fingerprint() -> dict[str, str]:
    """A hash of every row of each table (inside an app context)."""
    hashes = {}
    for table in db.metadata.sorted_tables:
        digest = hashlib.sha256()
        for row in sorted(repr(tuple(row)) for row in db.session.execute(select(table))):
            digest.update(row.encode())
        hashes[table.name] = digest.hexdigest()
    db.session.rollback()
    return hashes


def changed_tables(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(name for name in after if before.get(name) != after[name])


def url_for_rule(rule, values: dict[str, object], **replace: str) -> str:
    """The rule's path with `values` for its arguments; `replace` puts raw text (not
    quoted) in place of named arguments, as an attacker would type it."""
    path = rule.rule
    for argument in rule.arguments:
        value = replace.get(argument, values.get(argument))
        if value is None:
            raise KeyError(f"{rule.endpoint}: no value for '{argument}'")
        pattern = r"<(?:[^:<>]+:)?" + re.escape(argument) + r">"
        path = re.sub(pattern, lambda _match, text=str(value): text, path)
    return path


def assert_shown_as_text(html: str, where: str) -> None:
    """No hostile text became markup: no script, frame, object, inline style or event
    handler, no javascript: or data: URL, no evaluated template, raw '<' payloads escaped."""
    for payload in PAYLOADS:
        if "<" in payload:
            assert payload not in html, f"{where}: unescaped payload {payload!r}"
    for marker in TEMPLATE_MARKERS:
        assert f"[{marker}]49" not in html, f"{where}: template injection evaluated"
    assert "testing-secret" not in html, f"{where}: the secret key was shown"
    soup = BeautifulSoup(html, "html.parser")
    for name in ("script", "iframe", "object", "embed", "base", "style", "frame", "applet"):
        assert soup.find(name) is None, f"{where}: a <{name}> element"
    for tag in soup.find_all("meta"):
        assert (tag.get("http-equiv") or "").lower() != "refresh", f"{where}: meta refresh"
    for tag in soup.find_all("link"):
        assert str(tag.get("href", "")).startswith("/static/"), f"{where}: {tag}"
    for tag in soup.find_all(True):
        for attribute, value in tag.attrs.items():
            text = " ".join(value) if isinstance(value, list) else str(value)
            assert not attribute.lower().startswith("on"), f"{where}: {attribute} on {tag.name}"
            lowered = re.sub(r"\s", "", text).lower()
            if attribute.lower() in URL_ATTRIBUTES:
                assert not lowered.startswith(("javascript:", "data:text", "vbscript:")), \
                    f"{where}: {attribute}={text!r}"
            if attribute.lower() == "style":
                assert "expression(" not in lowered and "javascript:" not in lowered, where

"""Fixtures for tests that drive Debian's Chromium through Playwright.

The app runs for real on a loopback port (werkzeug's threaded server in a daemon
thread), on the same database as the rest of the suite: the `app` fixture from
tests/conftest.py gives a fresh SQLite file per test, or the truncated PostgreSQL
database when DATABASE_URL is set. No browser is ever downloaded: only the system
Chromium at /usr/bin/chromium is used, and the browser tests are skipped (with the
reason) when it is missing.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from surveyapp.demo import seed_demo
from surveyapp.extensions import db

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
# The target: a small phone.
PHONE = {"width": 375, "height": 667}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without the system Chromium there is nothing to drive: skip, and say why."""
    if os.path.exists(CHROMIUM):
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} not found: install Debian's chromium package "
                                   "to run the browser tests (CI does)")
    for item in items:
        if item.get_closest_marker("browser") is not None:
            item.add_marker(skip)


class _QuietHandler(WSGIRequestHandler):
    """No access log on stderr for every page and stylesheet the browser fetches."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


@dataclass
class LiveServer:
    url: str
    app: object
    # link code by the link's default language ("any" for the link that follows the phone)
    links: dict[str, str] = field(default_factory=dict)
    link_ids: dict[str, int] = field(default_factory=dict)

    def __call__(self, path: str) -> str:
        return self.url + path


@pytest.fixture
def live_server(app) -> Iterator[LiveServer]:
    """The app with the demo survey seeded, served on 127.0.0.1:<free port>."""
    with app.app_context():
        _survey, links, _created = seed_demo()
        codes: dict[str, str] = {}
        ids: dict[str, int] = {}
        for link in links:
            key = link.default_language or "any"
            codes.setdefault(key, link.code)
            ids.setdefault(key, link.id)
        db.session.remove()

    server = make_server("127.0.0.1", 0, app, threaded=True,
                         request_handler=_QuietHandler)
    # serve_forever looks for shutdown() every poll_interval (0.5 s by default): every
    # browser test would wait up to that long at its end for nothing.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=app,
                         links=codes, link_ids=ids)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole run (each test gets its own fresh context)."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} not found")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                             headless=True)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def new_context(browser):
    """Make browser contexts at phone size; all are closed after the test."""
    contexts = []

    def make(java_script_enabled: bool = True, locale: str = "en-GB", **options):
        options.setdefault("viewport", PHONE)
        context = browser.new_context(java_script_enabled=java_script_enabled,
                                      locale=locale, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()

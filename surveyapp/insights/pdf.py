"""The review pack as a PDF, made on the server by headless Chromium through Playwright.

Why Chromium: the pack is HTML with print CSS, and the PDF should be exactly what a
reviewer gets from "Print → Save as PDF" in her browser (same layout, same SVG charts,
same fonts, right-to-left text shaped correctly), with no second layout to keep in step.
A pure-Python renderer would need its own CSS dialect and handles neither `:has()` nor
complex scripts as well. Debian's /usr/bin/chromium is used, never a downloaded browser;
Playwright (already pinned for the browser tests) drives it. Where either is missing the
PDF route says so and points to the printable page, which prints the same pack.

The page is handed to Chromium from memory; its stylesheets are served from the static
folder on disk and every other request is refused, so nothing leaves the machine and no
session cookie is needed.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlparse

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
BASE = "http://pack.invalid"
TIMEOUT_SECONDS = 60


class PdfUnavailable(RuntimeError):
    """No Chromium or no Playwright here: print the HTML page instead."""


def available() -> bool:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return os.path.exists(CHROMIUM)


def html_to_pdf(html: str, static_folder: str, static_url_path: str = "/static") -> bytes:
    """`html` printed to A4 by Chromium. Run in a thread of its own: Playwright's sync API
    refuses to start in a thread where an event loop (or another Playwright) runs."""
    if not available():
        raise PdfUnavailable("headless Chromium is not installed here")
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_print, html, static_folder, static_url_path).result(
            timeout=TIMEOUT_SECONDS)


def _print(html: str, static_folder: str, static_url_path: str) -> bytes:
    from playwright.sync_api import Route, sync_playwright

    root = Path(static_folder).resolve()

    def serve(route: Route) -> None:
        path = urlparse(route.request.url).path
        if route.request.url == BASE + "/pack":
            route.fulfill(body=html, content_type="text/html; charset=utf-8")
            return
        if route.request.url.startswith(BASE) and path.startswith(static_url_path + "/"):
            file = (root / path[len(static_url_path) + 1:]).resolve()
            if file.is_file() and root in file.parents:
                content_type = "text/css" if file.suffix == ".css" else None
                route.fulfill(body=file.read_bytes(), content_type=content_type)
                return
        route.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(java_script_enabled=False)
            page.route("**/*", serve)
            page.goto(BASE + "/pack", wait_until="load")  # answered by serve()
            return page.pdf(format="A4", print_background=True, prefer_css_page_size=True,
                            outline=True, tagged=True)
        finally:
            browser.close()

"""Page weight: the bytes a phone downloads, with an empty cache, for typical survey pages.

Runs the app in-process (Flask test client) on a temporary SQLite database with the demo
survey loaded, walks the respondent journey in English and in Urdu, and for each page
measured adds up the HTML and every subresource it references: stylesheets
(<link rel=stylesheet>), scripts, images, icons, and anything the CSS pulls in with
url() or @import (fonts, images). Each body is counted raw and gzip-compressed at level 6
(the usual default of nginx/Apache/Caddy gzip). HTTP headers are reported separately and
are not in the totals.

    .venv/bin/python bench/page_weight.py

Prints figures only; it never fails because a page is heavy (the exit status is non-zero
only if the journey itself breaks).
"""

from __future__ import annotations

import gzip
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bs4 import BeautifulSoup  # noqa: E402

from surveyapp import create_app  # noqa: E402
from surveyapp.demo import seed_demo  # noqa: E402
from surveyapp.extensions import db  # noqa: E402

TARGET_BYTES = 30 * 1024  # the target: 30 KB (30 720 bytes) compressed, per page

# What the respondent answers on the way (the integration tests' typical respondent).
ANSWERS = {
    "overall_experience": "2",
    "what_was_good": "The midwife on the ward was so kind to me.",
    "what_could_be_better": "Nobody listened when I said the pain was bad.",
    "baby_neonatal_unit": "yes",
    "neonatal_involved_in_care": "yes_to_some_extent",
    "treated_differently": "yes",
    "treated_differently_why": ["ethnicity", "language"],
    "ethnic_group": "bangladeshi",
    "age_band": "25_29",
    "main_language": "bengali",
    "english_proficiency": "not_well",
    "postcode_district": "B12",
}

CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""", re.I)
CSS_IMPORT = re.compile(r"""@import\s+(?:url\()?\s*['"]([^'"]+)['"]""", re.I)


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6, mtime=0))


@dataclass
class Resource:
    url: str
    kind: str  # html, css, script, image, font, other
    raw: int
    gz: int
    external: bool = False


@dataclass
class Weight:
    page: str
    language: str
    url: str
    resources: list[Resource] = field(default_factory=list)
    header_bytes: int = 0
    scripts: int = 0
    inline_styles: int = 0

    def sum(self, kinds: set[str] | None, attr: str) -> int:
        return sum(getattr(r, attr) for r in self.resources
                   if kinds is None or r.kind in kinds)


def header_size(response) -> int:
    """An HTTP/1.1 status line and headers as sent (cookies and the CSP included)."""
    lines = [f"HTTP/1.1 {response.status}"]
    lines += [f"{k}: {v}" for k, v in response.headers.items()]
    return len(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace"))


def kind_of(url: str, hint: str) -> str:
    path = urlsplit(url).path.lower()
    if path.endswith((".woff", ".woff2", ".ttf", ".otf", ".eot")):
        return "font"
    if path.endswith((".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".ico", ".avif")):
        return "image"
    if path.endswith(".css"):
        return "css"
    if path.endswith((".js", ".mjs")):
        return "script"
    return hint


class Phone:
    """A test-client respondent with an empty cache that reads each page as HTML."""

    def __init__(self, app):
        self.client = app.test_client()
        self.response = None
        self.url = ""

    def _keep(self, response, url: str):
        self.response = response
        self.url = response.request.url if response.request else url
        if response.status_code >= 400:
            raise RuntimeError(f"{self.url} answered {response.status_code}")
        return response

    def get(self, url: str):
        return self._keep(self.client.get(url, follow_redirects=True), url)

    def post(self, data: dict):
        soup = self.soup()
        form = dict(data)
        for hidden in ("csrf_token", "draft"):
            tag = soup.find("input", attrs={"name": hidden})
            if tag is not None and hidden not in form:
                form[hidden] = tag.get("value", "")
        path = urlsplit(self.url)
        target = path.path + (f"?{path.query}" if path.query else "")
        return self._keep(self.client.post(target, data=form, follow_redirects=True), target)

    def soup(self) -> BeautifulSoup:
        return BeautifulSoup(self.response.get_data(as_text=True), "html.parser")

    def field_names(self) -> list[str]:
        names: list[str] = []
        for tag in self.soup().select("form input, form textarea, form select"):
            name = tag.get("name")
            if name and tag.get("type") != "hidden" and name not in names:
                names.append(name)
        return names

    def page_key(self) -> str:
        return urlsplit(self.url).path.rstrip("/").rsplit("/", 1)[-1]

    # --- weighing -----------------------------------------------------------------------

    def fetch(self, url: str) -> bytes | None:
        """A subresource's body, as a fresh (empty-cache) GET; None if it is off-site."""
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.netloc not in ("", "localhost"):
            return None
        if parts.scheme == "data":
            return None
        response = self.client.get(parts.path + (f"?{parts.query}" if parts.query else ""))
        if response.status_code != 200:
            raise RuntimeError(f"subresource {url} answered {response.status_code}")
        body = response.get_data()
        response.close()
        return body

    def weigh(self, page: str, language: str) -> Weight:
        html = self.response.get_data()
        weight = Weight(page, language, self.url)
        weight.resources.append(Resource(self.url, "html", len(html), gz(html)))
        weight.header_bytes = header_size(self.response)
        soup = self.soup()
        weight.scripts = len(soup.find_all("script"))
        weight.inline_styles = len(soup.find_all("style")) + len(soup.select("[style]"))

        wanted: list[tuple[str, str]] = []
        for link in soup.find_all("link", href=True):
            rel = {r.lower() for r in (link.get("rel") or [])}
            if "stylesheet" in rel:
                wanted.append((link["href"], "css"))
            elif rel & {"icon", "shortcut", "apple-touch-icon", "preload", "manifest"}:
                wanted.append((link["href"], "other"))
        wanted += [(s["src"], "script") for s in soup.find_all("script", src=True)]
        for tag in soup.find_all(["img", "source", "input", "video", "audio"]):
            if tag.get("src"):
                wanted.append((tag["src"], "image"))
            for candidate in (tag.get("srcset") or "").split(","):
                if candidate.strip():
                    wanted.append((candidate.split()[0], "image"))

        seen: set[str] = set()
        while wanted:
            ref, hint = wanted.pop(0)
            url = urljoin(self.url, ref)
            if url in seen or ref.startswith("data:"):
                continue
            seen.add(url)
            body = self.fetch(url)
            kind = kind_of(url, hint)
            if body is None:
                weight.resources.append(Resource(url, kind, 0, 0, external=True))
                continue
            weight.resources.append(Resource(url, kind, len(body), gz(body)))
            if kind == "css":
                text = body.decode("utf-8", "replace")
                for _quote, inner in CSS_URL.findall(text):
                    if not inner.startswith("data:"):
                        wanted.append((urljoin(url, inner), "other"))
                wanted += [(urljoin(url, i), "css") for i in CSS_IMPORT.findall(text)]
        return weight


def walk(app, code: str, language: str) -> list[Weight]:
    phone = Phone(app)
    weights: list[Weight] = []
    phone.get(f"/s/{code}?lang={language}")
    weights.append(phone.weigh("start (consent)", language))
    phone.post({"consent": "y"})
    weights.append(phone.weigh(f"first question ({phone.page_key()})", language))
    for _ in range(40):
        if "/check" in phone.url:
            break
        if phone.page_key() == "about_you":
            weights.append(phone.weigh("about you (ethnic group)", language))
        names = phone.field_names()
        phone.post({n: ANSWERS[n] for n in names if n in ANSWERS})
    else:
        raise RuntimeError("never reached the check page")
    weights.append(phone.weigh("check answers", language))
    return weights


def kb(n: int) -> str:
    return f"{n / 1024:.1f}"


def serving_notes(app, code: str) -> list[str]:
    """How the app itself serves the bytes: compression and caching of the stylesheet."""
    client = app.test_client()
    page = client.get(f"/s/{code}", headers={"Accept-Encoding": "gzip"})
    css = client.get("/static/dist/main.css", headers={"Accept-Encoding": "gzip"})
    notes = [
        "HTML sent gzip-compressed by the app itself when asked: "
        + ("yes" if page.headers.get("Content-Encoding") == "gzip" else
           "no (the gz figures assume a proxy in front compresses)"),
        "stylesheet sent gzip-compressed by the app itself: "
        + ("yes" if css.headers.get("Content-Encoding") == "gzip" else "no"),
        f"stylesheet Cache-Control: {css.headers.get('Cache-Control', '(none)')}; "
        f"ETag: {'yes' if css.headers.get('ETag') else 'no'}; "
        f"Vary: {css.headers.get('Vary', '(none)')}",
    ]
    page.close()
    css.close()
    return notes


def report(weights: list[Weight], notes: list[str]) -> None:
    print("Bytes a phone downloads per page with an empty cache (KB = 1024 bytes);")
    print("gz = gzip level 6. 'other' = scripts, images, fonts, icons. Target: total gz "
          f"<= {TARGET_BYTES / 1024:.0f} KB.\n")
    head = (f"{'page':<28} {'lang':<4} {'HTML raw':>8} {'HTML gz':>8} {'CSS raw':>8} "
            f"{'CSS gz':>7} {'other':>6} {'tot raw':>8} {'tot gz':>7}  {'<=30KB gz':<9} "
            f"{'scripts':>7}")
    print(head)
    print("-" * len(head))
    for w in weights:
        html = ({"html"}, "raw"), ({"html"}, "gz")
        css = ({"css"}, "raw"), ({"css"}, "gz")
        other_kinds = {"script", "image", "font", "other"}
        total_gz = w.sum(None, "gz")
        print(f"{w.page:<28} {w.language:<4} {kb(w.sum(*html[0])):>8} {kb(w.sum(*html[1])):>8} "
              f"{kb(w.sum(*css[0])):>8} {kb(w.sum(*css[1])):>7} "
              f"{kb(w.sum(other_kinds, 'raw')):>6} {kb(w.sum(None, 'raw')):>8} "
              f"{kb(total_gz):>7}  {'yes' if total_gz <= TARGET_BYTES else 'NO':<9} "
              f"{w.scripts:>7}")
    print()
    print("Subresources referenced (same for every page of one text direction):")
    listed: set[str] = set()
    for w in weights:
        for r in w.resources[1:]:
            key = urlsplit(r.url).path
            if key in listed:
                continue
            listed.add(key)
            where = " (OFF-SITE, not counted)" if r.external else ""
            print(f"  {r.kind:<6} {key:<40} raw {r.raw:>7} B  gz {r.gz:>6} B{where}")
    others = [r for w in weights for r in w.resources if r.kind in {"font", "image", "other"}]
    print(f"  fonts/images pulled in by the CSS or the HTML: {len(others)}")
    print()
    print("Response headers of the HTML (not in the totals; sent uncompressed over "
          "HTTP/1.1):")
    for w in weights:
        print(f"  {w.page:<28} {w.language:<4} {w.header_bytes:>5} B")
    scripts = sum(w.scripts for w in weights)
    inline = sum(w.inline_styles for w in weights)
    print(f"\n<script> tags across all pages measured: {scripts} (should be 0)")
    print(f"inline <style> / style= attributes across all pages measured: {inline}")
    print()
    for note in notes:
        print(note)


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="surveyapp-bench-") as tmp:
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp}/bench.db")
        with app.app_context():
            db.create_all()
            _survey, links, _new = seed_demo()
            codes = {link.default_language or "any": link.code for link in links}
            db.session.remove()
        weights = walk(app, codes["en"], "en") + walk(app, codes["ur"], "ur")
        notes = serving_notes(app, codes["en"])
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    order = {"start": 0, "first": 1, "about": 2, "check": 3}
    weights.sort(key=lambda w: (order[w.page.split()[0]], w.language != "en"))
    report(weights, notes)
    return 0


if __name__ == "__main__":
    sys.exit(main())

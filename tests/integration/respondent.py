"""A respondent driven through the test client: reads each page as HTML, as a browser
would, and fills in the form that is actually there."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from bs4 import BeautifulSoup
from flask.testing import FlaskClient
from werkzeug.test import TestResponse


@dataclass
class Page:
    response: TestResponse
    url: str

    @property
    def soup(self) -> BeautifulSoup:
        return BeautifulSoup(self.response.get_data(as_text=True), "html.parser")

    @property
    def status(self) -> int:
        return self.response.status_code

    @property
    def title(self) -> str:
        return self.soup.title.get_text(strip=True) if self.soup.title else ""

    @property
    def heading(self) -> str:
        h1 = self.soup.find("h1")
        return h1.get_text(" ", strip=True) if h1 else ""

    @property
    def html(self):
        return self.soup.find("html")

    def hidden(self, name: str) -> str | None:
        tag = self.soup.find("input", attrs={"name": name})
        return tag.get("value") if tag else None

    def field_names(self) -> list[str]:
        names: list[str] = []
        for tag in self.soup.select("form input, form textarea, form select"):
            name = tag.get("name")
            if name and tag.get("type") != "hidden" and name not in names:
                names.append(name)
        return names

    def error_messages(self) -> list[str]:
        return [a.get_text(" ", strip=True)
                for a in self.soup.select(".nhsuk-error-summary__list a")]

    def text(self) -> str:
        main = self.soup.find("main")
        return main.get_text(" ", strip=True) if main else ""


@dataclass
class Respondent:
    client: FlaskClient
    page: Page | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def get(self, url: str) -> Page:
        response = self.client.get(url, headers=self.headers, follow_redirects=True)
        self.page = Page(response, response.request.url if response.request else url)
        return self.page

    def post(self, data: dict[str, Any], url: str | None = None,
             keep_tokens: bool = True) -> Page:
        assert self.page is not None
        target = url or _path(self.page.url)
        form = dict(data)
        if keep_tokens:
            for hidden in ("csrf_token", "draft"):
                value = self.page.hidden(hidden)
                if value is not None and hidden not in form:
                    form[hidden] = value
        response = self.client.post(target, data=form, headers=self.headers,
                                    follow_redirects=True)
        self.page = Page(response, response.request.url if response.request else target)
        return self.page

    def start(self, code: str, lang: str | None = None) -> Page:
        self.get(f"/s/{code}" + (f"?lang={lang}" if lang else ""))
        return self.post({"consent": "y"})

    def answer_all(self, answers: dict[str, Any], max_pages: int = 40) -> Page:
        """Answer every page with what `answers` has for its fields, until the check page."""
        assert self.page is not None
        for _ in range(max_pages):
            if "/check" in self.page.url:
                return self.page
            names = self.page.field_names()
            self.post({n: answers[n] for n in names if n in answers})
            assert self.page.status == 200, (self.page.url, self.page.error_messages())
            assert not self.page.error_messages(), (self.page.url, self.page.error_messages())
        raise AssertionError("never reached the check page")

    def submit(self) -> Page:
        assert self.page is not None and "/check" in self.page.url
        return self.post({})


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")

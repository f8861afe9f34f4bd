"""Respondent markup rendered once per process and reused: whole pages, questions and
the sections of the check page.

A published survey version never changes, so what a page shows is fixed by a handful of
things: the version (by id), her language, the address (link code, page, `?change=`,
`?lang=`), where the page sits in her journey and the answers already on it. Rendered once
for those, a page is reused by every phone that asks for the same thing, with only the
per-request tokens (CSRF token, draft token, receipt) put back in: on a fresh survey
page (the usual case) nothing is rendered at all.

What is never kept: anything with an error message or a "your answers are safe" notice,
any text or number she typed (her own words are not held in memory beyond her request),
and previews of unpublished versions (no version id). Choice answers are kept only when
every code is one the question offers. Caches belong to the app (tests with fresh
databases never share them) and are bounded: least recently used pages go first.

Nothing about whether a link or survey is open is kept: every request still reads that
from the database before any of this is used.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import Any

from flask import current_app, get_template_attribute, request, url_for
from markupsafe import Markup, escape

from surveyapp.surveys.definition import Page, Question

# Questions and check-page sections kept per process, each for a (version, language,
# answer) combination: the demo survey in four languages unanswered needs about 250.
MAX_FRAGMENTS = 8192
# Rendered pages kept per process, by size: a survey page is 5-25 KB, so this holds a
# few hundred (every page of several links in every language).
MAX_PAGE_BYTES = 8 * 1024 * 1024


class _Uncacheable:
    pass


UNCACHEABLE: Any = _Uncacheable()


def answer_key(question: Question, data: Any) -> Hashable:
    """The part of a cache key that stands for the answer shown in `question`, or
    UNCACHEABLE when it must not be kept (her own words, or codes we did not offer)."""
    if question.is_choice:
        chosen = data if isinstance(data, list) else ([] if data in (None, "") else [data])
        offered = {option.code for option in question.options}
        if not all(isinstance(code, str) and code in offered for code in chosen):
            return UNCACHEABLE
        return frozenset(chosen) if question.type == "multiple" else (data or None)
    if data not in (None, "", []):
        return UNCACHEABLE
    return None


def answers_key(questions: Iterable[Question], answers: Mapping[str, Any]) -> Hashable:
    keys = []
    for question in questions:
        key = answer_key(question, answers.get(question.key))
        if key is UNCACHEABLE:
            return UNCACHEABLE
        keys.append((question.key, key))
    return tuple(keys)


# --- one question ---------------------------------------------------------------------


def question_markup(question: Question, field: Any, text: Any, single: bool,
                    version_id: int | None) -> Markup:
    """components/question.html's survey_question, from the cache when it can be."""
    key: Hashable = UNCACHEABLE
    if version_id and not field.errors and not (not question.is_choice and field._value()):
        answer = answer_key(question, field.data)
        if answer is not UNCACHEABLE:
            key = ("question", version_id, text.locale, question.key, bool(single), answer)
    # A Jinja macro called with autoescaping on returns Markup: escaped once, inside.
    return _fragment(key, lambda: get_template_attribute(
        "components/question.html", "survey_question")(question, field, text, single))


def check_section_markup(survey_page: Page, rows: list[tuple[Question, Any]], text: Any,
                         code: str, version_id: int | None) -> Markup:
    """One page's answers on the check page (respond/check_section.html), from the
    cache when they are all choices."""
    key: Hashable = UNCACHEABLE
    if version_id:
        answers = answers_key([q for q, _value in rows], {q.key: v for q, v in rows})
        if answers is not UNCACHEABLE:
            key = ("check", version_id, text.locale, request.script_root, code,
                   survey_page.key, answers)

    def render() -> Markup:
        change_url = url_for("respond.page", code=code, page_key=survey_page.key, change=1)
        return get_template_attribute("respond/check_section.html", "check_section")(
            survey_page, rows, text, change_url)

    return _fragment(key, render)


def _fragment(key: Hashable, render: Callable[[], Markup]) -> Markup:
    if key is UNCACHEABLE:
        return render()
    cache: dict[Hashable, Markup] = current_app.extensions.setdefault(
        "respond_fragments", {})
    markup = cache.get(key)
    if markup is None:
        markup = render()
        if len(cache) >= MAX_FRAGMENTS:
            cache.clear()
        cache[key] = markup
    return markup


# --- whole pages ----------------------------------------------------------------------


class _Token(str):
    """Where a per-request value goes in a kept page (the str is the value's name)."""


class _PageCache:
    """Least recently used pages go first once they add up to `max_bytes` (characters).
    Locked, as gthread workers serve several requests of one process at once."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.size = 0
        self.pages: OrderedDict[Hashable, tuple[tuple[str, ...], int]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Hashable) -> tuple[str, ...] | None:
        with self.lock:
            entry = self.pages.get(key)
            if entry is None:
                return None
            self.pages.move_to_end(key)
            return entry[0]

    def put(self, key: Hashable, parts: tuple[str, ...]) -> None:
        size = sum(len(part) for part in parts)
        if size > self.max_bytes:
            return
        with self.lock:
            old = self.pages.pop(key, None)
            if old is not None:
                self.size -= old[1]
            self.pages[key] = (parts, size)
            self.size += size
            while self.size > self.max_bytes:
                _key, (_parts, dropped) = self.pages.popitem(last=False)
                self.size -= dropped


def _page_cache() -> _PageCache:
    cache = current_app.extensions.get("respond_pages")
    if cache is None:
        cache = current_app.extensions.setdefault("respond_pages",
                                                  _PageCache(MAX_PAGE_BYTES))
    return cache


def cached_page(key: Hashable, tokens: Mapping[str, str | None],
                render: Callable[[], str]) -> str:
    """`render()`, or the page rendered earlier for the same `key` with this request's
    `tokens` (name -> value, e.g. the CSRF token) put in.

    `key` must hold everything the page shows apart from the tokens (UNCACHEABLE: always
    render). Which tokens have a value is added to the key, so a page with a receipt is
    never reused for one without. Token values are random and URL-safe, so where one
    appears in the rendered page is exactly where this request's value goes.
    """
    if key is UNCACHEABLE:
        return render()
    present = {name: value for name, value in tokens.items() if value}
    full_key = (key, tuple(sorted(present)))
    cache = _page_cache()
    parts = cache.get(full_key)
    if parts is not None:
        return "".join(str(escape(present[part])) if type(part) is _Token else part
                       for part in parts)
    html = render()
    cache.put(full_key, _cut(html, present))
    return html


def _cut(html: str, tokens: Mapping[str, str]) -> tuple[str, ...]:
    if not tokens:
        return (html,)
    by_value = {str(escape(value)): name for name, value in tokens.items()}
    pattern = re.compile("|".join(re.escape(v) for v in sorted(by_value, key=len,
                                                                 reverse=True)))
    parts: list[str] = []
    position = 0
    for found in pattern.finditer(html):
        parts.append(html[position:found.start()])
        parts.append(_Token(by_value[found.group(0)]))
        position = found.end()
    parts.append(html[position:])
    return tuple(parts)

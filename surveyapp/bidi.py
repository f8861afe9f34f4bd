"""English names inside right-to-left text, isolated so they don't scramble the sentence.

An Urdu sentence that mentions "(Maternity and Neonatal Voices Partnership)" or "NHS 111"
comes out of the catalog as plain text. Left alone, the bidirectional algorithm lets the
English run pull the brackets and the neighbouring words out of order. Wrapped in
`<bdi lang="en" dir="ltr">` it is laid out as one left-to-right island, and a screen
reader pronounces it as English.

`isolate_english` does that to the text of a rendered right-to-left page body (base.html
applies it with a filter block, so cached pages are cached already isolated). It only
touches text between tags: never attributes, and never text inside an element that
already says what it is (`lang` or `dir`, `<bdi>`), nor inside elements that cannot hold
markup (`<option>`, `<textarea>`, `<script>`, `<style>`, `<title>`).
"""

from __future__ import annotations

import re

from markupsafe import Markup

_TAG = re.compile(r"(<[^>]*>)")
_TAG_NAME = re.compile(r"</?\s*([a-zA-Z][a-zA-Z0-9-]*)")
_SAYS_ITS_LANGUAGE = re.compile(r"\s(?:lang|dir)\s*=")
# A run of Latin words, with the digits, dots, hyphens and apostrophes inside names
# ("NHS 111", "Wi-Fi", "ABCD-EFGH-JK23"); an entity (&amp;) is left as it is.
_ENTITY_OR_LATIN = re.compile(
    r"&#?[A-Za-z0-9]+;"
    r"|[A-Za-z](?:[A-Za-z0-9.'’-]|\s+(?=[A-Za-z0-9]))*[A-Za-z0-9]"
    r"|[A-Za-z]")
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "source", "track", "wbr"})
_NO_MARKUP_INSIDE = frozenset({"option", "textarea", "script", "style", "title", "bdi",
                               "svg"})


def _isolated(text: str) -> str:
    def wrap(found: re.Match[str]) -> str:
        run = found.group(0)
        if run.startswith("&"):
            return run
        return f'<bdi lang="en" dir="ltr">{run}</bdi>'

    return _ENTITY_OR_LATIN.sub(wrap, text)


def isolate_english(html: str, direction: str = "rtl") -> Markup:
    """`html` (a rendered page body) with every run of Latin-script text in its own
    `<bdi lang="en" dir="ltr">`; unchanged on a left-to-right page."""
    if direction != "rtl":
        return Markup(html)  # noqa: S704 - a rendered page body, escaped by Jinja
    out: list[str] = []
    open_elements: list[tuple[str, bool]] = []  # (name, already isolated or no markup)
    shielded = 0
    for index, part in enumerate(_TAG.split(str(html))):
        if index % 2 == 0:  # text between tags
            out.append(part if shielded or not part.strip() else _isolated(part))
            continue
        out.append(part)
        name_match = _TAG_NAME.match(part)
        if name_match is None:  # a comment or a doctype
            continue
        name = name_match.group(1).lower()
        if part.startswith("</"):
            while open_elements:
                open_name, shields = open_elements.pop()
                shielded -= shields
                if open_name == name:
                    break
        elif name not in _VOID and not part.endswith("/>"):
            shields = name in _NO_MARKUP_INSIDE or bool(_SAYS_ITS_LANGUAGE.search(part))
            open_elements.append((name, shields))
            shielded += shields
    return Markup("".join(out))  # noqa: S704 - the same body, tags added only

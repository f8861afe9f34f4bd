"""Survey definition files on disk: a YAML or JSON document and one .po file a language.

Plain Python (no Flask, no database): `read_survey(path)` returns a validated Definition
with the translations found beside it.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml
from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from surveyapp.surveys.definition import (
    Definition,
    DefinitionError,
    message_contexts,
    validate,
)

MAX_FILE_BYTES = 2 * 1024 * 1024


def parse_document(text: str, name: str = "survey") -> Any:
    """YAML or JSON text to a raw document; a syntax error becomes a DefinitionError."""
    try:
        if name.endswith(".json"):
            return json.loads(text)
        return yaml.safe_load(text)
    except (yaml.YAMLError, json.JSONDecodeError) as error:
        raise DefinitionError([f"{name}: not valid YAML or JSON ({error})"]) from error


def read_translation(po_text: str | bytes, definition: Definition, name: str,
                     strict: bool = True) -> dict[str, dict[str, str]]:
    """Translations from a .po file, keyed by msgctxt, for contexts the survey has.

    `strict` refuses messages the survey does not have (an upload with a typo); files
    kept beside a survey may still hold text of questions since removed, which is ignored.
    """
    raw = po_text.encode("utf-8") if isinstance(po_text, str) else po_text
    try:
        catalog = read_po(io.BytesIO(raw), abort_invalid=True)
    except Exception as error:  # babel raises several kinds for a malformed file
        raise DefinitionError([f"{name}: not a valid .po file ({error})"]) from error
    known = dict(message_contexts(definition))
    entries: dict[str, dict[str, str]] = {}
    problems = []
    for message in catalog:
        if not message.id:
            continue  # the header
        if message.pluralizable:
            problems.append(f"{name}: '{message.context}' must not have plural forms")
            continue
        if message.context not in known:
            if not strict:
                continue
            problems.append(f"{name}: unknown msgctxt '{message.context}'")
            continue
        if message.string and not message.fuzzy:
            entries[message.context] = {"source": str(message.id), "text": message.string}
    if problems:
        raise DefinitionError(problems)
    return entries


def read_survey(path: str | Path) -> Definition:
    """Read and validate a survey file with the `<locale>.po` files beside it."""
    path = Path(path)
    if path.stat().st_size > MAX_FILE_BYTES:
        raise DefinitionError([f"{path.name}: larger than {MAX_FILE_BYTES} bytes"])
    raw = parse_document(path.read_text(encoding="utf-8"), path.name)
    definition = validate(raw)
    translations = dict(definition.translations)
    for locale in definition.languages:
        po_path = path.parent / f"{locale}.po"
        if locale != "en" and po_path.exists():
            translations[locale] = read_translation(po_path.read_bytes(), definition,
                                                    po_path.name, strict=False)
    return replace(definition, translations=translations)


def write_translation(definition: Definition, locale: str, version: int | None = None,
                      reviewed: bool = False) -> bytes:
    """A .po file of the survey's text for one language, with what is translated so far.

    The header names the survey key and version and the language, and says the text
    needs review by a native speaker unless `reviewed`. A translation made from earlier
    English is kept, marked fuzzy, with that English as the previous msgid (`#| msgid`),
    so the translator sees what changed; fuzzy entries are not read back until she has
    checked them and removed the mark.
    """
    catalog = Catalog(locale=locale, project=definition.key,
                      version=str(version) if version is not None else "source",
                      fuzzy=False, header_comment="")
    done = definition.translations.get(locale, {})
    for context, english in message_contexts(definition):
        entry = done.get(context)
        current = entry is not None and entry["source"] == english
        if entry and not current and entry.get("text"):
            catalog.add(english, string=entry["text"], context=context, flags=("fuzzy",),
                        previous_id=entry["source"])
        else:
            catalog.add(english, string=entry["text"] if current else "", context=context)
    out = io.BytesIO()
    write_po(out, catalog, width=0, include_previous=True)
    # The comment is written here, not by babel, which would rewrite words in the title
    # such as PROJECT or VERSION.
    title = " ".join(definition.title.split())
    about = f"version {version} of " if version is not None else ""
    lines = [f"{title}: survey text in {_language_name(locale)} ({locale}), "
             f"{about}survey '{definition.key}'."]
    if not reviewed:
        lines.append("Draft translation: needs review by a native speaker before it is used.")
    lines += [
        "msgctxt says where each text is shown: survey.title, page.<key>.title,",
        "<question>.text, <question>.hint, <question>.option.<code>. Translate msgstr only.",
        "An entry marked fuzzy was translated from earlier English (the #| msgid line):",
        "check it against the new msgid, then delete its fuzzy line.",
    ]
    comment = "".join(f"# {line}\n" for line in lines).encode("utf-8")
    return comment + out.getvalue().lstrip(b"\n")


def _language_name(locale: str) -> str:
    try:
        return str(Locale.parse(locale).get_display_name("en"))
    except (ValueError, TypeError, UnknownLocaleError):
        return locale


# --- a translator's .po file, uploaded --------------------------------------------------

MAX_UPLOAD_BYTES = 1024 * 1024
_PO_STRING = r'"(?:[^"\\]|\\.)*"'
_PO_LINE = re.compile(
    rf"^(?:#.*|(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+{_PO_STRING}|{_PO_STRING})$")
_NPLURALS = re.compile(r"nplurals\s*=\s*(\d+)")


def po_problems(text: str, name: str) -> list[str]:
    """Syntax babel lets through: a line that is no keyword, string or comment (an
    unclosed quote, say), the same message twice, and a wrong number of plural forms."""
    problems: list[str] = []
    entries: list[dict[str, Any]] = []
    entry: dict[str, Any] = {}
    last = ""
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if not _PO_LINE.match(line):
            problems.append(f"{name}: line {number} is not .po syntax (an unclosed quote "
                            f"or a missing keyword?): {line[:60]}")
            continue
        keyword = line.split(None, 1)[0] if not line.startswith('"') else last
        if line.startswith('"'):
            entry[keyword] = entry.get(keyword, "") + line
            continue
        if keyword in ("msgctxt", "msgid") and (keyword in entry or any(
                k.startswith("msgstr") for k in entry)):
            entries.append(entry)
            entry = {}
        entry[keyword] = line.split(None, 1)[1]
        entry.setdefault("line", number)
        last = keyword
    if entry:
        entries.append(entry)
    if problems:
        return problems
    header = next((e for e in entries if e.get("msgid") == '""' and "msgctxt" not in e), {})
    found = _NPLURALS.search(header.get("msgstr", "").replace('""', ""))
    nplurals = int(found.group(1)) if found else None
    seen: set[tuple[str, str]] = set()
    for item in entries:
        where = f"{name}: line {item['line']}"
        pair = (item.get("msgctxt", ""), item.get("msgid", ""))
        if pair in seen:
            problems.append(f"{where}: this message (msgctxt {pair[0]}) is in the file twice")
        seen.add(pair)
        forms = [k for k in item if k.startswith("msgstr[")]
        if forms and nplurals is not None and len(forms) != nplurals:
            problems.append(f"{where}: {len(forms)} plural forms, but the header's "
                            f"Plural-Forms says nplurals={nplurals}")
    return problems


def read_translation_upload(data: bytes, definition: Definition, locale: str, name: str,
                            max_bytes: int = MAX_UPLOAD_BYTES) -> dict[str, dict[str, str]]:
    """A translator's .po file for `locale`, checked strictly: size, UTF-8, syntax, the
    Language header, plural forms, and messages the survey does not have. Raises
    DefinitionError with every problem; returns only entries with a (non-fuzzy)
    translation, keyed by msgctxt, each with the English it was made from."""
    if len(data) > max_bytes:
        raise DefinitionError([f"{name}: the file must be {max_bytes // 1024:,} KB or "
                               f"smaller. It is {len(data) // 1024:,} KB"])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DefinitionError([f"{name}: the file is not UTF-8 text (byte {error.start}). "
                               "Save it as UTF-8 and upload it again"]) from error
    problems = po_problems(text, name)
    if problems:
        raise DefinitionError(problems)
    try:
        catalog = read_po(io.BytesIO(text.encode("utf-8")), abort_invalid=True)
    except Exception as error:  # babel raises several kinds for a malformed file
        raise DefinitionError([f"{name}: not a valid .po file ({error})"]) from error
    language = (catalog.locale_identifier or "").replace("-", "_")
    if not language:
        raise DefinitionError([f"{name}: the header does not say which language the file "
                               f"is in: it needs the line \"Language: {locale}\\n\""])
    if not _same_language(language, locale):
        raise DefinitionError([f"{name}: the file is in {_language_name(language)} "
                               f"({language}), not {_language_name(locale)} ({locale})"])
    entries = read_translation(text.encode("utf-8"), definition, name, strict=True)
    if not entries:
        raise DefinitionError([f"{name}: the file has no translations to add: every msgstr "
                               "is empty or marked fuzzy"])
    return entries


def _same_language(language: str, locale: str) -> bool:
    """pl_PL is Polish (pl); pa (Gurmukhi) is not pa_Arab."""
    if language == locale:
        return True
    rest = language[len(locale) + 1:] if language.startswith(locale + "_") else ""
    return bool(re.fullmatch(r"[A-Z]{2}|\d{3}", rest))

"""Survey definition files on disk: a YAML or JSON document and one .po file a language.

Plain Python (no Flask, no database): `read_survey(path)` returns a validated Definition
with the translations found beside it.
"""

from __future__ import annotations

import io
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml
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


def write_translation(definition: Definition, locale: str) -> bytes:
    """A .po file of the survey's text for one language, with what is translated so far."""
    catalog = Catalog(locale=locale, project=definition.title,
                      header_comment=f"# {definition.title}: survey text in {locale}.")
    done = definition.translations.get(locale, {})
    for context, english in message_contexts(definition):
        entry = done.get(context)
        current = entry is not None and entry["source"] == english
        catalog.add(english, string=entry["text"] if current else "", context=context,
                    flags=("fuzzy",) if entry and not current else ())
    out = io.BytesIO()
    write_po(out, catalog, width=0)
    return out.getvalue()

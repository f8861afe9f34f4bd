"""Changing a survey's authoring document one small step at a time (the survey builder).

The builder edits the *authoring* form of a survey: what `validate()` reads, that is
`to_source()` plus the `translations` mapping. Every function here takes that document,
returns a changed copy and checks the copy with `validate()`; a change that would make
the survey invalid is refused with the problems (each naming the key it concerns), so a
stored draft is always a survey `validate()` accepts, apart from being unfinished:

A draft may be unfinished while someone builds it: no page yet, a page with no question
yet, a choice question with fewer than two options. `validate()` rightly refuses those
(nobody may publish them), so `check()` fills such gaps with placeholders for the length
of the check and takes them out of the result. `unfinished()` lists what is missing;
publishing runs `validate()` itself, which refuses an unfinished survey.

Keys that a published version used are what analysis joins answers on across versions.
`Locks` (built from the published versions) refuses renaming such a question, changing
its type, renaming its published option codes, and giving its key to a question of
another type.

Plain Python: no Flask, no database.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from surveyapp.surveys.definition import (
    COMMON_FIELDS,
    MAX_TEXT_LENGTH,
    TYPE_FIELDS,
    Definition,
    DefinitionError,
    Option,
    Question,
    message_contexts,
    to_source,
    validate,
)

# Keys and codes starting with this are the builder's own placeholders (see check()).
RESERVED_PREFIX = "builder_placeholder"
MAX_TRANSLATION_LENGTH = MAX_TEXT_LENGTH
UP, DOWN = "up", "down"


@dataclass(frozen=True)
class Problem:
    """Why a change was refused; `field` is the form field it concerns, if any."""

    field: str | None
    message: str


@dataclass(frozen=True)
class Result:
    """A changed authoring document and its definition, or the problems that stop it."""

    source: dict[str, Any] | None = None
    definition: Definition | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _refused(*problems: Problem) -> Result:
    return Result(problems=list(problems))


# --- keys that published versions fix --------------------------------------------------


@dataclass(frozen=True)
class LockedQuestion:
    type: str
    codes: frozenset[str]
    version: int


@dataclass(frozen=True)
class Locks:
    """Question keys (with their type and option codes) that published versions used."""

    questions: Mapping[str, LockedQuestion] = field(default_factory=dict)

    @classmethod
    def from_published(cls, published: Iterable[tuple[int, Definition]]) -> Locks:
        """`published`: (version number, definition) of every published version."""
        locked: dict[str, LockedQuestion] = {}
        for number, definition in sorted(published, key=lambda item: item[0]):
            for question in definition.questions:
                earlier = locked.get(question.key)
                codes = frozenset(o.code for o in question.options)
                if earlier is not None:
                    codes |= earlier.codes
                locked[question.key] = LockedQuestion(question.type, codes, number)
        return cls(locked)

    def get(self, key: str) -> LockedQuestion | None:
        return self.questions.get(key)

    def conflicts(self, definition: Definition) -> list[str]:
        """Questions of `definition` that reuse a published key for another type."""
        problems = []
        for question in definition.questions:
            locked = self.get(question.key)
            if locked is not None and locked.type != question.type:
                problems.append(_type_conflict(question.key, locked))
        return problems


def _type_conflict(key: str, locked: LockedQuestion) -> str:
    return (f"question '{key}': version {locked.version} asked '{key}' as a {locked.type} "
            "question, and analysis joins answers on the key across versions, so the type "
            "cannot change. Add a new question with a new key instead")


def reserved_problems(definition: Definition) -> list[str]:
    """Keys a file may not use because the builder keeps them for itself."""
    problems = []
    for page in definition.pages:
        if page.key.startswith(RESERVED_PREFIX):
            problems.append(f"page '{page.key}': keys starting with '{RESERVED_PREFIX}' "
                            "are kept for the builder")
        for question in page.questions:
            if question.key.startswith(RESERVED_PREFIX):
                problems.append(f"question '{question.key}': keys starting with "
                                f"'{RESERVED_PREFIX}' are kept for the builder")
            problems.extend(
                f"question '{question.key}': option code '{o.code}' starts with "
                f"'{RESERVED_PREFIX}', which is kept for the builder"
                for o in question.options if o.code.startswith(RESERVED_PREFIX))
    return problems


# --- between definitions and authoring documents ---------------------------------------


def authoring_source(definition: Definition) -> dict[str, Any]:
    """The authoring document of a (possibly unfinished) definition, with translations."""
    # to_source cannot say which scale a rating question with no options has, because it
    # has none yet: give it a stub option for the conversion and take it out again.
    stub = Option(f"{RESERVED_PREFIX}_stub", "-")
    pages = tuple(
        replace(page, questions=tuple(
            replace(q, options=(stub,)) if q.type == "rating" and not q.options else q
            for q in page.questions))
        for page in definition.pages
    )
    source = to_source(replace(definition, pages=pages))
    for page in source["pages"]:
        for question in page.get("questions", []):
            if "options" in question:
                question["options"] = [o for o in question["options"]
                                       if o["code"] != stub.code]
    source["translations"] = copy.deepcopy({k: dict(v) for k, v in
                                            definition.translations.items()})
    return source


def check(source: Mapping[str, Any]) -> tuple[Definition | None, list[str]]:
    """Validate an authoring document that may be unfinished (see the module docstring).

    Returns the definition (placeholders removed, translations of text the survey no
    longer has dropped) or None and the problems `validate()` found.
    """
    try:
        definition = validate(_padded(source))
    except DefinitionError as error:
        return None, error.problems
    return _without_placeholders(definition), []


def _placeholder_question(name: str) -> dict[str, Any]:
    return {"key": f"{RESERVED_PREFIX}_{name}", "type": "text", "text": "-"}


def needs_own_options(question: Mapping[str, Any]) -> bool:
    """An authoring question whose answers are its own `options` (not a scale, not yes/no)."""
    qtype = question.get("type")
    return qtype in ("single", "multiple") or (qtype == "rating" and "scale" not in question)


def _padded(source: Mapping[str, Any]) -> dict[str, Any]:
    doc = copy.deepcopy(dict(source))
    pages = doc.get("pages")
    if pages is None or pages == []:
        doc["pages"] = [{"key": RESERVED_PREFIX, "title": "-",
                         "questions": [_placeholder_question("page")]}]
        return doc
    if not isinstance(pages, list):
        return doc
    for index, page in enumerate(pages):
        if not isinstance(page, dict) or "demographics" in page:
            continue
        if page.get("questions") in (None, []):
            page["questions"] = [_placeholder_question(str(index))]
        questions = page["questions"]
        if not isinstance(questions, list):
            continue
        for question in questions:
            if not isinstance(question, dict) or not needs_own_options(question):
                continue
            options = question.get("options", [])
            if isinstance(options, list) and len(options) < 2:
                question["options"] = options + [
                    {"code": f"{RESERVED_PREFIX}_{n}", "label": "-"}
                    for n in range(2 - len(options))]
    return doc


def _without_placeholders(definition: Definition) -> Definition:
    pages = tuple(
        replace(page, questions=tuple(
            replace(q, options=tuple(o for o in q.options
                                     if not o.code.startswith(RESERVED_PREFIX)))
            for q in page.questions if not q.key.startswith(RESERVED_PREFIX)))
        for page in definition.pages if not page.key.startswith(RESERVED_PREFIX)
    )
    definition = replace(definition, pages=pages)
    known = {context for context, _english in message_contexts(definition)}
    translations = {locale: {c: dict(e) for c, e in entries.items() if c in known}
                    for locale, entries in definition.translations.items()}
    return replace(definition, translations=translations)


def unfinished(definition: Definition) -> list[str]:
    """What a draft still needs before it can be published."""
    if not definition.pages:
        return ["survey: add at least one page"]
    missing = []
    for page in definition.pages:
        if not page.questions:
            missing.append(f"page '{page.key}': add at least one question")
        missing.extend(f"question '{question.key}': add at least two options"
                       for question in page.questions if lacks_options(question))
    return missing


def lacks_options(question: Question) -> bool:
    """A choice question with answers of its own, but fewer than two of them yet."""
    own = question.type in ("single", "multiple") or (
        question.type == "rating" and not any(o.catalog for o in question.options))
    return own and len(question.options) < 2


# --- finding things in an authoring document -------------------------------------------


def _pages(source: Mapping[str, Any]) -> list[dict[str, Any]]:
    return source.setdefault("pages", [])  # type: ignore[attr-defined,no-any-return]


def _page_index(source: Mapping[str, Any], key: str) -> int | None:
    return next((i for i, p in enumerate(_pages(source)) if p.get("key") == key), None)


def find_question(source: Mapping[str, Any], key: str) -> tuple[int, int] | None:
    """(page index, question index) of a question, or None."""
    for pindex, page in enumerate(_pages(source)):
        for qindex, question in enumerate(page.get("questions", [])):
            if question.get("key") == key:
                return pindex, qindex
    return None


def _question(source: Mapping[str, Any], key: str) -> dict[str, Any] | None:
    found = find_question(source, key)
    if found is None:
        return None
    return _pages(source)[found[0]]["questions"][found[1]]  # type: ignore[no-any-return]


def _all_conditions(source: Mapping[str, Any]) -> Iterable[dict[str, Any]]:
    for page in _pages(source):
        if isinstance(page.get("condition"), dict):
            yield page["condition"]
        for question in page.get("questions", []):
            if isinstance(question.get("condition"), dict):
                yield question["condition"]


# --- turning validate()'s problems into problems with form fields ----------------------

# (words in the problem, form field): the first match names the field.
QUESTION_FIELDS = [
    ("condition uses codes", "condition_codes"), ("any_of", "condition_codes"),
    ("yes/no as true/false", "condition_codes"), ("condition", "condition_question"),
    ("'min'", "minimum"), ("'max_length'", "max_length"), ("'max'", "maximum"),
    ("'text'", "text"), ("'hint'", "hint"), ("scale", "scale"), ("'options'", None),
    ("key", "key"), ("type", "type"),
]
PAGE_FIELDS = [
    ("condition uses codes", "condition_codes"), ("any_of", "condition_codes"),
    ("yes/no as true/false", "condition_codes"), ("condition", "condition_question"),
    ("'title'", "title"), ("'intro'", "intro"), ("demographic", "demographics"),
    ("asked twice", "demographics"), ("needs '", "demographics"), ("key", "key"),
]
SURVEY_FIELDS = [("'title'", "title"), ("'introduction'", "introduction"),
                 ("language", "languages"), ("'languages'", "languages")]
OPTION_FIELDS = [("code", "code"), ("'label'", "label")]


def _problems(messages: Iterable[str], subjects: Iterable[str],
              fields: list[tuple[str, str | None]]) -> list[Problem]:
    subjects = [s for s in subjects if s]
    problems = []
    for message in messages:
        name = None
        subject = next((s for s in subjects if message.startswith(s)), None)
        if subject is not None:
            rest = message[len(subject):]
            name = next((f for words, f in fields if words in rest), None)
        problems.append(Problem(name, message))
    return problems


def _finish(source: dict[str, Any], subjects: Iterable[str],
            fields: list[tuple[str, str | None]]) -> Result:
    definition, messages = check(source)
    if definition is None:
        return _refused(*_problems(messages, subjects, fields))
    return Result(source=authoring_source(definition), definition=definition)


def _reserved(value: str | None, name: str) -> list[Problem]:
    if value and value.startswith(RESERVED_PREFIX):
        return [Problem(name, f"Keys starting with '{RESERVED_PREFIX}' are kept for the "
                              "builder: choose another")]
    return []


# --- the survey ------------------------------------------------------------------------


def new_source(key: str, title: str, introduction: str,
               languages: Iterable[str]) -> dict[str, Any]:
    """The authoring document of a new survey: no pages yet."""
    return {"format": 1, "key": key, "title": title, "introduction": introduction,
            "languages": _languages(languages), "pages": [], "translations": {}}


def _languages(languages: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(languages))
    return ["en", *[lang for lang in chosen if lang != "en"]]


def create_survey(key: str, title: str, introduction: str,
                  languages: Iterable[str]) -> Result:
    source = new_source(key, title, introduction, languages)
    return _finish(source, ["survey"], [("'key'", "key"), *SURVEY_FIELDS])


def update_survey(source: Mapping[str, Any], title: str, introduction: str,
                  languages: Iterable[str]) -> Result:
    doc = copy.deepcopy(dict(source))
    doc.update(title=title, introduction=introduction, languages=_languages(languages))
    return _finish(doc, ["survey"], SURVEY_FIELDS)


# --- pages -----------------------------------------------------------------------------


def _condition(question: str | None, codes: Iterable[str] | None) -> dict[str, Any] | None:
    if not question:
        return None
    return {"question": question, "any_of": [str(c) for c in (codes or [])]}


def parse_codes(text: str | None) -> list[str]:
    """Codes typed as a list: "yes, dont_know" or one a line."""
    return [c for c in re.split(r"[\s,;]+", text or "") if c]


def _page_doc(key: str, title: str, intro: str | None, condition: dict[str, Any] | None,
              demographics: list[str] | None, questions: list[Any] | None) -> dict[str, Any]:
    doc: dict[str, Any] = {"key": key, "title": title}
    if intro:
        doc["intro"] = intro
    if condition:
        doc["condition"] = condition
    if demographics is not None:
        doc["demographics"] = list(demographics)
    else:
        doc["questions"] = list(questions or [])
    return doc


def _condition_problems(question: str | None, codes: list[str] | None) -> list[Problem]:
    if question and not codes:
        return [Problem("condition_codes", "Enter the codes of the answers that show this, "
                                           "like yes")]
    if codes and not question:
        return [Problem("condition_question", "Select the question the condition looks at")]
    return []


def add_page(source: Mapping[str, Any], key: str, title: str, intro: str | None = None,
             condition_question: str | None = None, condition_codes: list[str] | None = None,
             demographics: list[str] | None = None) -> Result:
    """Add a page at the end (a page of harmonised questions if `demographics` is given)."""
    early = _reserved(key, "key") + _condition_problems(condition_question, condition_codes)
    if demographics is not None and not demographics:
        early.append(Problem("demographics", "Select at least one question"))
    if _page_index(source, key) is not None:
        early.append(Problem("key", f"page '{key}': another page has this key"))
    if early:
        return _refused(*early)
    doc = copy.deepcopy(dict(source))
    _pages(doc).append(_page_doc(key, title, intro,
                                 _condition(condition_question, condition_codes),
                                 demographics, []))
    return _finish(doc, [f"page '{key}'", f"pages[{len(_pages(doc)) - 1}]"], PAGE_FIELDS)


def edit_page(source: Mapping[str, Any], page_key: str, key: str, title: str,
              intro: str | None = None, condition_question: str | None = None,
              condition_codes: list[str] | None = None,
              demographics: list[str] | None = None) -> Result:
    """Change a page's key, title, intro and condition (and its harmonised questions)."""
    index = _page_index(source, page_key)
    if index is None:
        return _refused(Problem(None, f"page '{page_key}': there is no such page"))
    early = _reserved(key, "key") + _condition_problems(condition_question, condition_codes)
    other = _page_index(source, key)
    if other is not None and other != index:
        early.append(Problem("key", f"page '{key}': another page has this key"))
    old = _pages(source)[index]
    if demographics is not None and "demographics" not in old:
        early.append(Problem("demographics", "This page asks the survey's own questions"))
    if demographics is not None and not demographics:
        early.append(Problem("demographics", "Select at least one question"))
    if early:
        return _refused(*early)
    doc = copy.deepcopy(dict(source))
    if "demographics" in old and demographics is None:
        demographics = list(old["demographics"])
    _pages(doc)[index] = _page_doc(key, title, intro,
                                   _condition(condition_question, condition_codes),
                                   demographics, old.get("questions"))
    if key != page_key:
        _rename_page_text(doc, page_key, key)
    return _finish(doc, [f"page '{key}'", f"pages[{index}]"], PAGE_FIELDS)


def _rename_page_text(doc: dict[str, Any], old: str, new: str) -> None:
    for entries in doc.get("translations", {}).values():
        for part in ("title", "intro"):
            if f"page.{old}.{part}" in entries:
                entries[f"page.{new}.{part}"] = entries.pop(f"page.{old}.{part}")


def move_page(source: Mapping[str, Any], page_key: str, direction: str) -> Result:
    index = _page_index(source, page_key)
    if index is None:
        return _refused(Problem(None, f"page '{page_key}': there is no such page"))
    target = index - 1 if direction == UP else index + 1
    if not 0 <= target < len(_pages(source)):
        return _refused(Problem(None, f"page '{page_key}' is already the "
                                      f"{'first' if direction == UP else 'last'} page"))
    doc = copy.deepcopy(dict(source))
    pages = _pages(doc)
    pages[index], pages[target] = pages[target], pages[index]
    return _finish(doc, [f"page '{page_key}'"], PAGE_FIELDS)


def delete_page(source: Mapping[str, Any], page_key: str) -> Result:
    index = _page_index(source, page_key)
    if index is None:
        return _refused(Problem(None, f"page '{page_key}': there is no such page"))
    doc = copy.deepcopy(dict(source))
    del _pages(doc)[index]
    return _finish(doc, [], [])


# --- questions -------------------------------------------------------------------------


def question_doc(fields: Mapping[str, Any],
                 options: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """An authoring question from form values; only the fields its type has are kept.

    `fields` may hold: key, type, text, hint, required, scale, dont_know, max_length, min,
    max, integer, condition_question, condition_codes.
    """
    qtype = fields.get("type")
    doc: dict[str, Any] = {"key": fields.get("key"), "type": qtype, "text": fields.get("text")}
    if fields.get("hint"):
        doc["hint"] = fields["hint"]
    if fields.get("why"):
        doc["why"] = fields["why"]
    if fields.get("required"):
        doc["required"] = True
    condition = _condition(fields.get("condition_question"), fields.get("condition_codes"))
    if condition:
        doc["condition"] = condition
    allowed = TYPE_FIELDS.get(str(qtype), ())
    if qtype == "rating" and fields.get("scale"):
        doc["scale"] = fields["scale"]
    elif "options" in allowed:
        doc["options"] = copy.deepcopy(options or [])
    if qtype == "yesno" and fields.get("dont_know"):
        doc["dont_know"] = True
    if qtype == "text":
        if fields.get("max_length") is not None:
            doc["max_length"] = fields["max_length"]
        if fields.get("pattern"):
            doc["pattern"] = fields["pattern"]
    if qtype == "number":
        for name in ("min", "max"):
            if fields.get(name) is not None:
                doc[name] = fields[name]
        if fields.get("integer") is False:
            doc["integer"] = False
    assert set(doc) <= set(COMMON_FIELDS) | set(allowed)
    return doc


def _question_subjects(doc: Mapping[str, Any], key: str) -> list[str]:
    found = find_question(doc, key)
    subjects = [f"question '{key}'"]
    if found is not None:
        page_key = _pages(doc)[found[0]].get("key")
        subjects.append(f"page '{page_key}'.questions[{found[1]}]")
    return subjects


def _lock_problems(locks: Locks, old_key: str | None,
                   fields: Mapping[str, Any]) -> list[Problem]:
    """Published keys: no renaming, no change of type, no reuse for another type."""
    problems = []
    key = str(fields.get("key") or "")
    if old_key is not None and key != old_key and locks.get(old_key) is not None:
        problems.append(Problem("key", f"question '{old_key}': a published version uses "
                                       "this key, and analysis joins answers on it across "
                                       "versions, so it cannot be renamed"))
    locked = locks.get(key)
    if locked is not None and locked.type != fields.get("type"):
        problems.append(Problem("type" if old_key == key else "key",
                                _type_conflict(key, locked)))
    return problems


def add_question(source: Mapping[str, Any], page_key: str, fields: Mapping[str, Any],
                 locks: Locks | None = None) -> Result:
    """Add a question at the end of a page. Choice questions start with no options."""
    index = _page_index(source, page_key)
    if index is None:
        return _refused(Problem(None, f"page '{page_key}': there is no such page"))
    page = _pages(source)[index]
    if "demographics" in page:
        return _refused(Problem(None, f"page '{page_key}' asks the harmonised questions "
                                      "only: add the question to another page"))
    key = str(fields.get("key") or "")
    early = _reserved(key, "key") + _lock_problems(locks or Locks(), None, fields)
    early += _condition_problems(fields.get("condition_question"),
                                 fields.get("condition_codes"))
    if find_question(source, key) is not None:
        early.append(Problem("key", f"question '{key}': another question has this key"))
    if early:
        return _refused(*early)
    doc = copy.deepcopy(dict(source))
    _pages(doc)[index].setdefault("questions", []).append(question_doc(fields))
    return _finish(doc, _question_subjects(doc, key), QUESTION_FIELDS)


def edit_question(source: Mapping[str, Any], question_key: str, fields: Mapping[str, Any],
                  locks: Locks | None = None) -> Result:
    """Change a question. Its options stay while its type still has own options."""
    found = find_question(source, question_key)
    if found is None:
        return _refused(Problem(None, f"question '{question_key}': there is no such question"))
    old = _pages(source)[found[0]]["questions"][found[1]]
    key = str(fields.get("key") or "")
    early = _reserved(key, "key") + _lock_problems(locks or Locks(), question_key, fields)
    early += _condition_problems(fields.get("condition_question"),
                                 fields.get("condition_codes"))
    other = find_question(source, key)
    if other is not None and other != found:
        early.append(Problem("key", f"question '{key}': another question has this key"))
    if early:
        return _refused(*early)
    doc = copy.deepcopy(dict(source))
    options = old.get("options") if "scale" not in old else None
    # What the builder has no field for (a file may have it) stays as it was.
    kept = {name: old[name] for name in ("why", "pattern") if name in old and name not in fields}
    _pages(doc)[found[0]]["questions"][found[1]] = question_doc({**kept, **fields}, options)
    if key != question_key:
        _rename_question_refs(doc, question_key, key, [o.get("code") for o in options or []])
    return _finish(doc, _question_subjects(doc, key), QUESTION_FIELDS)


def _rename_question_refs(doc: dict[str, Any], old: str, new: str, codes: list[Any]) -> None:
    for condition in _all_conditions(doc):
        if condition.get("question") == old:
            condition["question"] = new
    names = {f"{old}.text": f"{new}.text", f"{old}.hint": f"{new}.hint"}
    names.update({f"{old}.option.{c}": f"{new}.option.{c}" for c in codes})
    for locale, entries in doc.get("translations", {}).items():
        doc["translations"][locale] = {names.get(c, c): e for c, e in entries.items()}


def move_question(source: Mapping[str, Any], question_key: str, direction: str) -> Result:
    """Move a question up or down on its page."""
    found = find_question(source, question_key)
    if found is None:
        return _refused(Problem(None, f"question '{question_key}': there is no such question"))
    pindex, qindex = found
    target = qindex - 1 if direction == UP else qindex + 1
    doc = copy.deepcopy(dict(source))
    questions = _pages(doc)[pindex]["questions"]
    if not 0 <= target < len(questions):
        return _refused(Problem(None, f"question '{question_key}' is already the "
                                      f"{'first' if direction == UP else 'last'} on its page"))
    questions[qindex], questions[target] = questions[target], questions[qindex]
    return _finish(doc, [f"question '{question_key}'"], QUESTION_FIELDS)


def delete_question(source: Mapping[str, Any], question_key: str) -> Result:
    found = find_question(source, question_key)
    if found is None:
        return _refused(Problem(None, f"question '{question_key}': there is no such question"))
    doc = copy.deepcopy(dict(source))
    del _pages(doc)[found[0]]["questions"][found[1]]
    return _finish(doc, [], [])


# --- options ---------------------------------------------------------------------------


def code_from_label(label: str, taken: Iterable[str] = ()) -> str:
    """A code made from an English label: "Yes, definitely" -> yes_definitely."""
    ascii_label = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    code = re.sub(r"[^a-z0-9]+", "_", ascii_label.lower()).strip("_")[:40] or "option"
    taken = set(taken)
    candidate, n = code, 2
    while candidate in taken:
        candidate, n = f"{code}_{n}", n + 1
    return candidate


def _own_options(source: Mapping[str, Any], question_key: str) -> tuple[
        dict[str, Any] | None, Problem | None]:
    question = _question(source, question_key)
    if question is None:
        return None, Problem(None, f"question '{question_key}': there is no such question")
    if not needs_own_options(question):
        return None, Problem(None, f"question '{question_key}' has no options of its own")
    return question, None


def _option_doc(code: str, label: str, exclusive: bool) -> dict[str, Any]:
    doc: dict[str, Any] = {"code": code, "label": label}
    if exclusive:
        doc["exclusive"] = True
    return doc


def _option_subjects(question_key: str, index: int) -> list[str]:
    return [f"question '{question_key}'.options[{index}]"]


def add_option(source: Mapping[str, Any], question_key: str, code: str | None, label: str,
               exclusive: bool = False) -> Result:
    """Add an option at the end; without a code, one is made from the label."""
    question, problem = _own_options(source, question_key)
    if problem is not None:
        return _refused(problem)
    assert question is not None
    codes = [o.get("code") for o in question.get("options", [])]
    code = code or code_from_label(label, codes)
    if code in codes:
        return _refused(Problem("code", f"question '{question_key}': another option has "
                                        f"the code '{code}'"))
    early = _reserved(code, "code")
    if early:
        return _refused(*early)
    doc = copy.deepcopy(dict(source))
    options = _question(doc, question_key).setdefault("options", [])  # type: ignore[union-attr]
    options.append(_option_doc(code, label, exclusive))
    return _finish(doc, _option_subjects(question_key, len(options) - 1), OPTION_FIELDS)


def edit_option(source: Mapping[str, Any], question_key: str, old_code: str, code: str,
                label: str, exclusive: bool = False, locks: Locks | None = None) -> Result:
    question, problem = _own_options(source, question_key)
    if problem is not None:
        return _refused(problem)
    assert question is not None
    codes = [o.get("code") for o in question.get("options", [])]
    if old_code not in codes:
        return _refused(Problem(None, f"question '{question_key}': there is no option "
                                      f"'{old_code}'"))
    early = _reserved(code, "code")
    locked = (locks or Locks()).get(question_key)
    if code != old_code and locked is not None and old_code in locked.codes:
        early.append(Problem("code", f"question '{question_key}': option code '{old_code}' "
                                     "is used by a published version, and analysis joins "
                                     "answers on it, so it cannot be renamed"))
    if code != old_code and code in codes:
        early.append(Problem("code", f"question '{question_key}': another option has the "
                                     f"code '{code}'"))
    if early:
        return _refused(*early)
    doc = copy.deepcopy(dict(source))
    options = _question(doc, question_key)["options"]  # type: ignore[index]
    index = codes.index(old_code)
    options[index] = _option_doc(code, label, exclusive)
    if code != old_code:
        for condition in _all_conditions(doc):
            if condition.get("question") == question_key:
                condition["any_of"] = [code if c == old_code else c
                                       for c in condition.get("any_of", [])]
        old_context, new_context = (f"{question_key}.option.{old_code}",
                                    f"{question_key}.option.{code}")
        for locale, entries in doc.get("translations", {}).items():
            doc["translations"][locale] = {new_context if c == old_context else c: e
                                           for c, e in entries.items()}
    return _finish(doc, _option_subjects(question_key, index), OPTION_FIELDS)


def move_option(source: Mapping[str, Any], question_key: str, code: str,
                direction: str) -> Result:
    question, problem = _own_options(source, question_key)
    if problem is not None:
        return _refused(problem)
    assert question is not None
    codes = [o.get("code") for o in question.get("options", [])]
    if code not in codes:
        return _refused(Problem(None, f"question '{question_key}': there is no option "
                                      f"'{code}'"))
    index = codes.index(code)
    target = index - 1 if direction == UP else index + 1
    if not 0 <= target < len(codes):
        return _refused(Problem(None, f"option '{code}' is already the "
                                      f"{'first' if direction == UP else 'last'}"))
    doc = copy.deepcopy(dict(source))
    options = _question(doc, question_key)["options"]  # type: ignore[index]
    options[index], options[target] = options[target], options[index]
    return _finish(doc, [f"question '{question_key}'"], OPTION_FIELDS)


def delete_option(source: Mapping[str, Any], question_key: str, code: str) -> Result:
    question, problem = _own_options(source, question_key)
    if problem is not None:
        return _refused(problem)
    assert question is not None
    codes = [o.get("code") for o in question.get("options", [])]
    if code not in codes:
        return _refused(Problem(None, f"question '{question_key}': there is no option "
                                      f"'{code}'"))
    doc = copy.deepcopy(dict(source))
    del _question(doc, question_key)["options"][codes.index(code)]  # type: ignore[index]
    return _finish(doc, [], [])


# --- translations ----------------------------------------------------------------------


def clean_translation(text: str | None) -> str:
    """Line endings made plain and surrounding space removed; the text is kept as typed
    otherwise (markup included: it is escaped wherever it is shown)."""
    if text is None:
        return ""
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def set_translations(source: Mapping[str, Any], locale: str,
                     entries: Mapping[str, dict[str, str] | None]) -> Result:
    """Set (or, with None, remove) translations of one language, keyed by context.

    Each entry is {"source": the English it translates, "text": the translation}.
    """
    languages = list(source.get("languages", []))
    if locale == "en" or locale not in languages:
        return _refused(Problem(None, f"'{locale}' is not one of this survey's translated "
                                      "languages"))
    definition, messages = check(source)
    if definition is None:
        return _refused(*_problems(messages, [], []))
    known = dict(message_contexts(definition))
    problems = []
    for context, entry in entries.items():
        if context not in known:
            problems.append(Problem(context, f"'{context}': the survey has no such text"))
        elif entry is not None and len(entry["text"]) > MAX_TRANSLATION_LENGTH:
            problems.append(Problem(context, f"'{context}': the translation must be "
                                             f"{MAX_TRANSLATION_LENGTH:,} characters or "
                                             f"fewer. It is {len(entry['text']):,} now"))
    if problems:
        return _refused(*problems)
    doc = copy.deepcopy(dict(source))
    current = doc.setdefault("translations", {}).setdefault(locale, {})
    for context, entry in entries.items():
        if entry is None or not entry.get("text"):
            current.pop(context, None)
        else:
            current[context] = {"source": str(entry["source"]), "text": str(entry["text"])}
    return _finish(doc, [], [])

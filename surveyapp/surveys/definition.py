"""The survey definition format: parse, validate, and read a definition.

A definition is a YAML (or JSON) document; `docs/survey-format.md` describes it for the
people who write one. `validate()` turns the raw document into the normalised form stored
in `SurveyVersion.definition`; every problem is reported with the key it concerns, all at
once, so an author can fix a file in one go.

Plain Python: no Flask, no database. The harmonised "about you" questions come from
surveyapp.demographics and are translated by the app catalogs; everything else is
translated by the survey's own .po files (see surveyapp.surveys.translations).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from surveyapp import demographics

FORMAT_VERSION = 1
QUESTION_TYPES = ("single", "multiple", "rating", "yesno", "text", "number")
CHOICE_TYPES = ("single", "multiple", "rating", "yesno")
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_]{0,62}$")
LOCALE_PATTERN = re.compile(r"^[a-z]{2,3}(_[A-Z][a-z]{3})?(_[A-Z]{2})?$")
MAX_TEXT_LENGTH = 5000
TEXT_PATTERNS = ("postcode_district",)


def N_(message: str) -> str:
    """Mark a string for the app catalogs without translating it here."""
    return message


# Built-in option sets. Their labels are translated by the app catalogs.
SCALES: dict[str, list[dict[str, Any]]] = {
    # The NHS Friends and Family Test scale, with NHS England's codes 1 (very good) to
    # 5 (very poor) and 6 for "don't know".
    "fft": [
        {"code": "1", "label": N_("Very good")},
        {"code": "2", "label": N_("Good")},
        {"code": "3", "label": N_("Neither good nor poor")},
        {"code": "4", "label": N_("Poor")},
        {"code": "5", "label": N_("Very poor")},
        {"code": "6", "label": N_("Don't know")},
    ],
    "agreement": [
        {"code": "yes_definitely", "label": N_("Yes, definitely")},
        {"code": "yes_to_some_extent", "label": N_("Yes, to some extent")},
        {"code": "no", "label": N_("No")},
        {"code": "dont_know", "label": N_("I don't know or can't remember")},
    ],
}
YES_NO = [{"code": "yes", "label": N_("Yes")}, {"code": "no", "label": N_("No")}]
DONT_KNOW = {"code": "dont_know", "label": N_("I don't know or can't remember")}


class DefinitionError(ValueError):
    """A definition that cannot be used; `problems` lists every problem found."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class Option:
    code: str
    label: str
    exclusive: bool = False
    group: str | None = None
    catalog: bool = False  # label comes from the app catalogs, not the survey's


@dataclass(frozen=True)
class Condition:
    """Show only if the answer to an earlier question is one of `any_of`."""

    question: str
    any_of: tuple[str, ...]

    def holds(self, answers: Mapping[str, Any]) -> bool:
        given = answers.get(self.question)
        if given is None:
            return False
        chosen = given if isinstance(given, list) else [given]
        return any(str(code) in self.any_of for code in chosen)


@dataclass(frozen=True)
class Question:
    key: str
    type: str
    text: str
    hint: str | None = None
    why: str | None = None
    required: bool = False
    options: tuple[Option, ...] = ()
    condition: Condition | None = None
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = True
    max_length: int = MAX_TEXT_LENGTH
    pattern: str | None = None
    catalog: bool = False  # text comes from the app catalogs (harmonised demographics)

    @property
    def is_choice(self) -> bool:
        return self.type in CHOICE_TYPES

    def option(self, code: str) -> Option | None:
        return next((o for o in self.options if o.code == code), None)

    def is_shown(self, answers: Mapping[str, Any]) -> bool:
        return self.condition is None or self.condition.holds(answers)


@dataclass(frozen=True)
class Page:
    key: str
    title: str
    intro: str | None
    questions: tuple[Question, ...]
    condition: Condition | None = None

    def is_shown(self, answers: Mapping[str, Any]) -> bool:
        if self.condition is not None and not self.condition.holds(answers):
            return False
        return any(q.is_shown(answers) for q in self.questions)


@dataclass(frozen=True)
class Definition:
    key: str
    title: str
    introduction: str
    languages: tuple[str, ...]
    pages: tuple[Page, ...]
    translations: Mapping[str, Mapping[str, Mapping[str, str]]] = field(default_factory=dict)

    @property
    def questions(self) -> list[Question]:
        return [q for page in self.pages for q in page.questions]

    def question(self, key: str) -> Question | None:
        return next((q for q in self.questions if q.key == key), None)

    def page(self, key: str) -> Page | None:
        return next((p for p in self.pages if p.key == key), None)

    def visible_pages(self, answers: Mapping[str, Any]) -> list[Page]:
        return [p for p in self.pages if p.is_shown(answers)]

    def visible_answers(self, answers: Mapping[str, Any]) -> dict[str, Any]:
        """Keep only answers to questions still shown, in survey order.

        Skip logic can hide a page after she changes an earlier answer; what she wrote on
        the hidden page is then not part of her response.
        """
        kept: dict[str, Any] = {}
        for page in self.pages:
            if page.condition is not None and not page.condition.holds(kept):
                continue
            for question in page.questions:
                if question.key in answers and question.is_shown(kept):
                    kept[question.key] = answers[question.key]
        return kept

    def text(self, context: str, english: str, locale: str) -> str:
        """The survey's own text in `locale`, or English when there is no up-to-date one.

        A translation records the English it was made from; if the English has changed
        since, the translation is out of date and English is shown instead.
        """
        entry = self.translations.get(locale, {}).get(context)
        if entry and entry.get("source") == english and entry.get("text"):
            return entry["text"]
        return english


def message_contexts(definition: Definition) -> list[tuple[str, str]]:
    """Every (context, English) pair the survey itself must translate, in survey order."""
    pairs = [("survey.title", definition.title), ("survey.introduction", definition.introduction)]
    for page in definition.pages:
        pairs.append((f"page.{page.key}.title", page.title))
        if page.intro:
            pairs.append((f"page.{page.key}.intro", page.intro))
        for question in page.questions:
            if question.catalog:
                continue
            pairs.append((f"{question.key}.text", question.text))
            if question.hint:
                pairs.append((f"{question.key}.hint", question.hint))
            pairs.extend(
                (f"{question.key}.option.{option.code}", option.label)
                for option in question.options
                if not option.catalog
            )
    return pairs


# --- validation -----------------------------------------------------------------------


class _Problems:
    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{where}: {message}")


def _text(raw: Mapping[str, Any], name: str, where: str, problems: _Problems,
          required: bool = True) -> str | None:
    value = raw.get(name)
    if value is None:
        if required:
            problems.add(where, f"'{name}' is missing")
        return None
    if not isinstance(value, str) or not value.strip():
        problems.add(where, f"'{name}' must be non-empty text")
        return None
    return value.strip()


def _known_fields(raw: Mapping[str, Any], allowed: Iterable[str], where: str,
                  problems: _Problems) -> None:
    for name in raw:
        if name not in allowed:
            problems.add(where, f"unknown field '{name}'")


def _condition(raw: Any, where: str, earlier: Mapping[str, Question],
               problems: _Problems) -> Condition | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping) or set(raw) != {"question", "any_of"}:
        problems.add(where, "'condition' must have exactly 'question' and 'any_of'")
        return None
    target = raw["question"]
    codes = raw["any_of"]
    if not isinstance(codes, list) or not codes:
        problems.add(where, "'condition.any_of' must be a non-empty list of option codes")
        return None
    if any(isinstance(c, bool) for c in codes):
        problems.add(where, "YAML reads yes/no as true/false: put codes in quotes, "
                            "like any_of: [\"yes\"]")
        return None
    codes = [str(c) for c in codes]
    question = earlier.get(target)
    if question is None:
        problems.add(where, f"condition refers to '{target}', which is not a question asked "
                            "before this one")
        return None
    if not question.is_choice:
        problems.add(where, f"condition refers to '{target}', which is not a choice question")
        return None
    unknown = [c for c in codes if question.option(c) is None]
    if unknown:
        problems.add(where, f"condition uses codes {unknown} that '{target}' does not have")
        return None
    return Condition(question=target, any_of=tuple(codes))


def _options(raw: Mapping[str, Any], qtype: str, where: str,
             problems: _Problems) -> tuple[Option, ...]:
    if qtype == "yesno":
        options = [Option(o["code"], o["label"], catalog=True) for o in YES_NO]
        if raw.get("dont_know"):
            options.append(Option(DONT_KNOW["code"], DONT_KNOW["label"], catalog=True))
        return tuple(options)
    scale = raw.get("scale")
    if qtype == "rating" and scale is not None:
        if scale not in SCALES:
            problems.add(where, f"unknown scale '{scale}' (known: {', '.join(SCALES)})")
            return ()
        if "options" in raw:
            problems.add(where, "give either 'scale' or 'options', not both")
        return tuple(Option(o["code"], o["label"], catalog=True) for o in SCALES[scale])
    items = raw.get("options")
    if qtype not in CHOICE_TYPES:
        if items is not None:
            problems.add(where, f"a {qtype} question has no options")
        return ()
    if not isinstance(items, list) or len(items) < 2:
        problems.add(where, "'options' must list at least two options")
        return ()
    options: list[Option] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        owhere = f"{where}.options[{index}]"
        if not isinstance(item, Mapping):
            problems.add(owhere, "an option needs 'code' and 'label'")
            continue
        _known_fields(item, ("code", "label", "exclusive", "group"), owhere, problems)
        if isinstance(item.get("code"), bool):
            problems.add(owhere, "YAML reads yes/no/on/off as true/false: put the code in "
                                 "quotes, like code: \"yes\"")
            continue
        code = str(item.get("code", ""))
        if not CODE_PATTERN.match(code):
            problems.add(owhere, f"code '{code}' must be lower-case letters, digits or _")
            continue
        if code in seen:
            problems.add(owhere, f"code '{code}' is used twice")
            continue
        seen.add(code)
        label = _text(item, "label", owhere, problems)
        if label is not None:
            options.append(Option(code, label, exclusive=bool(item.get("exclusive")),
                                  group=item.get("group")))
    return tuple(options)


COMMON_FIELDS = ("key", "type", "text", "hint", "why", "required", "condition")
TYPE_FIELDS = {
    "single": ("options",),
    "multiple": ("options",),
    "rating": ("scale", "options"),
    "yesno": ("dont_know",),
    "text": ("max_length", "pattern"),
    "number": ("min", "max", "integer"),
}


def _question(raw: Any, where: str, earlier: Mapping[str, Question],
              problems: _Problems) -> Question | None:
    if not isinstance(raw, Mapping):
        problems.add(where, "a question must be a mapping")
        return None
    key = str(raw.get("key", ""))
    if not KEY_PATTERN.match(key):
        problems.add(where, f"key '{key}' must start with a letter and use a-z, 0-9 and _")
        return None
    where = f"question '{key}'"
    qtype = raw.get("type")
    if qtype not in QUESTION_TYPES:
        problems.add(where, f"type '{qtype}' is not one of {', '.join(QUESTION_TYPES)}")
        return None
    _known_fields(raw, COMMON_FIELDS + TYPE_FIELDS[qtype], where, problems)
    for flag in ("required", "integer", "dont_know"):
        if flag in raw and not isinstance(raw[flag], bool):
            problems.add(where, f"'{flag}' must be true or false")
    text = _text(raw, "text", where, problems)
    options = _options(raw, qtype, where, problems)
    minimum, maximum = raw.get("min"), raw.get("max")
    if qtype == "number":
        for name, value in (("min", minimum), ("max", maximum)):
            if value is not None and not isinstance(value, int | float):
                problems.add(where, f"'{name}' must be a number")
        if isinstance(minimum, int | float) and isinstance(maximum, int | float) \
                and minimum > maximum:
            problems.add(where, "'min' is greater than 'max'")
    max_length = raw.get("max_length", MAX_TEXT_LENGTH)
    if not isinstance(max_length, int) or not 1 <= max_length <= MAX_TEXT_LENGTH:
        problems.add(where, f"'max_length' must be a whole number from 1 to {MAX_TEXT_LENGTH}")
        max_length = MAX_TEXT_LENGTH
    pattern = raw.get("pattern")
    if pattern is not None and pattern not in TEXT_PATTERNS:
        problems.add(where, f"unknown pattern '{pattern}'")
    condition = _condition(raw.get("condition"), where, earlier, problems)
    if text is None:
        return None
    return Question(
        key=key, type=qtype, text=text,
        hint=_text(raw, "hint", where, problems, required=False),
        why=_text(raw, "why", where, problems, required=False),
        required=bool(raw.get("required", False)), options=options, condition=condition,
        minimum=minimum, maximum=maximum, integer=bool(raw.get("integer", True)),
        max_length=max_length, pattern=pattern,
    )


def _demographic_questions(keys: Any, where: str, earlier: Mapping[str, Question],
                           problems: _Problems) -> list[Question]:
    known = demographics.DEMOGRAPHIC_QUESTIONS
    if keys == "all":
        keys = list(known)
    if not isinstance(keys, list) or not keys:
        problems.add(where, "'demographics' must be 'all' or a list of demographic keys")
        return []
    questions: list[Question] = []
    scope = dict(earlier)
    for key in keys:
        if key in scope:
            problems.add(where, f"question '{key}' is asked twice")
            continue
        raw = known.get(key)
        if raw is None:
            problems.add(where, f"unknown demographic question '{key}' "
                                f"(known: {', '.join(known)})")
            continue
        condition_key = (raw.get("condition") or {}).get("question")
        if condition_key and condition_key not in scope:
            problems.add(where, f"'{key}' needs '{condition_key}' before it")
            continue
        options = tuple(
            Option(o["code"], o["label"], exclusive=bool(o.get("exclusive")),
                   group=o.get("group"), catalog=True)
            for o in raw.get("options", ())
        )
        cond = raw.get("condition")
        question = Question(
            key=key, type=raw["type"], text=raw["text"], hint=raw.get("hint"),
            why=raw.get("why"), required=False, options=options,
            condition=Condition(cond["question"], tuple(cond["any_of"])) if cond else None,
            max_length=raw.get("max_length", MAX_TEXT_LENGTH), pattern=raw.get("pattern"),
            catalog=True,
        )
        questions.append(question)
        scope[key] = question
    return questions


PAGE_FIELDS = ("key", "title", "intro", "condition", "questions", "demographics")


def validate(raw: Any) -> Definition:
    """Check a raw definition document and return it normalised, or raise DefinitionError."""
    problems = _Problems()
    if not isinstance(raw, Mapping):
        raise DefinitionError(["the definition must be a mapping at the top level"])
    _known_fields(raw, ("format", "key", "title", "introduction", "languages", "pages",
                        "translations"), "survey", problems)
    if raw.get("format") != FORMAT_VERSION:
        problems.add("survey", f"'format' must be {FORMAT_VERSION}")
    key = str(raw.get("key", ""))
    if not re.match(r"^[a-z][a-z0-9-]{0,79}$", key):
        problems.add("survey", "'key' must be lower-case letters, digits and -")
    title = _text(raw, "title", "survey", problems)
    introduction = _text(raw, "introduction", "survey", problems)
    languages = raw.get("languages", ["en"])
    if not isinstance(languages, list) or "en" not in languages:
        problems.add("survey", "'languages' must be a list that includes 'en'")
        languages = ["en"]
    elif len(set(map(str, languages))) != len(languages):
        problems.add("survey", "'languages' lists a language twice")
    for locale in languages:
        if not isinstance(locale, str) or not LOCALE_PATTERN.match(locale):
            problems.add("survey", f"'{locale}' is not a locale code such as 'ur' or 'pa_Arab'")

    pages: list[Page] = []
    asked: dict[str, Question] = {}
    page_keys: set[str] = set()
    raw_pages = raw.get("pages")
    if not isinstance(raw_pages, list) or not raw_pages:
        problems.add("survey", "'pages' must list at least one page")
        raw_pages = []
    for index, raw_page in enumerate(raw_pages):
        where = f"pages[{index}]"
        if not isinstance(raw_page, Mapping):
            problems.add(where, "a page must be a mapping")
            continue
        page_key = str(raw_page.get("key", ""))
        if not KEY_PATTERN.match(page_key):
            problems.add(where, f"page key '{page_key}' must use a-z, 0-9 and _")
            continue
        where = f"page '{page_key}'"
        if page_key in page_keys:
            problems.add(where, "page key is used twice")
            continue
        page_keys.add(page_key)
        _known_fields(raw_page, PAGE_FIELDS, where, problems)
        page_title = _text(raw_page, "title", where, problems)
        condition = _condition(raw_page.get("condition"), where, asked, problems)
        # A condition looks at answers given earlier: on an earlier page (the page is then
        # skipped or shown by the server) or earlier on the same page (with no JavaScript
        # the follow-up is always shown, and its answer is kept only if the condition holds).
        questions: list[Question] = []
        if "demographics" in raw_page:
            if "questions" in raw_page:
                problems.add(where, "give either 'questions' or 'demographics', not both")
            questions = _demographic_questions(raw_page["demographics"], where, asked,
                                               problems)
            for question in questions:
                asked[question.key] = question
        else:
            raw_questions = raw_page.get("questions")
            if not isinstance(raw_questions, list) or not raw_questions:
                problems.add(where, "'questions' must list at least one question")
                raw_questions = []
            for qindex, raw_question in enumerate(raw_questions):
                question = _question(raw_question, f"{where}.questions[{qindex}]", asked,
                                     problems)
                if question is None:
                    continue
                if question.key in asked:
                    problems.add(f"question '{question.key}'", "key is used twice")
                questions.append(question)
                asked[question.key] = question
        if page_title is not None:
            pages.append(Page(page_key, page_title, _text(raw_page, "intro", where, problems,
                                                          required=False),
                              tuple(questions), condition))
    if problems.items:
        raise DefinitionError(problems.items)
    assert title is not None and introduction is not None  # noqa: S101 - checked above
    return Definition(key=key, title=title, introduction=introduction,
                      languages=tuple(languages), pages=tuple(pages),
                      translations=_translations(raw.get("translations", {})))


def _translations(raw: Any) -> dict[str, dict[str, dict[str, str]]]:
    if not isinstance(raw, Mapping):
        raise DefinitionError(["survey: 'translations' must be a mapping by locale"])
    result: dict[str, dict[str, dict[str, str]]] = {}
    for locale, entries in raw.items():
        if not isinstance(entries, Mapping):
            raise DefinitionError([f"translations '{locale}': must be a mapping"])
        result[str(locale)] = {
            str(context): {"source": str(entry["source"]), "text": str(entry["text"])}
            for context, entry in entries.items()
            if isinstance(entry, Mapping) and "source" in entry and "text" in entry
        }
    return result


# --- storage form ---------------------------------------------------------------------


def to_document(definition: Definition) -> dict[str, Any]:
    """The JSON-ready document stored in SurveyVersion.definition."""

    def option_doc(option: Option) -> dict[str, Any]:
        doc: dict[str, Any] = {"code": option.code, "label": option.label}
        for name in ("exclusive", "catalog"):
            if getattr(option, name):
                doc[name] = True
        if option.group:
            doc["group"] = option.group
        return doc

    def question_doc(question: Question) -> dict[str, Any]:
        doc: dict[str, Any] = {"key": question.key, "type": question.type,
                               "text": question.text, "required": question.required}
        for name in ("hint", "why", "pattern"):
            if getattr(question, name):
                doc[name] = getattr(question, name)
        if question.options:
            doc["options"] = [option_doc(o) for o in question.options]
        if question.condition:
            doc["condition"] = {"question": question.condition.question,
                                "any_of": list(question.condition.any_of)}
        if question.type == "number":
            doc.update(min=question.minimum, max=question.maximum, integer=question.integer)
        if question.type == "text":
            doc["max_length"] = question.max_length
        if question.catalog:
            doc["catalog"] = True
        return doc

    pages = []
    for page in definition.pages:
        doc: dict[str, Any] = {"key": page.key, "title": page.title,
                               "questions": [question_doc(q) for q in page.questions]}
        if page.intro:
            doc["intro"] = page.intro
        if page.condition:
            doc["condition"] = {"question": page.condition.question,
                                "any_of": list(page.condition.any_of)}
        pages.append(doc)
    return {"format": FORMAT_VERSION, "key": definition.key, "title": definition.title,
            "introduction": definition.introduction, "languages": list(definition.languages),
            "pages": pages, "translations": {k: dict(v) for k, v in
                                             definition.translations.items()}}


def from_document(doc: Mapping[str, Any]) -> Definition:
    """Rebuild a Definition from its stored document (already validated when stored)."""

    def condition(raw: Mapping[str, Any] | None) -> Condition | None:
        return Condition(raw["question"], tuple(raw["any_of"])) if raw else None

    pages = tuple(
        Page(
            key=p["key"], title=p["title"], intro=p.get("intro"),
            condition=condition(p.get("condition")),
            questions=tuple(
                Question(
                    key=q["key"], type=q["type"], text=q["text"], hint=q.get("hint"),
                    why=q.get("why"), required=q.get("required", False),
                    options=tuple(Option(o["code"], o["label"], o.get("exclusive", False),
                                         o.get("group"), o.get("catalog", False))
                                  for o in q.get("options", ())),
                    condition=condition(q.get("condition")), minimum=q.get("min"),
                    maximum=q.get("max"), integer=q.get("integer", True),
                    max_length=q.get("max_length", MAX_TEXT_LENGTH), pattern=q.get("pattern"),
                    catalog=q.get("catalog", False),
                )
                for q in p["questions"]
            ),
        )
        for p in doc["pages"]
    )
    return Definition(key=doc["key"], title=doc["title"], introduction=doc["introduction"],
                      languages=tuple(doc["languages"]), pages=pages,
                      translations=doc.get("translations", {}))


def to_source(definition: Definition) -> dict[str, Any]:
    """The authoring document (the format `validate` reads) for a definition.

    The inverse of `validate`: built-in scales go back to `scale:`, yes/no to `yesno`, and
    the harmonised questions to a page's `demographics:` list, so a survey can be exported
    to a file, edited (by hand or in the builder) and validated again.
    """

    def condition_doc(condition: Condition | None) -> dict[str, Any] | None:
        if condition is None:
            return None
        return {"question": condition.question, "any_of": list(condition.any_of)}

    def question_doc(question: Question) -> dict[str, Any]:
        doc: dict[str, Any] = {"key": question.key, "type": question.type,
                               "text": question.text}
        if question.required:
            doc["required"] = True
        for name in ("hint", "why"):
            if getattr(question, name):
                doc[name] = getattr(question, name)
        if question.condition:
            doc["condition"] = condition_doc(question.condition)
        codes = [o.code for o in question.options]
        if question.type == "yesno":
            if "dont_know" in codes:
                doc["dont_know"] = True
        elif question.type == "rating" and all(o.catalog for o in question.options):
            doc["scale"] = next(name for name, options in SCALES.items()
                                if [o["code"] for o in options] == codes)
        elif question.is_choice:
            doc["options"] = []
            for option in question.options:
                item: dict[str, Any] = {"code": option.code, "label": option.label}
                if option.exclusive:
                    item["exclusive"] = True
                if option.group:
                    item["group"] = option.group
                doc["options"].append(item)
        elif question.type == "number":
            for name, value in (("min", question.minimum), ("max", question.maximum)):
                if value is not None:
                    doc[name] = value
            if not question.integer:
                doc["integer"] = False
        elif question.type == "text":
            if question.max_length != MAX_TEXT_LENGTH:
                doc["max_length"] = question.max_length
            if question.pattern:
                doc["pattern"] = question.pattern
        return doc

    pages: list[dict[str, Any]] = []
    for page in definition.pages:
        doc: dict[str, Any] = {"key": page.key, "title": page.title}
        if page.intro:
            doc["intro"] = page.intro
        if page.condition:
            doc["condition"] = condition_doc(page.condition)
        if page.questions and all(q.catalog for q in page.questions):
            doc["demographics"] = [q.key for q in page.questions]
        else:
            doc["questions"] = [question_doc(q) for q in page.questions]
        pages.append(doc)
    return {"format": FORMAT_VERSION, "key": definition.key, "title": definition.title,
            "languages": list(definition.languages), "introduction": definition.introduction,
            "pages": pages}


# --- translation progress ---------------------------------------------------------------

TRANSLATED, OUT_OF_DATE, MISSING = "translated", "out_of_date", "missing"


@dataclass(frozen=True)
class TranslationEntry:
    """One text of the survey in one language, and whether its translation is current."""

    context: str
    english: str
    state: str  # TRANSLATED, OUT_OF_DATE (the English changed since) or MISSING
    text: str | None = None  # the translation, current or not
    previous: str | None = None  # the English an out-of-date translation was made from


def translation_entries(definition: Definition, locale: str) -> list[TranslationEntry]:
    """Every text the survey must translate, in survey order, with its state in `locale`."""
    done = definition.translations.get(locale, {})
    entries = []
    for context, english in message_contexts(definition):
        entry = done.get(context)
        if not entry or not entry.get("text"):
            entries.append(TranslationEntry(context, english, MISSING))
        elif entry.get("source") == english:
            entries.append(TranslationEntry(context, english, TRANSLATED, entry["text"]))
        else:
            entries.append(TranslationEntry(context, english, OUT_OF_DATE, entry["text"],
                                            entry.get("source")))
    return entries


def translation_counts(definition: Definition, locale: str) -> dict[str, int]:
    """How many texts are translated, out of date and missing, and the percent translated
    (rounded down, so 100 means every text is translated and current)."""
    entries = translation_entries(definition, locale)
    counts = {state: sum(1 for e in entries if e.state == state)
              for state in (TRANSLATED, OUT_OF_DATE, MISSING)}
    counts["total"] = len(entries)
    counts["percent"] = counts[TRANSLATED] * 100 // len(entries) if entries else 100
    return counts

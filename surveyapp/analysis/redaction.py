"""Remove personal details from free text before anyone reads it.

Plain Python (no Flask, no database). ``redact()`` replaces each of these with
``[removed]``:

- a name after a relation or role ("my midwife Sarah", "our consultant, Dr Patel", "my
  husband Ahmed", "a nurse called Jo"), and a name after a title (Dr, Mr, Mrs, Ms, Miss):
  a capitalised word, or two ("Sarah Jones"), that is not an ordinary capitalised word
  ("my midwife The ..." is left alone);
- email addresses;
- NHS numbers (10 digits, also spaced 3-3-4) and UK phone numbers (07..., +44 ..., 01/02/03
  numbers, with spaces, hyphens or brackets);
- full UK postcodes ("B15 2TT", "sw1a1aa");
- dates with a year ("12/03/1990", "12.3.90", "12 March 1990", "March 12th, 1990") and a
  day and month after "born", "DOB" or "birthday": most dates people write with a year
  are a date of birth, their own or their baby's.

This is a safety net, not a guarantee: a name with no cue ("Sarah was lovely") is not
found. Reviewers still see quotes only above the small-number threshold.
"""

from __future__ import annotations

import re

REMOVED = "[removed]"

_ROLES = (
    r"midwife|midwives|mw|student midwife|doctor|dr|doc|consultant|registrar|obstetrician|"
    r"surgeon|anaesthetist|anesthetist|sonographer|nurse|health visitor|hv|hca|"
    r"healthcare assistant|maternity support worker|support worker|doula|interpreter|"
    r"husband|wife|partner|boyfriend|girlfriend|fianc[eé]e?|sister|brother|mum|mom|mother|"
    r"dad|father|son|daughter|baby|babies|twins?|friend|aunt|auntie|uncle|cousin|nan|nana|"
    r"gran|grandma|grandmother|grandad|grandfather|mother in law|mother-in-law|niece|nephew|"
    r"carer|social worker|gp"
)
# A capitalised word that is an ordinary word, not a name.
_NOT_NAMES = {
    "I", "A", "An", "The", "And", "But", "Or", "So", "She", "He", "They", "We", "It", "Was",
    "Were", "Is", "Are", "Had", "Has", "Have", "Did", "Do", "Does", "Who", "Which", "That",
    "This", "Then", "When", "While", "At", "In", "On", "To", "For", "From", "With", "Of",
    "Very", "Really", "Always", "Never", "Not", "Also", "Just", "Came", "Said", "Told",
    "Could", "Would", "Should", "Will", "Can", "NHS", "Thank", "Thanks", "Please",
    "After", "Before", "During", "Because", "If", "As", "Even", "Still", "Now", "Here",
    "There", "My", "Our", "Her", "His", "Their", "Your", "Mr", "Mrs", "Ms", "Miss", "Dr",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
}
_NAME = r"[A-Z](?:'[A-Z])?[a-z\u00c0-\u024f]+(?:-[A-Z][a-z\u00c0-\u024f]+)?"
_RELATION_NAME = re.compile(
    rf"(?P<cue>\b(?:[Mm]y|[Oo]ur|[Hh]er|[Hh]is|[Tt]he|[Aa]|[Aa]n)\s+(?:(?i:{_ROLES}))"
    rf"(?:\s*,\s*|\s+(?:(?i:was|is|called|named|who is)\s+)?)"
    rf"(?:(?i:dr|mr|mrs|ms|miss)\.?\s+)?)"
    rf"(?P<name>{_NAME}(?:\s+{_NAME})?)"
)
_TITLE_NAME = re.compile(
    rf"(?P<cue>\b(?:Dr|Mr|Mrs|Ms|Miss|Mx)\.?\s+)(?P<name>{_NAME}(?:\s+{_NAME})?)"
)
_CALLED_NAME = re.compile(rf"(?P<cue>\b(?i:called|named)\s+)(?P<name>{_NAME})")

_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_NHS_NUMBER = re.compile(r"(?<![\d+])\d{3}[ -]?\d{3}[ -]?\d{4}(?!\d)")
_PHONE = re.compile(
    r"(?<![\w+])(?:\+44\s?\(?0?\)?\s?|\(?0)"
    r"\d(?:\)?[\s-]?\d){8,9}(?!\d)"
)
_POSTCODE = re.compile(
    r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b", re.IGNORECASE
)
_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DATES = [
    re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})\b"),
    re.compile(r"\b\d{4}-\d{1,2}-\d{1,2}\b"),
    re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS}\.?,?\s+\d{{4}}\b",
               re.IGNORECASE),
    re.compile(rf"\b{_MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b", re.IGNORECASE),
    re.compile(
        rf"(?<=\b)(?:(?<=born )|(?<=born on )|(?<=dob )|(?<=dob: )|(?<=birthday )|"
        rf"(?<=birthday is ))\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS}\b",
        re.IGNORECASE,
    ),
]


def _replace_name(match: re.Match[str]) -> str:
    words = match.group("name").split()
    kept: list[str] = []
    for word in words:
        if word.strip("'’") in _NOT_NAMES:
            break
        kept.append(word)
    if not kept:
        return match.group(0)
    rest = match.group("name")[len(" ".join(kept)):]
    return f"{match.group('cue')}{REMOVED}{rest}"


def redact(text: str) -> str:
    """``text`` with names after a role or title, emails, phone and NHS numbers,
    postcodes and dates of birth replaced by "[removed]"."""
    if not text:
        return text
    out = _EMAIL.sub(REMOVED, text)
    for rx in _DATES:
        out = rx.sub(REMOVED, out)
    out = _NHS_NUMBER.sub(REMOVED, out)
    out = _PHONE.sub(REMOVED, out)
    out = _POSTCODE.sub(REMOVED, out)
    for rx in (_RELATION_NAME, _TITLE_NAME, _CALLED_NAME):
        out = rx.sub(_replace_name, out)
    return out

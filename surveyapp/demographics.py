"""Harmonised "about you" (demographic) questions, as plain data.

Nothing here touches Flask or the database. Each question is a dict in the app's
survey-definition format. English text is marked with N_() so that
``pybabel extract -k N_`` finds it; the app translates it with gettext when it
renders the page.

Sources for the wording:

* Ethnic group, religion, main language, English proficiency, sexual orientation
  and gender identity: Census 2021 (England) questions, which follow the GSS
  harmonised standards.
* Disability: GSS harmonised standard (the two-part long-term condition question).
* Age bands and ethnic groups for comparison with births: NHS Maternity Statistics
  (HES / MSDS).

Every demographic question is optional, and every choice question ends with
"Prefer not to say" (code ``prefer_not_to_say``).
"""

from __future__ import annotations

import copy
import re
from typing import Any


def N_(message: str) -> str:
    """Mark a string for translation without translating it (extracted with -k N_)."""
    return message


YES = "yes"
NO = "no"
PREFER_NOT_TO_SAY = "prefer_not_to_say"


def _prefer_not() -> dict[str, Any]:
    return {"code": PREFER_NOT_TO_SAY, "label": N_("Prefer not to say"), "exclusive": True}


def _yes_no() -> list[dict[str, Any]]:
    return [
        {"code": YES, "label": N_("Yes")},
        {"code": NO, "label": N_("No")},
        _prefer_not(),
    ]


# ---------------------------------------------------------------------------
# Ethnic group (Census 2021 England, 19 categories in 5 groups)
# ---------------------------------------------------------------------------

#: The 5 Census 2021 ethnic group headings, in census order.
ETHNIC_GROUPS: dict[str, str] = {
    "white": N_("White"),
    "mixed": N_("Mixed or Multiple ethnic groups"),
    "asian": N_("Asian or Asian British"),
    "black": N_("Black, Black British, Caribbean or African"),
    "other": N_("Other ethnic group"),
}

_ETHNIC_OPTIONS: list[dict[str, Any]] = [
    # White
    {
        "code": "white_british",
        "label": N_("English, Welsh, Scottish, Northern Irish or British"),
        "group": "white",
    },
    {"code": "irish", "label": N_("Irish"), "group": "white"},
    {"code": "gypsy_or_irish_traveller", "label": N_("Gypsy or Irish Traveller"), "group": "white"},
    {"code": "roma", "label": N_("Roma"), "group": "white"},
    {"code": "white_other", "label": N_("Any other White background"), "group": "white"},
    # Mixed or Multiple ethnic groups
    {
        "code": "white_and_black_caribbean",
        "label": N_("White and Black Caribbean"),
        "group": "mixed",
    },
    {"code": "white_and_black_african", "label": N_("White and Black African"), "group": "mixed"},
    {"code": "white_and_asian", "label": N_("White and Asian"), "group": "mixed"},
    {
        "code": "mixed_other",
        "label": N_("Any other Mixed or Multiple ethnic background"),
        "group": "mixed",
    },
    # Asian or Asian British
    {"code": "indian", "label": N_("Indian"), "group": "asian"},
    {"code": "pakistani", "label": N_("Pakistani"), "group": "asian"},
    {"code": "bangladeshi", "label": N_("Bangladeshi"), "group": "asian"},
    {"code": "chinese", "label": N_("Chinese"), "group": "asian"},
    {"code": "asian_other", "label": N_("Any other Asian background"), "group": "asian"},
    # Black, Black British, Caribbean or African
    {"code": "caribbean", "label": N_("Caribbean"), "group": "black"},
    {"code": "african", "label": N_("African"), "group": "black"},
    {
        "code": "black_other",
        "label": N_("Any other Black, Black British or Caribbean background"),
        "group": "black",
    },
    # Other ethnic group
    {"code": "arab", "label": N_("Arab"), "group": "other"},
    {"code": "other_ethnic_group", "label": N_("Any other ethnic group"), "group": "other"},
]

#: The 19 Census 2021 ethnic group option codes, in census order.
ETHNIC_CODES: list[str] = [o["code"] for o in _ETHNIC_OPTIONS]


def standard_labels() -> set[str]:
    """The ONS/GSS ethnic group names in English, word for word as the standard has them
    (bench/readability.py leaves them out of the plain-English score: they can't change)."""
    return set(ETHNIC_GROUPS.values()) | {o["label"] for o in _ETHNIC_OPTIONS}


#: 19 categories -> Census 2021 5-way group (white, mixed, asian, black, other).
ETHNICITY_TO_CENSUS_GROUP: dict[str, str] = {o["code"]: o["group"] for o in _ETHNIC_OPTIONS}

#: 19 categories -> NHS Data Dictionary "ethnic category" code (2001 census based),
#: following NHS England's published mapping from the 2021 census categories.
#:
#: Subtleties of the older 2001 classification that the NHS still uses:
#: * Gypsy or Irish Traveller and Roma have no code of their own: they go to C
#:   ("Any other White background"), as does Any other White background.
#: * Chinese is R, which sits in the 2001 "Other ethnic groups" section, NOT under
#:   Asian or Asian British. So Chinese counts as "asian" against census residents
#:   but as "Any other ethnic group" in NHS maternity statistics.
#: * Arab has no code of its own: it goes to S ("Any other ethnic group").
#: * Z is "Not stated" (prefer not to say, or not answered).
ETHNICITY_TO_NHS_CODE: dict[str, str] = {
    "white_british": "A",
    "irish": "B",
    "gypsy_or_irish_traveller": "C",
    "roma": "C",
    "white_other": "C",
    "white_and_black_caribbean": "D",
    "white_and_black_african": "E",
    "white_and_asian": "F",
    "mixed_other": "G",
    "indian": "H",
    "pakistani": "J",
    "bangladeshi": "K",
    "asian_other": "L",
    "caribbean": "M",
    "african": "N",
    "black_other": "P",
    "chinese": "R",
    "arab": "S",
    "other_ethnic_group": "S",
}

NHS_NOT_STATED = "Z"

#: NHS Data Dictionary ethnic category labels. Reference labels for matching and
#: reporting against NHS data (staff-facing), so deliberately not marked for translation.
NHS_ETHNIC_CATEGORY_LABELS: dict[str, str] = {
    "A": "White - British",
    "B": "White - Irish",
    "C": "White - Any other White background",
    "D": "Mixed - White and Black Caribbean",
    "E": "Mixed - White and Black African",
    "F": "Mixed - White and Asian",
    "G": "Mixed - Any other mixed background",
    "H": "Asian or Asian British - Indian",
    "J": "Asian or Asian British - Pakistani",
    "K": "Asian or Asian British - Bangladeshi",
    "L": "Asian or Asian British - Any other Asian background",
    "M": "Black or Black British - Caribbean",
    "N": "Black or Black British - African",
    "P": "Black or Black British - Any other Black background",
    "R": "Other Ethnic Groups - Chinese",
    "S": "Other Ethnic Groups - Any other ethnic group",
    "Z": "Not stated",
}

#: The 5 groups NHS Maternity Statistics (EthnicCategoryMotherGroup) uses, with the
#: exact published labels. Staff-facing reference labels, so not marked for translation.
MATERNITY_GROUP_LABELS: dict[str, str] = {
    "white": "White",
    "mixed": "Mixed",
    "asian": "Asian or Asian British",
    "black": "Black or Black British",
    "other": "Any other ethnic group",
}

#: NHS code letter -> maternity statistics group (A-C, D-G, H-L, M-P, R-S).
NHS_CODE_TO_MATERNITY_GROUP: dict[str, str] = {
    **dict.fromkeys("ABC", "white"),
    **dict.fromkeys("DEFG", "mixed"),
    **dict.fromkeys("HJKL", "asian"),
    **dict.fromkeys("MNP", "black"),
    **dict.fromkeys("RS", "other"),
}

#: 19 categories -> NHS maternity statistics group, derived from the NHS code.
#: Chinese -> "other" here (code R) but "asian" in ETHNICITY_TO_CENSUS_GROUP.
ETHNICITY_TO_MATERNITY_GROUP: dict[str, str] = {
    code: NHS_CODE_TO_MATERNITY_GROUP[letter] for code, letter in ETHNICITY_TO_NHS_CODE.items()
}


def nhs_code(option_code: str | None) -> str:
    """NHS ethnic category letter for an ethnic_group answer; 'Z' (not stated) otherwise."""
    if option_code is None:
        return NHS_NOT_STATED
    return ETHNICITY_TO_NHS_CODE.get(option_code, NHS_NOT_STATED)


def census_group(code: str | None) -> str | None:
    """Census 2021 5-way group for an ethnic_group answer, or None if not stated/unknown."""
    if code is None:
        return None
    return ETHNICITY_TO_CENSUS_GROUP.get(code)


def maternity_group(code: str | None) -> str | None:
    """NHS maternity statistics group for an ethnic_group answer, or None if not stated."""
    if code is None:
        return None
    return ETHNICITY_TO_MATERNITY_GROUP.get(code)


# ---------------------------------------------------------------------------
# Main language
# ---------------------------------------------------------------------------

_LANGUAGE_OPTIONS: list[dict[str, Any]] = [
    {"code": "english", "label": N_("English")},
    {"code": "polish", "label": N_("Polish")},
    {"code": "romanian", "label": N_("Romanian")},
    {"code": "panjabi", "label": N_("Panjabi")},
    {"code": "urdu", "label": N_("Urdu")},
    {"code": "portuguese", "label": N_("Portuguese")},
    {"code": "spanish", "label": N_("Spanish")},
    {"code": "arabic", "label": N_("Arabic")},
    {"code": "bengali", "label": N_("Bengali (with Sylheti and Chatgaya)")},
    {"code": "gujarati", "label": N_("Gujarati")},
    {"code": "italian", "label": N_("Italian")},
    {"code": "lithuanian", "label": N_("Lithuanian")},
    {"code": "somali", "label": N_("Somali")},
    {"code": "tigrinya", "label": N_("Tigrinya")},
    {"code": "pashto", "label": N_("Pashto")},
    {"code": "persian", "label": N_("Persian or Farsi")},
    {"code": "chinese", "label": N_("Chinese (such as Mandarin or Cantonese)")},
    {"code": "turkish", "label": N_("Turkish")},
    {"code": "bulgarian", "label": N_("Bulgarian")},
    {"code": "kurdish", "label": N_("Kurdish")},
    {"code": "other_language", "label": N_("Another language")},
]

#: Every main_language answer that means "not English" (including "Another language").
NON_ENGLISH_LANGUAGE_CODES: list[str] = [
    o["code"] for o in _LANGUAGE_OPTIONS if o["code"] != "english"
]


# ---------------------------------------------------------------------------
# The questions, in display order
# ---------------------------------------------------------------------------

DEMOGRAPHIC_QUESTIONS: dict[str, dict[str, Any]] = {
    "ethnic_group": {
        "key": "ethnic_group",
        "type": "single",
        "text": N_("What is your ethnic group?"),
        "hint": N_("Choose the option that best describes your ethnic group or background."),
        "why": N_(
            "We ask this to check whether women of some ethnic groups are having worse care, "
            "so it can be put right."
        ),
        "required": False,
        "options": [*_ETHNIC_OPTIONS, _prefer_not()],
        "condition": None,
    },
    "age_band": {
        "key": "age_band",
        "type": "single",
        "text": N_("How old were you when your baby was born?"),
        "hint": None,
        "why": N_("We ask this to check that women of every age get good care."),
        "required": False,
        "options": [
            {"code": "under_20", "label": N_("Under 20")},
            {"code": "20_24", "label": N_("20 to 24")},
            {"code": "25_29", "label": N_("25 to 29")},
            {"code": "30_34", "label": N_("30 to 34")},
            {"code": "35_39", "label": N_("35 to 39")},
            {"code": "40_44", "label": N_("40 to 44")},
            {"code": "45_or_over", "label": N_("45 or over")},
            _prefer_not(),
        ],
        "condition": None,
    },
    "disability": {
        "key": "disability",
        "type": "single",
        "text": N_(
            "Do you have any physical or mental health conditions or illnesses "
            "lasting or expected to last 12 months or more?"
        ),
        "hint": None,
        "why": N_(
            "We ask this to check that women with health conditions or disabilities "
            "get the care and support they need."
        ),
        "required": False,
        "options": _yes_no(),
        "condition": None,
    },
    "disability_impact": {
        "key": "disability_impact",
        "type": "single",
        "text": N_(
            "Do any of your conditions or illnesses reduce your ability "
            "to carry out day-to-day activities?"
        ),
        "hint": None,
        "why": N_(
            "This helps us check that care works well for women whose everyday life "
            "is affected by their health."
        ),
        "required": False,
        "options": [
            {"code": "yes_a_lot", "label": N_("Yes, a lot")},
            {"code": "yes_a_little", "label": N_("Yes, a little")},
            {"code": "not_at_all", "label": N_("Not at all")},
            _prefer_not(),
        ],
        "condition": {"question": "disability", "any_of": [YES]},
    },
    "religion": {
        "key": "religion",
        "type": "single",
        "text": N_("What is your religion?"),
        "hint": N_("This question is voluntary."),
        "why": N_(
            "We ask this to check that care respects everyone's beliefs "
            "and that no group is treated less well."
        ),
        "required": False,
        "options": [
            {"code": "no_religion", "label": N_("No religion")},
            {
                "code": "christian",
                "label": N_(
                    "Christian (including Church of England, Catholic, Protestant "
                    "and all other Christian denominations)"
                ),
            },
            {"code": "buddhist", "label": N_("Buddhist")},
            {"code": "hindu", "label": N_("Hindu")},
            {"code": "jewish", "label": N_("Jewish")},
            {"code": "muslim", "label": N_("Muslim")},
            {"code": "sikh", "label": N_("Sikh")},
            {"code": "other_religion", "label": N_("Any other religion")},
            _prefer_not(),
        ],
        "condition": None,
    },
    "main_language": {
        "key": "main_language",
        "type": "single",
        "text": N_("What is your main language?"),
        "hint": N_("This is the language you use most easily, at home or with family."),
        "why": N_(
            "We ask this to check that women who speak other languages "
            "get the information and support they need."
        ),
        "required": False,
        "options": [*_LANGUAGE_OPTIONS, _prefer_not()],
        "condition": None,
    },
    "main_language_other": {
        "key": "main_language_other",
        "type": "text",
        "text": N_("Which language?"),
        "hint": None,
        "why": N_(
            "This helps us plan interpreters and translated information in the right languages."
        ),
        "required": False,
        "options": [],
        "condition": {"question": "main_language", "any_of": ["other_language"]},
        "max_length": 100,
    },
    "english_proficiency": {
        "key": "english_proficiency",
        "type": "single",
        "text": N_("How well can you speak English?"),
        "hint": None,
        "why": N_("This helps us see whether language made it harder for you to get good care."),
        "required": False,
        "options": [
            {"code": "very_well", "label": N_("Very well")},
            {"code": "well", "label": N_("Well")},
            {"code": "not_well", "label": N_("Not well")},
            {"code": "not_at_all", "label": N_("Not at all")},
            _prefer_not(),
        ],
        "condition": {"question": "main_language", "any_of": list(NON_ENGLISH_LANGUAGE_CODES)},
    },
    "interpreter_needed": {
        "key": "interpreter_needed",
        "type": "single",
        "text": N_("Did you need an interpreter during your care?"),
        "hint": N_(
            "An interpreter is someone trained to help you and staff understand each other, "
            "including British Sign Language. This does not mean a family member or friend."
        ),
        "why": N_("We ask this to check that everyone who needs an interpreter can get one."),
        "required": False,
        "options": _yes_no(),
        "condition": None,
    },
    "interpreter_offered": {
        "key": "interpreter_offered",
        "type": "single",
        "text": N_("Were you offered an interpreter when you needed one?"),
        "hint": N_("We mean a trained interpreter, not a family member or friend."),
        "why": N_("This tells us whether staff are offering interpreters when people need them."),
        "required": False,
        "options": [
            {"code": "yes_always", "label": N_("Yes, always")},
            {"code": "yes_sometimes", "label": N_("Yes, sometimes")},
            {"code": NO, "label": N_("No")},
            _prefer_not(),
        ],
        "condition": {"question": "interpreter_needed", "any_of": [YES]},
    },
    "sexual_orientation": {
        "key": "sexual_orientation",
        "type": "single",
        "text": N_("Which of the following best describes your sexual orientation?"),
        "hint": N_("This question is voluntary."),
        "why": N_(
            "We ask this to check that lesbian, gay and bisexual people and their families "
            "are treated fairly and with respect."
        ),
        "required": False,
        "options": [
            {"code": "straight", "label": N_("Straight or heterosexual")},
            {"code": "gay_or_lesbian", "label": N_("Gay or lesbian")},
            {"code": "bisexual", "label": N_("Bisexual")},
            {"code": "other_orientation", "label": N_("Other sexual orientation")},
            _prefer_not(),
        ],
        "condition": None,
    },
    "gender_identity": {
        "key": "gender_identity",
        "type": "single",
        "text": N_("Is the gender you identify with the same as your sex registered at birth?"),
        "hint": N_("This question is voluntary."),
        "why": N_(
            "We ask this to check that trans and non-binary people get fair and respectful care."
        ),
        "required": False,
        "options": _yes_no(),
        "condition": None,
    },
    "first_baby": {
        "key": "first_baby",
        "type": "single",
        "text": N_("Is this your first baby?"),
        "hint": None,
        "why": N_(
            "Care can feel different with a first baby, so this helps us understand your answers."
        ),
        "required": False,
        "options": _yes_no(),
        "condition": None,
    },
    "birth_type": {
        "key": "birth_type",
        "type": "single",
        "text": N_("How was your baby born?"),
        "hint": N_("If you had twins or more, tell us about the first baby born."),
        "why": N_(
            "The way a baby is born can shape your experience, "
            "so this helps us understand your answers."
        ),
        "required": False,
        "options": [
            {
                "code": "vaginal_unassisted",
                "label": N_("Vaginal birth without forceps or ventouse"),
            },
            {
                "code": "vaginal_assisted",
                "label": N_("Vaginal birth with forceps or ventouse (suction cup)"),
            },
            {"code": "planned_caesarean", "label": N_("Planned caesarean")},
            {"code": "unplanned_caesarean", "label": N_("Unplanned or emergency caesarean")},
            _prefer_not(),
        ],
        "condition": None,
    },
    "neonatal_unit": {
        "key": "neonatal_unit",
        "type": "single",
        "text": N_(
            "Was your baby cared for in a neonatal unit "
            "(special care, high dependency or intensive care)?"
        ),
        "hint": N_("This is sometimes called NICU or SCBU."),
        "why": N_(
            "This helps us understand the care of babies who needed extra help, "
            "and of their families."
        ),
        "required": False,
        "options": [
            {"code": YES, "label": N_("Yes")},
            {"code": NO, "label": N_("No")},
            {"code": "not_sure", "label": N_("Not sure")},
            _prefer_not(),
        ],
        "condition": None,
    },
    "postcode_district": {
        "key": "postcode_district",
        "type": "text",
        "text": N_("What is the first half of your postcode?"),
        "hint": N_(
            "For example, B12. This helps us see which areas we hear from. "
            "We never ask for your full postcode."
        ),
        "why": N_("This helps us find the areas we are not hearing from, so we can reach them."),
        "required": False,
        "options": [],
        "condition": None,
        "max_length": 4,
        "pattern": "postcode_district",
    },
}

#: Question keys in display order.
DEMOGRAPHIC_KEYS: list[str] = list(DEMOGRAPHIC_QUESTIONS)


def demographic_questions() -> list[dict[str, Any]]:
    """A fresh deep copy of the questions, in display order, safe to put in a definition."""
    return [copy.deepcopy(q) for q in DEMOGRAPHIC_QUESTIONS.values()]


# ---------------------------------------------------------------------------
# Postcode district (outward code)
# ---------------------------------------------------------------------------

_POSTCODE_DISTRICT_RE = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?")


def normalise_postcode_district(value: str) -> str:
    """Upper-case the value and remove all spaces, e.g. " b12 " -> "B12"."""
    return "".join(value.split()).upper()


def postcode_district_is_valid(value: str) -> bool:
    """True for a UK outward code such as B1, B12, SW1A, M60 or EC1V.

    Full postcodes ("B12 9AA") are rejected: we only ever want the first half.
    """
    if not isinstance(value, str):
        return False
    compact = "".join(value.split())
    # Check ASCII before upper-casing so that e.g. a ligature cannot turn into letters.
    if not compact.isascii():
        return False
    return _POSTCODE_DISTRICT_RE.fullmatch(compact.upper()) is not None

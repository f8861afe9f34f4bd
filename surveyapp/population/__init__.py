"""Population benchmarks: who lives in an area, or who gives birth at a trust.

A benchmark holds counts per group of one demographic *dimension*, keyed by exactly the
codes the survey stores (or derives from what it stores), so comparing respondents with
the population is one GROUP BY on answers and a lookup here.

This module is the shared vocabulary and is plain Python (no Flask, no database), like
`formats`. `store` writes benchmarks to the database; `builtin` holds the shipped figures.
"""

from __future__ import annotations

from collections.abc import Callable

from surveyapp.demographics import (
    DEMOGRAPHIC_QUESTIONS,
    ETHNIC_CODES,
    ETHNIC_GROUPS,
    MATERNITY_GROUP_LABELS,
    PREFER_NOT_TO_SAY,
    census_group,
    maternity_group,
)


def _option_codes(question_key: str) -> list[str]:
    return [o["code"] for o in DEMOGRAPHIC_QUESTIONS[question_key]["options"]
            if o["code"] != PREFER_NOT_TO_SAY]


ETHNIC_GROUP_19 = "ethnic_group_19"
ETHNIC_GROUP_5 = "ethnic_group_5"
MATERNITY_ETHNIC_GROUP = "maternity_ethnic_group"
AGE_BAND = "age_band"
DEPRIVATION_DECILE = "deprivation_decile"
MAIN_LANGUAGE = "main_language"

#: Group codes of each dimension, in display order. They are the survey's own codes
#: (or the groups it derives from them), so one GROUP BY compares them.
GROUP_CODES: dict[str, list[str]] = {
    ETHNIC_GROUP_19: list(ETHNIC_CODES),
    ETHNIC_GROUP_5: list(ETHNIC_GROUPS),
    MATERNITY_ETHNIC_GROUP: list(MATERNITY_GROUP_LABELS),
    AGE_BAND: _option_codes("age_band"),
    # 1 is the most deprived tenth of areas (Index of Multiple Deprivation), 10 the least.
    DEPRIVATION_DECILE: [str(decile) for decile in range(1, 11)],
    MAIN_LANGUAGE: _option_codes("main_language"),
}
DIMENSIONS: list[str] = list(GROUP_CODES)

#: Staff-facing names of the dimensions (they also make up benchmark names).
DIMENSION_LABELS: dict[str, str] = {
    ETHNIC_GROUP_19: "ethnic group (19)",
    ETHNIC_GROUP_5: "ethnic group (5)",
    MATERNITY_ETHNIC_GROUP: "ethnic group (5, NHS maternity)",
    AGE_BAND: "age band",
    DEPRIVATION_DECILE: "deprivation decile",
    MAIN_LANGUAGE: "main language",
}

#: The survey question whose answers a dimension compares, and how an answer's option
#: code becomes the dimension's group (None: the answer has no group, e.g. prefer not
#: to say). Deprivation needs a postcode lookup the survey does not do yet: None.
DIMENSION_QUESTION: dict[str, str | None] = {
    ETHNIC_GROUP_19: "ethnic_group",
    ETHNIC_GROUP_5: "ethnic_group",
    MATERNITY_ETHNIC_GROUP: "ethnic_group",
    AGE_BAND: "age_band",
    DEPRIVATION_DECILE: None,
    MAIN_LANGUAGE: "main_language",
}


def _same_code(dimension: str) -> Callable[[str | None], str | None]:
    known = set(GROUP_CODES[dimension])
    return lambda code: code if code in known else None


#: option code -> group code, per dimension (see DIMENSION_QUESTION).
TO_GROUP: dict[str, Callable[[str | None], str | None]] = {
    ETHNIC_GROUP_19: _same_code(ETHNIC_GROUP_19),
    ETHNIC_GROUP_5: census_group,
    MATERNITY_ETHNIC_GROUP: maternity_group,
    AGE_BAND: _same_code(AGE_BAND),
    DEPRIVATION_DECILE: _same_code(DEPRIVATION_DECILE),
    MAIN_LANGUAGE: _same_code(MAIN_LANGUAGE),
}

AREA_TYPES: dict[str, str] = {
    "england": "England",
    "wales": "Wales",
    "region": "Region",
    "local_authority": "Local authority",
    "nhs_trust": "NHS trust",
    "icb": "Integrated care board",
    "custom": "Other area",
}

RESIDENTS = "residents"
BIRTHS = "births"
#: population -> how a benchmark name describes it.
POPULATIONS: dict[str, str] = {RESIDENTS: "usual residents", BIRTHS: "deliveries"}

#: The group code a generic file uses for people whose group was not recorded; it is
#: kept apart from the groups (`not_stated`), never compared as a group.
NOT_STATED = "not_stated"


def group_label(dimension: str, code: str) -> str:
    """A readable label for a group code (English, staff-facing)."""
    if dimension == ETHNIC_GROUP_5:
        return ETHNIC_GROUPS[code]
    if dimension == MATERNITY_ETHNIC_GROUP:
        return MATERNITY_GROUP_LABELS[code]
    if dimension == DEPRIVATION_DECILE:
        extra = {"1": " (most deprived)", "10": " (least deprived)"}.get(code, "")
        return f"Decile {code}{extra}"
    question = {ETHNIC_GROUP_19: "ethnic_group", AGE_BAND: "age_band",
                MAIN_LANGUAGE: "main_language"}.get(dimension)
    if question:
        for option in DEMOGRAPHIC_QUESTIONS[question]["options"]:
            if option["code"] == code:
                return str(option["label"])
    return code


def benchmark_name(*, source: str, area_name: str, area_code: str | None,
                   population: str, dimension: str) -> str:
    """e.g. "Census 2021, Birmingham (E08000025), usual residents, ethnic group (19)"."""
    area = f"{area_name} ({area_code})" if area_code else area_name
    return f"{source}, {area}, {POPULATIONS[population]}, {DIMENSION_LABELS[dimension]}"

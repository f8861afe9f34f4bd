"""The demo: the maternity survey with partners and links, loaded once by `seed-demo`."""

from __future__ import annotations

import secrets
from pathlib import Path

from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.models import DistributionLink, Partner, PartnerKind, Survey
from surveyapp.models.partner import new_link_code
from surveyapp.surveys.files import read_survey
from surveyapp.surveys.store import add_version

DEMO_SURVEY = Path(__file__).parent / "surveys" / "demo" / "maternity" / "survey.yaml"

# (partner, kind, channel label, the link's default language: None follows the phone's)
DEMO_LINKS = [
    ("Bengali Women's Group", PartnerKind.VCSE, "Bengali women's group, Thursday coffee morning",
     "bn"),
    ("Somali Mothers' Group", PartnerKind.VCSE, "Somali mothers' group, Tuesday drop-in", "so"),
    ("Birmingham Maternity and Neonatal Voices Partnership", PartnerKind.MVP,
     "MVP social media posts (follows the phone's language)", None),
    ("Birmingham Maternity and Neonatal Voices Partnership", PartnerKind.MVP,
     "Urdu-speaking mums' WhatsApp group", "ur"),
    ("Polish Community Centre", PartnerKind.VCSE, "Polish Saturday school noticeboard", "pl"),
    ("Antenatal Clinic", PartnerKind.TRUST_TEAM, "Antenatal clinic waiting room poster", "en"),
]


def seed_demo() -> tuple[Survey, list[DistributionLink], bool]:
    """Load the demo survey and links unless already there; return (survey, links, new)."""
    definition = read_survey(DEMO_SURVEY)
    survey = db.session.scalar(select(Survey).where(Survey.key == definition.key))
    if survey is not None:
        links = list(db.session.scalars(
            select(DistributionLink).where(DistributionLink.survey_id == survey.id)
            .order_by(DistributionLink.id)))
        _seed_benchmarks(survey)  # databases seeded before benchmarks existed get them too
        db.session.commit()
        return survey, links, False
    version = add_version(definition)
    survey = version.survey
    links = []
    for partner_name, kind, label, language in DEMO_LINKS:
        partner = db.session.scalar(select(Partner).where(Partner.name == partner_name))
        if partner is None:
            partner = Partner(name=partner_name, kind=kind)
            db.session.add(partner)
        link = DistributionLink(code=new_link_code(), partner=partner, survey=survey,
                                label=label, default_language=language)
        db.session.add(link)
        links.append(link)
    _seed_benchmarks(survey)
    db.session.commit()
    return survey, links, True


def _seed_benchmarks(survey: Survey) -> None:
    """The built-in and demo population figures, and the demo survey's benchmarks (the
    trust's births by ethnic group and age, Birmingham's residents by 19 ethnic groups)."""
    from surveyapp.population.builtin import assign_demo_benchmarks, load_builtin

    load_builtin(include_demo=True, commit=False)
    assign_demo_benchmarks(survey.id)


DEMO_WORDS = ("amber", "harbour", "lantern", "meadow", "orchard", "pebble", "river",
              "saffron", "thistle", "willow", "kettle", "compass", "maple", "cobalt")


def _demo_password() -> str:
    """Three random words and a number: long, easy to type, never the same twice."""
    words = [secrets.choice(DEMO_WORDS) for _ in range(3)]
    return "-".join(words) + f"-{secrets.randbelow(90) + 10}"


def seed_demo_users(survey: Survey, links: list[DistributionLink]) -> list[tuple[str, str, str]]:
    """An admin, a reviewer given the demo survey, and a partner user for the first
    link's organisation, each with a fresh random password. Returns (email, role, password).
    """
    from surveyapp.models import Role, User

    partner = links[0].partner
    made = []
    for email, role in (("admin@demo.invalid", Role.ADMIN),
                        ("reviewer@demo.invalid", Role.REVIEWER),
                        ("partner@demo.invalid", Role.PARTNER)):
        if db.session.scalar(select(User).where(User.email == email)) is not None:
            continue
        password = _demo_password()
        user = User(email=email, role=role, partner=partner if role == Role.PARTNER else None)
        user.set_password(password)
        if role == Role.REVIEWER:
            user.surveys = [survey]
        db.session.add(user)
        made.append((email, role.value, password))
    db.session.commit()
    return made

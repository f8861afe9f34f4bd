"""Partner organisations (admins), and links, QR codes, posters and reach (partners, admins).

A partner reaches only her own organisation's links; any other id in a URL is a 404, as
if it did not exist (`own_partner_or_404`). Partners see counts only, never a response.
"""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import false, func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response as WerkzeugResponse

from surveyapp.auth.access import audit, own_partner_or_404, roles_required
from surveyapp.demographics import ETHNIC_GROUPS
from surveyapp.deployment import public_url
from surveyapp.extensions import db
from surveyapp.models import (
    DistributionLink,
    Partner,
    PartnerKind,
    Role,
    Survey,
    SurveyStatus,
    User,
)
from surveyapp.models.base import utcnow
from surveyapp.models.partner import new_link_code
from surveyapp.partners import bp, qr
from surveyapp.partners.forms import LinkForm, PartnerForm, kind_label, language_label
from surveyapp.partners.reach import (
    BAR_AREA,
    BASELINE,
    CHART_HEIGHT,
    CHART_WIDTH,
    EARLIER,
    NOT_STATED,
    bar_width,
    reach_of,
    response_counts,
)

Page = str | WerkzeugResponse | tuple[str, int]
STAFF = (Role.ADMIN, Role.PARTNER)

# Why a link no longer takes answers (and so has no QR code or poster).
REVOKED, ENDED, SURVEY_CLOSED = "revoked", "ended", "survey_closed"


def _user() -> User:
    return current_user  # type: ignore[return-value]


def _threshold() -> int:
    return int(current_app.config["SMALL_NUMBER_THRESHOLD"])


def _interface_languages() -> list[str]:
    return list(current_app.config["LANGUAGES"])


@bp.app_template_global()
def partner_kind_label(kind: str) -> str:
    return kind_label(kind)


@bp.app_template_global()
def link_language_label(code: str | None) -> str:
    return language_label(code)


# --- lists ----------------------------------------------------------------------------------


@bp.get("/")
@roles_required(*STAFF)
def index() -> Page:
    user = _user()
    asked = request.args.get("partner", type=int)
    if asked is not None:
        own_partner_or_404(asked)
    query = select(DistributionLink).join(Partner).order_by(
        DistributionLink.active.desc(), DistributionLink.created_at.desc(),
        DistributionLink.id.desc())
    partners: list[tuple[Partner, int]] = []
    shown_partner = None
    if user.is_admin:
        link_counts = dict(db.session.execute(
            select(DistributionLink.partner_id, func.count(DistributionLink.id))
            .group_by(DistributionLink.partner_id)).all())
        partners = [(p, link_counts.get(p.id, 0)) for p in
                    db.session.scalars(select(Partner).order_by(Partner.name))]
        if asked is not None:
            shown_partner = db.session.get(Partner, asked)
            if shown_partner is None:
                abort(404)
            query = query.where(DistributionLink.partner_id == asked)
    elif user.partner_id is not None:
        shown_partner = user.partner
        query = query.where(DistributionLink.partner_id == user.partner_id)
    else:  # a partner account not yet given an organisation sees nothing
        query = query.where(false())
    links = list(db.session.scalars(query))
    return render_template(
        "partners/index.html", links=links, partners=partners, shown_partner=shown_partner,
        counts=response_counts((link.id for link in links), _threshold()),
        closed={link.id: _closed_reason(link) for link in links}, threshold=_threshold())


# --- partner organisations (admins) ---------------------------------------------------------


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new_partner() -> Page:
    form = PartnerForm()
    if form.validate_on_submit():
        partner = Partner(name=form.name.data, kind=PartnerKind(form.kind.data),
                          contact=form.contact.data or None)
        db.session.add(partner)
        if _saved(form):
            audit("partner_created", target=partner.name, partner_id=partner.id,
                  kind=partner.kind)
            flash(gettext("%(name)s has been added.", name=partner.name))
            return redirect(url_for("partners.index"))
    return render_template("partners/partner_form.html", form=form, partner=None), \
        (400 if form.errors else 200)


@bp.route("/<int:partner_id>/edit", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_partner(partner_id: int) -> Page:
    partner = db.session.get(Partner, partner_id)
    if partner is None:
        abort(404)
    form = PartnerForm(obj=partner, editing=partner)
    if form.validate_on_submit():
        values = {"name": form.name.data, "kind": form.kind.data,
                  "contact": form.contact.data or None}
        changed = [name for name, value in values.items() if getattr(partner, name) != value]
        for name in changed:
            setattr(partner, name, values[name])
        if not changed or _saved(form):
            if changed:
                audit("partner_updated", target=partner.name, partner_id=partner.id,
                      changed=changed)
            flash(gettext("%(name)s has been saved.", name=partner.name))
            return redirect(url_for("partners.index"))
    return render_template("partners/partner_form.html", form=form, partner=partner), \
        (400 if form.errors else 200)


def _saved(form: PartnerForm) -> bool:
    """Flush; two admins saving the same new name at once get the form back, not a 500."""
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        form.name.errors = [gettext("There is already a partner organisation with this name")]
        return False
    return True


# --- links ----------------------------------------------------------------------------------


def _link_or_404(link_id: int) -> DistributionLink:
    link = db.session.get(DistributionLink, link_id)
    if link is None:
        abort(404)
    own_partner_or_404(link.partner_id)
    return link


def _closed_reason(link: DistributionLink, today: date | None = None) -> str | None:
    if not link.active:
        return REVOKED
    if link.ends_on is not None and link.ends_on < (today or date.today()):
        return ENDED
    if not link.survey.is_open:
        return SURVEY_CLOSED
    return None


def _live_surveys() -> tuple[list[Survey], dict[int, list[str]]]:
    """Surveys open for answers, and the languages each is offered in on this site."""
    surveys, offered = [], {}
    interface = _interface_languages()
    for survey in db.session.scalars(select(Survey).where(Survey.status == SurveyStatus.LIVE)
                                     .order_by(Survey.title)):
        version = survey.latest_published()
        if version is None:
            continue
        surveys.append(survey)
        offered[survey.id] = [code for code in version.definition.get("languages", [])
                              if code in interface]
    return surveys, offered


def _unused_code() -> str:
    for _attempt in range(5):
        code = new_link_code()
        if db.session.scalar(select(DistributionLink.id)
                             .where(DistributionLink.code == code)) is None:
            return code
    raise RuntimeError("could not find an unused link code")  # ~2^64 codes: never happens


@bp.route("/links/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def new_link() -> Page:
    user = _user()
    if not user.is_admin and user.partner_id is None:
        abort(404)
    surveys, offered = _live_surveys()
    partners = list(db.session.scalars(select(Partner).order_by(Partner.name))) \
        if user.is_admin else None
    form = LinkForm(surveys=surveys, survey_languages=offered, partners=partners)
    if request.method == "GET" and partners is not None:
        form.partner_id.data = request.args.get("partner", "")
    if form.validate_on_submit():
        partner_id = int(form.partner_id.data) if user.is_admin else user.partner_id
        link = DistributionLink(
            code=_unused_code(), partner_id=partner_id, survey_id=int(form.survey_id.data),
            label=form.label.data, default_language=form.default_language,
            ends_on=form.ends_on_date)
        db.session.add(link)
        db.session.flush()
        audit("link_created", target=f"link {link.id}", commit=False, link_id=link.id,
              partner_id=partner_id, survey_id=link.survey_id, code=link.code,
              language=link.default_language)
        db.session.commit()
        flash(gettext("Your link is ready. Print its poster or download its QR code below."))
        return redirect(url_for("partners.link", link_id=link.id))
    return render_template("partners/link_form.html", form=form, surveys=surveys), \
        (400 if form.errors else 200)


@bp.get("/links/<int:link_id>")
@roles_required(*STAFF)
def link(link_id: int) -> Page:
    link = _link_or_404(link_id)
    url = qr.link_url(link)
    closed = _closed_reason(link)
    return render_template(
        "partners/link.html", link=link, url=url, short_url=qr.short_url(url), closed=closed,
        qr_preview=None if closed else qr.inline_svg(url, "app-qr app-qr--preview"),
        responses=response_counts([link.id], _threshold())[link.id], threshold=_threshold())


def _closed_page(link: DistributionLink, reason: str) -> tuple[str, int]:
    """410 Gone: a closed link has no QR code or poster, so none can be printed by mistake."""
    return render_template("partners/link_closed.html", link=link, reason=reason), 410


@bp.get("/links/<int:link_id>/qr.png")
@roles_required(*STAFF)
def qr_png(link_id: int) -> Page:
    link = _link_or_404(link_id)
    if reason := _closed_reason(link):
        return _closed_page(link, reason)
    return qr.download(qr.link_url(link), link.code, "png")


@bp.get("/links/<int:link_id>/qr.svg")
@roles_required(*STAFF)
def qr_svg(link_id: int) -> Page:
    link = _link_or_404(link_id)
    if reason := _closed_reason(link):
        return _closed_page(link, reason)
    return qr.download(qr.link_url(link), link.code, "svg")


@bp.get("/links/<int:link_id>/poster")
@roles_required(*STAFF)
def poster(link_id: int) -> Page:
    """A printable A4 poster in the link's language, with English beside it.

    The poster's words come from the app catalogs in the link's language
    (templates/partners/poster_text.html, which every shipped language must translate:
    see babel-respondent.cfg); the page's own `<html lang dir>` follows that language.
    The staff toolbar above it is rendered in the staff member's language, marked as such.
    """
    link = _link_or_404(link_id)
    if reason := _closed_reason(link):
        return _closed_page(link, reason)
    url = qr.link_url(link)
    interface = _interface_languages()
    language = link.default_language if link.default_language in interface else "en"
    version = link.survey.latest_published()
    offered = [code for code in (version.definition.get("languages", []) if version else [])
               if code in interface]
    toolbar = render_template("partners/print_toolbar.html", link=link)
    # "You said, we did": the public page of what is changing, printed for people to type
    # (left to right and never translated, inside text that may run right to left; in a
    # narrow column it breaks after a slash rather than anywhere).
    address = qr.short_url(public_url("yousaid.public_page", survey_key=link.survey.key))
    changes_url = Markup('<span class="app-poster__changes-url" dir="ltr" translate="no">'
                         '{}</span>').format(Markup("/<wbr>").join(address.split("/")))
    english = changes_english = None
    if language != "en":
        with force_locale("en"):
            english = render_template("partners/poster_text.html", heading="h2",
                                      survey_languages=offered)
            changes_english = render_template("partners/poster_text.html", part="changes",
                                              changes_url=changes_url)
    with force_locale(language):
        main = render_template("partners/poster_text.html", heading="h1",
                               survey_languages=offered)
        changes = render_template("partners/poster_text.html", part="changes",
                                  changes_url=changes_url)
        return render_template(
            "partners/poster.html", link=link, short_url=qr.short_url(url),
            survey_languages=offered,
            toolbar=Markup(toolbar), main=Markup(main),  # noqa: S704  # nosec B704 - our own templates
            english=Markup(english) if english else None,  # noqa: S704  # nosec B704
            changes=Markup(changes),  # noqa: S704  # nosec B704
            changes_english=Markup(changes_english) if changes_english else None,  # noqa: S704  # nosec B704
            qr_code=qr.inline_svg(url, "app-qr app-qr--poster"))


@bp.post("/links/<int:link_id>/revoke")
@roles_required(*STAFF)
def revoke_link(link_id: int) -> Page:
    link = _link_or_404(link_id)
    if link.active:
        link.active = False
        link.revoked_at = utcnow()
        audit("link_revoked", target=f"link {link.id}", commit=False, link_id=link.id,
              partner_id=link.partner_id, code=link.code)
        db.session.commit()
        flash(gettext("The link is closed. Nobody can start the survey through it now; "
                      "the answers it brought are kept."))
    return redirect(url_for("partners.link", link_id=link.id))


@bp.post("/links/<int:link_id>/reopen")
@roles_required(*STAFF)
def reopen_link(link_id: int) -> Page:
    link = _link_or_404(link_id)
    if not link.active:
        link.active = True
        link.revoked_at = None
        audit("link_reopened", target=f"link {link.id}", commit=False, link_id=link.id,
              partner_id=link.partner_id, code=link.code)
        db.session.commit()
        if _closed_reason(link) == ENDED:
            flash(gettext("The link is reopened, but its last day to answer has passed, so "
                          "it still takes no answers."))
        else:
            flash(gettext("The link is open again. Posters you printed before work again "
                          "too."))
    return redirect(url_for("partners.link", link_id=link.id))


@bp.get("/links/<int:link_id>/reach")
@roles_required(*STAFF)
def reach(link_id: int) -> Page:
    link = _link_or_404(link_id)
    return render_template(
        "partners/reach.html", link=link, reach=reach_of(link, _threshold()),
        chart={"width": CHART_WIDTH, "height": CHART_HEIGHT, "baseline": BASELINE,
               "area": BAR_AREA}, bar_width=bar_width, earlier=EARLIER,
        ethnic_labels={**ETHNIC_GROUPS, NOT_STATED: _l("Prefer not to say, or not answered")})

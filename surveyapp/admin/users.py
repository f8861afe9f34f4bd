"""Admin pages for staff accounts and the audit log."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms import BooleanField, EmailField, RadioField, SelectField, SelectMultipleField
from wtforms.validators import DataRequired, Email, Length, ValidationError

from surveyapp.admin import bp
from surveyapp.auth.access import audit, roles_required
from surveyapp.auth.routes import new_invitation
from surveyapp.deployment import public_url
from surveyapp.extensions import db
from surveyapp.forms import StaffForm, choices
from surveyapp.models import AuditEvent, Partner, Role, Survey, User

Page = str | WerkzeugResponse | tuple[str, int]
ROLE_LABELS = {
    Role.ADMIN: _l("Admin: everything, including users and surveys"),
    Role.REVIEWER: _l("Reviewer: dashboards, comments and exports of the surveys given"),
    Role.PARTNER: _l("Partner: their organisation's links, posters and reach only"),
}
AUDIT_PAGE_SIZE = 50


class UserForm(StaffForm):
    email = EmailField(_l("Email address"), validators=[
        DataRequired(_l("Enter an email address")), Length(max=254),
        Email(_l("Enter an email address like name@example.nhs.uk"))])
    role = RadioField(_l("Role"), validators=[DataRequired(_l("Select a role"))])
    # Checked in validate_* below: missing is fine for roles that do not use them.
    partner_id = SelectField(_l("Partner organisation (for partner users)"), coerce=str,
                             validate_choice=False)
    survey_ids = SelectMultipleField(_l("Surveys this reviewer may see"), coerce=str,
                                     validate_choice=False)
    active = BooleanField(_l("Account is active"), default=True)

    def __init__(self, *args: object, editing: User | None = None, **kwargs: object):
        super().__init__(*args, **kwargs)
        self.editing = editing
        self.role.choices = choices((r.value, label) for r, label in ROLE_LABELS.items())
        self.partner_id.choices = choices([("", "—")] + [
            (p.id, p.name) for p in db.session.scalars(select(Partner).order_by(Partner.name))])
        self.survey_ids.choices = choices(
            (s.id, s.title) for s in db.session.scalars(select(Survey).order_by(Survey.title)))

    def validate_email(self, field: EmailField) -> None:
        email = (field.data or "").lower()
        clash = db.session.scalar(select(User).where(func.lower(User.email) == email))
        if clash is not None and clash is not self.editing:
            raise ValidationError(_l("A user with this email address already exists"))

    def validate_partner_id(self, field: SelectField) -> None:
        if self.role.data == Role.PARTNER and not field.data:
            raise ValidationError(_l("Select the partner organisation for a partner user"))
        if field.data and field.data not in {c.value for c in field.choices}:
            raise ValidationError(_l("Select one of the partner organisations listed"))

    def validate_survey_ids(self, field: SelectMultipleField) -> None:
        known = {c.value for c in field.choices}
        if any(value not in known for value in field.data or []):
            raise ValidationError(_l("Select surveys from the list"))

    def apply_to(self, user: User) -> list[str]:
        """Copy the form onto the user; return the names of what changed (for the audit)."""
        changed = []
        values = {
            "email": self.email.data.lower(),
            "role": self.role.data,
            "partner_id": int(self.partner_id.data) if self.role.data == Role.PARTNER
            and self.partner_id.data else None,
            "active": bool(self.active.data),
        }
        for name, value in values.items():
            if getattr(user, name) != value:
                setattr(user, name, value)
                changed.append(name)
        wanted = [db.session.get(Survey, int(i)) for i in self.survey_ids.data or []] \
            if self.role.data == Role.REVIEWER else []
        if {s.id for s in user.surveys} != {s.id for s in wanted if s}:
            user.surveys = [s for s in wanted if s]
            changed.append("surveys")
        if "active" in changed or "role" in changed:
            user.session_version += 1  # end the user's sessions at once
        return changed


@bp.get("/users")
@roles_required(Role.ADMIN)
def users() -> Page:
    everyone = db.session.scalars(select(User).order_by(User.email)).all()
    return render_template("admin/users/index.html", users=everyone)


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def invite_user() -> Page:
    form = UserForm()
    if form.validate_on_submit():
        user = User(email="", role=Role.REVIEWER, password_hash="!")  # noqa: S106 - unusable
        user.session_version = 1
        form.apply_to(user)
        token = new_invitation(user)
        db.session.add(user)
        db.session.flush()
        audit("user_created", target=user.email, commit=False, role=user.role)
        db.session.commit()
        return render_template("admin/users/invited.html", user=user,
                               link=public_url("auth.accept_invite", token=token))
    return render_template("admin/users/form.html", form=form, user=None), \
        (400 if form.errors else 200)


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_user(user_id: int) -> Page:
    user = _user_or_404(user_id)
    form = UserForm(editing=user, obj=None if request.method == "POST" else user)
    if request.method == "GET":
        form.partner_id.data = str(user.partner_id or "")
        form.survey_ids.data = [str(s.id) for s in user.surveys]
    if form.validate_on_submit():
        if user.id == current_user.id and (form.role.data != Role.ADMIN or not form.active.data):
            form.role.errors = [_l("You cannot remove your own admin access or disable "
                                   "yourself. Ask another admin.")]
        else:
            changed = form.apply_to(user)
            if changed:
                audit("user_changed", target=user.email, commit=False, changed=changed)
                db.session.commit()
                flash(_l("Saved the changes to %(email)s.", email=user.email))
            return redirect(url_for("admin.users"))
    return render_template("admin/users/form.html", form=form, user=user), \
        (400 if form.errors else 200)


@bp.post("/users/<int:user_id>/invitation")
@roles_required(Role.ADMIN)
def reinvite_user(user_id: int) -> Page:
    """A new one-time link to choose a password (for a lost password or expired invite)."""
    user = _user_or_404(user_id)
    token = new_invitation(user)
    audit("invitation_issued", target=user.email, commit=False)
    db.session.commit()
    return render_template("admin/users/invited.html", user=user,
                           link=public_url("auth.accept_invite", token=token))


@bp.get("/audit")
@roles_required(Role.ADMIN)
def audit_log() -> Page:
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    action = request.args.get("action") or None
    query = select(AuditEvent).order_by(AuditEvent.id.desc())
    if action:
        query = query.where(AuditEvent.action == action)
    events = db.session.scalars(query.limit(AUDIT_PAGE_SIZE + 1)
                                .offset((page - 1) * AUDIT_PAGE_SIZE)).all()
    actions = db.session.scalars(select(AuditEvent.action).distinct()
                                 .order_by(AuditEvent.action)).all()
    return render_template("admin/audit.html", events=events[:AUDIT_PAGE_SIZE],
                           has_more=len(events) > AUDIT_PAGE_SIZE, page=page, action=action,
                           actions=actions)

"""Sign in and out, accept an invitation, and end idle sessions."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy import func, select
from werkzeug.wrappers import Response as WerkzeugResponse

from surveyapp.auth import bp
from surveyapp.auth.access import audit, roles_required, same_site_path
from surveyapp.auth.forms import LoginForm, SetPasswordForm
from surveyapp.extensions import db, limiter, login_manager
from surveyapp.models import Role, User
from surveyapp.models.base import utcnow

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
INVITE_LIFETIME = timedelta(days=7)

Page = str | WerkzeugResponse | tuple[str, int]


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version) or not user.active:
        return None
    return user


def _login_rate_key() -> str:
    return "login:" + (request.form.get("email") or "").strip().lower()[:254]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT_PER_ACCOUNT"], methods=["POST"],
               key_func=_login_rate_key)
def login() -> Page:
    if current_user.is_authenticated:
        return redirect(url_for("auth.home"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        email = form.email.data.lower()
        user = db.session.scalar(select(User).where(func.lower(User.email) == email))
        now = utcnow()
        if user is not None and user.locked_until and user.locked_until > now:
            audit("login_refused_locked", target=email, actor=user)
            error = ("This account is locked for 15 minutes after too many wrong "
                     "passwords. Try again later, or ask an admin.")
        elif user is not None and user.active and user.check_password(form.password.data):
            user.failed_logins = 0
            user.locked_until = None
            user.last_login_at = now
            session.clear()  # a fresh session: nothing from before sign-in carries over
            login_user(user)
            session["staff_seen"] = now.timestamp()
            audit("login", target=email, actor=user)
            return redirect(_safe_next() or url_for("auth.home"))
        else:
            if user is not None:
                user.failed_logins += 1
                if user.failed_logins >= MAX_FAILED_LOGINS:
                    user.locked_until = now + LOCKOUT
                    user.failed_logins = 0
            audit("login_failed", target=email, actor=user if user else None)
            error = "The email address or password is not right"
    status = 400 if error or form.errors else 200
    return render_template("auth/login.html", form=form, error=error), status


def _safe_next() -> str | None:
    """Only ever redirect to a path on this site after signing in."""
    target = request.args.get("next", "")
    return target if same_site_path(target) else None


@bp.post("/logout")
def logout() -> Page:
    if current_user.is_authenticated:
        audit("logout", target=current_user.email)
    logout_user()
    session.clear()
    flash("You have signed out.")
    return redirect(url_for("auth.login"))


@bp.get("/")
@roles_required(Role.ADMIN, Role.REVIEWER, Role.PARTNER)
def home() -> Page:
    return render_template("auth/home.html")


def invite_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_invitation(user: User) -> str:
    """A one-time link for the user to choose her password; returns the token."""
    token = secrets.token_urlsafe(32)
    user.invite_hash = invite_hash(token)
    user.invite_expires = utcnow() + INVITE_LIFETIME
    return token


@bp.route("/invite/<token>", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def accept_invite(token: str) -> Page:
    user = None
    if 20 <= len(token) <= 64:
        user = db.session.scalar(select(User).where(User.invite_hash == invite_hash(token)))
    if user is None or user.invite_expires is None or user.invite_expires < utcnow() \
            or not user.active:
        return render_template("auth/invite_expired.html"), 404
    form = SetPasswordForm(email=user.email)
    if form.validate_on_submit():
        user.set_password(form.password.data)
        user.invite_hash = None
        user.invite_expires = None
        audit("password_set_from_invite", target=user.email, actor=user)
        flash("Your password is set. You can now sign in.")
        return redirect(url_for("auth.login"))
    return render_template("auth/set_password.html", form=form, user=user), \
        (400 if form.errors else 200)


def end_idle_staff_sessions() -> WerkzeugResponse | None:
    """Staff sessions end after a spell of inactivity (STAFF_IDLE_MINUTES)."""
    if not current_user.is_authenticated:
        return None
    now = utcnow().timestamp()
    seen = session.get("staff_seen", 0)
    if now - seen > current_app.config["STAFF_IDLE_MINUTES"] * 60:
        logout_user()
        session.clear()
        flash("You were signed out because you had not used the service for a while.")
        return redirect(url_for("auth.login", next=request.path))
    if now - seen > 60:  # write the cookie at most once a minute
        session["staff_seen"] = now
    return None

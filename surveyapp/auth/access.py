"""Who may see what: role checks for views, scoping of queries, and the audit log.

Every staff view is decorated with `roles_required(...)`; object-level checks (a partner
reaching only her own organisation's links, a reviewer only the surveys she is given)
are done with the helpers below, and a refusal is always a 404 so ids leak nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, has_request_context, request
from flask_login import current_user

from surveyapp.extensions import db, login_manager
from surveyapp.models import AuditEvent, Role, User

View = TypeVar("View", bound=Callable[..., Any])


def same_site_path(target: str) -> bool:
    """Is ``target`` a path on this site, safe to redirect to? Browsers read "//host",
    "/\\host" and "/<tab>/host" as another site."""
    return target.startswith("/") and not target.startswith("//") and "\\" not in target \
        and target.isprintable()


def roles_required(*roles: Role) -> Callable[[View], View]:
    """Only signed-in, active staff with one of `roles` may use the view."""

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        guarded.allowed_roles = tuple(roles)  # type: ignore[attr-defined]  # read by tests
        return guarded  # type: ignore[return-value]

    return decorate


def own_partner_or_404(partner_id: int) -> None:
    """Partners reach only their own organisation; admins reach every one."""
    user: User = current_user  # type: ignore[assignment]
    if user.role == Role.ADMIN:
        return
    if user.role != Role.PARTNER or user.partner_id != partner_id:
        abort(404)


def reviewable_survey_or_404(survey_id: int) -> None:
    user: User = current_user  # type: ignore[assignment]
    if not user.can_review(survey_id):
        abort(404)


def audit(action: str, target: str | None = None, actor: User | None = None,
          commit: bool = True, **detail: Any) -> None:
    """Record a staff action. No respondent data and no passwords ever go in here."""
    who = actor
    if who is None and has_request_context() and current_user.is_authenticated:
        who = current_user
    db.session.add(AuditEvent(
        actor_id=who.id if who is not None else None,
        actor_email=who.email if who is not None else None,
        action=action, target=target,
        detail={**detail, "path": request.path} if has_request_context() else detail,
    ))
    if commit:
        db.session.commit()

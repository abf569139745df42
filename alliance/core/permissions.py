"""Who may do what. Views and API routes declare their roles with ``roles_required``; record
queries go through ``scoped`` so a liaison's rows are filtered in SQL, never after loading."""
from __future__ import annotations

from collections.abc import Iterable
from functools import wraps

from flask import abort, g, request
from flask_login import current_user
from sqlalchemy import Select, false, select

from alliance.auth.roles import ALL_ROLES, LIAISON, MANAGERS
from alliance.core.visibility import policy_of
from alliance.extensions import db, login_manager


def deny(status: int = 403, reason: str = "无权访问") -> None:
    """Refuse the request; the error handler records the refusal in the audit trail."""
    g.access_denied = reason
    abort(status)


def roles_required(*roles: str):
    """Let only signed-in users with one of ``roles`` through (all roles if none given)."""
    allowed = frozenset(roles) or ALL_ROLES
    unknown = allowed - ALL_ROLES
    if unknown:
        raise ValueError(f"unknown roles {unknown}")

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in allowed:
                deny(403, f"角色 {current_user.role} 不能访问 {request.endpoint}")
            return view(*args, **kwargs)

        wrapper.allowed_roles = allowed  # type: ignore[attr-defined]  # read by the route-matrix test and the API docs
        return wrapper

    return decorator


def managers_only(view):
    """Township staff and admins: the people who keep the register."""
    return roles_required(*MANAGERS)(view)


def scoped(stmt: Select, model, user=None, *, include_deleted: bool = False) -> Select:
    """Limit ``stmt`` to rows of ``model`` the user may see: their alliance, not deleted (unless
    asked), and what the model's visibility policy (``__visibility__``) lets this user see."""
    user = user or current_user
    stmt = stmt.where(model.alliance_id == user.alliance_id)
    if not include_deleted:
        stmt = stmt.where(model.deleted_at.is_(None))
    policy = policy_of(model)
    # A model that declares no policy is visible to nobody (and fails the policy test).
    return stmt.where(policy.clause(model, user) if policy is not None else false())


def get_visible_or_404(model, record_id: int, user=None, *, include_deleted: bool = False,
                       options: Iterable = ()):
    """Load one record the user may see, or answer 404 (a liaison must not learn that another
    unit's record exists)."""
    stmt = scoped(select(model), model, user, include_deleted=include_deleted)
    stmt = stmt.where(model.id == record_id).options(*options)
    record = db.session.scalars(stmt).first()
    if record is None:
        if _exists_elsewhere(model, record_id, user or current_user):
            deny(404, f"{model.__name__} {record_id} 不在本账号的可见范围内")
        abort(404)
    return record


def _exists_elsewhere(model, record_id: int, user) -> bool:
    """Only on the refusal path: was this a real record outside the user's scope?"""
    return db.session.get(model, record_id) is not None


def can_manage(user=None) -> bool:
    user = user or current_user
    return user.is_authenticated and user.role in MANAGERS


def can_edit_unit_records(unit_id: int, user=None) -> bool:
    """Staff edit every unit's records; a liaison only their own unit's."""
    user = user or current_user
    if not user.is_authenticated:
        return False
    if user.role in MANAGERS:
        return True
    return user.role == LIAISON and user.unit_id == unit_id

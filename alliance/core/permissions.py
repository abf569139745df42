"""Who may do what. Views and API routes declare their roles with ``roles_required``; record
queries go through ``scoped`` so a liaison's rows are filtered in SQL, never after loading."""
from __future__ import annotations

from collections.abc import Iterable
from functools import wraps

from flask import abort, g, request
from flask_login import current_user
from sqlalchemy import ColumnElement, Select, and_, bindparam, false, select

from alliance.core.roles import ALL_ROLES, LIAISON, MANAGERS
from alliance.core.statements import reuse, user_key
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


def visible(model, user=None, *, include_deleted: bool = False) -> ColumnElement[bool]:
    """The SQL condition of the rows of ``model`` the user may see: their alliance, not deleted
    (unless asked), and what the model's visibility policy (``__visibility__``) lets them see.
    Also for related rows loaded with a record, e.g.
    ``selectinload(Person.roles.and_(visible(UnitRole)))``."""
    user = user or current_user
    conditions = [model.alliance_id == user.alliance_id]
    if not include_deleted and hasattr(model, "deleted_at"):
        conditions.append(model.deleted_at.is_(None))
    policy = policy_of(model)
    # A model that declares no policy is visible to nobody (and fails the policy test).
    conditions.append(policy.clause(model, user) if policy is not None else false())
    return and_(*conditions)


def scoped(stmt: Select, model, user=None, *, include_deleted: bool = False) -> Select:
    """Limit ``stmt`` to rows of ``model`` the user may see (see :func:`visible`)."""
    return stmt.where(visible(model, user, include_deleted=include_deleted))


def get_visible_or_404(model, record_id: int, user=None, *, include_deleted: bool = False,
                       options: Iterable = ()):
    """Load one record the user may see, or answer 404 (a liaison must not learn that another
    unit's record exists)."""
    user = user or current_user
    options = tuple(options)
    if options:
        stmt = scoped(select(model), model, user, include_deleted=include_deleted)
        record = db.session.scalars(stmt.where(model.id == record_id).options(*options)).first()
    else:  # the statement built once per model and account (core.statements; issue 7)
        stmt = reuse(("get-visible", model, user_key(user), include_deleted), lambda: scoped(
            select(model), model, user, include_deleted=include_deleted).where(model.id == bindparam("record_id")))
        record = db.session.scalars(stmt, {"record_id": record_id}).first()
    if record is None:
        # A missing id and another unit's or alliance's id are answered and audited alike: the
        # audit trail must not tell which ids exist (nor does the answer).
        deny(404, f"{model.__name__} {record_id} 不存在或不在本账号的可见范围内")
    return record


def can_edit_unit_records(unit_id: int, user=None) -> bool:
    """Staff edit every unit's records; a liaison only their own unit's."""
    user = user or current_user
    if not user.is_authenticated:
        return False
    if user.is_manager:
        return True
    return user.role == LIAISON and user.unit_id == unit_id and liaison_unit_is_live(user)


def liaison_unit_is_live(user) -> bool:
    """A liaison writes only while their unit is in the register: once it is deleted or has
    left the alliance they keep read access at most."""
    unit = user.unit
    return unit is not None and unit.deleted_at is None and unit.status != "left"


def is_visible(record, user=None, *, include_deleted: bool = False) -> bool:
    """Whether ``record`` (already loaded) is one the user may see, by its model's policy."""
    model = type(record)
    stmt = scoped(select(model.id), model, user, include_deleted=include_deleted)
    return db.session.scalar(stmt.where(model.id == record.id)) is not None

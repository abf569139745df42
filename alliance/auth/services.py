"""Accounts: creating them, checking passwords with throttling, issuing and checking tokens.

Functions flush but never commit; the view, API route or CLI command commits once.
"""
from __future__ import annotations

import functools
import secrets
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from alliance.audit.context import Actor
from alliance.audit.recorder import record_event
from alliance.auth.models import ApiToken, LoginAttempt, User, hash_token
from alliance.auth.roles import ACCOUNT_ROLES, LIAISON
from alliance.auth.sessions import end_sessions_of_user
from alliance.core.errors import FieldErrors, StaleRecord
from alliance.core.types import utcnow
from alliance.core.validators import clean_text, validate_password
from alliance.extensions import db
from alliance.members.models import MemberUnit

TOKEN_PREFIX = "alt_"  # noqa: S105
USERNAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_.-")


class Throttled(Exception):
    """Too many failed attempts: the caller shows ``message`` (429 in the API)."""

    def __init__(self, retry_after_seconds: int):
        minutes = max(1, -(-retry_after_seconds // 60))
        self.retry_after = retry_after_seconds
        self.message = f"登录失败次数过多，请{minutes}分钟后再试"
        super().__init__(self.message)


@dataclass
class LoginResult:
    user: User | None
    error: str | None = None


def normalize_username(username: str) -> str:
    return (username or "").strip().lower()


def _failures_since(condition, since) -> tuple[int, object]:
    row = db.session.execute(
        select(func.count(), func.min(LoginAttempt.attempted_at))
        .where(condition, LoginAttempt.succeeded.is_(False), LoginAttempt.attempted_at > since)
    ).one()
    return row[0], row[1]


def check_throttle(username: str | None, ip_address: str | None) -> None:
    """Raise Throttled when this account or this address failed too often lately. Counted in
    the database, so every gunicorn worker and app server sees the same numbers."""
    config = current_app.config
    window = config["LOGIN_THROTTLE_WINDOW"]
    now = utcnow()
    since = now - window
    checks = []
    if username:
        last_success = db.session.scalar(
            select(func.max(LoginAttempt.attempted_at))
            .where(LoginAttempt.username == username, LoginAttempt.succeeded.is_(True)))
        account_since = max(since, last_success) if last_success else since
        checks.append((LoginAttempt.username == username, account_since,
                       config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]))
    if ip_address:
        checks.append((LoginAttempt.ip_address == ip_address, since,
                       config["LOGIN_MAX_FAILURES_PER_ADDRESS"]))
    for condition, start, limit in checks:
        count, oldest = _failures_since(condition, start)
        if count >= limit:
            raise Throttled(int((oldest + window - now).total_seconds()) + 1)


def authenticate(username: str, password: str, ip_address: str | None) -> LoginResult:
    """Check a username and password. Records the attempt and an audit event either way.

    Raises Throttled before looking at the password when the account or address is blocked."""
    username = normalize_username(username)
    check_throttle(username, ip_address)
    user = db.session.scalar(select(User).where(User.username == username))
    ok = (user is not None and user.deleted_at is None and user.is_active
          and user.check_password(password))
    if user is None:
        # Spend the same time as a real check so timing does not reveal which names exist.
        check_password_hash(_dummy_password_hash(), password)
    db.session.add(LoginAttempt(username=username, ip_address=ip_address, succeeded=ok))
    actor = Actor(user_id=user.id if user else None, name=username[:100] or "?", source="ui",
                  ip_address=ip_address, alliance_id=user.alliance_id if user else None)
    if ok and user is not None:
        user.last_login_at = utcnow()
        record_event("login", record=user, actor=actor, summary=f"{user.username} 登录")
        return LoginResult(user)
    record_event("login_failed", record_type="User", record_id=user.id if user else None,
                 actor=actor, summary=f"{username[:50]} 登录失败")
    return LoginResult(None, "用户名或密码不正确")


@functools.cache
def _dummy_password_hash() -> str:
    return generate_password_hash(secrets.token_hex(8))


def validate_account(data: dict, *, alliance_id: int, user: User | None = None) -> dict:
    """Clean and check account fields; raise FieldErrors with Chinese messages."""
    errors: dict[str, list[str]] = {}
    cleaned: dict = {}
    if user is None:
        username = normalize_username(data.get("username", ""))
        if not username:
            errors["username"] = ["请填写用户名"]
        elif len(username) > 50 or not set(username) <= USERNAME_CHARS:
            errors["username"] = ["用户名只能包含小写字母、数字和 _ . -，最多50个字符"]
        elif db.session.scalar(select(User.id).where(User.username == username)):
            errors["username"] = ["该用户名已被使用"]
        cleaned["username"] = username
    try:
        cleaned["display_name"] = clean_text(data.get("display_name"), max_length=50,
                                             required=True, label="姓名")
    except ValueError as exc:
        errors["display_name"] = [str(exc)]
    role = data.get("role")
    if role not in ACCOUNT_ROLES:
        errors["role"] = ["请选择有效的角色"]
    cleaned["role"] = role
    unit_id = data.get("unit_id") or None
    if role == LIAISON:
        unit = db.session.get(MemberUnit, unit_id) if isinstance(unit_id, int) else None
        if unit is None or unit.alliance_id != alliance_id or unit.deleted_at is not None:
            errors["unit_id"] = ["联络员必须绑定本联盟的一个成员单位"]
    else:
        unit_id = None
    cleaned["unit_id"] = unit_id
    password = data.get("password")
    if user is None or password:
        try:
            cleaned["password"] = validate_password(password or "", username=cleaned.get("username")
                                                    or (user.username if user else None))
        except ValueError as exc:
            errors["password"] = [str(exc)]
    if "is_active" in data:
        cleaned["is_active"] = bool(data["is_active"])
    if errors:
        raise FieldErrors(errors)
    return cleaned


def create_user(data: dict, *, alliance_id: int) -> User:
    """Create an account in ``alliance_id`` from raw data (form, CLI)."""
    cleaned = validate_account(data, alliance_id=alliance_id)
    password = cleaned.pop("password")
    cleaned.setdefault("is_active", True)
    user = User(alliance_id=alliance_id, **cleaned)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def update_user(user: User, data: dict, *, version: int | None) -> User:
    """Change an account; a new password or deactivation signs it out everywhere."""
    if version is not None and version != user.version:
        raise StaleRecord()
    cleaned = validate_account(data, alliance_id=user.alliance_id, user=user)
    password = cleaned.pop("password", None)
    for key, value in cleaned.items():
        setattr(user, key, value)
    if password:
        user.set_password(password)
    if password or not user.is_active:
        end_sessions_of_user(user.id)
    db.session.flush()
    return user


def change_own_password(user: User, current: str, new: str) -> None:
    if not user.check_password(current):
        raise FieldErrors({"current_password": ["当前密码不正确"]})
    try:
        validate_password(new, username=user.username)
    except ValueError as exc:
        raise FieldErrors({"new_password": [str(exc)]})  # noqa: B904
    user.set_password(new)
    db.session.flush()


def issue_token(user: User, name: str = "命令行创建") -> str:
    """Create an API token for ``user`` and return its value; only a hash is stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=user.id, name=name[:100], token_hash=hash_token(raw),
                            prefix=raw[:12]))
    record_event("token_created", record=user, summary=f"为 {user.username} 创建接口令牌 {raw[:12]}…")
    return raw


def user_for_token(raw: str) -> User | None:
    """The active user a bearer token belongs to, or None; notes when the token was last used."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == hash_token(raw), ApiToken.revoked_at.is_(None)))
    if token is None:
        return None
    user = db.session.get(User, token.user_id)
    if user is None or not user.is_active or user.deleted_at is not None:
        return None
    return user

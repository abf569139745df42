"""Accounts: creating them, checking passwords with throttling, issuing and checking tokens.

Functions flush but never commit; the view, API route or CLI command commits once.
"""
from __future__ import annotations

import functools
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from flask import current_app
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.engine import CursorResult
from werkzeug.security import check_password_hash, generate_password_hash

from alliance.audit.context import Actor
from alliance.audit.recorder import record_event
from alliance.auth.models import ApiToken, LoginAttempt, User, hash_token
from alliance.auth.roles import ACCOUNT_ROLES, ADMIN, LIAISON
from alliance.auth.sessions import end_sessions_of_user
from alliance.core.errors import FieldErrors, StaleRecord
from alliance.core.statements import reuse
from alliance.core.types import utcnow
from alliance.core.validators import clean_text, validate_password
from alliance.extensions import db
from alliance.members.models import MemberUnit, Person

TOKEN_PREFIX = "alt_"  # noqa: S105 - a public marker, not a secret
USERNAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_.-")


class Throttled(Exception):
    """Too many failed attempts lately: the caller shows ``message`` (429 in the API)."""

    def __init__(self, retry_after_seconds: int):
        self.retry_after = max(1, int(retry_after_seconds))
        wait = (f"{self.retry_after}秒" if self.retry_after < 60
                else f"{-(-self.retry_after // 60)}分钟")
        self.message = f"登录失败次数过多，请{wait}后再试"
        super().__init__(self.message)


@dataclass
class LoginResult:
    user: User | None
    error: str | None = None
    tries_left: int | None = None  # after a failure: failures that still cost no wait


def login_page_alliance_name() -> str | None:
    """The alliance the login page names: the deployment's only one (several: none, as the
    page must not list them to strangers)."""
    from alliance.members.models import Alliance

    names = db.session.scalars(select(Alliance.name).where(Alliance.deleted_at.is_(None)).limit(2)).all()
    return names[0] if len(names) == 1 else None


def normalize_username(username: str) -> str:
    return (username or "").strip().lower()


# --- throttling ---------------------------------------------------------------------------
# As trusted systems do it (OWASP, NIST 800-63B 5.2.2): failures are counted per (account,
# address) pair and answered with a growing delay, not a lock anyone could trigger. Strangers'
# failures against an account (all addresses) or from an address (all accounts) slow down only
# attempts from unknown places: the owner's known device (a signed cookie set at login) or an
# address they signed in from before is not held up by them. Bad API tokens and the
# change-password form are counted apart (``kind``), so a broken script never slows a login.

def _delay(failures: int, free: int, config) -> int:
    """Seconds to wait after ``failures`` failures of which ``free`` cost nothing: 2, 4, 8, ...
    up to LOGIN_MAX_DELAY."""
    if failures < free:
        return 0
    return min(int(config["LOGIN_MAX_DELAY"].total_seconds()), 2 ** (failures - free + 1))


def _failures(kind: str, since, *conditions) -> tuple[int, object]:
    row = db.session.execute(
        select(func.count(), func.max(LoginAttempt.attempted_at))
        .where(LoginAttempt.kind == kind, LoginAttempt.succeeded.is_(False),
               LoginAttempt.attempted_at > since, *conditions)).one()
    return row[0], row[1]


def _last_success(*conditions):
    return db.session.scalar(select(func.max(LoginAttempt.attempted_at))
                             .where(LoginAttempt.succeeded.is_(True), *conditions))


def is_known_address(username: str, ip_address: str | None) -> bool:
    """Did this account sign in from this address within the last KNOWN_ADDRESS_DAYS?"""
    if not ip_address:
        return False
    since = utcnow() - current_app.config["KNOWN_ADDRESS_PERIOD"]
    last = _last_success(LoginAttempt.kind == "login", LoginAttempt.username == username,
                         LoginAttempt.ip_address == ip_address)
    return last is not None and last > since


def check_throttle(username: str | None, ip_address: str | None, *, kind: str = "login",
                   known_device: bool = False) -> None:
    """Raise Throttled while the caller must still wait. Counted in the database, so every
    gunicorn worker sees the same numbers."""
    config = current_app.config
    now = utcnow()
    for free, (count, latest) in _throttle_checks(username, ip_address, kind=kind, known_device=known_device):
        wait = _delay(count, free, config)
        if wait and latest is not None:
            remaining = (cast(datetime, latest) + timedelta(seconds=wait) - now).total_seconds()
            if remaining > 0:
                raise Throttled(int(remaining) + 1)


def tries_left(username: str | None, ip_address: str | None, *, known_device: bool = False) -> int:
    """How many more failed logins from here cost nothing before each one makes the next
    wait (the lock the login page warns of); the tightest of the counters that apply."""
    checks = _throttle_checks(normalize_username(username or ""), ip_address, kind="login",
                              known_device=known_device)
    return max(0, min((free - count for free, (count, _latest) in checks), default=0))


def _throttle_checks(username: str | None, ip_address: str | None, *, kind: str,
                     known_device: bool) -> list[tuple[int, tuple[int, object]]]:
    """(free failures, (failures counted, the latest's time)) of each counter that applies."""
    config = current_app.config
    since = utcnow() - config["LOGIN_THROTTLE_WINDOW"]
    checks = []
    if kind == "token":
        checks.append((config["TOKEN_FREE_FAILURES_PER_ADDRESS"],
                       _failures("token", since, LoginAttempt.ip_address == ip_address)))
    elif username:
        pair = (LoginAttempt.username == username, LoginAttempt.ip_address == ip_address)
        pair_success = _last_success(LoginAttempt.kind == kind, *pair)
        checks.append((config["LOGIN_FREE_FAILURES_PER_PAIR"],
                       _failures(kind, max(since, pair_success) if pair_success else since, *pair)))
        if kind == "login" and not known_device and not is_known_address(username, ip_address):
            account_success = _last_success(LoginAttempt.kind == kind, LoginAttempt.username == username)
            checks.append((config["LOGIN_FREE_FAILURES_PER_ACCOUNT"], _failures(
                kind, max(since, account_success) if account_success else since,
                LoginAttempt.username == username)))
            checks.append((config["LOGIN_FREE_FAILURES_PER_ADDRESS"],
                           _failures(kind, since, LoginAttempt.ip_address == ip_address)))
    return checks


def record_attempt(kind: str, username: str | None, ip_address: str | None, ok: bool) -> None:
    db.session.add(LoginAttempt(kind=kind, username=username, ip_address=ip_address, succeeded=ok))


def authenticate(username: str, password: str, ip_address: str | None, *,
                 known_device: bool = False) -> LoginResult:
    """Check a username and password. Records the attempt and an audit event either way.

    Raises Throttled before looking at the password while the caller must wait.
    ``known_device``: the browser carries this account's device cookie."""
    username = normalize_username(username)
    check_throttle(username, ip_address, known_device=known_device)
    user = db.session.scalar(select(User).where(User.username == username))
    # Always one full hash check, whether the account exists, is disabled or deleted, so the
    # answer's timing tells nothing about the account.
    password_ok = (user.check_password(password) if user is not None
                   else check_password_hash(_dummy_password_hash(), password) and False)
    ok = user is not None and user.deleted_at is None and user.is_active and password_ok
    record_attempt("login", username, ip_address, ok)
    actor = Actor(user_id=user.id if user else None, name=username[:100] or "?", source="ui",
                  ip_address=ip_address, alliance_id=user.alliance_id if user else None)
    if ok:
        user.last_login_at = utcnow()
        record_event("login", record=user, actor=actor, summary=f"{user.username} 登录")
        return LoginResult(user)
    record_event("login_failed", record_type="User", record_id=user.id if user else None,
                 actor=actor, summary=f"{username[:50]} 登录失败")
    db.session.flush()  # the attempt just recorded counts
    return LoginResult(None, "用户名或密码不正确",
                       tries_left=tries_left(username, ip_address, known_device=known_device))


def _dummy_password_hash() -> str:
    return _dummy_hash_for(current_app.config.get("PASSWORD_HASH_METHOD", "scrypt"))


@functools.cache
def _dummy_hash_for(method: str) -> str:
    return generate_password_hash(secrets.token_hex(8), method=method)


def _refuse_reused_password(user: User, new: str, field: str) -> None:
    """A new password is neither the current one nor the published demo password."""
    from alliance.demo.data import DEFAULT_DEMO_PASSWORD

    demo = {DEFAULT_DEMO_PASSWORD, current_app.config.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD}
    if new in demo:
        raise FieldErrors({field: ["不能使用演示数据的公开密码"]})
    if user.password_hash and user.check_password(new):
        raise FieldErrors({field: ["新密码不能与当前密码相同"]})


def _refuse_last_admin_leaving(user: User, cleaned: dict) -> None:
    """An alliance keeps at least one active admin: the last cannot demote or disable
    themselves (nobody could then manage accounts)."""
    if user.role != ADMIN or (cleaned.get("role", ADMIN) == ADMIN and cleaned.get("is_active", True)):
        return
    others = db.session.scalar(select(func.count()).select_from(User).where(
        User.alliance_id == user.alliance_id, User.role == ADMIN, User.is_active.is_(True),
        User.deleted_at.is_(None), User.id != user.id))
    if not others:
        raise FieldErrors({"role": ["这是本联盟最后一个启用的管理员账号，不能降级或停用；"
                                    "请先为另一人开设管理员账号"]})


def validate_account(data: dict, *, alliance_id: int, user: User | None = None) -> dict:
    """Clean and check account fields; raise FieldErrors with Chinese messages."""
    errors: dict[str, list[str] | str] = {}
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
    if "person_id" in data:
        person_id = data.get("person_id") or None
        if person_id is not None:
            person = (db.session.get(Person, person_id)
                      if isinstance(person_id, int) and not isinstance(person_id, bool) else None)
            if person is None or person.alliance_id != alliance_id or person.deleted_at is not None:
                errors["person_id"] = ["请选择本联盟登记的一位人员"]
        cleaned["person_id"] = person_id
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


def create_user(data: dict, *, alliance_id: int, set_by_admin: bool = False) -> User:
    """Create an account in ``alliance_id`` from raw data (form, API, CLI). ``set_by_admin``:
    an admin chose the password for someone else, who must change it at the first sign-in
    (the CLI and the demo set their own operators' passwords)."""
    cleaned = validate_account(data, alliance_id=alliance_id)
    password = cleaned.pop("password")
    cleaned.setdefault("is_active", True)
    user = User(alliance_id=alliance_id, **cleaned)
    user.set_password(password)
    user.must_change_password = set_by_admin
    db.session.add(user)
    db.session.flush()
    return user


def update_user(user: User, data: dict, *, version: int | None, actor=None) -> User:
    """Change an account; a new password or deactivation signs it out everywhere. A password
    that an admin (``actor``) sets for another account must be changed at its next sign-in."""
    if version is not None and version != user.version:
        raise StaleRecord()
    cleaned = validate_account(data, alliance_id=user.alliance_id, user=user)
    _refuse_last_admin_leaving(user, cleaned)
    password = cleaned.pop("password", None)
    if password:
        _refuse_reused_password(user, password, "password")
    for key, value in cleaned.items():
        setattr(user, key, value)
    if password:
        user.set_password(password)
        user.must_change_password = actor is None or getattr(actor, "id", None) != user.id
    if password or not user.is_active:
        end_sessions_of_user(user.id)
        revoke_all_tokens(user, reason="账号停用" if not user.is_active else "密码修改")
    db.session.flush()
    return user


def change_own_password(user: User, current: str, new: str, ip_address: str | None = None) -> None:
    """Check the current password (throttled like a login, counted apart) and set the new
    one; every API token of the account is revoked (the caller ends the other sessions)."""
    check_throttle(user.username, ip_address, kind="password_change")
    if not user.check_password(current):
        record_attempt("password_change", user.username, ip_address, False)  # the caller commits it
        raise FieldErrors({"current_password": ["当前密码不正确"]})
    try:
        validate_password(new, username=user.username)
    except ValueError as exc:
        raise FieldErrors({"new_password": [str(exc)]}) from None
    _refuse_reused_password(user, new, "new_password")
    user.set_password(new)
    user.must_change_password = False
    revoke_all_tokens(user, reason="密码修改")
    db.session.flush()


def token_lifetime() -> timedelta:
    return timedelta(days=int(current_app.config["API_TOKEN_DAYS"]))


def issue_token(user: User, name: str = "命令行创建", *, days: int | None = None) -> str:
    """Create an API token for ``user`` and return its value; only a hash is stored. It expires
    after ``days`` (default API_TOKEN_DAYS, 90)."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    lifetime = timedelta(days=days) if days else token_lifetime()
    db.session.add(ApiToken(user_id=user.id, name=name[:100], token_hash=hash_token(raw),
                            prefix=raw[:12], created_at=now, expires_at=now + lifetime))
    record_event("token_created", record=user, summary=f"为 {user.username} 创建接口令牌 {raw[:12]}…")
    return raw


def tokens_of(user: User) -> list[ApiToken]:
    """The user's tokens, newest first, revoked and expired ones included (as history)."""
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                   .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def revoke_token(user: User, token_id: int) -> ApiToken:
    """Revoke one of ``user``'s own tokens (another's, or no such token: RuleViolation-free 404
    by the caller: this raises LookupError)."""
    token = db.session.scalar(select(ApiToken).where(ApiToken.id == token_id,
                                                     ApiToken.user_id == user.id))
    if token is None:
        raise LookupError(token_id)
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        record_event("token_revoked", record=user, summary=f"撤销 {user.username} 的接口令牌 {token.prefix}…")
    db.session.flush()
    return token


def revoke_all_tokens(user: User, *, reason: str = "本人撤销") -> int:
    """Revoke every live token of ``user`` (password change, deactivation, or on request)."""
    result = db.session.execute(update(ApiToken).where(ApiToken.user_id == user.id,
                                                       ApiToken.revoked_at.is_(None))
                                .values(revoked_at=utcnow()))
    count = cast(CursorResult, result).rowcount or 0
    if count:
        record_event("token_revoked", record=user,
                     summary=f"撤销 {user.username} 的全部接口令牌（{count}个，{reason}）")
    return count


# Writing last_used_at on every call is wasted work: once a minute is precise enough.
TOKEN_TOUCH_INTERVAL = timedelta(minutes=1)


def _token_query():
    return reuse("api-token-and-user", lambda: (
        select(ApiToken, User).join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == bindparam("token_hash"), ApiToken.revoked_at.is_(None))))


def user_for_token(raw: str) -> User | None:
    """The active user a live (not revoked, not expired) bearer token belongs to, or None.
    Notes when the token was last used, at most once a minute, on its own connection (a GET
    commits nothing)."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    # Token and account in one query (issue 7: each statement is ~0.2 ms of a 3 ms API page),
    # built once (core.statements: building it and its cache key was a third of the lookup).
    row = db.session.execute(_token_query(), {"token_hash": hash_token(raw)}).first()
    now = utcnow()
    if row is None or not row.ApiToken.is_usable(now):
        return None
    token, user = row.ApiToken, row.User
    if token.expires_at is None and token.created_at + token_lifetime() < now:
        return None
    if not user.is_active or user.deleted_at is not None:
        return None
    if token.last_used_at is None or now - token.last_used_at > TOKEN_TOUCH_INTERVAL:
        with db.engine.begin() as conn:
            conn.execute(update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now))
    return user

"""Accounts, API tokens, database-kept web sessions and login attempts."""
from __future__ import annotations

import hashlib
from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from alliance.auth.roles import ACCOUNT_ROLES
from alliance.core.models import AllianceRecord
from alliance.core.request_keys import RequestKey  # noqa: F401  (its table is created with the accounts')
from alliance.core.roles import RoleMixin
from alliance.core.types import UTCDateTime, utcnow
from alliance.core.visibility import ReadersOfAll
from alliance.extensions import db
from alliance.members.models import Alliance, MemberUnit, Person


def hash_token(raw: str) -> str:
    """Tokens and session ids are long random strings: SHA-256 is enough to store them safely."""
    return hashlib.sha256(raw.encode()).hexdigest()


class User(RoleMixin, UserMixin, AllianceRecord, db.Model):
    """An account. It belongs to one alliance and sees only it; a liaison is bound to one unit."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(ACCOUNT_ROLES.check_sql("role"), name="role"),
        CheckConstraint("role != 'liaison' OR unit_id IS NOT NULL", name="liaison_unit"),
    )
    __audit_ignored__ = frozenset({"password_hash", "last_login_at"})
    __visibility__ = ReadersOfAll()

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    display_name: Mapped[str] = mapped_column(String(50))
    role: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("member_units.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The register's record of the account's holder (same alliance), if linked.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    # Set when an admin chooses the password (a new account, a reset): the holder must pick
    # their own at the next sign-in before any page opens (API tokens are not held up).
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())

    alliance: Mapped[Alliance] = relationship()
    unit: Mapped[MemberUnit | None] = relationship()
    person: Mapped[Person | None] = relationship()

    def set_password(self, password: str) -> None:
        # scrypt with a random salt by default; tests choose a cheaper method for speed.
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        self.password_hash = generate_password_hash(password, method=method)
        self.password_changed_at = utcnow()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def role_label(self) -> str:
        return ACCOUNT_ROLES.label(self.role)


    def __str__(self) -> str:
        return f"{self.display_name}（{self.username}）"


class ApiToken(db.Model):
    """A bearer token for the API; only its hash is stored, the value is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # None only for tokens issued before expiry existed (they count as expired 90 days on).
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    def is_usable(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class WebSession(db.Model):
    """A browser session. The cookie holds a random id; the row holds the data, so logging out
    deletes the row and a copied cookie is worth nothing."""

    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of the cookie value
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    data: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


# What a LoginAttempt checked: counted apart, so a script's bad token never slows a login.
ATTEMPT_KINDS = ("login", "token", "password_change")


class LoginAttempt(db.Model):
    """One password or token check; counted to slow down guessing, whatever worker answers."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_username_ip_address", "username", "ip_address"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), default="login", server_default="login")
    username: Mapped[str | None] = mapped_column(String(50), index=True)
    ip_address: Mapped[str | None] = mapped_column(String(45), index=True)
    succeeded: Mapped[bool] = mapped_column(default=False)
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

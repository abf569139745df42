"""Who is acting right now: the signed-in user of a request, or whoever a CLI command names."""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from flask import g, has_request_context, request


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    name: str
    source: str  # one of AUDIT_SOURCES
    ip_address: str | None = None
    alliance_id: int | None = None
    note: str | None = None  # shown on each entry, e.g. the imported file's name and hash


SYSTEM = Actor(user_id=None, name="system", source="system")
_override: ContextVar[Actor | None] = ContextVar("audit_actor", default=None)


@contextmanager
def acting_as(actor: Actor):
    """Attribute the changes made inside the block to ``actor`` (CLI commands, imports, jobs)."""
    token = _override.set(actor)
    try:
        yield actor
    finally:
        _override.reset(token)


def actor_for_user(user, source: str, ip_address: str | None = None) -> Actor:
    return Actor(user_id=user.id, name=user.username, source=source, ip_address=ip_address,
                 alliance_id=user.alliance_id)


def request_source() -> str:
    return "api" if request.path.startswith("/api/") else "ui"


def current_actor() -> Actor:
    """The actor for an audit entry. Reads the user Flask-Login already loaded for this request
    (``g._login_user``) rather than loading it, because this runs inside a flush."""
    override = _override.get()
    if override is not None:
        return override
    if has_request_context():
        user = g.get("_login_user")
        address = request.remote_addr
        if user is not None and getattr(user, "is_authenticated", False):
            return actor_for_user(user, request_source(), address)
        return Actor(user_id=None, name="anonymous", source=request_source(), ip_address=address)
    return SYSTEM

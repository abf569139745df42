"""Housekeeping of sign-in data. Each job commits once, at its end."""
from __future__ import annotations

from datetime import timedelta
from typing import cast

from flask import current_app
from sqlalchemy import delete
from sqlalchemy.engine import CursorResult

from alliance.auth.models import LoginAttempt, RequestKey, WebSession
from alliance.core.areas import Job
from alliance.core.types import utcnow
from alliance.extensions import db

# Login attempts are kept a while after they stop counting, to investigate an attack.
ATTEMPT_RETENTION = timedelta(days=30)


def purge_expired_sessions() -> int:
    """Delete sessions idle longer than the timeout (they can no longer be used anyway)."""
    from sqlalchemy import or_

    now = utcnow()
    result = db.session.execute(delete(WebSession).where(or_(
        WebSession.last_seen_at < now - current_app.config["SESSION_IDLE_TIMEOUT"],
        WebSession.created_at < now - current_app.config["SESSION_MAX_AGE"])))
    db.session.commit()
    return cast(CursorResult, result).rowcount or 0


def purge_old_login_attempts() -> int:
    cutoff = utcnow() - max(ATTEMPT_RETENTION, current_app.config["LOGIN_THROTTLE_WINDOW"])
    result = db.session.execute(delete(LoginAttempt).where(LoginAttempt.attempted_at < cutoff))
    db.session.commit()
    return cast(CursorResult, result).rowcount or 0


REQUEST_KEY_RETENTION = timedelta(days=1)


def purge_old_request_keys() -> int:
    """Idempotency keys and spent form tokens matter for a day: a retry comes sooner."""
    cutoff = utcnow() - REQUEST_KEY_RETENTION
    result = db.session.execute(delete(RequestKey).where(RequestKey.created_at < cutoff))
    db.session.commit()
    return cast(CursorResult, result).rowcount or 0


JOBS = {
    "purge_expired_sessions": Job(purge_expired_sessions, timedelta(minutes=15)),
    "purge_old_login_attempts": Job(purge_old_login_attempts, timedelta(hours=6)),
    "purge_old_request_keys": Job(purge_old_request_keys, timedelta(hours=6)),
}

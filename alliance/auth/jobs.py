"""Housekeeping of sign-in data. Each job commits once, at its end."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import delete

from alliance.auth.models import LoginAttempt, WebSession
from alliance.core.areas import Job
from alliance.core.types import utcnow
from alliance.extensions import db

# Login attempts are kept a while after they stop counting, to investigate an attack.
ATTEMPT_RETENTION = timedelta(days=30)


def purge_expired_sessions() -> int:
    """Delete sessions idle longer than the timeout (they can no longer be used anyway)."""
    cutoff = utcnow() - current_app.config["SESSION_IDLE_TIMEOUT"]
    result = db.session.execute(delete(WebSession).where(WebSession.last_seen_at < cutoff))
    db.session.commit()
    return getattr(result, "rowcount", 0) or 0


def purge_old_login_attempts() -> int:
    cutoff = utcnow() - max(ATTEMPT_RETENTION, current_app.config["LOGIN_THROTTLE_WINDOW"])
    result = db.session.execute(delete(LoginAttempt).where(LoginAttempt.attempted_at < cutoff))
    db.session.commit()
    return getattr(result, "rowcount", 0) or 0


JOBS = {
    "purge_expired_sessions": Job(purge_expired_sessions, timedelta(minutes=15)),
    "purge_old_login_attempts": Job(purge_old_login_attempts, timedelta(hours=6)),
}

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from alliance.auth.models import LoginAttempt, WebSession
from alliance.core.types import utcnow


def test_jobs_purge_expired_sessions_and_old_attempts(world, sign_in, runner, db, app):
    sign_in(world.staff)
    fresh = sign_in(world.organizer)
    db.session.execute(update(WebSession).where(WebSession.user_id == world.staff.id)
                       .values(last_seen_at=utcnow() - app.config["SESSION_IDLE_TIMEOUT"] - timedelta(seconds=5)))
    db.session.add(LoginAttempt(username="x", ip_address="10.0.0.1", succeeded=False,
                                attempted_at=utcnow() - timedelta(days=31)))
    db.session.commit()
    result = runner.invoke(args=["jobs", "run"])
    assert result.exit_code == 0, result.output
    assert "purge_expired_sessions: 1" in result.output
    assert "purge_old_login_attempts: 1" in result.output
    assert db.session.scalar(select(func.count()).select_from(WebSession)) == 1
    assert fresh.get("/units").status_code == 200
    assert runner.invoke(args=["jobs", "run", "nope"]).exit_code != 0

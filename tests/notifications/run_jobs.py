"""One app process of test_once_across_processes: waits for the common instant, runs the
reminder job, waits again, runs the digest job; prints what it did as JSON.

    python -m tests.notifications.run_jobs DATABASE_URL SMTP_PORT NOW START_AT
"""
from __future__ import annotations

import json
import sys
import time
from datetime import datetime


def _wait(until: float) -> None:
    while (left := until - time.time()) > 0:
        time.sleep(min(left, 0.05))


def main(url: str, smtp_port: str, now: str, start_at: str) -> None:
    from alliance import create_app
    from alliance.extensions import db
    from alliance.notifications import services

    app = create_app("testing", {
        "SQLALCHEMY_DATABASE_URI": url, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp_port,
        "MAIL_DEFAULT_SENDER": "noreply@alliance.test", "SITE_URL": "http://alliance.test",
        "NOTIFICATIONS_NOW": now})  # the fake clock: every process runs at the same moment
    with app.app_context():
        moment = services.job_now()
        assert moment == datetime.fromisoformat(now)
        db.session.execute(db.text("SELECT 1"))  # connected before the start: a fair race
        _wait(float(start_at))
        created = services.create_reminders(moment)
        db.session.commit()
        _wait(float(start_at) + 2)
        counts = services.send_digests(moment)
        db.session.remove()
    print(json.dumps({"created": created, **counts}))


if __name__ == "__main__":
    main(*sys.argv[1:5])

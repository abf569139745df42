"""Three app processes, one database, one fake clock, all at the same instant: each reminder is
created once and each digest sent once (the database's UNIQUE constraints and the digest row
decide, not a lock in Python). Runs on SQLite (one file) and PostgreSQL (``--db``)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import func, select

from alliance.audit.context import acting_as
from alliance.core.dates import LOCAL_TZ
from alliance.meetings import services as meetings
from alliance.notifications import services
from alliance.notifications.models import Digest, Notification
from tests.factories import SETUP
from tests.lists import make_need, seed
from tests.meetings import make_setup

NOW = datetime(2021, 1, 20, 9, 0, tzinfo=LOCAL_TZ)  # the day before the meeting of make_setup
ROOT = Path(__file__).resolve().parents[2]
PROCESSES = 3


def test_three_processes_create_each_reminder_once_and_send_each_digest_once(world, db, database_url, smtp_server):
    seed(world.alliance.id)
    setup = make_setup(world)  # meeting tomorrow: units A and B; their reply slips pending
    with acting_as(SETUP):
        meetings.add_action_item(setup.meeting, {"decision": "落实共建项目", "owner_unit_id": world.unit_b.id,
                                                 "due_on": date(2021, 1, 22)})
        db.session.commit()
    for n in range(20):
        make_need(world.liaison_a, world.unit_a, title=f"需求{n}", wanted_by=date(2021, 1, 10))
    for user, email in ((world.staff, "staff@alliance.test"), (world.liaison_a, "a@alliance.test"),
                        (world.liaison_b, "b@alliance.test")):
        services.save_preferences(user.id, email, services.rules())
    db.session.commit()
    expected = {(k, r.user_id, r.occasion) for k, r in services.due_reminders(NOW)}
    # meeting x2 liaisons, slips x2, action item (liaison B + staff), 20 needs (staff)
    assert len(expected) == 2 + 2 + 2 + 20
    db.session.remove()
    db.engine.dispose()

    start_at = time.time() + 4  # the processes start, import and connect, then go at once
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "tests.notifications.run_jobs", database_url, str(smtp_server.port),
         NOW.isoformat(), str(start_at)], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True) for _ in range(PROCESSES)]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err[-3000:]
        results.append(json.loads(out.strip().splitlines()[-1]))
    assert time.time() > start_at  # they really waited for the common instant

    rows = db.session.execute(select(Notification.kind, Notification.user_id, Notification.occasion)).all()
    assert len(rows) == len(set(rows)) == len(expected) and set(rows) == expected
    assert sum(r["created"] for r in results) == len(expected)  # the inserts that "won" add up
    assert sorted(sorted(rcpts) for rcpts, _ in smtp_server.messages) == [
        ["a@alliance.test"], ["b@alliance.test"], ["staff@alliance.test"]]
    assert sum(r["sent"] for r in results) == 3 and sum(r["failed"] for r in results) == 0
    assert db.session.scalar(select(func.count()).select_from(Digest)) == 3
    staff_mail = next(m for rcpts, m in smtp_server.messages if rcpts == ["staff@alliance.test"])
    assert "21 条待办" in staff_mail["Subject"]

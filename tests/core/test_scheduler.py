"""Several processes with SCHEDULER_ENABLED run each job once per trigger (issue 6 item 6)."""
from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

from alliance.core.scheduler import JobLease, take_slot

PROJECT = Path(__file__).resolve().parents[2]
WORKER = """
import sys, time
from alliance import create_app
app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": sys.argv[1], "SCHEDULER_ENABLED": True,
                             "AREAS": create_app.__globals__["load_config"]("testing").AREAS
                             + ("tests.core.toy_area",)})
time.sleep(float(sys.argv[2]))
"""


def test_take_slot_is_given_once_and_only_forward(app, db):
    assert take_slot("report", 10, "a") is True
    assert take_slot("report", 10, "b") is False
    assert take_slot("report", 9, "b") is False
    assert take_slot("report", 11, "b") is True
    assert db.session.get(JobLease, "report").holder == "b"


def test_three_processes_run_a_job_once_per_trigger(app, database_url, tmp_path):
    log = tmp_path / "runs.log"
    log.touch()
    env = {**os.environ, "TOY_JOB_LOG": str(log), "PYTHONPATH": str(PROJECT)}
    workers = [subprocess.Popen([sys.executable, "-c", WORKER, database_url, "7"], cwd=PROJECT,
                                env=env, stderr=subprocess.PIPE) for _ in range(3)]
    for worker in workers:
        _, stderr = worker.communicate(timeout=120)
        assert worker.returncode == 0, stderr.decode()[-2000:]
    runs = [line.split() for line in log.read_text().splitlines()]
    slots = Counter(slot for slot, _ in runs)
    assert len(slots) >= 3, runs  # the job did run, several times
    assert max(slots.values()) == 1, runs  # but never twice for one trigger

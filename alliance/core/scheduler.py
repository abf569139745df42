"""Scheduled jobs (APScheduler). Areas declare their jobs in ``Area.jobs`` (``core/areas.py``).

With SCHEDULER_ENABLED every app process (each gunicorn worker) runs a scheduler, and each job
still runs once per trigger across all of them:

- triggers are aligned on the clock (every ``interval`` since 2000-01-01 UTC), so the processes
  fire at the same moments, and each moment is a numbered *slot*;
- before running, a process takes the slot in the job's lease row (``job_leases``) with one
  atomic ``UPDATE ... SET last_slot = :slot WHERE name = :job AND last_slot < :slot`` in its own
  committed transaction. SQLite serialises writers and PostgreSQL re-checks the WHERE after the
  first writer's commit, so exactly one process updates the row; the others skip that slot.

An area's job is a plain function that commits once at its end (a reminder job: find what is
due, write the notices, commit); a job taken by a process that then crashes is not retried
until its next slot, so a job should pick up whatever is due, not only what fell due since the
last run. ``flask jobs run NAME`` runs a job now, outside the schedule.
"""
from __future__ import annotations

import os
import socket
from datetime import UTC, datetime

import click
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask
from sqlalchemy import BigInteger, String, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from alliance.core.areas import Job, registry
from alliance.core.types import UTCDateTime
from alliance.extensions import db


class JobLease(db.Model):
    """Which trigger (slot) of a job was last taken, by which process: see ``take_slot``."""

    __tablename__ = "job_leases"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    last_slot: Mapped[int] = mapped_column(BigInteger)
    holder: Mapped[str | None] = mapped_column(String(200))
    taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


def all_jobs() -> dict[str, Job]:
    """Every registered area's jobs, by name."""
    return registry().jobs


EPOCH = datetime(2000, 1, 1, tzinfo=UTC)  # triggers fall on multiples of the interval since


def slot_of(moment: datetime, job: Job) -> int:
    """The number of the trigger nearest ``moment`` (a scheduler fires a little late)."""
    return round((moment - EPOCH) / job.interval)


def take_slot(name: str, slot: int, holder: str | None = None) -> bool:
    """Take trigger ``slot`` of job ``name`` for this process: True for exactly one caller,
    whatever the number of processes asking at once. Commits on its own connection."""
    holder = holder or f"{socket.gethostname()}:{os.getpid()}"
    insert = (postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert)
    with db.engine.begin() as connection:
        connection.execute(insert(JobLease).values(name=name, last_slot=-1)
                           .on_conflict_do_nothing(index_elements=["name"]))
        taken = connection.execute(
            update(JobLease).where(JobLease.name == name, JobLease.last_slot < slot)
            .values(last_slot=slot, holder=holder, taken_at=datetime.now(UTC)))
        return taken.rowcount == 1


def _run_once_per_slot(app: Flask, name: str, job: Job):
    def run():
        with app.app_context():
            try:
                if take_slot(name, slot_of(datetime.now(UTC), job)):
                    job.function()
            finally:
                db.session.remove()

    return run


def init_app(app: Flask) -> None:
    app.cli.add_command(jobs)
    if not app.config.get("SCHEDULER_ENABLED"):
        return
    scheduler = BackgroundScheduler(timezone="UTC", daemon=True)
    for name, job in registry(app).jobs.items():
        trigger = IntervalTrigger(seconds=job.interval.total_seconds(), start_date=EPOCH,
                                  timezone=UTC)
        scheduler.add_job(_run_once_per_slot(app, name, job), trigger, id=name, coalesce=True,
                          max_instances=1, misfire_grace_time=int(job.interval.total_seconds()))
    scheduler.start()
    app.extensions["scheduler"] = scheduler


@click.group(help="定时任务 / scheduled jobs")
def jobs():
    pass


@jobs.command("run")
@click.argument("names", nargs=-1)
def run_jobs(names):
    """Run the named jobs (all if none) once, now."""
    selected = all_jobs()
    unknown = set(names) - set(selected)
    if unknown:
        raise click.ClickException(f"没有这些任务：{', '.join(sorted(unknown))}")
    for name, job in selected.items():
        if not names or name in names:
            click.echo(f"{name}: {job.function()}")

"""Scheduled jobs (APScheduler). Areas declare their jobs in ``Area.jobs`` (``core/areas.py``).

App processes keep no state, so jobs must be safe to run twice at once: with several gunicorn
workers, either set SCHEDULER_ENABLED=1 for one process only, or leave it off and let cron run
``flask jobs run``.
"""
from __future__ import annotations

import click
from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask

from datetime import datetime

from sqlalchemy import BigInteger, String
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


def _in_app_context(app: Flask, function):
    def run():
        with app.app_context():
            try:
                function()
            finally:
                db.session.remove()

    return run


def init_app(app: Flask) -> None:
    app.cli.add_command(jobs)
    if not app.config.get("SCHEDULER_ENABLED"):
        return
    scheduler = BackgroundScheduler(timezone="UTC", daemon=True)
    for name, job in registry(app).jobs.items():
        scheduler.add_job(_in_app_context(app, job.function), "interval", seconds=job.interval.total_seconds(),
                          id=name, coalesce=True, max_instances=1)
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

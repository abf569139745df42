"""``flask notifications remind|digest [--now ISO]``: run a job at a given moment (rehearsals,
tests with a fixed clock); without ``--now`` it is ``flask jobs run create_reminders``."""
from __future__ import annotations

from datetime import UTC, datetime

import click

from alliance.extensions import db
from alliance.notifications import services


def _moment(value: str | None) -> datetime:
    if not value:
        return services.job_now()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("应为 ISO 8601 时间，如 2021-01-20T09:00+08:00", param_hint="--now") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@click.group(help="站内提醒与提醒邮件 / reminders and digests")
def notifications():
    pass


@notifications.command("remind")
@click.option("--now", help="ISO 8601 moment to run at (default: now)")
def remind(now):
    """Create the reminders due at NOW (each once per account and occasion)."""
    created = services.create_reminders(_moment(now))
    db.session.commit()
    click.echo(f"created {created}")


@notifications.command("digest")
@click.option("--now", help="ISO 8601 moment to run at (default: now)")
def digest(now):
    """Send the day's digests (each once per account and day)."""
    counts = services.send_digests(_moment(now))
    click.echo(" ".join(f"{k} {v}" for k, v in counts.items()))

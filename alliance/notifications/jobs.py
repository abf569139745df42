"""The scheduled jobs of reminders; each commits at its end (see services)."""
from __future__ import annotations

from datetime import timedelta

from alliance.core.areas import Job
from alliance.notifications.services import digest_job, remind_job

# Hourly: a reminder appears within the hour its occasion comes (a missed run is caught up by
# the next, as the rules look at what is due, not at what fell due since the last run). The
# digest job also runs hourly; each account still gets one e-mail a day (notification_digests).
JOBS = {
    "create_reminders": Job(remind_job, timedelta(hours=1)),
    "send_digests": Job(digest_job, timedelta(hours=1)),
}

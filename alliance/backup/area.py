"""Backups as an area of the app: the ``flask backup`` commands and the daily job."""
from __future__ import annotations

from flask import Flask

from alliance.backup.jobs import JOBS
from alliance.core.areas import Area


def _init_app(app: Flask) -> None:
    from alliance.backup.cli import backup

    app.cli.add_command(backup)


AREA = Area(name="backup", label="备份", init_app=_init_app, jobs=JOBS)

"""The daily backup: an archive into BACKUP_DIR, then only the newest BACKUP_KEEP kept."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app

from alliance.backup.archive import create_backup, prune
from alliance.core.areas import Job


def daily_backup() -> str:
    config = current_app.config
    made = create_backup(config["SQLALCHEMY_DATABASE_URI"], config.get("UPLOAD_FOLDER"), config["BACKUP_DIR"])
    removed = prune(config["BACKUP_DIR"], int(config["BACKUP_KEEP"]))
    return f"{made.path.name}（删除旧备份 {len(removed)} 个）"


JOBS = {"daily_backup": Job(daily_backup, timedelta(days=1))}

"""``flask backup create`` and ``flask backup restore FILE``."""
from __future__ import annotations

import click
from flask import current_app

from alliance.backup.archive import BackupError, create_backup, prune, restore_backup


@click.group(help="备份与恢复 / backups")
def backup():
    pass


@backup.command("create")
@click.option("--dir", "directory", help="where to write (default: BACKUP_DIR)")
@click.option("--keep", type=int, help="then keep only the newest N archives")
def create(directory, keep):
    """Write a dated, checksummed archive of the database and the upload folder."""
    config = current_app.config
    try:
        made = create_backup(config["SQLALCHEMY_DATABASE_URI"], config.get("UPLOAD_FOLDER"),
                             directory or config["BACKUP_DIR"])
        removed = prune(directory or config["BACKUP_DIR"], keep) if keep else []
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"备份完成：{made.path}（{len(made.manifest['files'])} 个文件）")
    click.echo(f"SHA-256：{made.sha256}")
    for path in removed:
        click.echo(f"已删除旧备份：{path.name}")


@backup.command("restore")
@click.argument("file", type=click.Path(dir_okay=False))
def restore(file):
    """Restore FILE into the (empty) database of DATABASE_URL and the upload folder."""
    config = current_app.config
    try:
        manifest = restore_backup(file, config["SQLALCHEMY_DATABASE_URI"], config.get("UPLOAD_FOLDER"))
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"恢复完成：{manifest['created_at']} 的备份（数据库版本 {manifest.get('alembic_revision')}，"
               f"{len(manifest['files'])} 个文件）")

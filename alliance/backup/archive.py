"""Backups: one dated ``.tar.gz`` holding a consistent snapshot of the database and the upload
folder, with a ``manifest.json`` (SHA-256 of every file inside) and a ``<archive>.sha256`` beside
it (``sha256sum -c`` reads it).

- SQLite: the online backup API (``sqlite3.Connection.backup``) copies the database as of one
  moment while other processes keep writing (it reads under one read transaction).
- PostgreSQL: ``pg_dump --format=custom``, which dumps inside one REPEATABLE READ snapshot.

A restore checks the archive's checksum, then the manifest's, and loads only into an *empty*
database (no tables): it never merges into or overwrites live data.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import make_url

FORMAT = 1
NAME_PATTERN = re.compile(r"^alliance-backup-(\d{8}-\d{6})(?:-\d+)?\.tar\.gz$")
SQLITE_MEMBER = "database.sqlite3"
POSTGRES_MEMBER = "database.pgdump"
UPLOADS_MEMBER = "uploads"
CHUNK = 1024 * 1024


class BackupError(RuntimeError):
    """A backup or restore refused or failed; the message (Chinese) says why and what to do."""


@dataclass(frozen=True)
class Backup:
    path: Path
    sha256: str
    manifest: dict[str, Any]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _dialect(url: str) -> str:
    name = make_url(url).get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise BackupError(f"不支持备份此类数据库：{name}")
    return name


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("内存数据库无法备份或恢复：请使用数据库文件（DATABASE_URL=sqlite:///路径）")
    return Path(database)


def _libpq_url(url: str) -> str:
    """The SQLAlchemy URL as libpq reads it (pg_dump, pg_restore): no ``+driver``."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"找不到 {name}：请安装 PostgreSQL 客户端（apt-get install postgresql-client，"
                          "版本不低于服务器），并确认它在 PATH 中")
    return found


def _run(command: list[str], what: str) -> None:
    # The URL (with any password) goes in --dbname, never into the message.
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{what}失败：{result.stderr.strip()[-1000:]}")


def _snapshot_sqlite(url: str, target: Path) -> None:
    source_path = _sqlite_path(url)
    if not source_path.exists():
        raise BackupError(f"数据库文件不存在：{source_path}")
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True, timeout=60)
    destination = sqlite3.connect(target)
    try:
        with destination:
            source.backup(destination)  # all pages in one step: one consistent moment
    finally:
        destination.close()
        source.close()


def _snapshot_postgres(url: str, target: Path) -> None:
    _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
          f"--file={target}", f"--dbname={_libpq_url(url)}"], "pg_dump 导出")


def _alembic_revision(url: str) -> str | None:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table("alembic_version"):
                return None
            return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    finally:
        engine.dispose()


def _archive_name(directory: Path, moment: datetime) -> Path:
    stem = f"alliance-backup-{moment:%Y%m%d-%H%M%S}"
    path, n = directory / f"{stem}.tar.gz", 1
    while path.exists():
        path, n = directory / f"{stem}-{n}.tar.gz", n + 1
    return path


def create_backup(database_url: str, upload_folder: str | os.PathLike | None, backup_dir: str | os.PathLike,
                  *, now: datetime | None = None) -> Backup:
    """Write ``alliance-backup-YYYYMMDD-HHMMSS.tar.gz`` (UTC) and its ``.sha256`` into
    ``backup_dir``; returns it. The database snapshot is taken first, then the uploads copied
    (a file uploaded meanwhile may be in the archive without its record, never the reverse
    for files that existed when the snapshot began)."""
    dialect = _dialect(database_url)
    moment = now or datetime.now(UTC)
    directory = Path(backup_dir)
    directory.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="alliance-backup-", dir=directory) as work:
        staging = Path(work)
        member = SQLITE_MEMBER if dialect == "sqlite" else POSTGRES_MEMBER
        if dialect == "sqlite":
            _snapshot_sqlite(database_url, staging / member)
        else:
            _snapshot_postgres(database_url, staging / member)
        files = {member: sha256_of(staging / member)}
        uploads = Path(upload_folder) if upload_folder else None
        upload_files: list[tuple[Path, str]] = []
        if uploads is not None and uploads.is_dir():
            for path in sorted(p for p in uploads.rglob("*") if p.is_file() and not p.is_symlink()):
                name = f"{UPLOADS_MEMBER}/{path.relative_to(uploads).as_posix()}"
                files[name] = sha256_of(path)
                upload_files.append((path, name))
        manifest = {"format": FORMAT, "created_at": moment.isoformat(), "dialect": dialect,
                    "database": member, "alembic_revision": _alembic_revision(database_url),
                    "files": files}
        path = _archive_name(directory, moment)
        partial = path.with_name(path.name + ".partial")
        with tarfile.open(partial, "w:gz") as tar:
            data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size, info.mtime = len(data), int(moment.timestamp())
            tar.addfile(info, io.BytesIO(data))
            tar.add(staging / member, arcname=member)
            for source, name in upload_files:
                tar.add(source, arcname=name)
        checksum = sha256_of(partial)
        partial.rename(path)  # only a complete archive carries the final name
        path.with_name(path.name + ".sha256").write_text(f"{checksum}  {path.name}\n")
    return Backup(path, checksum, manifest)


def verify(path: Path) -> str:
    """The archive's SHA-256, after checking it against ``<archive>.sha256``."""
    if not path.is_file():
        raise BackupError(f"备份文件不存在：{path}")
    sidecar = path.with_name(path.name + ".sha256")
    if not sidecar.is_file():
        raise BackupError(f"缺少校验文件 {sidecar.name}：无法确认备份完整，已拒绝恢复")
    expected = sidecar.read_text().split()[0].lower() if sidecar.read_text().split() else ""
    actual = sha256_of(path)
    if actual != expected:
        raise BackupError(f"校验失败：{path.name} 的 SHA-256 为 {actual}，校验文件记录为 {expected or '（空）'}；"
                          "备份已损坏或被改动，已拒绝恢复")
    return actual


def _is_empty(url: str) -> bool:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return not inspect(connection).get_table_names()
    finally:
        engine.dispose()


def restore_backup(path: str | os.PathLike, database_url: str,
                   upload_folder: str | os.PathLike | None) -> dict[str, Any]:
    """Restore an archive into an empty database (and an empty upload folder): the checksum
    first, then the manifest's checksums, then the load. Returns the manifest."""
    archive = Path(path)
    verify(archive)
    dialect = _dialect(database_url)
    uploads = Path(upload_folder) if upload_folder else None
    if not _is_empty(database_url):
        raise BackupError("目标数据库不是空的（已有数据表）：为免覆盖现有数据，只能恢复到新建的空数据库。"
                          "请新建空数据库（SQLite：不存在的文件；PostgreSQL：createdb），把 DATABASE_URL 指向它后重试")
    if uploads is not None and uploads.is_dir() and any(uploads.iterdir()):
        raise BackupError(f"上传文件夹 {uploads} 不是空的：请指向空文件夹（UPLOAD_FOLDER）后重试")
    with tempfile.TemporaryDirectory(prefix="alliance-restore-") as work:
        staging = Path(work)
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(staging, filter="data")  # no absolute paths, no links out
        try:
            manifest = json.loads((staging / "manifest.json").read_text())
        except (OSError, ValueError):
            raise BackupError("备份中没有可读的 manifest.json：不是本系统的备份") from None
        if manifest.get("dialect") != dialect:
            raise BackupError(f"这是 {manifest.get('dialect')} 数据库的备份，不能恢复到 {dialect} 数据库")
        for name, expected in manifest.get("files", {}).items():
            file = staging / name
            if not file.is_file() or sha256_of(file) != expected:
                raise BackupError(f"备份内文件 {name} 缺失或校验不符：已拒绝恢复")
        member = staging / manifest["database"]
        if dialect == "sqlite":
            target = _sqlite_path(database_url)
            target.parent.mkdir(parents=True, exist_ok=True)
            source, destination = sqlite3.connect(member), sqlite3.connect(target)
            try:
                with destination:
                    source.backup(destination)
            finally:
                destination.close()
                source.close()
        else:
            _run([_tool("pg_restore"), "--no-owner", "--no-privileges", "--single-transaction",
                  "--exit-on-error", f"--dbname={_libpq_url(database_url)}", str(member)], "pg_restore 恢复")
        if uploads is not None and (staging / UPLOADS_MEMBER).is_dir():
            uploads.mkdir(parents=True, exist_ok=True)
            shutil.copytree(staging / UPLOADS_MEMBER, uploads, dirs_exist_ok=True)
    return manifest


def backups_in(backup_dir: str | os.PathLike) -> list[Path]:
    """This system's archives in ``backup_dir``, oldest first (by the date in the name)."""
    directory = Path(backup_dir)
    if not directory.is_dir():
        return []
    found = [p for p in directory.iterdir() if p.is_file() and NAME_PATTERN.match(p.name)]
    return sorted(found, key=lambda p: (p.name[16:31], p.stat().st_mtime_ns))


def prune(backup_dir: str | os.PathLike, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` archives (and their .sha256); returns those deleted."""
    if keep < 1:
        raise BackupError("BACKUP_KEEP 至少为 1")
    archives = backups_in(backup_dir)
    removed = archives[:-keep] if len(archives) > keep else []
    for path in removed:
        path.unlink(missing_ok=True)
        path.with_name(path.name + ".sha256").unlink(missing_ok=True)
    return removed

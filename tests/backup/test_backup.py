"""Backups: a consistent snapshot taken while another connection keeps committing rows, restored
into an empty database with every row committed before the backup began; checksums; refusals;
retention; the CLI."""
from __future__ import annotations

import hashlib
import json
import tarfile
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from alliance.backup.archive import BackupError, backups_in, create_backup, prune, restore_backup
from tests.databases import throwaway_postgres


def _head_revision() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).resolve().parents[2] / "migrations"))
    return ScriptDirectory.from_config(config).get_current_head()


@contextmanager
def empty_database(backend, tmp_path):
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.db'}"
    else:
        with throwaway_postgres("alliance_restore") as url:
            yield url


def _names(url: str) -> set[str]:
    engine = create_engine(url)
    with engine.connect() as connection:
        names = set(connection.execute(text("SELECT name FROM job_leases")).scalars())
    engine.dispose()
    return names


class Writer(threading.Thread):
    """Commits one row at a time, each in its own transaction, until stopped."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.engine = create_engine(url)
        self.committed: list[str] = []
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self):
        n = 0
        try:
            while not self.stop.is_set():
                name = f"row{n:06d}"
                with self.engine.begin() as connection:
                    connection.execute(text("INSERT INTO job_leases (name, last_slot) VALUES (:n, :n2)"),
                                       {"n": name, "n2": n})
                self.committed.append(name)  # after the commit returned
                n += 1
        except BaseException as error:  # noqa: BLE001 - reported by the test
            self.error = error
        finally:
            self.engine.dispose()


def test_backup_during_concurrent_writes_restores_every_row_committed_before_it(
        app, db, backend, database_url, uploads, tmp_path):
    uploads.mkdir(parents=True, exist_ok=True)
    (uploads / "photos").mkdir()
    (uploads / "photos" / "a.jpg").write_bytes(b"\xff\xd8photo")
    db.session.remove()
    writer = Writer(database_url)
    writer.start()
    while len(writer.committed) < 200 and writer.is_alive():
        threading.Event().wait(0.01)
    before = list(writer.committed)  # committed before the backup began
    made = create_backup(database_url, uploads, tmp_path / "backups")
    during = len(writer.committed) - len(before)
    writer.stop.set()
    writer.join(30)
    assert writer.error is None and len(before) >= 200
    assert during > 0, "the writer kept committing while the backup ran"
    assert made.path.name.startswith("alliance-backup-") and made.path.name.endswith(".tar.gz")
    assert made.path.with_name(made.path.name + ".sha256").read_text() == f"{made.sha256}  {made.path.name}\n"
    assert hashlib.sha256(made.path.read_bytes()).hexdigest() == made.sha256
    assert made.manifest["alembic_revision"] == _head_revision() and "uploads/photos/a.jpg" in made.manifest["files"]

    target_uploads = tmp_path / "restored-uploads"
    with empty_database(backend, tmp_path) as target:
        manifest = restore_backup(made.path, target, target_uploads)
        restored = _names(target)
    assert manifest["dialect"] == backend
    assert set(before) <= restored  # every row committed before the backup began
    # one moment: the rows restored are exactly the first N the writer committed, no gap
    assert sorted(restored) == writer.committed[:len(restored)]
    assert (target_uploads / "photos" / "a.jpg").read_bytes() == b"\xff\xd8photo"


def test_restore_is_refused_into_a_non_empty_database(app, db, database_url, uploads, tmp_path):
    made = create_backup(database_url, uploads, tmp_path / "b")
    with pytest.raises(BackupError, match="目标数据库不是空的"):
        restore_backup(made.path, database_url, tmp_path / "u")


def test_a_damaged_or_unchecked_archive_is_refused_before_anything_is_written(
        app, db, backend, database_url, uploads, tmp_path):
    made = create_backup(database_url, uploads, tmp_path / "b")
    data = bytearray(made.path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    made.path.write_bytes(bytes(data))
    with empty_database(backend, tmp_path) as target:
        with pytest.raises(BackupError, match="校验失败"):
            restore_backup(made.path, target, tmp_path / "u")
        made.path.with_name(made.path.name + ".sha256").unlink()
        with pytest.raises(BackupError, match="缺少校验文件"):
            restore_backup(made.path, target, tmp_path / "u")
        engine = create_engine(target)
        from sqlalchemy import inspect

        with engine.connect() as connection:
            assert inspect(connection).get_table_names() == []
        engine.dispose()


def test_a_manifest_checksum_mismatch_inside_is_refused(app, db, backend, database_url, uploads, tmp_path):
    made = create_backup(database_url, uploads, tmp_path / "b")
    work = tmp_path / "w"
    with tarfile.open(made.path) as tar:
        tar.extractall(work, filter="data")
    manifest = json.loads((work / "manifest.json").read_text())
    manifest["files"][manifest["database"]] = "0" * 64
    (work / "manifest.json").write_text(json.dumps(manifest))
    forged = tmp_path / "b" / "alliance-backup-20200101-000000.tar.gz"
    with tarfile.open(forged, "w:gz") as tar:
        for path in work.iterdir():
            tar.add(path, arcname=path.name)
    forged.with_name(forged.name + ".sha256").write_text(
        f"{hashlib.sha256(forged.read_bytes()).hexdigest()}  {forged.name}\n")
    with empty_database(backend, tmp_path) as target, pytest.raises(BackupError, match="校验不符"):
        restore_backup(forged, target, tmp_path / "u")


def test_retention_keeps_the_newest(tmp_path):
    names = [f"alliance-backup-2021010{d}-020000.tar.gz" for d in range(1, 6)]
    for name in names:
        (tmp_path / name).write_bytes(b"x")
        (tmp_path / (name + ".sha256")).write_text("x")
    (tmp_path / "other.tar.gz").write_bytes(b"x")
    removed = prune(tmp_path, 2)
    assert [p.name for p in removed] == names[:3]
    assert [p.name for p in backups_in(tmp_path)] == names[3:]
    assert not (tmp_path / (names[0] + ".sha256")).exists() and (tmp_path / "other.tar.gz").exists()


def test_cli_create_then_restore_refused_here(app, runner, tmp_path):
    app.config["BACKUP_DIR"] = str(tmp_path / "backups")
    result = runner.invoke(args=["backup", "create", "--keep", "3"])
    if app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite://":
        pytest.skip("in-memory database")
    assert result.exit_code == 0, result.output
    assert "备份完成" in result.output and "SHA-256" in result.output
    [archive] = backups_in(tmp_path / "backups")
    refused = runner.invoke(args=["backup", "restore", str(archive)])
    assert refused.exit_code == 1 and "目标数据库不是空的" in refused.output


def test_daily_job_is_registered_and_keeps_backup_keep(app, tmp_path):
    from alliance.core.areas import registry

    app.config.update(BACKUP_DIR=str(tmp_path / "daily"), BACKUP_KEEP=2)
    job = registry().jobs["daily_backup"]
    assert job.interval.days == 1
    for _ in range(3):
        job.function()
    assert len(backups_in(tmp_path / "daily")) == 2
    assert all(Path(str(p) + ".sha256").exists() for p in backups_in(tmp_path / "daily"))

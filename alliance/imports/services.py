"""Finding the import kind, and keeping an uploaded file between its preview and its commit."""
from __future__ import annotations

import re
from pathlib import Path

from flask import abort, current_app

from alliance.core.areas import registry
from alliance.core.import_runner import ImportKind
from alliance.core.imports import ImportRefused

_HASH = re.compile(r"^[0-9a-f]{64}$")


def kind_or_404(name: str) -> ImportKind:
    kind = registry().import_kinds.get(name)
    if kind is None:
        abort(404)
    return kind


def _pending_dir() -> Path:
    folder = Path(current_app.config["UPLOAD_FOLDER"]) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def keep_pending(user_id: int, kind: str, sha256: str, data: bytes, filename: str) -> None:
    """Keep a previewed file (named by its user, kind and hash) until it is committed."""
    base = _pending_dir() / f"{user_id}-{kind}-{sha256}"
    base.with_suffix(".bin").write_bytes(data)
    base.with_suffix(".name").write_text(filename[:200], encoding="utf-8")


def pending(user_id: int, kind: str, sha256: str) -> tuple[bytes, str]:
    """The file this user previewed under ``sha256``; refused if it is gone or was never theirs."""
    if not _HASH.match(sha256 or ""):
        raise ImportRefused("预览已失效，请重新上传文件")
    base = _pending_dir() / f"{user_id}-{kind}-{sha256}"
    try:
        return base.with_suffix(".bin").read_bytes(), base.with_suffix(".name").read_text(encoding="utf-8")
    except OSError:
        raise ImportRefused("预览已失效，请重新上传文件") from None


def forget_pending(user_id: int, kind: str, sha256: str) -> None:
    base = _pending_dir() / f"{user_id}-{kind}-{sha256}"
    for suffix in (".bin", ".name"):
        base.with_suffix(suffix).unlink(missing_ok=True)

"""Evidence files of a self-assessment (佐证材料): JPEG/PNG/WebP photos or PDF, size-limited.

``alliance/core/uploads.py`` had not landed on main when this was written, so this is a thin
wrapper over the activity photo pipeline (name cleaning, bounded reads, real image decoding,
files removed when the transaction rolls back) plus a PDF signature check. Move to
``core.uploads`` once it lands."""
from __future__ import annotations

import secrets
from pathlib import Path

from flask import current_app

from alliance.activities import services as photos
from alliance.core.checks import Errors
from alliance.core.errors import FieldErrors
from alliance.extensions import db
from alliance.ratings import scoring
from alliance.ratings.models import Rating, RatingEvidence
from alliance.ratings.services import EDITABLE_STATUSES, _require_status

SUBFOLDER = "rating_evidence"
DEFAULT_LIMIT = 10 * 1024 * 1024
PDF = ("application/pdf", "pdf")


def limit_bytes() -> int:
    return int(current_app.config.get("RATING_EVIDENCE_MAX_BYTES", DEFAULT_LIMIT))


def folder() -> Path:
    path = Path(current_app.config["UPLOAD_FOLDER"]) / SUBFOLDER
    path.mkdir(parents=True, exist_ok=True)
    return path


def add_evidence(rating: Rating, item_code, file) -> RatingEvidence:
    """Attach one file to one item of the rating's self-assessment; refused with a Chinese
    message under ``file`` (wrong type, empty, too large) or ``item_code``."""
    _require_status(rating, EDITABLE_STATUSES, "上传佐证材料")
    errors = Errors()
    if not isinstance(item_code, str) or item_code not in scoring.items_of(rating.rubric.definition):
        errors.add("item_code", "请选择评分项")
    if file is None or not getattr(file, "filename", None):
        errors.add("file", "请选择文件")
        errors.raise_if_any()
    name = photos.clean_file_name(file.filename)
    limit = limit_bytes()
    content = photos._read_at_most(file, limit + 1)
    kind = None
    if len(content) > limit:
        errors.add("file", f"文件不能超过{photos.format_size(limit)}（“{name}”超过了这个大小）")
    elif not content:
        errors.add("file", f"文件“{name}”是空的，请重新选择")
    elif content.startswith(b"%PDF-"):
        kind = PDF
    else:
        try:
            prepared = photos._inspect_image(name, content)
            kind = (prepared.content_type, prepared.extension)
        except Exception:
            errors.add("file", f"“{name}”不是可接受的文件类型：请上传 PDF 或 JPG、PNG、WebP 图片")
    errors.raise_if_any()
    content_type, extension = kind
    stored = f"{secrets.token_hex(16)}.{extension}"
    photos._write_file(folder() / stored, content)
    evidence = RatingEvidence(alliance_id=rating.alliance_id, rating_id=rating.id, item_code=item_code,
                              stored_name=stored, original_name=name, content_type=content_type,
                              size_bytes=len(content))
    db.session.add(evidence)
    db.session.flush()
    return evidence


def live_evidence(rating: Rating, evidence_id: int) -> RatingEvidence:
    """The file if the user may see it: evidence stays with the unit and the township, even
    while the rating itself is publicly noticed."""
    from flask import abort

    from alliance.core.permissions import get_visible_or_404

    evidence = get_visible_or_404(RatingEvidence, evidence_id)
    if evidence.rating_id != rating.id:
        abort(404)
    return evidence


def send(evidence: RatingEvidence):
    from flask import send_from_directory

    return send_from_directory(folder(), evidence.stored_name, mimetype=evidence.content_type,
                               as_attachment=True, download_name=evidence.original_name)


__all__ = ["add_evidence", "live_evidence", "send", "FieldErrors"]

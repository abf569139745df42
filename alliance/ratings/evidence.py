"""Evidence files of a self-assessment (佐证材料) through the shared uploads (``core/uploads.py``):
PDF, Word, Excel or JPEG/PNG/WebP images, checked by content, size-limited, images stripped of
their metadata, files removed when the transaction rolls back."""
from __future__ import annotations

from pathlib import Path

from alliance.core import uploads
from alliance.core.checks import Errors
from alliance.core.errors import FieldErrors
from alliance.extensions import db
from alliance.ratings import scoring
from alliance.ratings.models import Rating, RatingEvidence
from alliance.ratings.services import EDITABLE_STATUSES, _require_status

SUBFOLDER = "rating_evidence"
PDF = ("application/pdf", "pdf")


def folder() -> Path:
    return uploads.folder_path(SUBFOLDER)


def add_evidence(rating: Rating, item_code, file) -> RatingEvidence:
    """Attach one file to one item of the rating's self-assessment; refused with a Chinese
    message under ``file`` (wrong type, empty, too large) or ``item_code``."""
    _require_status(rating, EDITABLE_STATUSES, "上传佐证材料")
    errors = Errors()
    if not isinstance(item_code, str) or item_code not in scoring.items_of(rating.rubric.definition):
        errors.add("item_code", "请选择评分项")
    if not uploads.has_upload(file):
        errors.add("file", "请选择文件")
        errors.raise_if_any()
    checked = uploads.check_upload(file, kind=uploads.DOCUMENTS, field="file", errors=errors)
    errors.raise_if_any()
    stored = uploads.write_upload(checked, folder=SUBFOLDER)
    columns = stored.columns()
    evidence = RatingEvidence(alliance_id=rating.alliance_id, rating_id=rating.id, item_code=item_code,
                              stored_name=columns["stored_name"], original_name=columns["original_name"],
                              content_type=columns["content_type"], size_bytes=columns["size_bytes"])
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

"""Photos of civic events through the shared uploads (``core/uploads.py``): type from the bytes,
size and pixel limits, metadata stripped, thumbnails, all-or-nothing, files of a rolled-back
transaction removed."""
from __future__ import annotations

from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from alliance.civic.models import CivicEvent, CivicEventPhoto
from alliance.core import uploads
from alliance.core.checks import Errors
from alliance.core.errors import FieldErrors
from alliance.core.types import utcnow
from alliance.extensions import db

SUBFOLDER = "civic"


def folder() -> Path:
    return uploads.folder_path(SUBFOLDER)


def add_photos(event: CivicEvent, files) -> list[CivicEventPhoto]:
    files = [f for f in files if uploads.has_upload(f)]
    if not files:
        raise FieldErrors({"photos": ["请选择要上传的照片"]})
    existing = db.session.scalar(select(func.count(CivicEventPhoto.id)).where(
        CivicEventPhoto.event_id == event.id, CivicEventPhoto.deleted_at.is_(None))) or 0
    errors = Errors()
    allowed = int(current_app.config["PHOTOS_PER_ACTIVITY"])
    if existing + len(files) > allowed:
        errors.add("photos", f"每次活动最多{allowed}张照片（已有{existing}张，本次选择了{len(files)}张，"
                             f"最多还能上传{max(0, allowed - existing)}张）")
    checked = [] if errors else uploads.check_uploads(files, kind=uploads.IMAGES, field="photos", errors=errors)
    errors.raise_if_any()
    position = existing
    photos = []
    for item in checked:
        stored = uploads.write_upload(item, folder=SUBFOLDER)
        position += 1
        photo = CivicEventPhoto(alliance_id=event.alliance_id, event_id=event.id, position=position,
                                **stored.columns())
        db.session.add(photo)
        photos.append(photo)
    event.updated_at = utcnow()  # photos are part of the event: bump its version
    db.session.flush()
    db.session.expire(event, ["photos"])
    return photos

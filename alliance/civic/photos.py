"""Photos of civic events: a thin wrapper over the activity photo pipeline (type from the
bytes, size and pixel limits, thumbnails, all-or-nothing, files of a rolled-back transaction
removed), until ``alliance/core/uploads.py`` lands on main; then this wrapper switches to it."""
from __future__ import annotations

import uuid
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from alliance.activities import services as pipeline
from alliance.civic.models import CivicEvent, CivicEventPhoto
from alliance.core.checks import Errors
from alliance.core.errors import FieldErrors
from alliance.core.types import utcnow
from alliance.extensions import db

SUBFOLDER = "civic"


def folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]) / SUBFOLDER


def add_photos(event: CivicEvent, files) -> list[CivicEventPhoto]:
    files = [f for f in files if f is not None and getattr(f, "filename", None)]
    if not files:
        raise FieldErrors({"photos": ["请选择要上传的照片"]})
    existing = db.session.scalar(select(func.count(CivicEventPhoto.id)).where(
        CivicEventPhoto.event_id == event.id, CivicEventPhoto.deleted_at.is_(None))) or 0
    errors = Errors()
    prepared = pipeline._prepare_photos(files, existing=existing, errors=errors)
    errors.raise_if_any()
    target = folder()
    target.mkdir(parents=True, exist_ok=True)
    position = existing
    photos = []
    for item in prepared:
        stored = f"{uuid.uuid4().hex}.{item.extension}"
        pipeline._write_file(target / stored, item.content)
        pipeline._write_file(target / pipeline.thumbnail_name(stored), item.thumbnail)
        position += 1
        photo = CivicEventPhoto(alliance_id=event.alliance_id, event_id=event.id, stored_name=stored,
                                original_name=item.original_name, content_type=item.content_type,
                                size_bytes=len(item.content), width=item.width, height=item.height,
                                position=position)
        db.session.add(photo)
        photos.append(photo)
    event.updated_at = utcnow()  # photos are part of the event: bump its version
    db.session.flush()
    db.session.expire(event, ["photos"])
    return photos

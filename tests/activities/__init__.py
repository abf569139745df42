"""Helpers of the activity tests: real images made with Pillow in memory, uploads, records."""
from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from PIL import Image
from werkzeug.datastructures import FileStorage

from alliance.activities import services
from alliance.activities.models import ActivityPhoto
from alliance.audit.context import acting_as
from alliance.extensions import db
from tests.factories import SETUP

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def image_bytes(fmt: str = "JPEG", size: tuple[int, int] = (64, 48),
                color=(183, 28, 28)) -> bytes:
    mode = "RGBA" if fmt == "PNG" else "RGB"
    image = Image.new(mode, size, color)
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


def upload(content: bytes, name: str, content_type: str = "image/jpeg") -> FileStorage:
    """What the browser sends; the content type is the client's claim, never trusted."""
    return FileStorage(stream=io.BytesIO(content), filename=name, content_type=content_type)


def activity_data(**overrides) -> dict:
    data = {"occurred_on": date(2021, 7, 1), "kind": "party_lesson",
            "title": "“七一”联合主题党日", "participant_count": 30,
            "participants": "儿科医院党委、建设银行党支部", "description": "重温入党誓词。"}
    data.update(overrides)
    return data


def make_activity(unit, photos=(), **overrides):
    with acting_as(SETUP):
        activity = services.create_activity(activity_data(**overrides), unit=unit, photos=photos)
        db.session.commit()
    return activity


def stored_files(uploads: Path) -> list[Path]:
    folder = uploads / ActivityPhoto.__upload_folder__
    return sorted(folder.iterdir()) if folder.exists() else []

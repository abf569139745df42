"""Rules of the activity log (共建活动记录). Functions flush, never commit.

Input arrives already typed (dates as ``date``, numbers as ``int``) from a form or the API;
lengths, codes, date bounds and photos are checked here, once, with Chinese messages keyed by
field. Photos are all-or-nothing: every file of a submission is checked before anything is
written, and files written in a transaction that is not committed are removed again.
"""
from __future__ import annotations

import io
import re
import uuid
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from flask import current_app
from PIL import Image, ImageOps
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from alliance.activities.models import ACTIVITY_KINDS, Activity, ActivityPhoto
from alliance.auth.roles import LIAISON, MANAGERS
from alliance.core.checks import Errors, check_choice, check_int, clean_texts
from alliance.core.dates import LOCAL_TZ
from alliance.core.errors import FieldErrors, RuleViolation
from alliance.core.records import apply_changes, check_version, restore, soft_delete
from alliance.core.types import utcnow
from alliance.extensions import db
from alliance.members.models import MemberUnit

ACTIVITY_FIELDS = ("occurred_on", "kind", "title", "participant_count", "participants",
                   "description")
# (field, max length, required, label)
ACTIVITY_TEXT_FIELDS = (
    ("title", 100, True, "活动标题"),
    ("participants", 500, False, "参加人员"),
    ("description", 5000, False, "活动内容"),
)
EARLIEST_DATE = date(2000, 1, 1)
MAX_PARTICIPANTS = 100_000

# Pillow format → (content type, file extension). What the bytes are decides, not the name.
PHOTO_FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}
PHOTO_SUBFOLDER = "activities"
THUMBNAIL_SIZE = 480  # px, longest side: enough for a phone screen's thumbnail grid
NOT_AN_IMAGE = "文件“{name}”不是图片，请上传 JPG、PNG 或 WebP 格式的照片"


def local_today() -> date:
    """Today in Beijing: an activity held this evening is not "in the future" at 23:00 UTC."""
    return datetime.now(LOCAL_TZ).date()


# --- activities ----------------------------------------------------------------------------

def validate_activity(data: dict[str, Any], *, today: date | None = None) -> dict:
    """Check a whole activity; return the cleaned fields or raise FieldErrors (422)."""
    errors = Errors()
    cleaned = _clean_fields(data, errors, today or local_today())
    if errors:
        raise FieldErrors(errors)
    return cleaned


def _clean_fields(data: dict, errors: Errors, today: date) -> dict:
    cleaned: dict[str, Any] = {}
    clean_texts(data, ACTIVITY_TEXT_FIELDS, errors, cleaned)
    cleaned["occurred_on"] = _occurred_on(data.get("occurred_on"), errors, today)
    cleaned["kind"] = check_choice(data, "kind", ACTIVITY_KINDS, errors, required=True, label="活动类型")
    cleaned["participant_count"] = check_int(data, "participant_count", errors, low=0,
                                             high=MAX_PARTICIPANTS, label="参加人数")
    return cleaned


def _occurred_on(value, errors: Errors, today: date) -> date | None:
    if value is None:
        errors.add("occurred_on", "请填写活动日期")
        return None
    if isinstance(value, datetime) or not isinstance(value, date):
        errors.add("occurred_on", "活动日期格式不正确")
        return None
    if value > today:
        errors.add("occurred_on", "活动日期不能晚于今天（请在活动举办后再记录）")
    elif value < EARLIEST_DATE:
        errors.add("occurred_on", "活动日期不能早于2000年1月1日")
    return value


def unit_for_new_activity(user, unit_id: int | None) -> MemberUnit:
    """The unit a new activity belongs to: a liaison's own unit, whatever they send (a smuggled
    ``unit_id`` is ignored); for staff the live unit of their alliance they chose."""
    if user.role == LIAISON:
        unit = db.session.get(MemberUnit, user.unit_id)
        if unit is None or unit.deleted_at is not None:
            raise FieldErrors({"unit_id": ["本单位已被删除，无法记录活动"]})
        return unit
    if user.role not in MANAGERS:
        raise RuleViolation("只有工作人员和联络员可以记录共建活动")
    if unit_id is None:
        raise FieldErrors({"unit_id": ["请选择成员单位"]})
    unit = db.session.scalar(select(MemberUnit).where(
        MemberUnit.id == unit_id, MemberUnit.alliance_id == user.alliance_id,
        MemberUnit.deleted_at.is_(None)))
    if unit is None:
        raise FieldErrors({"unit_id": ["成员单位不存在或已删除，请重新选择"]})
    return unit


def create_activity(data: dict, *, unit: MemberUnit, photos: Iterable = (),
                    is_sample: bool = False) -> Activity:
    """Log an activity of ``unit``, with up to PHOTOS_PER_ACTIVITY photos (file uploads).

    Nothing is saved unless every field and every photo is valid."""
    errors = Errors()
    cleaned = _clean_fields(data, errors, local_today())
    prepared = _prepare_photos(photos, existing=0, errors=errors)
    if unit.deleted_at is not None:
        errors.add("unit_id", "该成员单位已被删除，无法记录活动")
    if errors:
        raise FieldErrors(errors)
    activity = Activity(alliance_id=unit.alliance_id, unit=unit, is_sample=is_sample, **cleaned)
    db.session.add(activity)
    db.session.flush()
    if prepared:
        _attach_photos(activity, prepared, touch=False)
    return activity


def update_activity(activity: Activity, data: dict, *, version: int | None,
                    photos: Iterable = ()) -> Activity:
    """Change some fields of an activity (``data`` may be partial) and optionally add photos.

    ``version`` is the one the editor read; a stale one raises StaleRecord and changes nothing.
    The unit cannot be changed: an activity logged for the wrong unit is deleted and re-logged."""
    check_version(activity, version, required=True)
    merged = {field: getattr(activity, field) for field in ACTIVITY_FIELDS}
    merged.update({k: v for k, v in data.items() if k in ACTIVITY_FIELDS})
    errors = Errors()
    cleaned = _clean_fields(merged, errors, local_today())
    prepared = _prepare_photos(photos, existing=_live_photo_count(activity), errors=errors)
    if errors:
        raise FieldErrors(errors)
    changed = apply_changes(activity, cleaned)
    if prepared:
        # An edit has already bumped the version; new photos alone must bump it themselves.
        _attach_photos(activity, prepared, touch=not changed)
    return activity


def delete_activity(activity: Activity, *, version: int | None = None) -> None:
    """Soft-delete: the activity leaves lists and counts; its photos stay, for a restore."""
    soft_delete(activity, version=version)


def restore_activity(activity: Activity, *, version: int | None = None) -> None:
    """Bring a deleted activity back, unless its unit has been deleted meanwhile."""
    if activity.unit.deleted_at is not None:
        raise RuleViolation("该活动所属的成员单位已被删除，请先恢复成员单位")
    restore(activity, version=version)


# --- photos --------------------------------------------------------------------------------

@dataclass
class _PreparedPhoto:
    """A checked upload, still only in memory."""

    original_name: str
    content: bytes
    thumbnail: bytes
    content_type: str
    extension: str
    width: int
    height: int


def add_photos(activity: Activity, files: Iterable) -> list[ActivityPhoto]:
    """Add uploaded photos to an activity: all of them, or none if any one is refused."""
    errors = Errors()
    files = [f for f in files if _has_content(f)]
    if not files:
        raise FieldErrors({"photos": ["请选择要上传的照片"]})
    prepared = _prepare_photos(files, existing=_live_photo_count(activity), errors=errors)
    if errors:
        raise FieldErrors(errors)
    return _attach_photos(activity, prepared, touch=True)


def remove_photo(photo: ActivityPhoto, *, version: int | None = None) -> None:
    """Soft-delete one photo. ``version`` is the activity's, as the client read it: photos are
    part of the activity, so a stale one is refused like any edit.

    Like every deletion it is soft: the row and the file stay, so it can be undone (and a file
    removed before the transaction commits could not be brought back if the commit failed)."""
    check_version(photo.activity, version)
    soft_delete(photo)
    _touch(photo.activity)
    db.session.flush()
    db.session.expire(photo.activity, ["photos"])


def photo_folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]) / PHOTO_SUBFOLDER


def thumbnail_name(stored_name: str) -> str:
    return f"{Path(stored_name).stem}.thumb.jpg"


def photo_limit_bytes() -> int:
    return int(current_app.config["PHOTO_MAX_BYTES"])


def photos_per_activity() -> int:
    return int(current_app.config["PHOTOS_PER_ACTIVITY"])


def format_size(size: int) -> str:
    """5242880 → "5MB", 512000 → "500KB": how the limits are written in messages."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + "MB"
    return f"{max(1, round(size / 1024))}KB"


def _live_photo_count(activity: Activity) -> int:
    return db.session.scalar(select(func.count(ActivityPhoto.id)).where(
        ActivityPhoto.activity_id == activity.id, ActivityPhoto.deleted_at.is_(None))) or 0


def _has_content(file) -> bool:
    """Browsers send an empty part for an untouched file input; that is no upload."""
    return file is not None and bool(getattr(file, "filename", None))


def clean_file_name(name: str | None) -> str:
    """The name to show: no folders (old browsers send C:\\fakepath\\...), no control
    characters, at most 200 characters. Chinese names are kept as they are."""
    name = re.split(r"[\\/]", name or "")[-1]
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip()
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[:200 - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else name[:200]
    return name or "照片"


def _prepare_photos(files: Iterable, *, existing: int, errors: Errors) -> list[_PreparedPhoto]:
    """Check every upload (count, size, real image type); errors go under ``photos``."""
    files = [f for f in files if _has_content(f)]
    if not files:
        return []
    allowed = photos_per_activity()
    if existing + len(files) > allowed:
        left = max(0, allowed - existing)
        errors.add("photos", f"每次活动最多{allowed}张照片（已有{existing}张，本次选择了{len(files)}张，"
                             f"最多还能上传{left}张）")
        return []
    prepared = []
    for file in files:
        photo = _prepare_photo(file, errors)
        if photo is not None:
            prepared.append(photo)
    return prepared


def _prepare_photo(file, errors: Errors) -> _PreparedPhoto | None:
    name = clean_file_name(file.filename)
    limit = photo_limit_bytes()
    content = _read_at_most(file, limit + 1)
    if len(content) > limit:
        errors.add("photos", f"照片不能超过{format_size(limit)}（“{name}”超过了这个大小，"
                             f"请压缩后再上传）")
        return None
    if not content:
        errors.add("photos", f"文件“{name}”是空的，请重新选择")
        return None
    try:
        return _inspect_image(name, content)
    except _TooManyPixels:
        errors.add("photos", f"照片“{name}”的像素尺寸过大，请缩小后再上传")
    except _BrokenImage:
        errors.add("photos", f"照片“{name}”已损坏或不完整，请重新选择")
    except _NotAnImage:
        errors.add("photos", NOT_AN_IMAGE.format(name=name))
    return None


def _read_at_most(file, limit: int) -> bytes:
    stream = getattr(file, "stream", file)
    try:
        stream.seek(0)
    except (AttributeError, OSError):
        pass  # a stream that cannot seek is read from where it is
    return stream.read(limit) or b""


class _NotAnImage(Exception):
    pass


class _BrokenImage(Exception):
    pass


class _TooManyPixels(Exception):
    pass


def _inspect_image(name: str, content: bytes) -> _PreparedPhoto:
    """Decide from the bytes what the file is; build its thumbnail, which also decodes every
    pixel and so catches files that are truncated or damaged past the header."""
    # Untrusted bytes make Pillow raise many kinds of exceptions (SyntaxError, struct.error,
    # IndexError...); any of them means "not a photo we can use", never a 500.
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(content), formats=list(PHOTO_FORMATS)) as image:
                image_format = image.format
                width, height = image.size
                image.verify()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _TooManyPixels()  # noqa: B904
        except Exception:
            raise _NotAnImage()  # noqa: B904
        if image_format not in PHOTO_FORMATS:
            raise _NotAnImage()
        try:
            thumbnail = _make_thumbnail(content)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _TooManyPixels()  # noqa: B904
        except Exception:
            raise _BrokenImage()  # noqa: B904
    content_type, extension = PHOTO_FORMATS[image_format]
    return _PreparedPhoto(original_name=name, content=content, thumbnail=thumbnail,
                          content_type=content_type, extension=extension,
                          width=width, height=height)


def _make_thumbnail(content: bytes) -> bytes:
    image: Image.Image
    with Image.open(io.BytesIO(content), formats=list(PHOTO_FORMATS)) as image:
        image.draft("RGB", (THUMBNAIL_SIZE, THUMBNAIL_SIZE))  # JPEG: decode at a smaller scale
        image.load()
        # Phones store portrait photos sideways plus an orientation tag; turn the pixels.
        image = ImageOps.exif_transpose(image)
        image.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
        if image.mode in ("RGBA", "LA", "P"):
            image = image.convert("RGBA")
            background = Image.new("RGB", image.size, (255, 255, 255))
            background.paste(image, mask=image.getchannel("A"))
            image = background
        elif image.mode != "RGB":
            image = image.convert("RGB")
        out = io.BytesIO()
        image.save(out, "JPEG", quality=80, optimize=True)
        return out.getvalue()


def _attach_photos(activity: Activity, prepared: list[_PreparedPhoto], *,
                   touch: bool) -> list[ActivityPhoto]:
    """Write the checked files, then their rows. Written files are registered with the
    session: if the transaction does not commit, they are removed (see the hooks below)."""
    folder = photo_folder()
    folder.mkdir(parents=True, exist_ok=True)
    position = db.session.scalar(select(func.max(ActivityPhoto.position)).where(
        ActivityPhoto.activity_id == activity.id)) or 0
    photos = []
    for item in prepared:
        stored_name = f"{uuid.uuid4().hex}.{item.extension}"
        _write_file(folder / stored_name, item.content)
        _write_file(folder / thumbnail_name(stored_name), item.thumbnail)
        position += 1
        photo = ActivityPhoto(
            alliance_id=activity.alliance_id, activity_id=activity.id, stored_name=stored_name,
            original_name=item.original_name, content_type=item.content_type,
            size_bytes=len(item.content), width=item.width, height=item.height, position=position)
        db.session.add(photo)
        photos.append(photo)
    if touch:
        _touch(activity)
    db.session.flush()
    db.session.expire(activity, ["photos"])
    return photos


def _touch(activity: Activity) -> None:
    """Photos are part of the activity: changing them bumps its version, so two uploads racing
    past the nine-photo limit cannot both commit (the second gets a 409)."""
    activity.updated_at = utcnow()


def _write_file(path: Path, content: bytes) -> None:
    pending = db.session.info.setdefault(_PENDING_FILES, [])
    pending.append(path)
    with open(path, "xb") as handle:  # "x": never overwrite another photo
        handle.write(content)


# --- files of uncommitted transactions -------------------------------------------------------
# The files of a submission are written before its rows are flushed; if the transaction then
# rolls back (a database error, a later photo refused in the same request, a crash before the
# commit), the files must go too, or the uploads folder fills with orphans.

_PENDING_FILES = "activities.pending_photo_files"


@event.listens_for(Session, "after_commit")
def _keep_committed_files(session) -> None:
    if not session.in_nested_transaction():  # a savepoint's commit is not the real one
        session.info.pop(_PENDING_FILES, None)


@event.listens_for(Session, "after_transaction_end")
def _remove_uncommitted_files(session, transaction) -> None:
    if transaction.parent is None:  # the outermost transaction ended without a commit
        for path in session.info.pop(_PENDING_FILES, ()):
            path.unlink(missing_ok=True)

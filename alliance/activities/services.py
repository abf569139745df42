"""Rules of the activity log (共建活动记录). Functions flush, never commit.

Input arrives already typed (dates as ``date``, numbers as ``int``) from a form or the API;
lengths, codes, date bounds and photos (through ``core.uploads``) are checked here, once, with
Chinese messages keyed by field. Photos are all-or-nothing: every file of a submission is checked
before anything is written, and files written in a transaction that is not committed are removed
again.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from flask import current_app
from sqlalchemy import func, select

from alliance.activities.models import ACTIVITY_KINDS, Activity, ActivityPhoto
from alliance.auth.roles import LIAISON
from alliance.core import uploads
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
        if unit is None or unit.deleted_at is not None or unit.status == "left":
            raise FieldErrors({"unit_id": ["本单位已被删除或已退出联盟，无法记录活动"]})
        return unit
    if not user.is_manager:
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
    prepared = _check_photos(photos, existing=0, errors=errors)
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
    prepared = _check_photos(photos, existing=_live_photo_count(activity), errors=errors)
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
# Checking, storing, metadata stripping and clean-up are core.uploads'; the activity adds its
# count limit, positions and version.

def add_photos(activity: Activity, files: Iterable) -> list[ActivityPhoto]:
    """Add uploaded photos to an activity: all of them, or none if any one is refused."""
    files = [f for f in files if uploads.has_upload(f)]
    if not files:
        raise FieldErrors({"photos": ["请选择要上传的照片"]})
    errors = Errors()
    checked = _check_photos(files, existing=_live_photo_count(activity), errors=errors)
    errors.raise_if_any()
    return _attach_photos(activity, checked, touch=True)


def remove_photo(photo: ActivityPhoto, *, version: int | None = None) -> None:
    """Soft-delete one photo. ``version`` is the activity's, as the client read it: photos are
    part of the activity, so a stale one is refused like any edit.

    Like every deletion it is soft: the row and the file stay, so it can be undone."""
    check_version(photo.activity, version)
    soft_delete(photo)
    _touch(photo.activity)
    db.session.flush()
    db.session.expire(photo.activity, ["photos"])


def photos_per_activity() -> int:
    return int(current_app.config["PHOTOS_PER_ACTIVITY"])


def _live_photo_count(activity: Activity) -> int:
    return db.session.scalar(select(func.count(ActivityPhoto.id)).where(
        ActivityPhoto.activity_id == activity.id, ActivityPhoto.deleted_at.is_(None))) or 0


def _check_photos(files: Iterable, *, existing: int, errors: Errors) -> list[uploads.CheckedUpload]:
    """Check the count, then every upload; errors go under ``photos``."""
    files = [f for f in files if uploads.has_upload(f)]
    if not files:
        return []
    allowed = photos_per_activity()
    if existing + len(files) > allowed:
        left = max(0, allowed - existing)
        errors.add("photos", f"每次活动最多{allowed}张照片（已有{existing}张，本次选择了{len(files)}张，"
                             f"最多还能上传{left}张）")
        return []
    return uploads.check_uploads(files, kind=uploads.IMAGES, field="photos", errors=errors)


def _attach_photos(activity: Activity, checked: list[uploads.CheckedUpload], *,
                   touch: bool) -> list[ActivityPhoto]:
    """Write the checked files, then their rows (the files go again if the transaction does
    not commit)."""
    position = db.session.scalar(select(func.max(ActivityPhoto.position)).where(
        ActivityPhoto.activity_id == activity.id)) or 0
    photos = []
    for item in checked:
        stored = uploads.write_upload(item, folder=ActivityPhoto.__upload_folder__)
        position += 1
        photo = ActivityPhoto(alliance_id=activity.alliance_id, activity_id=activity.id,
                              position=position, **stored.columns())
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

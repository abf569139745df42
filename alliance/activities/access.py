"""Loading activities and their photos for the user at hand, shared by the pages and the API:
404 outside the user's scope, 403 for a reader who may not change the activity."""
from __future__ import annotations

from flask import abort
from sqlalchemy import select

from alliance.activities.models import Activity, ActivityPhoto
from alliance.core import uploads
from alliance.core.permissions import can_edit_unit_records, deny, get_visible_or_404
from alliance.extensions import db


def editable_activity(activity_id: int) -> Activity:
    """A live activity the user may change: 404 outside a liaison's unit, 403 for readers."""
    activity = get_visible_or_404(Activity, activity_id)
    if not can_edit_unit_records(activity.unit_id):
        deny(403, "无权修改该活动")
    return activity


def live_photo(activity: Activity, photo_id: int) -> ActivityPhoto:
    """A photo of ``activity`` that has not been removed (404 otherwise)."""
    photo = db.session.scalar(select(ActivityPhoto).where(
        ActivityPhoto.id == photo_id, ActivityPhoto.activity_id == activity.id,
        ActivityPhoto.deleted_at.is_(None)))
    if photo is None:
        abort(404)
    return photo


def send_photo(photo: ActivityPhoto, *, thumbnail: bool):
    """The file itself (metadata stripped on store), for whoever may see the activity."""
    return uploads.send_stored(photo, thumbnail=thumbnail)

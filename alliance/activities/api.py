"""/api/v1/activities: the activity log, with photo uploads."""
from __future__ import annotations

from flask_login import current_user
from flask_smorest import Blueprint

from alliance.activities import services
from alliance.activities.access import editable_activity, live_photo, send_photo
from alliance.activities.models import Activity
from alliance.activities.queries import ActivityFilters, activity_api_page
from alliance.activities.schemas import (
    ACTIVITY_PATCH_PARTIAL,
    ActivityListArgs,
    ActivityPage,
    ActivityPatchSchema,
    ActivitySchema,
    PhotoArgs,
    PhotoUploadSchema,
)
from alliance.api import exempt_from_form_csrf
from alliance.api.schemas import OptionalVersionArgs, page_body
from alliance.core.permissions import get_visible_or_404, managers_only, roles_required
from alliance.core.roles import EDITORS
from alliance.extensions import db

blp = Blueprint("activities_api", __name__, url_prefix="/api/v1",
                description="共建活动记录（联络员只能看到和修改本单位的活动）")
exempt_from_form_csrf(blp)
ALL = ()  # roles_required() with no roles: every signed-in role
IMAGE_RESPONSE = {"description": "照片文件", "content": {
    t: {"schema": {"type": "string", "format": "binary"}}
    for t in ("image/jpeg", "image/png", "image/webp")}}


@blp.route("/activities")
@roles_required(*ALL)
@blp.arguments(ActivityListArgs, location="query", as_kwargs=True)
@blp.response(200, ActivityPage)
def list_activities(page, per_page, **args):
    """共建活动列表，按单位、类型、日期筛选（联络员只看到本单位）"""
    filters = ActivityFilters(unit_id=args.get("unit_id"), kind=args.get("kind"),
                              date_from=args.get("date_from"), date_to=args.get("date_to"),
                              q=args.get("q"), sort=args.get("sort", "recent"),
                              deleted=bool(args.get("deleted")) and current_user.is_manager)
    return page_body(activity_api_page(current_user, filters, page, per_page))


@blp.route("/activities", methods=["POST"])
@roles_required(*EDITORS)
@blp.arguments(ActivitySchema)
@blp.response(201, ActivitySchema)
def create_activity(data):
    """记录共建活动（照片另用 POST /activities/{id}/photos 上传）"""
    unit = services.unit_for_new_activity(current_user, data.pop("unit_id", None))
    activity = services.create_activity(data, unit=unit)
    db.session.commit()
    return activity  # expired by the commit: reloads as stored


@blp.route("/activities/<int:activity_id>")
@roles_required(*ALL)
@blp.response(200, ActivitySchema)
def get_activity(activity_id):
    """共建活动详情，含照片"""
    return get_visible_or_404(Activity, activity_id, include_deleted=current_user.is_manager,
                              options=[db.selectinload(Activity.photos),
                                       db.selectinload(Activity.unit)])


@blp.route("/activities/<int:activity_id>", methods=["PATCH"])
@roles_required(*EDITORS)
@blp.arguments(ActivityPatchSchema(partial=ACTIVITY_PATCH_PARTIAL))
@blp.response(200, ActivitySchema)
def update_activity(data, activity_id):
    """修改共建活动（须带读取时的 version；已被他人修改则 409）"""
    activity = editable_activity(activity_id)
    version = data.pop("version")
    services.update_activity(activity, data, version=version)
    db.session.commit()
    return activity  # expired by the commit: reloads as stored


@blp.route("/activities/<int:activity_id>", methods=["DELETE"])
@roles_required(*EDITORS)
@blp.arguments(OptionalVersionArgs, location="query", as_kwargs=True)
@blp.response(204)
def delete_activity(activity_id, version=None):
    """删除共建活动（可由工作人员恢复）"""
    services.delete_activity(editable_activity(activity_id), version=version)
    db.session.commit()


@blp.route("/activities/<int:activity_id>/restore", methods=["POST"])
@managers_only
@blp.arguments(OptionalVersionArgs, location="query", as_kwargs=True)
@blp.response(200, ActivitySchema)
def restore_activity(activity_id, version=None):
    """恢复已删除的共建活动"""
    activity = get_visible_or_404(Activity, activity_id, include_deleted=True)
    services.restore_activity(activity, version=version)
    db.session.commit()
    return activity  # expired by the commit: reloads as stored


@blp.route("/activities/<int:activity_id>/photos", methods=["POST"])
@roles_required(*EDITORS)
@blp.arguments(PhotoUploadSchema, location="files")
@blp.response(201, ActivitySchema)
def upload_photos(files, activity_id):
    """上传照片（multipart/form-data，字段名 photos，可多张）：有一张不合格则全部不保存"""
    activity = editable_activity(activity_id)
    services.add_photos(activity, files["photos"])
    db.session.commit()
    return activity  # expired by the commit: reloads as stored


@blp.route("/activities/<int:activity_id>/photos/<int:photo_id>")
@roles_required(*ALL)
@blp.arguments(PhotoArgs, location="query", as_kwargs=True)
@blp.doc(responses={200: IMAGE_RESPONSE})
def get_photo(activity_id, photo_id, thumb=False):
    """照片文件（thumb=true 为缩略图）"""
    activity = get_visible_or_404(Activity, activity_id, include_deleted=current_user.is_manager)
    return send_photo(live_photo(activity, photo_id), thumbnail=thumb)


@blp.route("/activities/<int:activity_id>/photos/<int:photo_id>", methods=["DELETE"])
@roles_required(*EDITORS)
@blp.arguments(OptionalVersionArgs, location="query", as_kwargs=True)
@blp.response(204)
def delete_photo(activity_id, photo_id, version=None):
    """删除一张照片（version 为活动的版本号；给出时过期则 409）"""
    services.remove_photo(live_photo(editable_activity(activity_id), photo_id), version=version)
    db.session.commit()

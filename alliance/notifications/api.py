"""/api/v1/notifications: the signed-in account's own reminders."""
from __future__ import annotations

from flask_login import current_user
from flask_smorest import Blueprint

from alliance.api.schemas import BaseSchema, Bool, DateTime, Int, PagingArgs, Str, page_body, page_schema
from alliance.core.pagination import paginate
from alliance.core.permissions import deny, roles_required
from alliance.extensions import db
from alliance.notifications import services

blp = Blueprint("notifications_api", __name__, url_prefix="/api/v1", description="站内提醒（本人的）")


class NotificationSchema(BaseSchema):
    id = Int()
    kind = Str(metadata={"description": "提醒类别（如 meeting_tomorrow）"})
    kind_label = Str()
    occasion = Str(metadata={"description": "同一账号、同一类别、同一时机只提醒一次"})
    title = Str()
    body = Str()
    url = Str(metadata={"description": "站内链接（路径）"})
    created_at = DateTime()
    read_at = DateTime(allow_none=True)


class NotificationArgs(PagingArgs):
    unread = Bool(metadata={"description": "true：只列未读"})


NotificationPage = page_schema(NotificationSchema, "NotificationPage")


def _item(n) -> dict:
    return {"id": n.id, "kind": n.kind, "kind_label": services.kind_label(n.kind), "occasion": n.occasion,
            "title": n.title, "body": n.body, "url": n.url, "created_at": n.created_at, "read_at": n.read_at}


@blp.route("/notifications")
@roles_required()
@blp.arguments(NotificationArgs, location="query", as_kwargs=True)
@blp.response(200, NotificationPage)
def list_notifications(page, per_page, unread=False):
    """本人的提醒，最新的在前"""
    result = paginate(services.notifications_of(current_user.id, unread_only=bool(unread)), page, per_page)
    body = page_body(result)
    body["items"] = [_item(n) for n in result.items]
    return body


@blp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@roles_required()
@blp.response(200, NotificationSchema)
def read_notification(notification_id: int):
    """标为已读（只能是本人的提醒；他人的提醒编号为 404）"""
    notification = services.own_notification(current_user.id, notification_id)
    if notification is None:
        deny(404, f"Notification {notification_id} 不存在或不属于本账号")
    services.mark_read(notification)
    db.session.commit()
    return _item(notification)

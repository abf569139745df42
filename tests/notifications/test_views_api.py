"""The bell, the list page, the API (own notifications only), the preferences page."""
from __future__ import annotations

from sqlalchemy import select

from alliance.extensions import db
from alliance.notifications.models import Notification
from tests.helpers import csrf_token


def _note(user, n=1, **fields):
    note = Notification(user_id=user.id, kind="need_overdue", occasion=f"need:{n}", title=f"需求已过期望日期：需求{n}",
                        body="仍未满足", url="/needs", **fields)
    db.session.add(note)
    db.session.commit()
    return note


def test_the_bell_counts_unread_and_the_page_lists_them(world, sign_in):
    for n in range(3):
        _note(world.staff, n)
    _note(world.liaison_a, 9)
    client = sign_in(world.staff)
    home = client.get("/notifications/preferences").get_data(as_text=True)
    assert 'id="notification-count">3<' in home
    page = client.get("/notifications").get_data(as_text=True)
    assert "需求已过期望日期：需求2" in page and "需求9" not in page and "需求逾期提醒" in page


def test_the_bell_costs_a_page_no_statement(world, sign_in, count_queries):
    """The unread count comes with the session's account (Area.account_figures), in the one
    statement that reads the session: no COUNT of its own on every page."""
    for n in range(2):
        _note(world.staff, n)
    client = sign_in(world.staff)
    client.get("/notifications/preferences")
    with count_queries() as counter:
        page = client.get("/notifications/preferences").get_data(as_text=True)
    assert 'id="notification-count">2<' in page
    counts = [s for s in counter.statements if "notifications" in s and "count(" in s.lower()]
    assert len(counts) == 1 and "web_sessions" in counts[0], counter.statements
    _note(world.staff, 7)  # a new one shows at the next page
    assert 'id="notification-count">3<' in client.get("/notifications/preferences").get_data(as_text=True)


def test_reading_marks_and_follows_the_link_of_ones_own_notification(world, sign_in, app):
    mine, theirs = _note(world.staff, 1), _note(world.liaison_a, 2)
    client = sign_in(world.staff)
    app.config["WTF_CSRF_ENABLED"] = True
    token = csrf_token(client.get("/notifications"))
    response = client.post(f"/notifications/{mine.id}/read", data={"csrf_token": token, "open": "1"})
    assert response.status_code == 302 and response.headers["Location"] == "/needs"
    assert client.post(f"/notifications/{theirs.id}/read", data={"csrf_token": token}).status_code == 404
    assert client.post(f"/notifications/{mine.id}/read").status_code == 400  # no CSRF token
    db.session.expire_all()
    assert mine.read_at is not None and theirs.read_at is None
    assert 'id="notification-count"' not in client.get("/notifications/preferences").get_data(as_text=True)


def test_api_lists_own_notifications_and_reads_only_them(world, api_as):
    mine, theirs = _note(world.staff, 1), _note(world.liaison_a, 2)
    _note(world.staff, 3)
    api = api_as(world.staff)
    body = api.get("/api/v1/notifications?unread=true").get_json()
    assert body["total"] == 2 and [i["occasion"] for i in body["items"]] == ["need:3", "need:1"]
    assert body["items"][0]["kind_label"] == "需求逾期提醒"
    assert api.post(f"/api/v1/notifications/{theirs.id}/read").status_code == 404
    read = api.post(f"/api/v1/notifications/{mine.id}/read")
    assert read.status_code == 200 and read.get_json()["read_at"]
    assert api.get("/api/v1/notifications?unread=true").get_json()["total"] == 1
    assert api.get("/api/v1/notifications?per_page=500").status_code == 422
    assert api_as(None).get("/api/v1/notifications").status_code == 401
    assert api.post("/api/v1/notifications/99999999999/read").status_code in (404, 422)


def test_the_openapi_document_lists_the_two_routes(client):
    paths = client.get("/api/openapi.json").get_json()["paths"]
    assert "get" in paths["/api/v1/notifications"]
    assert "post" in paths["/api/v1/notifications/{notification_id}/read"]


def test_preferences_refuse_a_bad_address_in_chinese_and_save_a_good_one(world, sign_in):
    client = sign_in(world.liaison_a)
    bad = client.post("/notifications/preferences", data={"email": "不是邮箱", "kinds": ["need_overdue"]})
    assert bad.status_code == 422 and "请输入有效的电子邮箱地址" in bad.get_data(as_text=True)
    good = client.post("/notifications/preferences",
                       data={"email": "a@alliance.test", "kinds": ["meeting_tomorrow", "reply_slip_pending"]})
    assert good.status_code == 302
    from alliance.notifications.models import NotificationPreference

    preference = db.session.scalar(select(NotificationPreference))
    assert preference.email == "a@alliance.test"
    assert preference.muted == {"action_item_due", "need_overdue", "self_assessment_due"}
    # Attributable: who changed what, the address masked, the kinds by name.
    from alliance.audit.models import AuditEntry

    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.record_type == "NotificationPreference"))
    assert entry.actor_id == world.liaison_a.id and entry.record_id == world.liaison_a.id
    assert entry.changes["email"] == [None, "a***@alliance.test"]
    assert "需求逾期提醒" in entry.changes["muted_kinds"][1]

"""/api/v1/activities: JSON in and out, photos as multipart, the error shapes of API.md."""
from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from alliance.activities import services
from alliance.activities.models import Activity, ActivityPhoto
from alliance.audit.models import AuditEntry
from tests.activities import PDF_BYTES, image_bytes, make_activity, stored_files, upload

URL = "/api/v1/activities"


def _body(**overrides) -> dict:
    body = {"occurred_on": "2021-07-01", "kind": "volunteer_service", "title": "金融知识进社区",
            "participant_count": 12, "participants": "青年志愿者", "description": "防范电信诈骗宣传"}
    body.update(overrides)
    return body


def _upload(api, activity_id: int, *files):
    return api.post(f"{URL}/{activity_id}/photos", json=None, content_type="multipart/form-data",
                    data={"photos": [(io.BytesIO(content), name) for content, name in files]})


def _fields(response) -> dict:
    return response.get_json()["error"]["fields"]


def test_liaison_creates_for_their_own_unit_whatever_unit_they_send(world, api_as, db):
    api = api_as(world.liaison_a)
    response = api.post(URL, json=_body(unit_id=world.unit_b.id))
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    assert data["unit_id"] == world.unit_a.id and data["unit_name"] == world.unit_a.name
    assert data["version"] == 1 and data["photos"] == [] and data["kind_label"] == "志愿服务"
    assert {"id", "created_at", "updated_at", "deleted_at"} <= set(data)
    entry = db.session.scalars(select(AuditEntry).where(
        AuditEntry.record_type == "Activity", AuditEntry.record_id == data["id"])).one()
    assert entry.action == "create" and entry.source == "api" and entry.actor_name == "liaison_a"


def test_a_smuggled_role_or_unknown_field_is_refused(world, api_as, db):
    response = api_as(world.liaison_a).post(URL, json=_body(role="admin"))
    assert response.status_code == 422
    assert _fields(response) == {"role": ["未知字段"]}
    assert db.session.query(Activity).count() == 0


def test_staff_must_choose_a_unit_of_their_alliance(world, api_as, db):
    api = api_as(world.staff)
    assert _fields(api.post(URL, json=_body())) == {"unit_id": ["请选择成员单位"]}
    assert "unit_id" in _fields(api.post(URL, json=_body(unit_id=world.other_unit.id)))
    response = api.post(URL, json=_body(unit_id=world.unit_b.id))
    assert response.status_code == 201 and response.get_json()["unit_id"] == world.unit_b.id


@pytest.mark.parametrize("overrides, field", [
    ({"title": "长" * 101}, "title"),
    ({"title": "   "}, "title"),
    ({"kind": "banquet"}, "kind"),
    ({"kind": 3}, "kind"),
    ({"participant_count": "many"}, "participant_count"),
    ({"participant_count": 2.5}, "participant_count"),
    ({"participant_count": -1}, "participant_count"),
    ({"occurred_on": "2021-13-01"}, "occurred_on"),
    ({"occurred_on": "1999-12-31"}, "occurred_on"),
    ({"occurred_on": None}, "occurred_on"),
    ({"description": "字" * 5001}, "description"),
    ({"title": "含\u0000字符"}, "title"),
])
def test_bad_input_is_422_with_fields(world, api_as, db, overrides, field):
    response = api_as(world.liaison_a).post(URL, json=_body(**overrides))
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "invalid" and error["message"]
    assert field in error["fields"] and all(error["fields"][field])
    assert db.session.query(Activity).count() == 0


def test_over_long_title_message_is_chinese(world, api_as):
    response = api_as(world.liaison_a).post(URL, json=_body(title="长" * 101))
    assert _fields(response) == {"title": ["长度应为1至100个字符"]}


def test_future_date_and_non_object_bodies(world, api_as):
    api = api_as(world.liaison_a)
    tomorrow = (services.local_today() + timedelta(days=1)).isoformat()
    assert "活动日期不能晚于今天" in _fields(api.post(URL, json=_body(occurred_on=tomorrow)))["occurred_on"][0]
    assert api.post(URL, json=["not", "an", "object"]).status_code == 422
    assert api.post(URL, data="not json", content_type="application/json").status_code in (400, 422)


def test_get_list_and_filters(world, api_as):
    lesson = make_activity(world.unit_a, kind="party_lesson", occurred_on=date(2021, 7, 1))
    visit = make_activity(world.unit_b, kind="visit", title="走访", occurred_on=date(2022, 3, 5))
    api = api_as(world.organizer)

    def ids(query: str = "") -> list[int]:
        response = api.get(f"{URL}?{query}")
        assert response.status_code == 200, response.get_json()
        return [item["id"] for item in response.get_json()["items"]]

    body = api.get(URL).get_json()
    assert body["total"] == 2 and body["page"] == 1 and body["per_page"] == 50
    assert ids() == [visit.id, lesson.id]
    assert ids(f"unit_id={world.unit_a.id}") == [lesson.id]
    assert ids("kind=visit") == [visit.id]
    assert ids("date_from=2022-01-01") == [visit.id]
    assert ids("date_to=2021-12-31") == [lesson.id]
    assert ids("q=走访") == [visit.id]
    assert ids("sort=oldest") == [lesson.id, visit.id]
    assert ids("per_page=1&page=2") == [lesson.id]
    assert "kind" in _fields(api.get(f"{URL}?kind=banquet"))
    assert "date_from" in _fields(api.get(f"{URL}?date_from=yesterday"))
    assert api.get(f"{URL}?per_page=500").status_code == 422

    liaison = api_as(world.liaison_a)
    assert [i["id"] for i in liaison.get(f"{URL}?unit_id={world.unit_b.id}").get_json()["items"]] == []
    assert [i["id"] for i in liaison.get(URL).get_json()["items"]] == [lesson.id]


def test_another_units_activity_is_404_for_a_liaison(world, api_as, db):
    activity = make_activity(world.unit_a, photos=[upload(image_bytes(), "a.jpg")])
    photo_id = activity.photos[0].id
    api = api_as(world.liaison_b)
    base = f"{URL}/{activity.id}"
    assert api.get(base).status_code == 404
    assert api.patch(base, json={"title": "x", "version": 1}).status_code == 404
    assert api.delete(base).status_code == 404
    assert _upload(api, activity.id, (image_bytes(), "b.jpg")).status_code == 404
    assert api.get(f"{base}/photos/{photo_id}").status_code == 404
    assert api.delete(f"{base}/photos/{photo_id}").status_code == 404
    assert api_as(world.other_admin).get(base).status_code == 404  # another alliance
    db.session.expire_all()
    assert db.session.get(Activity, activity.id).version == 1
    assert db.session.query(ActivityPhoto).count() == 1


def test_organizer_reads_but_cannot_write(world, api_as, db):
    activity = make_activity(world.unit_a)
    api = api_as(world.organizer)
    assert api.get(f"{URL}/{activity.id}").status_code == 200
    assert api.post(URL, json=_body(unit_id=world.unit_a.id)).status_code == 403
    assert api.patch(f"{URL}/{activity.id}", json={"title": "x", "version": 1}).status_code == 403
    assert api.delete(f"{URL}/{activity.id}").status_code == 403
    assert api.post(f"{URL}/{activity.id}/restore").status_code == 403
    assert _upload(api, activity.id, (image_bytes(), "a.jpg")).status_code == 403
    assert db.session.query(Activity).count() == 1


def test_anonymous_is_401(world, api_as):
    assert api_as(None).get(URL).status_code == 401


def test_patch_with_version_and_stale_409(world, api_as, db):
    activity = make_activity(world.unit_a)
    api = api_as(world.liaison_a)
    response = api.patch(f"{URL}/{activity.id}", json={"title": "新标题", "version": 1})
    assert response.status_code == 200
    assert response.get_json()["title"] == "新标题" and response.get_json()["version"] == 2

    stale = api.patch(f"{URL}/{activity.id}", json={"title": "旧版本上的修改", "version": 1})
    assert stale.status_code == 409
    assert stale.get_json()["error"] == {"code": "stale", "message": "该记录已被他人修改，请刷新后重试"}
    assert "version" in _fields(api.patch(f"{URL}/{activity.id}", json={"title": "没有版本号"}))
    assert "unit_id" in _fields(api.patch(f"{URL}/{activity.id}",
                                          json={"unit_id": world.unit_b.id, "version": 2}))
    db.session.expire_all()
    stored = db.session.get(Activity, activity.id)
    assert stored.title == "新标题" and stored.version == 2 and stored.unit_id == world.unit_a.id


def test_photos_upload_list_fetch_and_delete(world, api_as, uploads):
    activity = make_activity(world.unit_a)
    api = api_as(world.liaison_a)
    response = _upload(api, activity.id, (image_bytes("JPEG", (320, 240)), "一.jpg"),
                       (image_bytes("WEBP"), "二.webp"))
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    assert data["version"] == 2
    photos = data["photos"]
    assert [(p["original_name"], p["content_type"]) for p in photos] == [
        ("一.jpg", "image/jpeg"), ("二.webp", "image/webp")]
    assert photos[0]["width"] == 320 and photos[0]["height"] == 240
    assert photos[0]["url"] == f"{URL}/{activity.id}/photos/{photos[0]['id']}"

    image = api.get(photos[0]["url"])
    assert image.status_code == 200 and image.mimetype == "image/jpeg"
    assert image.data.startswith(b"\xff\xd8")
    thumb = api.get(photos[1]["thumbnail_url"])
    assert thumb.status_code == 200 and thumb.mimetype == "image/jpeg"
    assert api_as(world.organizer).get(photos[1]["url"]).mimetype == "image/webp"

    stale = api.delete(f"{URL}/{activity.id}/photos/{photos[0]['id']}?version=1")
    assert stale.status_code == 409 and stale.get_json()["error"]["code"] == "stale"
    assert api.delete(f"{URL}/{activity.id}/photos/{photos[0]['id']}?version=2").status_code == 204
    assert api.get(photos[0]["url"]).status_code == 404
    left = api.get(f"{URL}/{activity.id}").get_json()["photos"]
    assert [p["original_name"] for p in left] == ["二.webp"]


def test_a_bad_photo_in_an_upload_saves_none_of_them(world, api_as, db, uploads):
    activity = make_activity(world.unit_a)
    api = api_as(world.liaison_a)
    response = _upload(api, activity.id, (image_bytes(), "good.jpg"), (PDF_BYTES, "x.pdf"))
    assert response.status_code == 422
    assert _fields(response) == {"photos": ["文件“x.pdf”不是图片，请上传 JPG、PNG 或 WebP 格式的照片"]}
    response = _upload(api, activity.id, (b"plain text", "renamed.jpg"))
    assert "不是图片" in _fields(response)["photos"][0]
    assert db.session.query(ActivityPhoto).count() == 0 and stored_files(uploads) == []


def test_too_large_and_too_many_photos(world, api_as, db, app):
    activity = make_activity(world.unit_a, photos=[upload(image_bytes(), f"{i}.jpg") for i in range(8)])
    api = api_as(world.liaison_a)
    too_big = image_bytes() + b"\0" * app.config["PHOTO_MAX_BYTES"]
    assert "照片不能超过5MB" in _fields(_upload(api, activity.id, (too_big, "big.jpg")))["photos"][0]
    two = _upload(api, activity.id, (image_bytes(), "9.jpg"), (image_bytes(), "10.jpg"))
    assert two.status_code == 422 and "每次活动最多9张照片" in _fields(two)["photos"][0]
    assert _upload(api, activity.id, (image_bytes(), "9.jpg")).status_code == 201
    tenth = _upload(api, activity.id, (image_bytes(), "10.jpg"))
    assert tenth.status_code == 422 and "每次活动最多9张照片" in _fields(tenth)["photos"][0]
    assert db.session.query(ActivityPhoto).count() == 9


def test_an_upload_without_files_is_422(world, api_as):
    activity = make_activity(world.unit_a)
    api = api_as(world.liaison_a)
    response = api.post(f"{URL}/{activity.id}/photos", json=None, data={},
                        content_type="multipart/form-data")
    assert response.status_code == 422 and "photos" in _fields(response)


def test_delete_and_restore(world, api_as, db):
    activity = make_activity(world.unit_a)
    liaison = api_as(world.liaison_a)
    assert liaison.delete(f"{URL}/{activity.id}?version=5").status_code == 409
    assert liaison.delete(f"{URL}/{activity.id}?version=1").status_code == 204
    assert liaison.get(f"{URL}/{activity.id}").status_code == 404
    assert liaison.get(URL).get_json()["total"] == 0
    assert liaison.post(f"{URL}/{activity.id}/restore").status_code == 403

    staff = api_as(world.staff)
    assert staff.get(f"{URL}/{activity.id}").get_json()["deleted_at"] is not None
    assert [i["id"] for i in staff.get(f"{URL}?deleted=true").get_json()["items"]] == [activity.id]
    response = staff.post(f"{URL}/{activity.id}/restore?version=2")
    assert response.status_code == 200 and response.get_json()["deleted_at"] is None
    assert staff.post(f"{URL}/{activity.id}/restore").status_code == 409  # not deleted
    assert liaison.get(f"{URL}/{activity.id}").status_code == 200


def test_openapi_documents_the_activity_routes(client):
    spec = client.get("/api/openapi.json").get_json()
    paths = spec["paths"]
    for path in ("/api/v1/activities", "/api/v1/activities/{activity_id}",
                 "/api/v1/activities/{activity_id}/restore",
                 "/api/v1/activities/{activity_id}/photos",
                 "/api/v1/activities/{activity_id}/photos/{photo_id}"):
        assert path in paths, path
    upload_body = paths["/api/v1/activities/{activity_id}/photos"]["post"]["requestBody"]
    assert "multipart/form-data" in upload_body["content"]

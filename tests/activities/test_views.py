"""The activity log through the pages, as a liaison on a phone and as township staff use it."""
from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from alliance.activities import services
from alliance.activities.models import Activity, ActivityPhoto
from alliance.audit.models import AuditEntry
from tests.activities import PDF_BYTES, image_bytes, make_activity, stored_files, upload


def _form(**overrides) -> dict:
    data = {"occurred_on": "2021-07-01", "kind": "joint_activity", "title": "联合主题党日",
            "participant_count": "30", "participants": "两单位党员", "description": "参观展览",
            "version": ""}
    data.update(overrides)
    return data


def _file(content: bytes, name: str, content_type: str = "image/jpeg"):
    return (io.BytesIO(content), name, content_type)


def _post(client, url, data):
    return client.post(url, data=data, content_type="multipart/form-data")


def _activities(db) -> list[Activity]:
    return db.session.scalars(select(Activity).order_by(Activity.id)).all()


def test_the_form_is_ready_for_a_phone_upload(world, sign_in):
    body = sign_in(world.liaison_a).get("/activities/new").get_data(as_text=True)
    assert 'id="activity-form"' in body and 'enctype="multipart/form-data"' in body
    assert re.search(r'<input[^>]+id="photos"[^>]+multiple', body)
    assert 'name="unit_id"' not in body  # a liaison does not choose a unit
    assert world.unit_a.name in body
    assert f'value="{services.local_today().isoformat()}"' in body  # the date defaults to today
    assert "js/activities.js" in body and "<script>" not in body  # no inline script (CSP)


def test_liaison_logs_an_activity_with_a_photo_and_sees_it_on_the_unit_page(world, sign_in, db,
                                                                             uploads):
    client = sign_in(world.liaison_a)
    response = _post(client, "/activities/new", _form(
        unit_id=str(world.unit_b.id), role="admin",  # smuggled: ignored
        photos=[_file(image_bytes("JPEG", (800, 600)), "合影.jpg")]))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]

    activity = _activities(db)[0]
    assert activity.unit_id == world.unit_a.id
    assert activity.participant_count == 30
    assert [p.original_name for p in activity.photos] == ["合影.jpg"]
    assert response.headers["Location"].endswith(f"/activities/{activity.id}")

    detail = client.get(f"/activities/{activity.id}").get_data(as_text=True)
    photo = activity.photos[0]
    thumb_url = f"/activities/{activity.id}/photos/{photo.id}?thumb=1"
    assert thumb_url in detail and 'class="photo-thumb' in detail

    full = client.get(f"/activities/{activity.id}/photos/{photo.id}")
    assert full.status_code == 200 and full.mimetype == "image/jpeg"
    assert full.data == (uploads / "activities" / photo.stored_name).read_bytes()
    assert "private" in full.headers["Cache-Control"]
    thumb = client.get(thumb_url)
    assert thumb.status_code == 200 and thumb.mimetype == "image/jpeg"
    assert len(thumb.data) < len(full.data)

    unit_page = client.get(f"/units/{world.unit_a.id}").get_data(as_text=True)
    recent = unit_page[unit_page.index('id="recent-activities"'):]
    assert "联合主题党日" in recent[:1000] and "1张照片" in recent[:1000]
    assert re.search(r'id="activity-counts".*2021年 1 次', unit_page, re.S)


def test_unit_page_counts_activities_per_year(world, sign_in):
    for day in (date(2021, 1, 21), date(2021, 7, 1), date(2022, 5, 4)):
        make_activity(world.unit_a, occurred_on=day)
    make_activity(world.unit_b, occurred_on=date(2021, 3, 3))  # another unit's
    deleted = make_activity(world.unit_a, occurred_on=date(2022, 6, 1))
    client = sign_in(world.staff)
    client.post(f"/activities/{deleted.id}/delete", data={"version": "1"})
    body = client.get(f"/units/{world.unit_a.id}").get_data(as_text=True)
    assert "2022年 1 次" in body and "2021年 2 次" in body


def test_a_non_image_is_refused_next_to_the_field_and_nothing_is_saved(world, sign_in, db, uploads):
    client = sign_in(world.liaison_a)
    response = _post(client, "/activities/new", _form(
        photos=[_file(image_bytes(), "good.jpg"), _file(PDF_BYTES, "通知.pdf", "application/pdf")]))
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "文件“通知.pdf”不是图片，请上传 JPG、PNG 或 WebP 格式的照片" in body
    assert 'id="activity-form-errors"' in body and "photos-error" in body
    assert 'value="联合主题党日"' in body  # what was typed is kept
    assert _activities(db) == [] and db.session.query(ActivityPhoto).count() == 0
    assert stored_files(uploads) == []


def test_a_text_file_renamed_jpg_is_refused(world, sign_in, db, uploads):
    response = _post(sign_in(world.liaison_a), "/activities/new",
                     _form(photos=[_file(b"hello, not a photo", "photo.jpg")]))
    assert "文件“photo.jpg”不是图片" in response.get_data(as_text=True)
    assert _activities(db) == [] and stored_files(uploads) == []


def test_a_too_large_photo_is_refused(world, sign_in, db, uploads, app):
    too_big = image_bytes() + b"\0" * app.config["PHOTO_MAX_BYTES"]
    response = _post(sign_in(world.liaison_a), "/activities/new",
                     _form(photos=[_file(too_big, "big.jpg")]))
    assert "照片不能超过5MB" in response.get_data(as_text=True)
    assert _activities(db) == [] and stored_files(uploads) == []


def test_a_tenth_photo_is_refused_on_edit(world, sign_in, db):
    activity = make_activity(world.unit_a, photos=[upload(image_bytes(), f"{i}.jpg") for i in range(9)])
    client = sign_in(world.liaison_a)
    assert "已达到每次活动9张照片的上限" in client.get(f"/activities/{activity.id}/edit").get_data(as_text=True)
    response = _post(client, f"/activities/{activity.id}/edit",
                     _form(version="1", photos=[_file(image_bytes(), "tenth.jpg")]))
    assert "每次活动最多9张照片" in response.get_data(as_text=True)
    assert db.session.query(ActivityPhoto).count() == 9


@pytest.mark.parametrize("overrides, message", [
    ({"title": "长" * 101}, "活动标题不能超过100个字"),
    ({"title": ""}, "请填写活动标题"),
    ({"kind": "banquet"}, "活动类型“banquet”不是有效选项"),
    ({"kind": ""}, "请选择活动类型"),
    ({"participant_count": "很多"}, "整数"),
    ({"participant_count": "-3"}, "参加人数应为0至100000之间的整数"),
    ({"occurred_on": "2021-02-30"}, "日期"),
    ({"occurred_on": "1999-12-31"}, "活动日期不能早于2000年1月1日"),
    ({"description": "字" * 5001}, "活动内容不能超过5000个字"),
])
def test_bad_input_is_refused_next_to_the_field(world, sign_in, db, overrides, message):
    response = _post(sign_in(world.liaison_a), "/activities/new", _form(**overrides))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert _activities(db) == []


def test_a_future_date_is_refused(world, sign_in, db):
    tomorrow = (services.local_today() + timedelta(days=1)).isoformat()
    response = _post(sign_in(world.liaison_a), "/activities/new", _form(occurred_on=tomorrow))
    assert "活动日期不能晚于今天" in response.get_data(as_text=True)
    assert _activities(db) == []


def test_staff_choose_the_unit(world, sign_in, db):
    client = sign_in(world.staff)
    page = client.get(f"/activities/new?unit_id={world.unit_b.id}").get_data(as_text=True)
    option = re.search(rf'<option[^>]*value="{world.unit_b.id}"[^>]*>', page).group(0)
    assert "selected" in option

    response = _post(client, "/activities/new", _form(unit_id=""))
    assert "请选择成员单位" in response.get_data(as_text=True)
    response = _post(client, "/activities/new", _form(unit_id=str(world.other_unit.id)))
    assert "成员单位不存在或已删除" in response.get_data(as_text=True)
    response = _post(client, "/activities/new", _form(unit_id="abc"))
    assert response.status_code == 200
    assert _activities(db) == []

    response = _post(client, "/activities/new", _form(unit_id=str(world.unit_b.id)))
    assert response.status_code == 302
    assert _activities(db)[0].unit_id == world.unit_b.id


def test_a_stale_edit_is_refused_and_changes_nothing(world, sign_in, db):
    activity = make_activity(world.unit_a)
    client = sign_in(world.liaison_a)
    first = _post(client, f"/activities/{activity.id}/edit", _form(title="第一次", version="1"))
    assert first.status_code == 302
    response = _post(client, f"/activities/{activity.id}/edit",
                     _form(title="旧页面上的修改", version="1",
                           photos=[_file(image_bytes(), "a.jpg")]))
    assert response.status_code == 200
    assert "该记录已被他人修改，请刷新后重试" in response.get_data(as_text=True)
    db.session.expire_all()
    stored = db.session.get(Activity, activity.id)
    assert stored.title == "第一次" and stored.version == 2 and stored.photos == []


def test_edit_keeps_the_photos_and_can_add_more(world, sign_in, db):
    activity = make_activity(world.unit_a, photos=[upload(image_bytes(), "first.jpg")])
    client = sign_in(world.liaison_a)
    page = client.get(f"/activities/{activity.id}/edit").get_data(as_text=True)
    assert "已有1张照片" in page and "还可上传8张" in page
    response = _post(client, f"/activities/{activity.id}/edit",
                     _form(title="改过的标题", version="1", photos=[_file(image_bytes("PNG"), "second.png")]))
    assert response.status_code == 302
    db.session.expire_all()
    stored = db.session.get(Activity, activity.id)
    assert stored.title == "改过的标题"
    assert [p.original_name for p in stored.photos] == ["first.jpg", "second.png"]
    assert stored.version == 2  # one change, one version


def test_another_units_activity_answers_404_for_a_liaison(world, sign_in, db):
    activity = make_activity(world.unit_a, photos=[upload(image_bytes(), "a.jpg")])
    photo_id = activity.photos[0].id
    client = sign_in(world.liaison_b)
    base = f"/activities/{activity.id}"
    assert client.get(base).status_code == 404
    assert client.get(f"{base}/edit").status_code == 404
    assert _post(client, f"{base}/edit", _form(version="1")).status_code == 404
    assert client.post(f"{base}/delete", data={"version": "1"}).status_code == 404
    assert client.get(f"{base}/photos/{photo_id}").status_code == 404
    assert client.post(f"{base}/photos/{photo_id}/delete").status_code == 404
    assert "联合主题党日" not in client.get("/activities").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Activity, activity.id).version == 1
    refusals = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "access_denied")).all()
    assert refusals  # refused accesses are on the record


def test_organizer_reads_everything_but_writes_nothing(world, sign_in, db):
    activity = make_activity(world.unit_a, photos=[upload(image_bytes(), "a.jpg")])
    client = sign_in(world.organizer)
    assert "“七一”联合主题党日" in client.get("/activities").get_data(as_text=True)
    detail = client.get(f"/activities/{activity.id}").get_data(as_text=True)
    assert 'id="edit-activity-link"' not in detail
    assert client.get(f"/activities/{activity.id}/photos/{activity.photos[0].id}").status_code == 200
    assert client.get("/activities/new").status_code == 403
    assert _post(client, "/activities/new", _form(unit_id=str(world.unit_a.id))).status_code == 403
    assert client.get(f"/activities/{activity.id}/edit").status_code == 403
    assert client.post(f"/activities/{activity.id}/delete", data={"version": "1"}).status_code == 403
    assert client.post(f"/activities/{activity.id}/restore").status_code == 403
    assert len(_activities(db)) == 1


def test_liaison_deletes_and_staff_restore(world, sign_in, db):
    activity = make_activity(world.unit_a)
    liaison = sign_in(world.liaison_a)
    response = liaison.post(f"/activities/{activity.id}/delete", data={"version": "1"})
    assert response.status_code == 302
    assert liaison.get(f"/activities/{activity.id}").status_code == 404
    assert liaison.post(f"/activities/{activity.id}/restore").status_code == 403

    staff = sign_in(world.staff)
    deleted_list = staff.get("/activities?deleted=1").get_data(as_text=True)
    assert "“七一”联合主题党日" in deleted_list
    assert "“七一”联合主题党日" not in staff.get("/activities").get_data(as_text=True)
    assert "已删除" in staff.get(f"/activities/{activity.id}").get_data(as_text=True)
    assert staff.post(f"/activities/{activity.id}/restore", data={"version": "2"}).status_code == 302
    db.session.expire_all()
    assert not db.session.get(Activity, activity.id).is_deleted
    actions = db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.record_type == "Activity", AuditEntry.record_id == activity.id)).all()
    assert actions == ["create", "delete", "restore"]


def test_a_stale_delete_is_refused(world, sign_in, db):
    activity = make_activity(world.unit_a)
    client = sign_in(world.liaison_a)
    response = client.post(f"/activities/{activity.id}/delete", data={"version": "7"},
                           follow_redirects=True)
    assert "该记录已被他人修改，请刷新后重试" in response.get_data(as_text=True)
    db.session.expire_all()
    assert not db.session.get(Activity, activity.id).is_deleted


def test_deleting_a_photo(world, sign_in, db, uploads):
    activity = make_activity(world.unit_a, photos=[upload(image_bytes(), "a.jpg"),
                                                   upload(image_bytes(), "b.jpg")])
    first = activity.photos[0]
    client = sign_in(world.liaison_a)
    stale = client.post(f"/activities/{activity.id}/photos/{first.id}/delete", data={"version": "0"},
                        follow_redirects=True)
    assert "该记录已被他人修改，请刷新后重试" in stale.get_data(as_text=True)
    response = client.post(f"/activities/{activity.id}/photos/{first.id}/delete", data={"version": "1"})
    assert response.status_code == 302
    db.session.expire_all()
    assert [p.original_name for p in db.session.get(Activity, activity.id).photos] == ["b.jpg"]
    assert client.get(f"/activities/{activity.id}/photos/{first.id}").status_code == 404
    assert len(stored_files(uploads)) == 4  # the file stays: the deletion can be undone


def test_list_filters(world, sign_in):
    make_activity(world.unit_a, kind="party_lesson", title="党课甲", occurred_on=date(2021, 7, 1))
    make_activity(world.unit_b, kind="visit", title="走访乙", occurred_on=date(2022, 3, 5))
    client = sign_in(world.staff)

    def titles(query: str) -> set[str]:
        body = client.get(f"/activities?{query}").get_data(as_text=True)
        return {t for t in ("党课甲", "走访乙") if t in body}

    assert titles("") == {"党课甲", "走访乙"}
    assert titles(f"unit_id={world.unit_b.id}") == {"走访乙"}
    assert titles("kind=party_lesson") == {"党课甲"}
    assert titles("date_from=2022-01-01") == {"走访乙"}
    assert titles("date_to=2021-12-31") == {"党课甲"}
    assert titles("q=走访") == {"走访乙"}
    assert titles("kind=nonsense&date_from=garbage&unit_id=x&page=-1") == {"党课甲", "走访乙"}

    liaison = sign_in(world.liaison_a)
    page = liaison.get(f"/activities?unit_id={world.unit_b.id}").get_data(as_text=True)
    assert "党课甲" in page and "走访乙" not in page  # their own unit, whatever they ask
    assert 'id="filter-unit"' not in page


def test_list_page_queries_are_bounded(world, sign_in, count_queries):
    for i in range(3):
        make_activity(world.unit_a, photos=[upload(image_bytes(), "a.jpg")], title=f"活动{i}")
    client = sign_in(world.staff)
    client.get("/activities")
    with count_queries() as few:
        client.get("/activities")
    for i in range(6):
        make_activity(world.unit_b, photos=[upload(image_bytes(), "a.jpg")], title=f"更多{i}")
    with count_queries() as more:
        client.get("/activities")
    assert more.count == few.count


def test_the_unit_filter_lists_every_unit_and_marks_the_chosen_one(world, sign_in):
    page = sign_in(world.staff).get(f"/activities?unit_id={world.unit_b.id}").get_data(as_text=True)
    select = re.search(r'<select[^>]*id="filter-unit".*?</select>', page, re.S).group(0)
    chosen = re.findall(r'<option value="(\d+)" selected>', select)
    assert chosen == [str(world.unit_b.id)]
    assert f'<option value="{world.unit_a.id}">{world.unit_a.name}</option>' in select


def test_option_tags_escape_labels_and_values():
    from alliance.web.filters import option_tags

    html = str(option_tags([(1, "<b>甲&乙</b>"), ('"2"', "丙")], '"2"'))
    assert html == ('<option value="1">&lt;b&gt;甲&amp;乙&lt;/b&gt;</option>'
                    '<option value="&#34;2&#34;" selected>丙</option>')

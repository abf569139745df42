"""The rules of the activity log, called directly: fields, photos, locking, delete/restore."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from PIL import Image
from sqlalchemy import select

from alliance.activities import services
from alliance.activities.models import Activity, ActivityPhoto
from alliance.activities.queries import ActivityFilters, activity_list_query
from alliance.audit.context import acting_as
from alliance.audit.models import AuditEntry
from alliance.core.errors import FieldErrors, RuleViolation, StaleRecord
from alliance.core.uploads import THUMBNAIL_SIZE, thumbnail_name
from alliance.members import services as members
from tests.activities import PDF_BYTES, activity_data, image_bytes, make_activity, stored_files, upload
from tests.factories import SETUP


def _count(db, model) -> int:
    return db.session.query(model).count()


# --- fields --------------------------------------------------------------------------------

def test_valid_activity_is_cleaned():
    cleaned = services.validate_activity(activity_data(title="  主题党日  ", participants="  ",
                                                       description=None))
    assert cleaned["title"] == "主题党日"
    assert cleaned["participants"] is None
    assert cleaned["kind"] == "party_lesson"


@pytest.mark.parametrize("overrides, field, message", [
    ({"title": "长" * 101}, "title", "活动标题不能超过100个字"),
    ({"title": "   "}, "title", "活动标题不能为空"),
    ({"title": 123}, "title", "活动标题应为文本"),
    ({"title": "含\x00字符"}, "title", "不允许的字符"),
    ({"participants": "人" * 501}, "participants", "参加人员不能超过500个字"),
    ({"description": "字" * 5001}, "description", "活动内容不能超过5000个字"),
    ({"kind": "banquet"}, "kind", "活动类型“banquet”不是有效选项"),
    ({"kind": None}, "kind", "请选择活动类型"),
    ({"kind": ["visit"]}, "kind", "不是有效选项"),
    ({"participant_count": -1}, "participant_count", "参加人数应为0至100000之间的整数"),
    ({"participant_count": 100001}, "participant_count", "参加人数应为0至100000之间的整数"),
    ({"participant_count": "30"}, "participant_count", "参加人数应为0至100000之间的整数"),
    ({"participant_count": True}, "participant_count", "参加人数应为0至100000之间的整数"),
    ({"occurred_on": None}, "occurred_on", "请填写活动日期"),
    ({"occurred_on": "2021-07-01"}, "occurred_on", "活动日期格式不正确"),
    ({"occurred_on": date(1999, 12, 31)}, "occurred_on", "活动日期不能早于2000年1月1日"),
])
def test_bad_fields_are_refused_with_a_chinese_message(app, overrides, field, message):
    with pytest.raises(FieldErrors) as caught:
        services.validate_activity(activity_data(**overrides))
    assert field in caught.value.fields
    assert any(message in m for m in caught.value.fields[field])


def test_a_date_after_today_in_beijing_is_refused(app):
    tomorrow = services.local_today() + timedelta(days=1)
    with pytest.raises(FieldErrors) as caught:
        services.validate_activity(activity_data(occurred_on=tomorrow))
    assert "活动日期不能晚于今天" in caught.value.fields["occurred_on"][0]
    assert services.validate_activity(activity_data(occurred_on=services.local_today()))


def test_all_field_errors_are_reported_together(app):
    with pytest.raises(FieldErrors) as caught:
        services.validate_activity(activity_data(title="", kind="x", participant_count=-5))
    assert set(caught.value.fields) == {"title", "kind", "participant_count"}


# --- creating, with photos -----------------------------------------------------------------

def test_create_with_photos_stores_files_and_facts(world, db, uploads):
    photos = [upload(image_bytes("JPEG", (640, 480)), "合影.jpg"),
              upload(image_bytes("PNG", (30, 20)), "签到表.png", "image/png"),
              upload(image_bytes("WEBP", (50, 40)), "现场.webp", "image/webp")]
    activity = make_activity(world.unit_a, photos=photos)

    stored = db.session.scalars(select(ActivityPhoto).order_by(ActivityPhoto.position)).all()
    assert [p.original_name for p in stored] == ["合影.jpg", "签到表.png", "现场.webp"]
    assert [p.content_type for p in stored] == ["image/jpeg", "image/png", "image/webp"]
    assert [(p.width, p.height) for p in stored] == [(640, 480), (30, 20), (50, 40)]
    assert [p.position for p in stored] == [1, 2, 3]
    assert all(p.alliance_id == world.alliance.id for p in stored)
    files = {f.name for f in stored_files(uploads)}
    for photo in stored:
        assert photo.stored_name in files
        assert thumbnail_name(photo.stored_name) in files
        assert (uploads / "activities" / photo.stored_name).stat().st_size == photo.size_bytes
    assert activity.version == 1  # photos of a new activity do not count as a second change
    with Image.open(uploads / "activities" / thumbnail_name(stored[0].stored_name)) as thumb:
        assert thumb.format == "JPEG" and max(thumb.size) == THUMBNAIL_SIZE


def test_the_bytes_decide_the_type_not_the_name(world, db, uploads):
    make_activity(world.unit_a, photos=[upload(image_bytes("PNG"), "really-a-png.jpg", "image/jpeg")])
    photo = db.session.scalars(select(ActivityPhoto)).one()
    assert photo.content_type == "image/png"
    assert photo.stored_name.endswith(".png")


@pytest.mark.parametrize("content, name", [
    (PDF_BYTES, "通知.pdf"),
    (b"just some text, not a picture\n" * 10, "renamed.jpg"),
    (image_bytes("GIF"), "animated.gif"),
    (b"", "empty.jpg"),
])
def test_a_file_that_is_not_an_accepted_image_saves_nothing(world, db, uploads, content, name):
    photos = [upload(image_bytes(), "good.jpg"), upload(content, name)]
    with acting_as(SETUP), pytest.raises(FieldErrors) as caught:
        services.create_activity(activity_data(), unit=world.unit_a, photos=photos)
    db.session.rollback()
    message = caught.value.fields["photos"][0]
    assert f"“{name}”" in message
    if content:
        assert message == f"文件“{name}”不是图片，请上传 JPG、PNG 或 WebP 格式的照片"
    assert _count(db, Activity) == 0 and _count(db, ActivityPhoto) == 0
    assert stored_files(uploads) == []


def test_a_truncated_photo_is_refused(world, db, uploads):
    broken = image_bytes("JPEG", (400, 300))[:600]
    with acting_as(SETUP), pytest.raises(FieldErrors) as caught:
        services.create_activity(activity_data(), unit=world.unit_a,
                                 photos=[upload(broken, "broken.jpg")])
    assert "broken.jpg" in caught.value.fields["photos"][0]
    assert stored_files(uploads) == []


def test_a_photo_over_the_size_limit_is_refused(world, db, uploads, app):
    too_big = image_bytes() + b"\0" * app.config["PHOTO_MAX_BYTES"]
    with acting_as(SETUP), pytest.raises(FieldErrors) as caught:
        services.create_activity(activity_data(), unit=world.unit_a,
                                 photos=[upload(too_big, "huge.jpg")])
    db.session.rollback()
    assert "照片不能超过5MB" in caught.value.fields["photos"][0]
    assert "huge.jpg" in caught.value.fields["photos"][0]
    assert _count(db, Activity) == 0 and stored_files(uploads) == []


def test_at_most_nine_photos_per_activity(world, db, uploads):
    ten = [upload(image_bytes(), f"{i}.jpg") for i in range(10)]
    with acting_as(SETUP), pytest.raises(FieldErrors) as caught:
        services.create_activity(activity_data(), unit=world.unit_a, photos=ten)
    assert "每次活动最多9张照片" in caught.value.fields["photos"][0]
    db.session.rollback()
    assert stored_files(uploads) == []

    activity = make_activity(world.unit_a, photos=ten[:9])
    with acting_as(SETUP), pytest.raises(FieldErrors) as caught:
        services.add_photos(activity, [upload(image_bytes(), "tenth.jpg")])
    db.session.rollback()
    assert "每次活动最多9张照片" in caught.value.fields["photos"][0]
    assert _count(db, ActivityPhoto) == 9
    assert len(stored_files(uploads)) == 18  # nine photos and their thumbnails


def test_a_removed_photo_frees_its_place(world, db):
    activity = make_activity(world.unit_a, photos=[upload(image_bytes(), f"{i}.jpg") for i in range(9)])
    with acting_as(SETUP):
        services.remove_photo(activity.photos[0])
        services.add_photos(activity, [upload(image_bytes(), "replacement.jpg")])
        db.session.commit()
    assert len(activity.photos) == 9
    assert activity.photos[-1].original_name == "replacement.jpg"
    assert activity.photos[-1].position == 10


def test_adding_photos_bumps_the_activity_version(world, db):
    activity = make_activity(world.unit_a)
    with acting_as(SETUP):
        services.add_photos(activity, [upload(image_bytes(), "a.jpg")])
        db.session.commit()
    assert activity.version == 2


def test_no_upload_at_all_is_a_clear_error(world):
    activity = make_activity(world.unit_a)
    with pytest.raises(FieldErrors) as caught:
        services.add_photos(activity, [upload(b"", "")])
    assert caught.value.fields == {"photos": ["请选择要上传的照片"]}


def test_files_of_a_rolled_back_transaction_are_removed(world, db, uploads):
    activity = make_activity(world.unit_a)
    with acting_as(SETUP):
        services.add_photos(activity, [upload(image_bytes(), "a.jpg")])
        assert len(stored_files(uploads)) == 2  # written before the commit...
        db.session.rollback()  # ...e.g. the database refused the transaction
    assert stored_files(uploads) == []
    assert _count(db, ActivityPhoto) == 0

    with acting_as(SETUP):
        services.add_photos(activity, [upload(image_bytes(), "b.jpg")])
        db.session.commit()
    db.session.rollback()  # a later rollback must not touch committed files
    assert len(stored_files(uploads)) == 2


# --- units, editing, locking ----------------------------------------------------------------

def test_a_liaison_always_gets_their_own_unit(world):
    assert services.unit_for_new_activity(world.liaison_a, world.unit_b.id) == world.unit_a
    assert services.unit_for_new_activity(world.staff, world.unit_b.id) == world.unit_b
    with pytest.raises(FieldErrors) as caught:
        services.unit_for_new_activity(world.staff, world.other_unit.id)  # another alliance's
    assert "unit_id" in caught.value.fields
    with pytest.raises(FieldErrors):
        services.unit_for_new_activity(world.staff, None)
    with pytest.raises(RuleViolation):
        services.unit_for_new_activity(world.organizer, world.unit_a.id)


def test_update_changes_only_what_is_sent(world, db):
    activity = make_activity(world.unit_a)
    with acting_as(SETUP):
        services.update_activity(activity, {"title": "新标题", "unit_id": world.unit_b.id},
                                 version=activity.version)
        db.session.commit()
    assert activity.title == "新标题"
    assert activity.kind == "party_lesson"
    assert activity.unit_id == world.unit_a.id  # the unit is not an editable field
    assert activity.version == 2


def test_a_stale_edit_changes_nothing(world, db):
    activity = make_activity(world.unit_a)
    with acting_as(SETUP):
        services.update_activity(activity, {"title": "第一次修改"}, version=1)
        db.session.commit()
        with pytest.raises(StaleRecord) as caught:
            services.update_activity(activity, {"title": "基于旧版本的修改"}, version=1,
                                     photos=[upload(image_bytes(), "a.jpg")])
    db.session.rollback()
    assert caught.value.message == "该记录已被他人修改，请刷新后重试"
    assert db.session.get(Activity, activity.id).title == "第一次修改"
    assert _count(db, ActivityPhoto) == 0


def test_an_edit_with_a_bad_photo_changes_nothing(world, db, uploads):
    activity = make_activity(world.unit_a)
    with acting_as(SETUP), pytest.raises(FieldErrors) as caught:
        services.update_activity(activity, {"title": "改了标题"}, version=1,
                                 photos=[upload(PDF_BYTES, "x.pdf")])
    db.session.rollback()
    assert "photos" in caught.value.fields
    assert db.session.get(Activity, activity.id).title == "“七一”联合主题党日"
    assert stored_files(uploads) == []


def test_delete_and_restore(world, db):
    activity = make_activity(world.unit_a)
    with acting_as(SETUP):
        services.delete_activity(activity, version=1)
        db.session.commit()
    assert activity.is_deleted
    with acting_as(SETUP), pytest.raises(RuleViolation):
        services.delete_activity(activity)
    with acting_as(SETUP):
        services.restore_activity(activity)
        db.session.commit()
    assert not activity.is_deleted


def test_restore_is_refused_while_the_unit_is_deleted(world, db):
    activity = make_activity(world.unit_b)
    with acting_as(SETUP):
        services.delete_activity(activity)
        members.delete_unit(world.unit_b)
        db.session.commit()
        with pytest.raises(RuleViolation) as caught:
            services.restore_activity(activity)
    assert "请先恢复成员单位" in caught.value.message


def test_every_change_is_audited(world, db):
    activity = make_activity(world.unit_a, photos=[upload(image_bytes(), "a.jpg")])
    with acting_as(SETUP):
        services.update_activity(activity, {"participant_count": 45}, version=1)
        services.delete_activity(activity)
        db.session.commit()
    entries = db.session.scalars(select(AuditEntry).where(
        AuditEntry.record_type.in_(["Activity", "ActivityPhoto"])).order_by(AuditEntry.id)).all()
    actions = [(e.record_type, e.action) for e in entries]
    assert ("Activity", "create") in actions and ("ActivityPhoto", "create") in actions
    assert ("Activity", "update") in actions and ("Activity", "delete") in actions
    created = next(e for e in entries if e.record_type == "Activity" and e.action == "create")
    assert created.record_id == activity.id
    assert created.changes["title"] == [None, "“七一”联合主题党日"]
    assert created.alliance_id == world.alliance.id
    updated = next(e for e in entries if e.action == "update")
    assert updated.changes["participant_count"] == [30, 45]


# --- the list query ------------------------------------------------------------------------

def test_list_filters_and_liaison_scope(world, db):
    lesson = make_activity(world.unit_a, kind="party_lesson", occurred_on=date(2021, 7, 1))
    visit = make_activity(world.unit_a, kind="visit", title="走访建设银行", occurred_on=date(2022, 3, 5))
    bank = make_activity(world.unit_b, kind="volunteer_service", title="金融知识进社区", participants="青年志愿者",
                         occurred_on=date(2021, 9, 9))

    def ids(user, **filters):
        return [a.id for a in db.session.scalars(activity_list_query(user, ActivityFilters(**filters)))]

    assert ids(world.staff) == [visit.id, bank.id, lesson.id]
    assert ids(world.staff, sort="oldest") == [lesson.id, bank.id, visit.id]
    assert ids(world.organizer, unit_id=world.unit_b.id) == [bank.id]
    assert ids(world.staff, kind="visit") == [visit.id]
    assert ids(world.staff, date_from=date(2021, 8, 1), date_to=date(2021, 12, 31)) == [bank.id]
    assert ids(world.staff, q="走访") == [visit.id]  # in the title
    assert ids(world.staff, q="闵行支行") == [bank.id]  # in the unit's name
    assert ids(world.staff, q="党支部") == [visit.id, lesson.id]  # in the participants
    assert ids(world.staff, q="100%_") == []  # LIKE wildcards are plain text
    assert ids(world.liaison_a) == [visit.id, lesson.id]
    assert ids(world.liaison_a, unit_id=world.unit_b.id) == []
    assert ids(world.other_admin) == []


def test_a_decompression_bomb_is_refused(world, db, uploads, monkeypatch):
    # A small file can claim an enormous canvas; Pillow's pixel limit, lowered here, guards it.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 500)
    with acting_as(SETUP), pytest.raises(FieldErrors) as caught:
        services.create_activity(activity_data(), unit=world.unit_a,
                                 photos=[upload(image_bytes("PNG", (64, 48)), "bomb.png")])
    assert "像素尺寸过大" in caught.value.fields["photos"][0]
    assert stored_files(uploads) == []

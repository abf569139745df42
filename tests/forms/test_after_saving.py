"""After saving, show the thing (issue 13, item 5): every create and update goes to the record
it made, and its flash says what was done to whom, with titles quoted once."""
from __future__ import annotations

import io
import re
from pathlib import Path

from sqlalchemy import select

from alliance.activities.models import Activity
from alliance.core.forms import quoted
from alliance.members.models import MemberUnit, Person, UnitRole
from tests.activities import image_bytes
from tests.factories import make_person
from tests.helpers import unit_form_data

ALLIANCE = Path(__file__).resolve().parents[2] / "alliance"


def _flashes(client) -> list[str]:
    with client.session_transaction() as session:
        return [message for _category, message in session.pop("_flashes", [])]


def test_quoted_nests_a_titles_own_quotes():
    assert quoted("联合主题党日") == "“联合主题党日”"
    assert quoted("“七一”联合主题党日活动") == "“‘七一’联合主题党日活动”"
    assert quoted(None) == "“”"


def test_no_view_writes_quotes_around_a_value_itself():
    """A hand-written “{title}” in a flash doubles the quotes of a title that has its own
    (““七一”…”): the pages' messages go through core.forms.quoted."""
    offenders = []
    for path in ALLIANCE.rglob("views.py"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"f[\"'][^\"']*“\{", line):
                offenders.append(f"{path.relative_to(ALLIANCE)}:{number}: {line.strip()}")
    assert offenders == []


def test_a_new_person_lands_on_their_page_with_appoint_there(world, sign_in, db):
    client = sign_in(world.staff)
    response = client.post("/people/new", data={"name": "张轩", "mobile": "13800138000", "email": "",
                                                "title": "", "notes": ""})
    person = db.session.scalars(select(Person).where(Person.name == "张轩")).one()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/people/{person.id}")
    assert _flashes(client) == ["已添加人员 张轩"]
    page = client.get(f"/people/{person.id}").get_data(as_text=True)
    assert "任命到单位" in page and 'id="appoint-form"' in page

    # 任命到单位 → the unit's role form with the person filled in
    response = client.get(f"/people/{person.id}/appoint?unit_id={world.unit_a.id}")
    assert response.headers["Location"].endswith(f"/units/{world.unit_a.id}/roles/new?person_id={person.id}")
    form = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f'name="person_id" value="{person.id}"' in form and 'value="张轩"' in form


def test_appointing_and_ending_say_who_where_and_what(world, sign_in, db):
    person = make_person(world.alliance, "张轩")
    db.session.commit()
    client = sign_in(world.staff)
    response = client.post(f"/units/{world.unit_a.id}/roles/new", data={
        "role": "liaison", "person_id": str(person.id), "started_on": "2024-03-01", "title": "", "note": ""})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/units/{world.unit_a.id}")
    assert _flashes(client) == ["已任命 张轩 为 复旦大学附属儿科医院 联络员"]

    role = db.session.scalars(select(UnitRole).where(UnitRole.person_id == person.id)).one()
    response = client.post(f"/roles/{role.id}/end", data={"ended_on": "2025-06-30", "version": role.version})
    assert response.status_code == 302
    assert _flashes(client) == ["已结束 张轩 在 复旦大学附属儿科医院 的联络员任职（2025年6月30日）"]


def test_unit_create_and_edit_go_to_the_unit_and_name_it(world, sign_in, db):
    client = sign_in(world.staff)
    response = client.post("/units/new", data=unit_form_data(name="上海力波", category="enterprise"))
    unit = db.session.scalars(select(MemberUnit).where(MemberUnit.name == "上海力波")).one()
    assert response.headers["Location"].endswith(f"/units/{unit.id}")
    assert _flashes(client) == ["已添加成员单位 上海力波"]
    response = client.post(f"/units/{unit.id}/edit", data=unit_form_data(unit, short_name="力波"))
    assert response.headers["Location"].endswith(f"/units/{unit.id}")
    assert _flashes(client) == ["已保存成员单位 上海力波"]


def test_an_activity_title_with_its_own_quotes_is_quoted_once(world, sign_in, db):
    client = sign_in(world.liaison_a)
    response = client.post("/activities/new", content_type="multipart/form-data", data={
        "occurred_on": "2021-07-01", "kind": "joint_activity", "title": "“七一”联合主题党日活动",
        "participant_count": "30", "participants": "", "description": "", "version": ""})
    activity = db.session.scalars(select(Activity)).one()
    assert response.headers["Location"].endswith(f"/activities/{activity.id}")
    [message] = _flashes(client)
    assert message == "已记录 复旦大学附属儿科医院 的共建活动“‘七一’联合主题党日活动”"
    assert "““" not in message and "””" not in message


def test_a_refused_photo_upload_asks_for_the_photo_again(world, sign_in):
    client = sign_in(world.liaison_a)
    response = client.post("/activities/new", content_type="multipart/form-data", data={
        "occurred_on": "2021-07-01", "kind": "joint_activity", "title": "",
        "participant_count": "", "participants": "", "description": "", "version": "",
        "photos": [(io.BytesIO(image_bytes("JPEG", (80, 60))), "合影.jpg", "image/jpeg")]})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "请填写活动标题" in body
    assert "请重新选择照片" in body and "刚才选择的1个文件没有上传" in body


def test_meeting_create_goes_to_the_meeting_and_names_it(world, sign_in, db):
    from alliance.meetings.models import Meeting

    client = sign_in(world.staff)
    response = client.post("/meetings/new", data={
        "title": "“两新”组织联席会", "kind": "quarterly", "starts_at": "2026-03-01T14:00",
        "ends_at": "2026-03-01T16:00", "venue": "镇政府", "host_unit_id": "", "chair_id": "",
        "recorder_id": "", "agenda_note": "", "minutes": "", "version": ""})
    meeting = db.session.scalars(select(Meeting)).first()
    assert meeting is not None, response.get_data(as_text=True)[:3000]
    assert response.headers["Location"].endswith(f"/meetings/{meeting.id}")
    assert _flashes(client) == ["已创建会议“‘两新’组织联席会”"]

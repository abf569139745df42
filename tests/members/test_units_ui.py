"""Units through the pages: create with a wrong credit code, correct it, find it."""
from __future__ import annotations

from alliance.members.models import MemberUnit
from tests.factories import VALID_USCC
from tests.helpers import unit_form_data


def _form(**overrides):
    return unit_form_data(**{"name": "上海力波", "category": "enterprise", "joined_on": "2021-01-21",
                             **overrides})


def _table(response) -> str:
    return response.get_data(as_text=True).split('id="unit-table"')[1].split("</table>")[0]


def test_wrong_credit_code_is_refused_next_to_the_field(world, sign_in, db):
    client = sign_in(world.staff)
    response = client.post("/units/new", data=_form(uscc="91310112MA1GBUG23X"))
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "统一社会信用代码校验位不正确" in body
    assert db.session.query(MemberUnit).filter_by(name="上海力波").count() == 0

    response = client.post("/units/new", data=_form(uscc=VALID_USCC[1]))
    assert response.status_code == 302
    unit = db.session.query(MemberUnit).filter_by(name="上海力波").one()
    assert unit.uscc == VALID_USCC[1]

    listing = client.get("/units?q=力波").get_data(as_text=True)
    assert "上海力波" in listing
    assert "建设银行" not in listing


def test_duplicate_name_is_refused(world, sign_in):
    client = sign_in(world.staff)
    response = client.post("/units/new", data=_form(name=world.unit_a.name))
    assert response.status_code == 200
    assert "本联盟已有名为" in response.get_data(as_text=True)


def test_stale_edit_is_refused_with_the_message_and_changes_nothing(world, sign_in, db):
    client = sign_in(world.staff)
    unit = world.unit_b
    stale = unit_form_data(unit, short_name="第一次")
    assert client.post(f"/units/{unit.id}/edit", data=stale).status_code == 302
    response = client.post(f"/units/{unit.id}/edit", data={**stale, "short_name": "第二次"})
    assert response.status_code == 200
    assert "该记录已被他人修改，请刷新后重试" in response.get_data(as_text=True)
    assert db.session.get(MemberUnit, unit.id).short_name == "第一次"


def test_liaison_sees_and_edits_only_their_unit(world, sign_in, db):
    client = sign_in(world.liaison_a)
    listing = client.get("/units").get_data(as_text=True)
    assert world.unit_a.name in listing and world.unit_b.name not in listing
    assert client.get(f"/units/{world.unit_b.id}").status_code == 404
    assert client.get(f"/units/{world.unit_b.id}/edit").status_code == 404
    assert client.get(f"/units/{world.other_unit.id}").status_code == 404
    assert client.get("/units/new").status_code == 403
    unit = world.unit_a
    form = client.get(f"/units/{unit.id}/edit").get_data(as_text=True)
    assert 'name="phone"' in form and 'name="tier"' not in form
    # A smuggled tier, category or name is ignored; the allowed fields change.
    response = client.post(f"/units/{unit.id}/edit", data={
        "phone": "021-64000000", "tier": "executive", "category": "bank", "name": "改名",
        "short_name": "", "address": "", "description": "", "version": str(unit.version)})
    assert response.status_code == 302
    unit = db.session.get(MemberUnit, unit.id)
    assert (unit.phone, unit.tier, unit.category, unit.name) == (
        "021-64000000", None, "hospital", "复旦大学附属儿科医院")
    assert client.post(f"/units/{unit.id}/delete", data={"version": str(unit.version)}).status_code == 403


def test_assign_roles_keeps_history_on_the_unit_page(world, sign_in):
    client = sign_in(world.staff)  # the office confirms a secretary (a liaison may not: tests/security)
    unit = world.unit_a
    base = {"role": "secretary", "person_id": "", "title": "党委书记", "note": "", "new_mobile": ""}
    response = client.post(f"/units/{unit.id}/roles/new",
                           data={**base, "new_name": "徐虹", "started_on": "2019-01-01"})
    assert response.status_code == 302, response.get_data(as_text=True)
    client.post(f"/units/{unit.id}/roles/new", data={**base, "new_name": "李四", "started_on": "2021-06-01"})
    page = client.get(f"/units/{unit.id}").get_data(as_text=True)
    current = page.split('id="current-roles"')[1].split("</ul>")[0]
    past = page.split('id="past-roles"')[1].split("</ul>")[0]
    assert "李四" in current and "徐虹" not in current
    assert "徐虹" in past and "2021年6月1日" in past
    assert "变更记录" in page


def test_role_form_errors_are_shown_on_fields(world, sign_in):
    client = sign_in(world.staff)
    response = client.post(f"/units/{world.unit_a.id}/roles/new", data={
        "role": "secretary", "person_id": "", "new_name": "", "new_mobile": "",
        "title": "", "note": "", "started_on": "2021-01-01"})
    assert "请选择已有人员，或填写新增人员的姓名" in response.get_data(as_text=True)
    response = client.post(f"/units/{world.unit_a.id}/roles/new", data={
        "role": "secretary", "person_id": "", "new_name": "王五", "new_mobile": "12345",
        "title": "", "note": "", "started_on": "2021-01-01"})
    body = response.get_data(as_text=True)
    assert "手机号码应为11位数字" in body


def test_unit_list_filters_sorts_and_pages(world, sign_in, alliance_units):
    client = sign_in(world.organizer)
    page = client.get("/units?category=school").get_data(as_text=True)
    assert "梅陇中学" in page and "复旦大学附属儿科医院" not in page
    page = client.get("/units?q=儿科").get_data(as_text=True)
    assert "复旦大学附属儿科医院" in page and "梅陇中学" not in page
    page = client.get("/units?tier=executive").get_data(as_text=True)
    assert "建设银行闵行支行" in page and "梅陇中学" not in page
    ordered = client.get("/units?sort=order").get_data(as_text=True)
    assert ordered.index("梅陇中学") < ordered.index("复旦大学附属儿科医院")  # sort_order 1 first
    by_name = client.get("/units?sort=name").get_data(as_text=True)
    assert by_name.index("复旦大学附属儿科医院") < by_name.index("梅陇中学")  # fu < mei
    joined = client.get("/units?sort=joined").get_data(as_text=True)
    assert joined.index("上海力波") < joined.index("梅陇中学")  # newest first
    first = client.get("/units?per_page=2").get_data(as_text=True)
    second = client.get("/units?per_page=2&page=2").get_data(as_text=True)
    assert "第 1 / 2 页，共 4 条" in first and "第 2 / 2 页" in second
    assert client.get("/units?page=abc&per_page=-5&sort=evil&category=evil").status_code == 200


def test_people_sorted_by_surname_strokes(world, sign_in):
    from tests.factories import make_person

    for name in ("张俊", "丁薛祥", "王凯", "刘奇"):
        make_person(world.alliance, name)
    page = sign_in(world.staff).get("/people").get_data(as_text=True)
    positions = [page.index(n) for n in ("丁薛祥", "王凯", "刘奇", "张俊")]
    assert positions == sorted(positions)
    page = sign_in(world.staff).get("/people?sort=pinyin").get_data(as_text=True)
    positions = [page.index(n) for n in ("丁薛祥", "刘奇", "王凯", "张俊")]
    assert positions == sorted(positions)


def test_deleted_units_are_listed_for_staff_and_restorable(world, sign_in, db):
    client = sign_in(world.staff)
    unit = world.unit_b
    client.post(f"/units/{unit.id}/delete", data={"version": str(unit.version)})
    assert unit.name not in _table(client.get("/units"))
    assert unit.name in _table(client.get("/units?deleted=1"))
    unit = db.session.get(MemberUnit, unit.id)
    client.post(f"/units/{unit.id}/restore", data={"version": str(unit.version)})
    assert unit.name in _table(client.get("/units"))
    # Organizers never see the deleted view.
    assert "（已删除）" not in sign_in(world.organizer).get("/units?deleted=1").get_data(as_text=True)


def test_lists_show_current_holders_and_a_liaison_sees_only_their_units_posts(world, sign_in, db):
    from datetime import date

    from alliance.members import services
    from tests.factories import make_person

    both = make_person(world.alliance, "王<b>两")
    for unit, role in ((world.unit_a, "liaison"), (world.unit_b, "secretary")):
        services.assign_role(unit, both, {"role": role, "started_on": date(2021, 1, 1)})
    db.session.commit()
    rows = _table(sign_in(world.staff).get("/units"))
    assert rows.count('<td data-label="联络员">王&lt;b&gt;两</td>') == 1 and "<b>" not in rows
    assert rows.count('<td data-label="书记">王&lt;b&gt;两</td>') == 1

    people = sign_in(world.liaison_a).get("/people").get_data(as_text=True)
    assert world.unit_a.name in people and "王&lt;b&gt;两" in people
    assert world.unit_b.name not in people  # the liaison's list names no post at another unit
    people = sign_in(world.staff).get("/people").get_data(as_text=True)
    assert world.unit_b.name in people

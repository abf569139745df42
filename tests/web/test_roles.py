"""Roles and menus (issue 13 item 6): nobody sees a button they may not use, a liaison's 成员单位
opens their unit, the menu holds only pages that exist, and the office confirms secretaries."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from alliance.activities.models import Activity
from alliance.core.errors import RuleViolation
from alliance.extensions import db
from alliance.members import services as members
from alliance.members.models import UnitRole
from tests.factories import make_person

WRITE_BUTTON = re.compile(r"<(a|button)\b[^>]*>[^<]*(编辑|新增|新建|删除|任命|结束任职|记录共建活动|恢复)[^<]*</\1>")


def _write_buttons(html: str) -> list[str]:
    main = html.split("<main", 1)[-1]
    return [m.group(0) for m in WRITE_BUTTON.finditer(main)]


@pytest.fixture
def staffed(world):
    """Unit A with a secretary and a liaison (people of unit A), and one activity."""
    secretary = make_person(world.alliance, "赵书记")
    liaison = make_person(world.alliance, "钱联络")
    members.assign_role(world.unit_a, secretary, {"role": "secretary", "started_on": date(2020, 1, 1)})
    members.assign_role(world.unit_a, liaison, {"role": "liaison", "started_on": date(2020, 1, 1)})
    db.session.add(Activity(alliance_id=world.alliance.id, unit_id=world.unit_a.id, title="主题党日",
                            occurred_on=date(2026, 3, 1), kind="party_lesson"))
    db.session.commit()
    return world, secretary, liaison


def _role(world, code) -> UnitRole:
    db.session.expire_all()
    return db.session.scalar(select(UnitRole).where(UnitRole.unit_id == world.unit_a.id, UnitRole.role == code,
                                                   UnitRole.ended_on.is_(None)))


def test_organizers_see_no_write_button_on_the_register_and_activity_pages(staffed, sign_in):
    world, secretary, _ = staffed
    organizer = sign_in(world.organizer)
    activity_id = db.session.scalar(select(Activity.id))
    for path in ("/", "/units", f"/units/{world.unit_a.id}", "/people", f"/people/{secretary.id}",
                 "/activities", f"/activities/{activity_id}"):
        response = organizer.get(path)
        assert response.status_code == 200, path
        assert _write_buttons(response.get_data(as_text=True)) == [], path
    # the same pages do show them to staff (the pattern finds real buttons)
    staff = sign_in(world.staff)
    assert _write_buttons(staff.get(f"/units/{world.unit_a.id}").get_data(as_text=True))
    assert _write_buttons(staff.get(f"/people/{secretary.id}").get_data(as_text=True))


def test_a_liaison_sees_edit_only_on_their_own_units_records(staffed, sign_in):
    world, secretary, _ = staffed
    own = sign_in(world.liaison_a).get(f"/units/{world.unit_a.id}").get_data(as_text=True)
    assert "编辑" in "".join(_write_buttons(own))
    other = sign_in(world.liaison_b)
    assert other.get(f"/units/{world.unit_a.id}").status_code == 404
    assert _write_buttons(other.get(f"/units/{world.unit_b.id}").get_data(as_text=True))  # their own


def test_a_liaisons_member_units_entry_opens_their_unit(world, sign_in):
    html = sign_in(world.liaison_a).get("/activities").get_data(as_text=True)
    nav = html.split('id="mainNav"', 1)[1].split("</ul>", 1)[0]
    assert f'href="/units/{world.unit_a.id}">成员单位</a>' in nav
    unit_page = sign_in(world.liaison_a).get(f"/units/{world.unit_a.id}").get_data(as_text=True)
    assert re.search(r'class="nav-link active" aria-current="page" href="/units/\d+">成员单位', unit_page)
    staff_nav = sign_in(world.staff).get("/").get_data(as_text=True).split('id="mainNav"', 1)[1]
    assert 'href="/units">成员单位</a>' in staff_nav


@pytest.mark.parametrize("who", ["admin", "staff", "organizer", "liaison_a"])
def test_every_menu_entry_opens_a_page_that_exists(world, sign_in, who):
    client = sign_in(world.user(who))
    nav = client.get("/").get_data(as_text=True).split('id="mainNav"', 1)[1].split("</ul>", 1)[0]
    assert "即将上线" not in nav
    links = re.findall(r'class="nav-link[^"]*"(?: aria-current="page")? href="([^"]+)"', nav)
    assert len(links) >= 5
    for href in links:
        assert client.get(href).status_code == 200, (who, href)


def test_the_office_confirms_secretaries_a_liaison_may_not_appoint_or_end_one(staffed, sign_in, api_as):
    world, secretary, liaison = staffed
    client = sign_in(world.liaison_a)
    page = client.get(f"/units/{world.unit_a.id}").get_data(as_text=True)
    roles = page.split('id="current-roles"', 1)[1].split("</ul>", 1)[0]
    rows = roles.split("<li")
    secretary_row = next(r for r in rows if "赵书记" in r)
    liaison_row = next(r for r in rows if "钱联络" in r)
    assert "结束任职" not in secretary_row and "结束任职" in liaison_row

    # the service refuses, whatever the page showed
    with pytest.raises(RuleViolation, match="镇党委办公室确认"):
        members.update_role(_role(world, "secretary"), {"ended_on": date(2026, 6, 30)},
                            version=_role(world, "secretary").version, user=world.liaison_a)
    db.session.rollback()
    role = _role(world, "secretary")
    response = client.post(f"/roles/{role.id}/end", data={"ended_on": "2026-06-30", "version": role.version})
    assert response.status_code == 302 and _role(world, "secretary") is not None
    response = client.post(f"/units/{world.unit_a.id}/roles/new",
                           data={"role": "secretary", "new_name": "孙新书记", "started_on": "2026-07-01"})
    assert "镇党委办公室确认" in response.get_data(as_text=True)
    assert _role(world, "secretary").person_id == secretary.id
    api = api_as(world.liaison_a)
    refused = api.post(f"/api/v1/units/{world.unit_a.id}/roles",
                       json={"role": "deputy_secretary", "person_id": liaison.id, "started_on": "2026-07-01"})
    assert refused.status_code == 409 and "镇党委办公室确认" in refused.json["error"]["message"]

    # a liaison may end and appoint their unit's liaison; staff may change the secretary
    role = _role(world, "liaison")
    ended = client.post(f"/roles/{role.id}/end", data={"ended_on": "2026-06-30", "version": role.version})
    assert ended.status_code == 302 and _role(world, "liaison") is None
    staff = sign_in(world.staff)
    role = _role(world, "secretary")
    assert staff.post(f"/roles/{role.id}/end", data={"ended_on": "2026-06-30",
                                                     "version": role.version}).status_code == 302
    assert _role(world, "secretary") is None

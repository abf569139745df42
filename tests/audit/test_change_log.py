"""The change log reads as a township worker writes: names, not ids; Chinese local times; the
actor's display name; no internal fields; each record type's own labels; sign-ins apart."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from alliance.activities import services as activities
from alliance.audit.context import Actor, acting_as
from alliance.audit.models import AUDIT_ACTIONS, KIND_ACTIONS, AuditEntry
from alliance.audit.recorder import record_event
from alliance.auth.services import create_user
from alliance.members import services
from alliance.members.models import UnitRole
from tests.factories import PASSWORD, SETUP

# 14:05 in Shanghai on 3 December 2026.
AT = datetime(2026, 12, 3, 6, 5, tzinfo=UTC)


@pytest.fixture
def at_a_known_time(monkeypatch):
    monkeypatch.setattr("alliance.audit.recorder.utcnow", lambda: AT)


@pytest.fixture
def clerk(world, db):
    """A staff account with a display name of its own, who makes the changes below."""
    with acting_as(SETUP):
        user = create_user({"username": "wangxm", "display_name": "王晓梅", "role": "staff",
                            "password": PASSWORD}, alliance_id=world.alliance.id)
        db.session.commit()
    return user


def _as(user) -> Actor:
    return Actor(user_id=user.id, name=user.username, source="ui", alliance_id=user.alliance_id)


@pytest.fixture
def appointed(world, db, clerk, at_a_known_time):
    """A person created, appointed liaison of 复旦大学附属儿科医院 and corrected, by the clerk."""
    unit = world.unit_a
    with acting_as(_as(clerk)):
        person = services.create_person({"name": "张轩", "mobile": "13800138000"},
                                        alliance_id=world.alliance.id, is_sample=True)
        role = services.assign_role(unit, person, {"role": "liaison", "started_on": date(2021, 1, 21),
                                                   "title": "党办主任"})
        db.session.commit()
        services.update_unit(unit, {"short_name": "儿科医院"}, version=unit.version)
        db.session.commit()
    return person, role


def _text(html: str) -> str:
    """The page's text: inline tags dropped, others a space, whitespace collapsed."""
    html = re.sub(r"</?(span|small|time|a|b|strong)\b[^>]*>", "", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _table(html: str, table_id: str) -> str:
    match = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S)
    assert match, f"no table #{table_id}"
    return match.group(0)


def test_the_unit_page_shows_names_and_chinese_local_times(world, sign_in, appointed):
    person, role = appointed
    html = sign_in(world.staff).get(f"/units/{world.unit_a.id}").get_data(as_text=True)
    history = _text(_table(html, "unit-history"))
    assert "单位：空 → 复旦大学附属儿科医院" in history
    assert "人员：空 → 张轩" in history
    assert f"单位：空 → {world.unit_a.id} " not in history and f"人员：空 → {person.id} " not in history
    assert "2026年12月3日 14:05" in history and "2026-12-03" not in history
    assert "开始日期：空 → 2021年1月21日" in history  # a date value, the Chinese way
    assert "职务：空 → 联络员" in history and "职务名称：空 → 党办主任" in history
    assert "简称：空 → 儿科医院" in history
    assert "王晓梅 wangxm" in history  # the display name, the login small


def test_the_person_page_shows_its_change_log(world, sign_in, appointed):
    person, _ = appointed
    html = sign_in(world.staff).get(f"/people/{person.id}").get_data(as_text=True)
    history = _text(_table(html, "person-history"))
    assert "姓名：空 → 张轩" in history and "单位：空 → 复旦大学附属儿科医院" in history
    assert "王晓梅 wangxm" in history and "2026年12月3日 14:05" in history and "示例数据" not in history


def test_audit_shows_the_actor_by_name_with_the_login_small(world, sign_in, appointed):
    html = sign_in(world.staff).get("/audit?kind=changes").get_data(as_text=True)
    table = _table(html, "audit-table")
    assert '王晓梅 <small class="text-secondary">wangxm</small>' in table
    assert "2026年12月3日 14:05" in _text(table)
    assert "单位：空 → 复旦大学附属儿科医院" in _text(table)


def test_internal_fields_are_not_shown(world, sign_in, db, appointed):
    person, _ = appointed
    with acting_as(SETUP):  # an entry written before sort and search keys were left out
        record_event("update", record=person, changes={"name_pinyin_key": ["a", "b"], "search_key": ["x", "y"],
                                                       "notes": [None, "新备注"]})
        db.session.commit()
    text = _text(_table(sign_in(world.staff).get("/audit").get_data(as_text=True), "audit-table"))
    create = db.session.scalars(select(AuditEntry).where(
        AuditEntry.record_type == "Person", AuditEntry.action == "create")).one()
    assert create.changes["is_sample"] == [None, True]  # recorded, not shown
    assert "示例数据" not in text and "is_sample" not in text
    assert "name_pinyin_key" not in text and "search_key" not in text
    assert "备注：空 → 新备注" in text


def test_labels_are_those_of_the_record_type(world, sign_in, db, clerk, appointed):
    with acting_as(_as(clerk)):
        activities.create_activity({"title": "党课进医院", "occurred_on": date(2026, 11, 30), "kind": "party_lesson"},
                                   unit=world.unit_a)
        db.session.commit()
    text = _text(_table(sign_in(world.staff).get("/audit?record_type=Activity").get_data(as_text=True),
                        "audit-table"))
    assert "标题：空 → 党课进医院" in text and "活动日期：空 → 2026年11月30日" in text
    assert "单位：空 → 复旦大学附属儿科医院" in text
    assert "职务" not in text  # UnitRole's label for ``title`` is not an activity's


def test_a_removed_or_unknown_reference_shows_its_type_and_id(world, sign_in, db):
    with acting_as(SETUP):
        record_event("update", record_type="UnitRole", record_id=1, alliance_id=world.alliance.id,
                     changes={"unit_id": [99999, world.unit_b.id], "started_on": ["2021-01-21", "not a date"]})
        db.session.commit()
    text = _text(sign_in(world.staff).get("/audit").get_data(as_text=True))
    assert "单位：成员单位#99999 → 建设银行闵行支行" in text
    assert "开始日期：2021年1月21日 → not a date" in text


def test_timestamps_in_changes_read_in_shanghai_time(app, world):
    from alliance.audit.display import show_value

    assert show_value("Meeting", "starts_at", "2026-12-03T06:05:00+00:00") == "2026年12月3日 14:05"
    assert show_value("Meeting", "starts_at", "2026-12-03T06:05:00") == "2026年12月3日 14:05"  # naive: UTC
    assert show_value("Meeting", "host_unit_id", world.unit_a.id) == f"成员单位#{world.unit_a.id}"  # not loaded
    assert show_value("MemberUnit", "category", "hospital") == "医院"
    assert show_value(None, "options", {"sort": "strokes"}) == '{"sort": "strokes"}'


def test_a_record_page_shows_its_history_with_the_shared_template(app, world, db, appointed, count_queries):
    from flask import render_template_string

    from alliance.audit.queries import history_query

    person, role = appointed
    entries = db.session.scalars(history_query({"Person": [person.id], "UnitRole": [role.id]}).limit(20)).all()
    assert {e.record_type for e in entries} == {"Person", "UnitRole"}
    assert db.session.scalars(history_query({"Person": []})).all() == []
    with app.test_request_context(), count_queries() as counter:
        html = render_template_string('{% from "audit/_history.html" import change_log %}'
                                      '{{ change_log(entries, "person-history") }}', entries=entries)
    assert len(counter.statements) == 1  # every name of every row
    text = _text(html)
    assert '<table class="table table-sm small table-responsive-stack change-log" id="person-history">' in html
    assert "王晓梅 wangxm" in text and "单位：空 → 复旦大学附属儿科医院" in text and "姓名：空 → 张轩" in text


def test_every_action_is_of_exactly_one_kind():
    kinds = [kind for kind, actions in KIND_ACTIONS.items() for _ in actions]
    actions = [action for group in KIND_ACTIONS.values() for action in group]
    assert sorted(actions) == sorted(AUDIT_ACTIONS.codes) and len(kinds) == len(set(actions))


def test_sign_ins_have_their_own_tab_and_filter(world, sign_in, appointed):
    client = sign_in(world.staff)  # writes a 登录成功 entry
    logins = client.get("/audit?kind=logins&actor=staff")
    text = _text(_table(logins.get_data(as_text=True), "audit-table"))
    assert "登录成功" in text and "修改" not in text and "新增" not in text
    html = logins.get_data(as_text=True)
    tabs = re.search(r'<ul class="nav nav-tabs[^>]*id="audit-kinds">.*?</ul>', html, re.S).group(0)
    assert re.search(r'class="nav-link active" aria-current="page" href="[^"]*kind=logins', tabs)
    assert "数据变更" in tabs and "导出记录" in tabs
    assert all("actor=staff" in href for href in re.findall(r'href="([^"]+)"', tabs))  # the URL keeps filters
    assert '<input type="hidden" name="kind" value="logins">' in html

    changes = _text(_table(client.get("/audit?kind=changes").get_data(as_text=True), "audit-table"))
    assert "登录成功" not in changes and "新增" in changes
    # An action of another kind is dropped, not combined into an empty page.
    assert "新增" in _text(client.get("/audit?kind=changes&action=login").get_data(as_text=True))


def test_the_api_filters_by_kind(world, api_as, appointed, sign_in):
    sign_in(world.staff)
    api = api_as(world.staff)
    body = api.get("/api/v1/audit?kind=logins").get_json()
    assert body["total"] >= 1 and {e["action"] for e in body["items"]} <= {"login", "login_failed", "logout"}
    assert {e["action"] for e in api.get("/api/v1/audit?kind=changes").get_json()["items"]} <= {
        "create", "update", "delete", "restore"}
    response = api.get("/api/v1/audit?kind=dump")
    assert response.status_code == 422 and "kind" in response.get_json()["error"]["fields"]


def test_a_liaison_may_not_read_the_trail(world, sign_in):
    assert sign_in(world.liaison_a).get("/audit?kind=logins").status_code == 403


# --- statements: one lookup of names per page, whatever the number of entries --------------

def _more_changes(world, db, clerk, count: int):
    with acting_as(_as(clerk)):
        for n in range(count):
            person = services.create_person({"name": f"人员{n}"}, alliance_id=world.alliance.id)
            services.assign_role(world.unit_a, person, {"role": "deputy_secretary" if n % 2 else "liaison",
                                                        "started_on": date(2022, 1, 1 + n)})
            db.session.commit()
            services.update_unit(world.unit_a, {"short_name": f"简称{n}"}, version=world.unit_a.version)
            db.session.commit()


def _statements(count_queries, client, url: str) -> int:
    client.get(url)  # a first request warms what a request caches once per app
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200
    return len(counter.statements)


@pytest.mark.parametrize("url", ["/audit", "/audit?kind=changes", "/units/{unit}", "/people/{person}"])
def test_change_logs_read_the_same_statements_for_one_entry_or_many(world, db, clerk, sign_in,
                                                                      count_queries, appointed, url):
    url = url.format(unit=world.unit_a.id, person=appointed[0].id)
    client = sign_in(world.staff)
    few = _statements(count_queries, client, url)
    _more_changes(world, db, clerk, 8)
    many = _statements(count_queries, client, url)
    assert many == few


def test_the_person_page_reads_the_same_statements_for_one_role_or_many(world, db, clerk, sign_in,
                                                                        count_queries, appointed):
    person, _ = appointed
    client = sign_in(world.staff)
    url = f"/people/{person.id}"
    few = _statements(count_queries, client, url)
    with acting_as(_as(clerk)):
        services.assign_role(world.unit_b, person, {"role": "deputy_secretary", "started_on": date(2022, 1, 1)})
        db.session.commit()
    assert db.session.scalars(select(UnitRole).where(UnitRole.person_id == person.id)).all()[1:]
    assert _statements(count_queries, client, url) == few


def test_an_area_registers_references_names_and_hidden_fields(app, world, db, appointed):
    from alliance.audit.display import _SCHEMA_KEY, changes_of, prepare
    from alliance.core.areas import Area, registry

    person, _ = appointed
    registry().add(Area(name="extra", references={"MemberUnit": {"contact_person": "Person"}},
                        record_names={"Person": "mobile"}, hidden_fields={"MemberUnit": frozenset({"grid"})},
                        field_labels={"MemberUnit": {"contact_person": "联系人"}}))
    app.extensions.pop(_SCHEMA_KEY, None)  # the schema is read once per app
    with acting_as(SETUP):
        entry = record_event("update", record=world.unit_a,
                             changes={"contact_person": [None, person.id], "grid": ["A", "B"]})
        db.session.commit()
    with app.test_request_context():
        assert [str(c) for c in changes_of(entry, prepare([entry]))] == ["联系人：空 → 138****8000"]

"""Search that finds (issue 13 item 4): every word of ``q=`` must match somewhere (AND of ORs);
a person is found by the name of a unit where they hold a current role (only roles the account
may see), by pinyin and its initials; ``sort=name`` is the pinyin order. The rules are the query
functions'; the API and the page pass ``q`` and ``sort`` through. Run on SQLite and PostgreSQL
(``--db postgresql``)."""
from __future__ import annotations

from datetime import date

import pytest

from alliance.core.search import search_words
from alliance.extensions import db
from alliance.members import services
from alliance.members.models import UnitRole
from alliance.members.queries import PEOPLE_SORTS, UnitFilters, people_list_query, people_sort, unit_list_query
from tests import factories


def _names(user, q, sort="strokes"):
    return [p.name for p in db.session.scalars(people_list_query(user, q=q, sort=sort, with_roles=False))]


def _unit_names(user, q):
    return [u.name for u in db.session.scalars(unit_list_query(user, UnitFilters(q=q), with_roles=False))]


def _appoint(unit, person, role, **data):
    role = services.assign_role(unit, person, {"role": role, "started_on": date(2021, 1, 1), **data})
    db.session.commit()
    return role


@pytest.fixture
def register(world):
    """张轩 is the liaison of the children's hospital (unit_a), 张三 the secretary of the bank
    (unit_b), 李四 held a role at the hospital that has ended, 王五 holds none."""
    people = {name: factories.make_person(world.alliance, name, mobile=mobile, title=title)
              for name, mobile, title in (("张轩", "13800138000", "主任"), ("张三", "13900139000", "行长"),
                                          ("李四", "13700137000", None), ("王五", "13600136000", "儿科医生"))}
    _appoint(world.unit_a, people["张轩"], "liaison")
    _appoint(world.unit_b, people["张三"], "secretary")
    _appoint(world.unit_a, people["李四"], "head", ended_on=date(2022, 1, 1))
    return people


def test_words_are_split_at_spaces_and_commas():
    assert search_words(" 复旦  儿科 ") == ["复旦", "儿科"]
    assert search_words("复旦\u3000儿科，张、李;王") == ["复旦", "儿科", "张", "李", "王"]
    assert search_words("张 张") == ["张"]
    assert search_words("a b c d e f g") == ["a", "b", "c", "d", "e"]  # at most five conditions
    assert search_words("") == [] and search_words(None) == []


def test_a_person_is_found_by_the_unit_of_a_current_role(world, register):
    staff = world.staff
    assert _names(staff, "儿科医院") == ["张轩"]  # not 李四: his role there has ended
    assert _names(staff, "建设银行") == ["张三"]
    assert _names(staff, "虹桥") == []  # another alliance's unit
    # 王五's title holds 儿科: a word matches a person's own columns or their unit
    assert sorted(_names(staff, "儿科")) == sorted(["张轩", "王五"])


def test_every_word_must_match_somewhere(world, register):
    staff = world.staff
    assert _names(staff, "复旦 儿科") == ["张轩"]
    assert _names(staff, "张 儿科") == ["张轩"]  # 张 in the name, 儿科 in the unit's name
    assert _names(staff, "张 银行") == ["张三"]
    assert _names(staff, "张 主任") == ["张轩"]
    assert _names(staff, "复旦 银行") == []  # no one holds both
    assert _names(staff, "zx 复旦") == ["张轩"]  # initials and a unit word together
    assert _names(staff, "zhang xuan") == ["张轩"]
    assert _names(staff, "张，儿科") == ["张轩"]
    assert _names(staff, "13800138000 复旦") == ["张轩"]  # a whole mobile as one of the words


def test_pinyin_and_initials(world, register):
    staff = world.staff
    for q in ("zx", "zhangxuan", "ZhangX", "xuan", "zhangxuan zx"):
        assert _names(staff, q) == ["张轩"], q
    assert sorted(_names(staff, "zhang")) == sorted(["张轩", "张三"])
    assert _names(staff, "ls") == ["李四"]
    assert _names(staff, "ww") == ["王五"]


def test_a_liaison_finds_no_one_by_a_unit_they_may_not_see(world, register):
    # 张三 holds roles at both units; liaison_a sees him through the hospital, but must not learn
    # that he also holds one at the bank.
    _appoint(world.unit_a, register["张三"], "deputy_secretary")
    assert sorted(_names(world.liaison_a, "张")) == sorted(["张轩", "张三"])
    assert sorted(_names(world.liaison_a, "儿科医院")) == sorted(["张轩", "张三"])
    assert _names(world.liaison_a, "建设银行") == []
    assert _names(world.staff, "建设银行") == ["张三"]


def test_deleted_units_and_roles_do_not_find_people(world, register):
    role = db.session.scalars(db.select(UnitRole).where(UnitRole.person_id == register["张三"].id)).one()
    services.delete_role(role, version=role.version)
    db.session.commit()
    assert _names(world.staff, "建设银行") == []
    _appoint(world.unit_b, register["王五"], "head")
    services.delete_unit(world.unit_b, version=world.unit_b.version)
    db.session.commit()
    assert _names(world.staff, "建设银行") == []


def test_units_by_several_words_and_initials(world):
    factories.make_unit(world.alliance, "复旦大学附属中山医院", category="hospital", short_name="中山医院")
    staff = world.staff
    assert sorted(_unit_names(staff, "复旦 医院")) == sorted(["复旦大学附属儿科医院", "复旦大学附属中山医院"])
    assert _unit_names(staff, "复旦 儿科") == ["复旦大学附属儿科医院"]
    assert _unit_names(staff, "fddx ek") == ["复旦大学附属儿科医院"]
    assert _unit_names(staff, "fudan zhongshan") == ["复旦大学附属中山医院"]
    assert _unit_names(staff, "zsyy") == ["复旦大学附属中山医院"]  # the short name's initials
    assert _unit_names(staff, "复旦 银行") == []
    assert _unit_names(world.liaison_b, "复旦") == []  # a liaison sees their own unit only
    assert _unit_names(world.liaison_b, "银行 jsyh") == ["建设银行闵行支行"]


def test_several_words_through_the_api_and_the_page(world, register, api_as, sign_in):
    api = api_as(world.staff)
    body = api.get("/api/v1/people", query_string={"q": "张 复旦"}).get_json()
    assert [p["name"] for p in body["items"]] == ["张轩"] and body["total"] == 1
    body = api.get("/api/v1/units", query_string={"q": "复旦 儿科"}).get_json()
    assert [u["name"] for u in body["items"]] == ["复旦大学附属儿科医院"]
    page = sign_in(world.staff).get("/people", query_string={"q": "儿科医院"}).get_data(as_text=True)
    assert "张轩" in page and "王五" not in page and "李四" not in page


def test_sort_by_name_is_the_pinyin_order(world, api_as, sign_in):
    for name in ("赵六", "安琪", "张轩", "白雪", "曾毅"):  # 曾 reads zeng as a surname
        factories.make_person(world.alliance, name)
    pinyin = ["安琪", "白雪", "曾毅", "张轩", "赵六"]
    assert _names(world.staff, None, sort="pinyin") == pinyin
    assert _names(world.staff, None, sort="name") == pinyin  # old links: the same order
    assert people_sort("name") == "pinyin" and people_sort("bogus") == "strokes" and people_sort(None) == "strokes"
    api = api_as(world.staff)
    for sort in ("name", "pinyin"):
        response = api.get("/api/v1/people", query_string={"sort": sort})
        assert response.status_code == 200
        assert [p["name"] for p in response.get_json()["items"]] == pinyin
    assert api.get("/api/v1/people", query_string={"sort": "bogus"}).status_code == 422
    html = sign_in(world.staff).get("/people?sort=name").get_data(as_text=True)
    assert "按姓名排序" not in html and "name" not in PEOPLE_SORTS
    assert '<option value="pinyin" selected>按姓名拼音排序</option>' in html
    assert html.index("安琪") < html.index("白雪") < html.index("曾毅") < html.index("张轩") < html.index("赵六")


def test_a_search_issues_as_many_statements_for_one_match_as_for_many(world, sign_in, count_queries):
    client = sign_in(world.staff)
    one = factories.make_person(world.alliance, "张一")
    _appoint(world.unit_a, one, "liaison")
    client.get("/people?q=儿科 张")  # warm: the session and statements
    with count_queries() as few:
        assert client.get("/people?q=儿科 张").status_code == 200
    for i in range(30):
        person = factories.make_person(world.alliance, f"张{i}号")
        _appoint(world.unit_a, person, "deputy_secretary")
    with count_queries() as many:
        html = client.get("/people?q=儿科 张").get_data(as_text=True)
    assert "张29号" in html
    assert many.count == few.count


def test_one_character_is_not_searched_in_unit_names(world, register):
    # 张 is a surname search: the holders of every unit whose name holds 张 would flood it.
    unit = factories.make_unit(world.alliance, "张江高科技园区", category="enterprise")
    _appoint(unit, register["王五"], "liaison")
    assert sorted(_names(world.staff, "张")) == sorted(["张轩", "张三"])
    assert _names(world.staff, "张江") == ["王五"]


def test_the_unit_match_keeps_postgresql_on_its_trigram_indexes(world):
    # An IN (subquery) inside the OR made PostgreSQL filter every person (a hashed SubPlan)
    # instead of OR-ing the trigram indexes' bitmaps: the set is an array there (core.search.in_rows).
    sql = str(people_list_query(world.staff, q="周春燕", with_roles=False).compile(db.engine))
    if db.engine.dialect.name == "postgresql":
        assert "people.id = ANY (array((SELECT unit_roles.person_id" in sql
    else:
        assert "people.id IN (SELECT unit_roles.person_id" in sql

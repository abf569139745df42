"""q= finds names by pinyin and initials too (issue 12 item 6), in the UI and the API."""
from __future__ import annotations

from alliance.core.sorting import search_key
from tests import factories


def test_search_key_is_pinyin_and_initials():
    assert search_key("张轩") == "zhangxuan zx"
    assert search_key("复旦大学附属儿科医院") == "fudandaxuefushuerkeyiyuan fddxfsekyy"
    assert search_key("") == ""


def test_people_and_units_are_found_by_initials_and_pinyin(world, api_as):
    factories.make_person(world.alliance, "张轩", mobile="13800138000")
    factories.make_person(world.alliance, "徐虹", mobile="13900139000")
    api = api_as(world.staff)
    for q in ("zx", "zhangxuan", "ZhangX", "张"):
        names = [p["name"] for p in api.get(f"/api/v1/people?q={q}").get_json()["items"]]
        assert names == ["张轩"], q
    assert [u["name"] for u in api.get("/api/v1/units?q=fddx").get_json()["items"]] == ["复旦大学附属儿科医院"]
    assert api.get("/api/v1/units?q=zzz").get_json()["total"] == 0


def test_a_renamed_person_is_found_by_the_new_name(world, api_as):
    person = factories.make_person(world.alliance, "张三", mobile="13800138000")
    api = api_as(world.staff)
    assert api.patch(f"/api/v1/people/{person.id}", json={"name": "李四", "version": person.version}).status_code == 200
    assert [p["name"] for p in api.get("/api/v1/people?q=ls").get_json()["items"]] == ["李四"]
    assert api.get("/api/v1/people?q=zs").get_json()["total"] == 0


def test_digits_find_people_by_a_whole_or_partial_mobile(world, api_as):
    factories.make_person(world.alliance, "张轩", mobile="13800138000")
    factories.make_person(world.alliance, "徐虹", mobile="13900139000")
    api = api_as(world.staff)
    for q, expected in (("13800138000", ["张轩"]), ("1380013800", ["张轩"]), ("9000", ["徐虹"]),
                        ("1380013800X", [])):
        names = [p["name"] for p in api.get("/api/v1/people", query_string={"q": q}).get_json()["items"]]
        assert names == expected, q


def test_a_person_is_found_by_the_surname_reading():
    # pypinyin reads 曾 as ceng and 单 as dan; as surnames they are zeng and shan (the sort key's reading)
    from alliance.core.sorting import person_search_key, pinyin_key

    assert person_search_key("曾伟") == "zengwei zw"
    assert person_search_key("单田芳") == "shantianfang stf"
    assert person_search_key("欧阳修") == "ouyangxiu oyx"
    assert person_search_key("张轩") == "zhangxuan zx"
    assert person_search_key("") == ""
    assert pinyin_key("曾伟").startswith("zeng1wei30") and pinyin_key("欧阳修").startswith("ou1yang2xiu10")


def test_people_are_searched_by_their_surname_reading(world, api_as):
    factories.make_person(world.alliance, "曾伟", mobile="13800138000")
    api = api_as(world.staff)
    assert [p["name"] for p in api.get("/api/v1/people?q=zw").get_json()["items"]] == ["曾伟"]
    assert [p["name"] for p in api.get("/api/v1/people?q=zengwei").get_json()["items"]] == ["曾伟"]

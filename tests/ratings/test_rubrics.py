"""Rubrics: the default template, a new year copies the last, and edits never alter results."""
from __future__ import annotations

import copy

from alliance.extensions import db
from alliance.ratings.models import Rating, Rubric
from alliance.ratings.scoring import DEFAULT_DEFINITION

URL = "/api/v1/rubrics"


def test_first_rubric_is_the_default_template_and_next_year_copies_the_last(world, api_as):
    api = api_as(world.staff)
    first = api.post(URL, json={"year": 2020}).get_json()
    assert first["definition"] == DEFAULT_DEFINITION and first["status"] == "draft"
    changed = copy.deepcopy(first["definition"])
    changed["thresholds"] = {"3": 60, "4": 75, "5": 88}
    edited = api.patch(f"{URL}/{first['id']}", json={"version": first["version"], "definition": changed})
    assert edited.status_code == 200, edited.get_json()
    second = api.post(URL, json={"year": 2021}).get_json()
    assert second["definition"]["thresholds"] == {"3": 60, "4": 75, "5": 88}
    duplicate = api.post(URL, json={"year": 2021})
    assert duplicate.status_code == 409 and "2021年已有评分细则" in duplicate.get_json()["error"]["fields"]["year"][0]


def test_bad_definitions_are_refused_in_chinese(world, api_as):
    bad = copy.deepcopy(DEFAULT_DEFINITION)
    bad["dimensions"][0]["items"][0]["max_points"] = 0
    bad["thresholds"] = {"3": 90, "4": 80}
    bad["bonus_limit"] = -1
    response = api_as(world.staff).post(URL, json={"year": 2020, "definition": bad})
    assert response.status_code == 422
    messages = response.get_json()["error"]["fields"]["definition"]
    assert "第1个维度第1项的满分应为1至100的整数" in messages
    assert "星级越高，分数线应越高" in messages
    assert "加分上限应为0至100的整数" in messages


def test_a_rubric_in_use_keeps_its_scoring_but_texts_may_change(world, api_as, ratings):
    ratings.rating(stage="confirmed", off=12)  # 88: four stars
    rubric = ratings.rubric
    api = api_as(world.staff)
    lowered = copy.deepcopy(rubric.definition)
    lowered["thresholds"]["5"] = 85
    response = api.patch(f"{URL}/{rubric.id}", json={"version": rubric.version, "definition": lowered})
    assert response.status_code == 422
    assert "只能修改名称和说明文字" in response.get_json()["error"]["fields"]["definition"][0]
    renamed = copy.deepcopy(rubric.definition)
    renamed["dimensions"][0]["items"][0]["guidance"] = "新的评分说明"
    ok = api.patch(f"{URL}/{rubric.id}", json={"version": rubric.version, "definition": renamed,
                                              "name": "2021年细则（修订）"})
    assert ok.status_code == 200


def test_editing_a_rubric_never_changes_a_confirmed_result(world, api_as, ratings):
    rating = ratings.rating(stage="confirmed", off=12)
    before = (rating.total, rating.stars, dict(rating.result))
    # Even a change slipped past the service (straight into the table) leaves the result alone.
    rubric = db.session.get(Rubric, ratings.rubric.id)
    changed = copy.deepcopy(rubric.definition)
    changed["thresholds"]["5"] = 80
    changed["dimensions"][0]["items"][0]["max_points"] = 1
    rubric.definition = changed
    db.session.commit()
    api = api_as(world.staff)
    body = api.get(f"/api/v1/ratings/{rating.id}").get_json()
    assert (body["total"], body["stars"], body["result"]) == before
    assert api.get("/api/v1/reports/ratings?year=2021").get_json()["by_stars"]["4"] == 1
    db.session.expire_all()
    assert db.session.get(Rating, rating.id).stars == 4


def test_only_staff_manage_rubrics(world, api_as, ratings):
    for user in (world.liaison_a, world.organizer):
        assert api_as(user).post(URL, json={"year": 2030}).status_code == 403
        assert api_as(user).get(f"{URL}/{ratings.rubric.id}").status_code == 200

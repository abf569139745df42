"""Rating pages: the form shows Chinese messages at the item; scope and notice visibility."""
from __future__ import annotations

from tests.helpers import csrf_token


def test_too_many_points_are_shown_at_the_item_and_nothing_is_saved(world, sign_in, ratings):
    rating = ratings.rating(stage="started")
    client = sign_in(world.liaison_a)
    page = client.get(f"/ratings/{rating.id}")
    assert page.status_code == 200 and "保存自评" in page.get_data(as_text=True)
    response = client.post(f"/ratings/{rating.id}/self-assessment", data={
        "csrf_token": csrf_token(page), "version": str(rating.version), "submit": "0",
        "points_D1-1": "12", "note_D1-1": "学习记录", "points_D1-2": "8"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "“理论学习”的分数应在0至10分之间" in html
    assert 'value="12"' in html  # what the user typed stays in the field
    assert rating.entries == []


def test_self_assessment_saves_and_submits_from_the_page(world, sign_in, ratings):
    from tests.ratings.conftest import SCORE_ITEMS

    rating = ratings.rating(stage="started")
    client = sign_in(world.liaison_a)
    page = client.get(f"/ratings/{rating.id}")
    data = {"csrf_token": csrf_token(page), "version": str(rating.version), "submit": "1"}
    data.update({f"points_{i['code']}": str(i["max_points"] - 1) for i in SCORE_ITEMS})
    response = client.post(f"/ratings/{rating.id}/self-assessment", data=data)
    assert response.status_code == 302
    html = client.get(f"/ratings/{rating.id}").get_data(as_text=True)
    assert "待审核" in html and ">91<" in html


def test_another_units_liaison_gets_404_until_the_notice_is_published(world, sign_in, ratings):
    rating = ratings.rating(stage="reviewed")
    other = sign_in(world.liaison_b)
    assert other.get(f"/ratings/{rating.id}").status_code == 404
    staff = sign_in(world.staff)
    page = staff.get(f"/ratings/{rating.id}")
    staff.post(f"/ratings/{rating.id}/notice", data={"csrf_token": csrf_token(page),
                                                     "version": str(rating.version)})
    assert other.get(f"/ratings/{rating.id}").status_code == 200
    assert ratings.org_a.name in other.get("/ratings/notice?year=2021").get_data(as_text=True)


def test_distribution_page_shows_chart_and_table(world, sign_in, ratings):
    ratings.rating(stage="confirmed")
    html = sign_in(world.organizer).get("/ratings?year=2021").get_data(as_text=True)
    assert "<svg" in html and 'data-stars="5">1<' in html


def test_organization_tree_and_history(world, sign_in, ratings):
    ratings.rating(stage="confirmed")
    client = sign_in(world.staff)
    assert ratings.org_a.name in client.get("/organizations").get_data(as_text=True)
    html = client.get(f"/organizations/{ratings.org_a.id}").get_data(as_text=True)
    assert "2021年" in html and "五星" in html


def test_rubric_editor_refuses_a_scoring_change_once_in_use(world, sign_in, ratings):
    import json

    ratings.rating(stage="confirmed")
    client = sign_in(world.staff)
    page = client.get(f"/rubrics/{ratings.rubric.id}")
    definition = dict(ratings.rubric.definition, bonus_limit=1)
    response = client.post(f"/rubrics/{ratings.rubric.id}", data={
        "csrf_token": csrf_token(page), "version": str(ratings.rubric.version), "name": "细则",
        "notice_days": "5", "definition": json.dumps(definition, ensure_ascii=False)})
    assert response.status_code == 422
    assert "只能修改名称和说明文字" in response.get_data(as_text=True)

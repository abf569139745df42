"""The rating workflow through /api/v1: each allowed and forbidden step for each role."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from alliance.audit.context import acting_as
from alliance.extensions import db
from alliance.ratings import services
from alliance.ratings.models import Rating
from tests.factories import SETUP
from tests.ratings.conftest import answers

URL = "/api/v1/ratings"


def _error(response) -> dict:
    return response.get_json()["error"]


def _reload(rating_id: int) -> Rating:
    db.session.expire_all()
    return db.session.get(Rating, rating_id)


def test_liaison_takes_own_organization_from_start_to_submitted(world, api_as, ratings):
    api = api_as(world.liaison_a)
    created = api.post(URL, json={"organization_id": ratings.org_a.id, "year": 2021})
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["status"] == "self_assessing" and body["total"] is None
    saved = api.post(f"{URL}/{body['id']}/self-assessment",
                     json={"version": body["version"], "items": answers(12, B1=2)})
    assert saved.status_code == 200, saved.get_json()
    saved = saved.get_json()
    assert saved["self_total"] == 90 and saved["total"] == 90 and saved["stars"] == 5
    submitted = api.post(f"{URL}/{body['id']}/submit", json={"version": saved["version"]})
    assert submitted.status_code == 200 and submitted.get_json()["status"] == "submitted"
    # ... and may not review, publish or confirm it.
    version = submitted.get_json()["version"]
    for step, extra in (("review", {}), ("notice", {}), ("confirm", {}), ("return", {"reason": "x"})):
        assert api.post(f"{URL}/{body['id']}/{step}", json={"version": version, **extra}).status_code == 403


def test_liaison_of_another_unit_gets_404_for_everything_of_unit_a(world, api_as, ratings):
    rating = ratings.rating()
    api = api_as(world.liaison_b)
    assert api.post(URL, json={"organization_id": ratings.org_a.id, "year": 2021}).status_code == 404
    assert api.get(f"{URL}/{rating.id}").status_code == 404
    assert api.get(f"/api/v1/organizations/{ratings.org_a.id}").status_code == 404
    response = api.post(f"{URL}/{rating.id}/self-assessment",
                        json={"version": rating.version, "items": answers()})
    assert response.status_code == 404
    assert _reload(rating.id).self_total == 100  # unchanged
    listed = api.get(URL).get_json()
    assert listed["total"] == 0


def test_a_published_notice_is_readable_by_every_account_but_not_editable(world, api_as, ratings):
    rating = ratings.rating(stage="in_notice")
    for user in (world.liaison_b, world.organizer):
        api = api_as(user)
        assert api.get(f"{URL}/{rating.id}").status_code == 200
        assert api.get(URL).get_json()["total"] == 1
    response = api_as(world.liaison_b).post(f"{URL}/{rating.id}/self-assessment",
                                            json={"version": rating.version, "items": []})
    assert response.status_code == 404


def test_organizer_reads_and_exports_but_writes_nothing(world, api_as, ratings):
    rating = ratings.rating(stage="submitted")
    api = api_as(world.organizer)
    assert api.get(f"{URL}/{rating.id}").status_code == 200
    assert api.post(URL, json={"organization_id": ratings.org_a.id, "year": 2021}).status_code == 403
    assert api.post(f"{URL}/{rating.id}/review", json={"version": rating.version}).status_code == 403
    assert api.get("/api/v1/reports/ratings/notice.xlsx?year=2021").status_code == 200


def test_staff_reviews_publishes_handles_objections_and_confirms(world, api_as, ratings, monkeypatch):
    rating = ratings.rating(stage="submitted")
    api = api_as(world.staff)
    # Review lowers two items; the total follows the reviewed points.
    reviewed = api.post(f"{URL}/{rating.id}/review", json={
        "version": rating.version, "finish": True,
        "items": answers(15, key="comment")})
    assert reviewed.status_code == 200, reviewed.get_json()
    body = reviewed.get_json()
    assert body["status"] == "reviewed" and body["total"] == 85 and body["stars"] == 4
    assert body["self_total"] == 100
    noticed = api.post(f"{URL}/{rating.id}/notice", json={"version": body["version"]}).get_json()
    assert noticed["status"] == "in_notice"
    starts, ends = date.fromisoformat(noticed["notice_starts_on"]), date.fromisoformat(noticed["notice_ends_on"])
    assert ends - starts == timedelta(days=4)  # five days, both included
    # Confirming during the notice period is refused with a clear message.
    early = api.post(f"{URL}/{rating.id}/confirm", json={"version": noticed["version"]})
    assert early.status_code == 422
    assert "公示期满后才能确认" in _error(early)["fields"]["notice_ends_on"][0]
    objection = api.post(f"{URL}/{rating.id}/objections", json={"raised_by": "居民王某", "content": "台账不全"})
    assert objection.status_code == 201
    objection_id = objection.get_json()["objections"][0]["id"]
    from alliance.ratings import services
    monkeypatch.setattr(services, "local_today", lambda: ends + timedelta(days=1))
    version = objection.get_json()["version"]
    unanswered = api.post(f"{URL}/{rating.id}/confirm", json={"version": version})
    assert unanswered.status_code == 409 and "未答复的异议" in _error(unanswered)["message"]
    answered = api.post(f"{URL}/{rating.id}/objections/{objection_id}/answer",
                        json={"version": 1, "answer": "经核实台账齐全"})
    assert answered.status_code == 200
    confirmed = api.post(f"{URL}/{rating.id}/confirm", json={"version": version})
    assert confirmed.status_code == 200, confirmed.get_json()
    body = confirmed.get_json()
    assert body["status"] == "confirmed" and body["stars"] == 4 and body["result"]["total"] == 85
    report = api.get("/api/v1/reports/ratings?year=2021").get_json()
    assert report["by_stars"] == {"5": 0, "4": 1, "3": 0}
    assert report["by_level"] == {"district": 0, "township": 1}


def test_five_stars_are_nominated_and_the_district_decides(world, api_as, ratings):
    rating = ratings.rating(stage="confirmed")
    api = api_as(world.staff)
    nominated = api.post(f"{URL}/{rating.id}/nominate", json={"version": rating.version}).get_json()
    assert nominated["nomination"] == "nominated"
    again = api.post(f"{URL}/{rating.id}/nominate", json={"version": nominated["version"]})
    assert again.status_code == 409
    decided = api.post(f"{URL}/{rating.id}/district-decision",
                       json={"version": nominated["version"], "approved": True, "note": "认定"})
    assert decided.status_code == 200 and decided.get_json()["level"] == "district"
    assert api.get("/api/v1/reports/ratings?year=2021").get_json()["by_level"] == {
        "district": 1, "township": 0}


def test_four_stars_cannot_be_nominated(world, api_as, ratings):
    rating = ratings.rating(stage="confirmed", off=15)
    response = api_as(world.staff).post(f"{URL}/{rating.id}/nominate", json={"version": rating.version})
    assert response.status_code == 409 and "五星" in _error(response)["message"]


def test_send_back_with_reason_then_the_liaison_edits_again(world, api_as, ratings):
    rating = ratings.rating(stage="reviewed")
    staff = api_as(world.staff)
    no_reason = staff.post(f"{URL}/{rating.id}/return", json={"version": rating.version, "reason": " "})
    assert no_reason.status_code == 422 and "reason" in _error(no_reason)["fields"]
    returned = staff.post(f"{URL}/{rating.id}/return", json={"version": rating.version, "reason": "佐证不足"})
    body = returned.get_json()
    assert body["status"] == "returned" and body["return_reason"] == "佐证不足"
    liaison = api_as(world.liaison_a)
    again = liaison.post(f"{URL}/{rating.id}/self-assessment",
                         json={"version": body["version"], "items": answers(5)})
    assert again.status_code == 200
    assert liaison.post(f"{URL}/{rating.id}/submit", json={"version": again.get_json()["version"]}
                        ).get_json()["status"] == "submitted"


@pytest.mark.parametrize(("stage", "step", "extra"), [
    ("self_assessing", "review", {}), ("self_assessing", "notice", {}),
    ("self_assessing", "confirm", {}), ("submitted", "notice", {}), ("submitted", "confirm", {}),
    ("reviewed", "confirm", {}), ("reviewed", "submit", {}), ("confirmed", "return", {"reason": "x"}),
    ("confirmed", "review", {}), ("in_notice", "submit", {}),
])
def test_forbidden_steps_are_refused_and_change_nothing(world, api_as, ratings, stage, step, extra):
    rating = ratings.rating(stage=stage)
    response = api_as(world.staff).post(f"{URL}/{rating.id}/{step}", json={"version": rating.version, **extra})
    assert response.status_code == 409, response.get_json()
    assert "不能" in _error(response)["message"]
    assert _reload(rating.id).status == stage


def test_confirmed_self_assessment_cannot_be_edited(world, api_as, ratings):
    rating = ratings.rating(stage="confirmed")
    response = api_as(world.liaison_a).post(f"{URL}/{rating.id}/self-assessment",
                                            json={"version": rating.version, "items": answers(50)})
    assert response.status_code == 409
    assert _reload(rating.id).total == 100


def test_bad_scores_are_refused_at_the_item(world, api_as, ratings):
    rating = ratings.rating(stage="started")
    api = api_as(world.liaison_a)
    response = api.post(f"{URL}/{rating.id}/self-assessment", json={"version": rating.version, "items": [
        {"item_code": "D1-1", "points": 11}, {"item_code": "D1-2", "points": -1},
        {"item_code": "V1", "points": 2}, {"item_code": "ZZ", "points": 1}]})
    assert response.status_code == 422
    fields = _error(response)["fields"]
    assert fields["items.D1-1"] == ["“理论学习”的分数应在0至10分之间"]
    assert "0至10" in fields["items.D1-2"][0]
    assert "否决项" in fields["items.V1"][0]
    assert "不在2021年的评分细则中" in fields["items"][0]
    assert _reload(rating.id).entries == []


def test_submit_requires_every_item(world, api_as, ratings):
    rating = ratings.rating(stage="started")
    api = api_as(world.liaison_a)
    saved = api.post(f"{URL}/{rating.id}/self-assessment",
                     json={"version": rating.version, "items": answers()[:3]}).get_json()
    response = api.post(f"{URL}/{rating.id}/submit", json={"version": saved["version"]})
    assert response.status_code == 422 and "还有6项未自评" in _error(response)["fields"]["items"][0]


def test_a_year_without_rubric_is_refused(world, api_as, ratings):
    response = api_as(world.liaison_a).post(URL, json={"organization_id": ratings.org_a.id, "year": 2019})
    assert response.status_code == 422
    assert _error(response)["fields"]["year"] == ["2019年还没有评分细则，请先由党群办制定"]


def test_one_rating_per_organization_and_year(world, api_as, ratings):
    ratings.rating()
    response = api_as(world.staff).post(URL, json={"organization_id": ratings.org_a.id, "year": 2021})
    assert response.status_code == 409 and "year" in _error(response)["fields"]


def test_stale_version_is_409_and_changes_nothing(world, api_as, ratings):
    rating = ratings.rating()
    response = api_as(world.liaison_a).post(f"{URL}/{rating.id}/self-assessment",
                                            json={"version": rating.version - 1, "items": answers(30)})
    assert response.status_code == 409 and _error(response)["code"] == "stale"
    assert _reload(rating.id).total == 100


def test_the_rating_list_reads_the_same_statements_for_one_row_or_many(world, api_as, ratings,
                                                                       count_queries):
    """No statement per row; a list carries each rating's figures, its own page the answers."""
    api = api_as(world.staff)
    ratings.rating(stage="reviewed")
    api.get(URL)  # warm the token and the app's first-request work
    with count_queries() as one:
        assert api.get(URL).get_json()["total"] == 1
    with acting_as(SETUP):
        for n in range(4):
            org = services.create_organization(
                {"name": f"第{n}党支部", "kind": "branch", "unit_id": world.unit_a.id},
                alliance_id=world.alliance.id)
            db.session.commit()
            ratings.rating(org, stage="reviewed")
    with count_queries() as many:
        body = api.get(URL).get_json()
    assert body["total"] == 5 and many.count == one.count, many.statements
    row = body["items"][0]
    assert row["total"] == 100 and row["organization_name"] and "entries" not in row
    detail = api.get(f"{URL}/{row['id']}").get_json()
    assert len(detail["entries"]) == 9 and "case_text" in detail and "case_text" not in row


def test_a_full_page_counts_the_same_rows_it_lists(world, api_as, ratings):
    """The total of a full page (counted without the list's join) agrees with the rows, the
    filters and the liaison's scope."""
    with acting_as(SETUP):
        orgs = [services.create_organization(
            {"name": f"第{n}党支部", "kind": "branch", "unit_id": world.unit_a.id},
            alliance_id=world.alliance.id) for n in range(4)]
        db.session.commit()
    for org, stage in zip(orgs, ("in_notice", "in_notice", "reviewed", "submitted"), strict=True):
        ratings.rating(org, stage=stage)
    staff = api_as(world.staff)
    assert staff.get(f"{URL}?per_page=1").get_json()["total"] == 4
    assert staff.get(f"{URL}?per_page=1&status=in_notice").get_json()["total"] == 2
    assert staff.get(f"{URL}?per_page=1&year=2020").get_json()["total"] == 0
    other = api_as(world.liaison_b)  # another unit's liaison: only the two in notice
    body = other.get(f"{URL}?per_page=1").get_json()
    assert body["total"] == 2 and len(body["items"]) == 1

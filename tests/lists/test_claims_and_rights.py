"""Claims (双向认领) and each role's rights on each list, through the API."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from alliance.audit.context import acting_as
from alliance.audit.models import AuditEntry
from alliance.core.errors import RuleViolation
from alliance.extensions import db
from alliance.lists import services
from alliance.lists.models import Claim, Need, Project, Resource
from tests.factories import SETUP
from tests.lists import category, make_need, make_project, make_resource


def _need_body(lw, **extra):
    return {"title": "永联村互助养老睦邻点", "category_id": category(lw.alliance.id, "为老服务").id,
            "source_kind": "village", "source_name": "永联村", "beneficiary_count": 60, **extra}


def _refusals():
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action.in_(("refused", "access_denied")))
                              .order_by(AuditEntry.id)).all()


# --- needs ---------------------------------------------------------------------------------

def test_liaison_submits_a_need_for_their_own_unit_whatever_unit_id_they_send(lw, api_as):
    response = api_as(lw.liaison_a).post("/api/v1/needs", json=_need_body(lw, unit_id=lw.unit_b.id))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["unit_id"] == lw.unit_a.id and body["status"] == "open" and body["status_label"] == "待认领"


def test_staff_enter_a_need_collected_from_a_community_without_unit(lw, api_as):
    response = api_as(lw.staff).post("/api/v1/needs", json=_need_body(lw, source_kind="residential"))
    assert response.status_code == 201 and response.get_json()["unit_id"] is None


def test_organizer_reads_but_may_not_submit(lw, api_as):
    api = api_as(lw.organizer)
    assert api.post("/api/v1/needs", json=_need_body(lw)).status_code == 403
    make_need(lw.liaison_a, lw.unit_a)
    assert api.get("/api/v1/needs").get_json()["total"] == 1


def test_drafts_are_seen_by_their_unit_and_staff_only(lw, api_as):
    draft = make_need(lw.liaison_a, lw.unit_a, submit=False)
    assert api_as(lw.liaison_a).get(f"/api/v1/needs/{draft.id}").status_code == 200
    assert api_as(lw.staff).get(f"/api/v1/needs/{draft.id}").status_code == 200
    assert api_as(lw.liaison_b).get(f"/api/v1/needs/{draft.id}").status_code == 404
    assert api_as(lw.liaison_b).get("/api/v1/needs").get_json()["total"] == 0
    services.submit_need(draft)
    db.session.commit()
    assert api_as(lw.liaison_b).get(f"/api/v1/needs/{draft.id}").status_code == 200


def test_another_units_need_cannot_be_edited_404_and_audited(lw, api_as):
    need = make_need(lw.liaison_a, lw.unit_a)
    response = api_as(lw.liaison_b).patch(f"/api/v1/needs/{need.id}", json={"title": "改掉", "version": 1})
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Need, need.id).title == "普乐二村加装电梯意见征询"
    assert [e.action for e in _refusals()] == ["access_denied"]


def test_other_alliance_sees_nothing(lw, api_as):
    need = make_need(lw.liaison_a, lw.unit_a)
    assert api_as(lw.other_admin).get(f"/api/v1/needs/{need.id}").status_code == 404


def test_bad_need_is_422_with_chinese_fields_and_audited(lw, api_as):
    response = api_as(lw.liaison_a).post("/api/v1/needs", json=_need_body(lw, category_id=999999))
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"category_id": ["需求类别不存在，请重新选择"]}
    assert db.session.scalar(select(db.func.count(Need.id))) == 0
    assert "需求类别不存在" in _refusals()[-1].summary


def test_overdue_filter(lw, api_as):
    from datetime import date, timedelta

    make_need(lw.liaison_a, lw.unit_a, wanted_by=date(2021, 1, 1))
    make_need(lw.liaison_a, lw.unit_a, title="学校周边交通", wanted_by=date.today() + timedelta(days=30))
    body = api_as(lw.staff).get("/api/v1/needs?overdue=true").get_json()
    assert [n["title"] for n in body["items"]] == ["普乐二村加装电梯意见征询"] and body["items"][0]["overdue"]


# --- resources -----------------------------------------------------------------------------

def test_resource_window_that_ends_before_it_starts_is_refused(lw, api_as):
    response = api_as(lw.liaison_b).post("/api/v1/resources", json={
        "title": "金融知识反诈讲座", "kind": "training", "category_id": category(lw.alliance.id, "平安建设").id,
        "available_from": "2021-03-01", "available_to": "2021-02-01", "unit_id": lw.unit_a.id})
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"available_to": ["可提供结束日期不能早于开始日期"]}
    assert db.session.scalar(select(db.func.count(Resource.id))) == 0


def test_liaison_offers_for_own_unit_and_others_see_offered_only(lw, api_as):
    response = api_as(lw.liaison_b).post("/api/v1/resources", json={
        "title": "金融知识反诈讲座", "kind": "training", "category_id": category(lw.alliance.id, "平安建设").id,
        "unit_id": lw.unit_a.id, "offer": False})
    assert response.status_code == 201 and response.get_json()["unit_id"] == lw.unit_b.id
    rid = response.get_json()["id"]
    assert api_as(lw.liaison_a).get(f"/api/v1/resources/{rid}").status_code == 404
    assert api_as(lw.liaison_b).post(f"/api/v1/resources/{rid}/offer").status_code == 200
    assert api_as(lw.liaison_a).get(f"/api/v1/resources/{rid}").status_code == 200
    assert api_as(lw.liaison_a).post(f"/api/v1/resources/{rid}/withdraw").status_code == 404


# --- projects ------------------------------------------------------------------------------

def test_only_staff_propose_projects_and_liaisons_see_released_or_their_own(lw, api_as):
    body = {"title": "平安校园护学岗", "category_id": category(lw.alliance.id, "平安共创").id}
    assert api_as(lw.liaison_a).post("/api/v1/projects", json=body).status_code == 403
    hidden = api_as(lw.staff).post("/api/v1/projects", json=body).get_json()
    released = api_as(lw.staff).post("/api/v1/projects", json={**body, "released": True}).get_json()
    led = make_project(lw.staff, lead_unit_id=lw.unit_a.id)
    assert api_as(lw.liaison_a).get(f"/api/v1/projects/{hidden['id']}").status_code == 404
    assert api_as(lw.liaison_a).get(f"/api/v1/projects/{released['id']}").status_code == 200
    assert api_as(lw.liaison_a).get(f"/api/v1/projects/{led.id}").status_code == 200
    assert api_as(lw.liaison_b).get(f"/api/v1/projects/{led.id}").status_code == 404
    assert api_as(lw.organizer).get("/api/v1/projects").get_json()["total"] == 3


def test_lead_liaison_starts_their_project_other_liaison_gets_404(lw, api_as):
    project = make_project(lw.staff, lead_unit_id=lw.unit_a.id, released=True)
    with acting_as(SETUP):
        services.transition(lw.staff, project, "claimed")
        db.session.commit()
    url = f"/api/v1/projects/{project.id}/transitions"
    assert api_as(lw.liaison_b).post(url, json={"to_stage": "in_progress"}).status_code == 404
    assert api_as(lw.liaison_a).post(url, json={"to_stage": "stopped", "stop_reason": "x"}).status_code == 403
    response = api_as(lw.liaison_a).post(url, json={"to_stage": "in_progress"})
    assert response.status_code == 200 and response.get_json()["stage"] == "in_progress"
    assert response.get_json()["transitions"][-1]["actor_name"] == lw.liaison_a.display_name


# --- claims --------------------------------------------------------------------------------

def test_several_units_claim_one_need_and_staff_decide(lw, api_as):
    need = make_need(lw.staff, None, title="独居老人助餐")
    a = api_as(lw.liaison_a).post("/api/v1/claims", json={"need_id": need.id, "commitment": "每周送餐",
                                                          "unit_id": lw.unit_b.id})
    b = api_as(lw.liaison_b).post("/api/v1/claims", json={"need_id": need.id, "commitment": "资助餐费"})
    assert a.status_code == b.status_code == 201
    assert a.get_json()["unit_id"] == lw.unit_a.id and b.get_json()["unit_id"] == lw.unit_b.id
    assert api_as(lw.liaison_b).get(f"/api/v1/claims/{a.get_json()['id']}").status_code == 404
    assert api_as(lw.liaison_a).post(f"/api/v1/claims/{a.get_json()['id']}/decision",
                                     json={"accept": True}).status_code == 403
    staff = api_as(lw.staff)
    accepted = staff.post(f"/api/v1/claims/{a.get_json()['id']}/decision", json={"accept": True})
    assert accepted.status_code == 200 and accepted.get_json()["status"] == "accepted"
    assert accepted.get_json()["decided_by"] == lw.staff.display_name
    assert staff.post(f"/api/v1/claims/{b.get_json()['id']}/decision", json={"accept": True}).status_code == 200
    db.session.expire_all()
    assert db.session.get(Need, need.id).status == "claimed"
    again = staff.post(f"/api/v1/claims/{a.get_json()['id']}/decision", json={"accept": False})
    assert again.status_code == 422 and "已接受" in again.get_json()["error"]["message"]


def test_a_unit_claims_once(lw, api_as):
    need = make_need(lw.staff, None)
    api = api_as(lw.liaison_a)
    assert api.post("/api/v1/claims", json={"need_id": need.id, "commitment": "我们来"}).status_code == 201
    assert api.post("/api/v1/claims", json={"need_id": need.id, "commitment": "再来"}).status_code == 409


def test_a_claim_on_a_met_need_is_refused_and_audited(lw, api_as):
    need = make_need(lw.staff, None)
    project = make_project(lw.staff, lead_unit_id=lw.unit_a.id, need_ids=[need.id])
    with acting_as(SETUP):
        for step in ("claimed", "in_progress", "review"):
            services.transition(lw.staff, project, step)
        services.transition(lw.staff, project, "closed", outcome_summary="完成", people_served=30)
        db.session.commit()
    response = api_as(lw.liaison_b).post("/api/v1/claims", json={"need_id": need.id, "commitment": "我们来"})
    assert response.status_code == 422
    assert response.get_json()["error"]["message"] == "需求“普乐二村加装电梯意见征询”已满足，不能认领"
    assert db.session.scalar(select(db.func.count(Claim.id))) == 0
    entry = _refusals()[-1]
    assert entry.actor_id == lw.liaison_b.id and entry.record_type == "Need" and "已满足" in entry.summary


def test_a_released_project_claimed_gets_its_lead_unit_and_moves_on(lw, api_as):
    project = make_project(lw.staff, released=True)
    hidden = make_project(lw.staff, title="未发布的项目")
    assert api_as(lw.liaison_b).post("/api/v1/claims", json={
        "project_id": hidden.id, "commitment": "x"}).status_code == 404
    claim = api_as(lw.liaison_b).post("/api/v1/claims", json={"project_id": project.id,
                                                              "commitment": "提供反诈宣讲"}).get_json()
    response = api_as(lw.staff).post(f"/api/v1/claims/{claim['id']}/decision", json={"accept": True})
    assert response.status_code == 200
    db.session.expire_all()
    project = db.session.get(Project, project.id)
    assert project.lead_unit_id == lw.unit_b.id and project.stage == "claimed"
    assert project.transitions[-1].note == f"接受{lw.unit_b.name}的认领"


def test_declined_claim_changes_nothing_of_the_need(lw):
    need = make_need(lw.staff, None)
    with acting_as(SETUP):
        claim = services.create_claim(lw.liaison_a, unit=lw.unit_a, commitment="试试", need=need)
        services.decide_claim(lw.staff, claim, accept=False, note="不对口")
        db.session.commit()
    assert claim.status == "declined" and need.status == "open"
    with pytest.raises(RuleViolation):
        services.withdraw_claim(claim)


def test_three_lists_workbook_has_one_sheet_per_list_and_is_audited(lw, api_as):
    import io

    from openpyxl import load_workbook

    make_need(lw.liaison_a, lw.unit_a)
    make_resource(lw.liaison_a, lw.unit_a)
    make_project(lw.staff, lead_unit_id=lw.unit_a.id)
    response = api_as(lw.staff).get("/api/v1/reports/three-lists.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["需求清单", "资源清单", "项目清单"]
    values = [c for row in book["需求清单"].iter_rows(values_only=True) for c in row if c]
    assert "普乐二村加装电梯意见征询" in values
    assert db.session.scalars(select(AuditEntry).where(AuditEntry.action == "export")).one().summary == "三张清单"

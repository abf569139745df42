"""The project lifecycle: every allowed step works and records who and when; every other
step is refused with a Chinese message and changes nothing."""
from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select

from alliance.audit.context import acting_as
from alliance.audit.models import AuditEntry
from alliance.core.errors import FieldErrors, RuleViolation
from alliance.extensions import db
from alliance.lists import services
from alliance.lists.models import PROJECT_STAGES, TRANSITIONS, Project, ProjectTransition
from tests.factories import SETUP
from tests.lists import make_need, make_project

PATH = {"proposed": [], "claimed": ["claimed"], "in_progress": ["claimed", "in_progress"],
        "review": ["claimed", "in_progress", "review"],
        "closed": ["claimed", "in_progress", "review", "closed"], "stopped": ["stopped"]}
EXTRA = {"closed": {"outcome_summary": "为120户居民完成加梯意见征询", "people_served": 120},
         "stopped": {"stop_reason": "居民意见未达成一致"}}


def _project_at(world, stage: str) -> Project:
    project = make_project(world.staff, lead_unit_id=world.unit_a.id)
    with acting_as(SETUP):
        for step in PATH[stage]:
            services.transition(world.staff, project, step, **EXTRA.get(step, {}))
        db.session.commit()
    assert project.stage == stage
    return project


ALLOWED = sorted(TRANSITIONS)
FORBIDDEN = sorted(set(itertools.product(PROJECT_STAGES, PROJECT_STAGES)) - set(TRANSITIONS))


@pytest.mark.parametrize(("from_stage", "to_stage"), ALLOWED)
def test_every_allowed_transition(lw, from_stage, to_stage):
    project = _project_at(lw, from_stage)
    before = len(project.transitions)
    with acting_as(SETUP):
        services.transition(lw.staff, project, to_stage, note="推进", **EXTRA.get(to_stage, {}))
        db.session.commit()
    assert project.stage == to_stage
    step = project.transitions[-1]
    assert len(project.transitions) == before + 1
    assert (step.from_stage, step.to_stage) == (from_stage, to_stage)
    assert step.actor_id == lw.staff.id and step.actor_name == lw.staff.display_name
    assert step.occurred_at is not None and step.note == "推进"


@pytest.mark.parametrize(("from_stage", "to_stage"), FORBIDDEN)
def test_every_forbidden_transition_is_refused_and_changes_nothing(lw, from_stage, to_stage):
    project = _project_at(lw, from_stage)
    steps, version = len(project.transitions), project.version
    with pytest.raises(RuleViolation) as refused:
        services.transition(lw.staff, project, to_stage, **EXTRA.get(to_stage, {}))
    assert refused.value.status_code == 422
    assert f"项目处于“{PROJECT_STAGES.label(from_stage)}”阶段，不能转为" in refused.value.message
    db.session.rollback()
    assert project.stage == from_stage and project.version == version
    assert db.session.scalar(select(db.func.count(ProjectTransition.id)).where(
        ProjectTransition.project_id == project.id)) == steps


def test_closing_requires_outcome_and_people_served_and_marks_needs_met(lw):
    need = make_need(lw.liaison_a, lw.unit_a)
    other = make_need(lw.liaison_b, lw.unit_b, title="许泾村互助养老")
    project = make_project(lw.staff, lead_unit_id=lw.unit_a.id, need_ids=[need.id])
    with acting_as(SETUP):
        for step in ("claimed", "in_progress", "review"):
            services.transition(lw.staff, project, step)
        db.session.commit()
    with pytest.raises(FieldErrors) as missing:
        services.transition(lw.staff, project, "closed")
    assert missing.value.fields == {"outcome_summary": ["成效总结不能为空"],
                                    "people_served": ["请填写服务人数"]}
    db.session.rollback()
    assert project.stage == "review" and need.status == "open"
    with acting_as(SETUP):
        services.transition(lw.staff, project, "closed", **EXTRA["closed"])
        db.session.commit()
    assert project.stage == "closed" and project.people_served == 120
    assert need.status == "met" and other.status == "open"


def test_stopping_requires_a_reason(lw):
    project = make_project(lw.staff)
    with pytest.raises(FieldErrors) as missing:
        services.transition(lw.staff, project, "stopped")
    assert missing.value.fields == {"stop_reason": ["终止原因不能为空"]}
    db.session.rollback()
    services.transition(lw.staff, project, "stopped", stop_reason="资金未落实")
    assert project.stop_reason == "资金未落实"


def test_claiming_stage_needs_a_lead_unit(lw):
    project = make_project(lw.staff)
    with pytest.raises(FieldErrors) as missing:
        services.transition(lw.staff, project, "claimed")
    assert "牵头单位" in missing.value.fields["to_stage"][0]


@pytest.mark.parametrize(("who", "from_stage", "to_stage", "allowed"), [
    ("liaison_a", "claimed", "in_progress", True),
    ("liaison_a", "in_progress", "review", True),
    ("liaison_a", "review", "closed", False),
    ("liaison_a", "proposed", "stopped", False),
    ("liaison_b", "claimed", "in_progress", False),
    ("organizer", "claimed", "in_progress", False),
    ("staff", "review", "closed", True),
    ("admin", "proposed", "stopped", True),
])
def test_who_may_move_a_project(lw, who, from_stage, to_stage, allowed):
    project = _project_at(lw, from_stage)
    assert services.may_transition(lw.user(who), project, to_stage) is allowed
    if not allowed:
        with pytest.raises(RuleViolation):
            services.transition(lw.user(who), project, to_stage, **EXTRA.get(to_stage, {}))


def test_a_forbidden_transition_through_the_api_is_422_and_audited(lw, api_as):
    project = _project_at(lw, "proposed")
    response = api_as(lw.staff).post(f"/api/v1/projects/{project.id}/transitions",
                                     json={"to_stage": "closed", "outcome_summary": "x", "people_served": 1})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "not_allowed" and "不能转为“结项”" in error["message"]
    db.session.expire_all()
    assert db.session.get(Project, project.id).stage == "proposed"
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "refused")).one()
    assert entry.actor_id == lw.staff.id and entry.record_type == "Project" and entry.record_id == project.id
    assert "不能转为“结项”" in entry.summary

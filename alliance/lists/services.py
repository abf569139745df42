"""Rules of the three lists. Functions flush, never commit.

A liaison acts for their own unit only: the unit of a need, resource or claim they create is
theirs whatever ``unit_id`` they send. Projects move only along ``TRANSITIONS``; each step is
recorded with who and when. Refused attempts are audited by the caller (``record_refusal``),
after the rollback, so the refusal is kept while nothing of the attempt is.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, select

from alliance.audit.context import current_actor
from alliance.audit.recorder import record_event
from alliance.auth.roles import LIAISON
from alliance.core.checks import Errors, check_choice, check_int, clean_texts
from alliance.core.dates import LOCAL_TZ
from alliance.core.errors import FieldErrors, RuleViolation
from alliance.core.records import apply_changes, check_version, soft_delete
from alliance.core.types import utcnow
from alliance.extensions import db
from alliance.lists import matching
from alliance.lists.models import (
    NEED_CATEGORIES,
    OPEN_NEED_STATUSES,
    PROJECT_CATEGORIES,
    PROJECT_STAGES,
    RESOURCE_KINDS,
    SOURCE_KINDS,
    TRANSITIONS,
    URGENCIES,
    Claim,
    ListCategory,
    Need,
    Project,
    ProjectTransition,
    Resource,
)
from alliance.members.models import MemberUnit

MAX_PEOPLE = 1_000_000


class NotAllowed(RuleViolation):
    """A step the rules do not allow (a lifecycle jump, a claim on a met need): 422."""

    status_code = 422
    code = "not_allowed"
MAX_BUDGET = Decimal("100000000")
EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)

NEED_FIELDS = ("title", "description", "category_id", "source_kind", "source_name",
               "submitter_name", "beneficiary_count", "beneficiary_group", "urgency",
               "wanted_by", "grid")
NEED_TEXTS = (("title", 100, True, "需求标题"), ("description", 5000, False, "需求描述"),
              ("source_name", 100, False, "来源名称"), ("submitter_name", 50, False, "提交人"),
              ("beneficiary_group", 100, False, "受益群体"), ("grid", 50, False, "网格"))
RESOURCE_FIELDS = ("title", "description", "kind", "category_id", "capacity_amount",
                   "capacity_unit", "available_from", "available_to", "contact")
RESOURCE_TEXTS = (("title", 100, True, "资源名称"), ("description", 5000, False, "资源描述"),
                  ("capacity_unit", 20, False, "容量单位"), ("contact", 100, False, "联系方式"))
PROJECT_FIELDS = ("title", "description", "category_id", "lead_unit_id", "budget", "starts_on",
                  "ends_on", "released")
PROJECT_TEXTS = (("title", 100, True, "项目名称"), ("description", 5000, False, "项目内容"))


def local_today() -> date:
    return datetime.now(LOCAL_TZ).date()


def record_refusal(what: str, exc: Exception, record=None) -> None:
    """Keep a refused attempt in the audit trail (call after the rollback, then commit)."""
    message = getattr(exc, "message", str(exc))
    fields = getattr(exc, "fields", None)
    if fields:
        message += "：" + "；".join(m for ms in fields.values() for m in ms)
    record_event("refused", record=record, summary=f"{what}被拒绝：{message}"[:200],
                 record_type=type(record).__name__ if record is not None else None)


# --- categories ----------------------------------------------------------------------------

def seed_categories(alliance_id: int) -> int:
    """Add the standard categories an alliance lacks; return how many were added."""
    existing = set(db.session.execute(select(ListCategory.kind, ListCategory.name).where(
        ListCategory.alliance_id == alliance_id)).all())
    added = 0
    for kind, names in (("need", NEED_CATEGORIES), ("project", PROJECT_CATEGORIES)):
        for position, name in enumerate(names, 1):
            if (kind, name) not in existing:
                db.session.add(ListCategory(alliance_id=alliance_id, kind=kind, name=name,
                                            position=position))
                added += 1
    db.session.flush()
    return added


def categories(alliance_id: int, kind: str) -> Sequence[ListCategory]:
    return db.session.scalars(select(ListCategory).where(
        ListCategory.alliance_id == alliance_id, ListCategory.kind == kind,
        ListCategory.deleted_at.is_(None)).order_by(ListCategory.position, ListCategory.id)).all()


def create_category(alliance_id: int, kind: str, name: str) -> ListCategory:
    errors = Errors()
    cleaned: dict = {}
    clean_texts({"name": name}, (("name", 30, True, "类别名称"),), errors, cleaned)
    if kind not in ("need", "project"):
        errors.add("kind", "类别种类不是有效选项")
    errors.raise_if_any()
    if db.session.scalar(select(ListCategory.id).where(
            ListCategory.alliance_id == alliance_id, ListCategory.kind == kind,
            ListCategory.name == cleaned["name"])):
        from alliance.core.errors import DuplicateRecord

        raise DuplicateRecord({"name": ["已有同名类别"]})
    position = (db.session.scalar(select(func.max(ListCategory.position)).where(
        ListCategory.alliance_id == alliance_id, ListCategory.kind == kind)) or 0) + 1
    category = ListCategory(alliance_id=alliance_id, kind=kind, name=cleaned["name"], position=position)
    db.session.add(category)
    db.session.flush()
    return category


# --- shared checks -------------------------------------------------------------------------

def _category(alliance_id: int, value, kind: str, errors: Errors, label: str) -> int | None:
    if value is None:
        errors.add("category_id", f"请选择{label}")
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not db.session.scalar(
            select(ListCategory.id).where(ListCategory.id == value, ListCategory.kind == kind,
                                          ListCategory.alliance_id == alliance_id,
                                          ListCategory.deleted_at.is_(None))):
        errors.add("category_id", f"{label}不存在，请重新选择")
        return None
    return value


def _date(data: dict, field: str, errors: Errors, label: str) -> date | None:
    value = data.get(field)
    if value is None:
        return None
    if isinstance(value, datetime) or not isinstance(value, date):
        errors.add(field, f"{label}格式不正确")
        return None
    if not EARLIEST <= value <= LATEST:
        errors.add(field, f"{label}应在2000年至2100年之间")
        return None
    return value


def live_unit(alliance_id: int, unit_id, errors: Errors, field: str = "unit_id",
              label: str = "成员单位") -> MemberUnit | None:
    if unit_id is None:
        return None
    unit = db.session.scalar(select(MemberUnit).where(
        MemberUnit.id == unit_id, MemberUnit.alliance_id == alliance_id,
        MemberUnit.deleted_at.is_(None))) if isinstance(unit_id, int) else None
    if unit is None:
        errors.add(field, f"{label}不存在或已删除，请重新选择")
    return unit


def acting_unit(user, unit_id: int | None, *, required: bool, what: str) -> MemberUnit | None:
    """The unit a new record is for: a liaison's own (what they send is ignored); for staff the
    live unit they chose (``required``: they must choose one)."""
    if user.role == LIAISON:
        unit = db.session.get(MemberUnit, user.unit_id)
        if unit is None or unit.deleted_at is not None:
            raise FieldErrors({"unit_id": [f"本单位已被删除，无法{what}"]})
        return unit
    if not user.is_manager:
        raise NotAllowed(f"只有工作人员和联络员可以{what}")
    errors = Errors()
    if unit_id is None:
        if required:
            errors.add("unit_id", "请选择成员单位")
        errors.raise_if_any()
        return None
    unit = live_unit(user.alliance_id, unit_id, errors)
    errors.raise_if_any()
    return unit


def may_edit(user, unit_id: int | None) -> bool:
    if user.is_manager:
        return True
    return user.role == LIAISON and unit_id is not None and user.unit_id == unit_id


# --- needs ---------------------------------------------------------------------------------

def _clean_need(alliance_id: int, data: dict, errors: Errors) -> dict:
    cleaned: dict[str, Any] = {}
    clean_texts(data, NEED_TEXTS, errors, cleaned)
    cleaned["category_id"] = _category(alliance_id, data.get("category_id"), "need", errors, "需求类别")
    cleaned["source_kind"] = check_choice(data, "source_kind", SOURCE_KINDS, errors, required=True,
                                          label="需求来源")
    cleaned["urgency"] = check_choice(data, "urgency", URGENCIES, errors, required=False,
                                      label="紧急程度") or "normal"
    cleaned["beneficiary_count"] = check_int(data, "beneficiary_count", errors, low=0,
                                             high=MAX_PEOPLE, label="受益人数")
    cleaned["wanted_by"] = _date(data, "wanted_by", errors, "期望完成日期")
    return cleaned


def create_need(user, data: dict, *, unit: MemberUnit | None, submit: bool = True,
                is_sample: bool = False) -> Need:
    """A new need: open at once (``submit``) or kept as a draft only its unit and staff see."""
    errors = Errors()
    cleaned = _clean_need(user.alliance_id, data, errors)
    errors.raise_if_any()
    need = Need(alliance_id=user.alliance_id, unit=unit, status="open" if submit else "draft",
                is_sample=is_sample, **cleaned)
    need.match_terms = " ".join(matching.terms_of(need.title, need.description, need.beneficiary_group))
    db.session.add(need)
    db.session.flush()
    return need


def update_need(need: Need, data: dict, *, version: int | None) -> Need:
    check_version(need, version, required=True)
    if need.status in ("met", "cancelled"):
        raise NotAllowed(f"需求已{need.status_label}，不能再修改")
    merged = {f: getattr(need, f) for f in NEED_FIELDS}
    merged.update({k: v for k, v in data.items() if k in NEED_FIELDS})
    errors = Errors()
    cleaned = _clean_need(need.alliance_id, merged, errors)
    errors.raise_if_any()
    cleaned["match_terms"] = " ".join(matching.terms_of(cleaned["title"], cleaned["description"],
                                                        cleaned["beneficiary_group"]))
    apply_changes(need, cleaned)
    return need


def submit_need(need: Need, *, version: int | None = None) -> Need:
    check_version(need, version)
    if need.status != "draft":
        raise NotAllowed("只有草稿可以提交")
    need.status = "open"
    db.session.flush()
    return need


def cancel_need(need: Need, *, version: int | None = None) -> Need:
    check_version(need, version)
    if need.status not in ("draft", "open"):
        raise NotAllowed(f"需求{need.status_label}，不能撤销")
    need.status = "cancelled"
    db.session.flush()
    return need


def delete_need(need: Need, *, version: int | None = None) -> None:
    soft_delete(need, version=version)


# --- resources -----------------------------------------------------------------------------

def _clean_resource(alliance_id: int, data: dict, errors: Errors) -> dict:
    cleaned: dict[str, Any] = {}
    clean_texts(data, RESOURCE_TEXTS, errors, cleaned)
    cleaned["kind"] = check_choice(data, "kind", RESOURCE_KINDS, errors, required=True, label="资源类型")
    cleaned["category_id"] = _category(alliance_id, data.get("category_id"), "need", errors, "资源类别")
    cleaned["capacity_amount"] = check_int(data, "capacity_amount", errors, low=0, high=MAX_PEOPLE,
                                           label="容量")
    cleaned["available_from"] = _date(data, "available_from", errors, "可提供开始日期")
    cleaned["available_to"] = _date(data, "available_to", errors, "可提供结束日期")
    if (cleaned["available_from"] and cleaned["available_to"]
            and cleaned["available_to"] < cleaned["available_from"]):
        errors.add("available_to", "可提供结束日期不能早于开始日期")
    return cleaned


def create_resource(user, data: dict, *, unit: MemberUnit, offer: bool = True,
                    is_sample: bool = False) -> Resource:
    errors = Errors()
    cleaned = _clean_resource(user.alliance_id, data, errors)
    errors.raise_if_any()
    resource = Resource(alliance_id=user.alliance_id, unit=unit, is_sample=is_sample,
                        status="offered" if offer else "draft", **cleaned)
    resource.match_terms = " ".join(matching.terms_of(resource.title, resource.description))
    db.session.add(resource)
    db.session.flush()
    return resource


def update_resource(resource: Resource, data: dict, *, version: int | None) -> Resource:
    check_version(resource, version, required=True)
    merged = {f: getattr(resource, f) for f in RESOURCE_FIELDS}
    merged.update({k: v for k, v in data.items() if k in RESOURCE_FIELDS})
    errors = Errors()
    cleaned = _clean_resource(resource.alliance_id, merged, errors)
    errors.raise_if_any()
    cleaned["match_terms"] = " ".join(matching.terms_of(cleaned["title"], cleaned["description"]))
    apply_changes(resource, cleaned)
    return resource


def set_resource_status(resource: Resource, status: str, *, version: int | None = None) -> Resource:
    check_version(resource, version)
    allowed = {"draft": ("offered",), "offered": ("withdrawn",), "withdrawn": ("offered",)}
    if status not in allowed.get(resource.status, ()):
        raise NotAllowed(f"资源“{resource.status_label}”时不能改为该状态")
    resource.status = status
    db.session.flush()
    return resource


# --- projects ------------------------------------------------------------------------------

def _clean_project(alliance_id: int, data: dict, errors: Errors) -> dict:
    cleaned: dict[str, Any] = {}
    clean_texts(data, PROJECT_TEXTS, errors, cleaned)
    cleaned["category_id"] = _category(alliance_id, data.get("category_id"), "project", errors, "项目类别")
    lead = data.get("lead_unit_id")
    cleaned["lead_unit_id"] = lead if live_unit(alliance_id, lead, errors, "lead_unit_id", "牵头单位") else None
    cleaned["starts_on"] = _date(data, "starts_on", errors, "开始日期")
    cleaned["ends_on"] = _date(data, "ends_on", errors, "结束日期")
    if cleaned["starts_on"] and cleaned["ends_on"] and cleaned["ends_on"] < cleaned["starts_on"]:
        errors.add("ends_on", "结束日期不能早于开始日期")
    budget = data.get("budget")
    if budget is not None:
        try:
            budget = Decimal(str(budget)).quantize(Decimal("0.01"))
            if not Decimal(0) <= budget <= MAX_BUDGET:
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            errors.add("budget", "预算应为0至1亿元之间的金额")
            budget = None
    cleaned["budget"] = budget
    released = data.get("released", False)
    cleaned["released"] = bool(released) if isinstance(released, bool) else False
    return cleaned


def _links(alliance_id: int, model, ids, errors: Errors, field: str, label: str) -> list:
    ids = list(dict.fromkeys(ids or []))
    if not ids:
        return []
    if not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        errors.add(field, f"{label}编号应为整数")
        return []
    rows = db.session.scalars(select(model).where(model.id.in_(ids), model.alliance_id == alliance_id,
                                                  model.deleted_at.is_(None))).all()
    if len(rows) != len(ids):
        errors.add(field, f"所选{label}不存在或已删除")
    return list(rows)


def create_project(user, data: dict, *, is_sample: bool = False) -> Project:
    """Staff propose (立项) a project; linked needs, resources and partner units by id."""
    errors = Errors()
    cleaned = _clean_project(user.alliance_id, data, errors)
    needs = _links(user.alliance_id, Need, data.get("need_ids"), errors, "need_ids", "需求")
    resources = _links(user.alliance_id, Resource, data.get("resource_ids"), errors, "resource_ids", "资源")
    partners = _links(user.alliance_id, MemberUnit, data.get("partner_ids"), errors, "partner_ids", "合作单位")
    errors.raise_if_any()
    project = Project(alliance_id=user.alliance_id, stage="proposed", is_sample=is_sample, **cleaned)
    project.needs, project.resources, project.partners = needs, resources, partners
    db.session.add(project)
    db.session.flush()
    return project


def update_project(project: Project, data: dict, *, version: int | None) -> Project:
    check_version(project, version, required=True)
    if project.stage in ("closed", "stopped"):
        raise NotAllowed(f"项目已{project.stage_label}，不能再修改")
    merged = {f: getattr(project, f) for f in PROJECT_FIELDS}
    merged.update({k: v for k, v in data.items() if k in PROJECT_FIELDS})
    errors = Errors()
    cleaned = _clean_project(project.alliance_id, merged, errors)
    links = {}
    for key, model, label in (("need_ids", Need, "需求"), ("resource_ids", Resource, "资源"),
                              ("partner_ids", MemberUnit, "合作单位")):
        if key in data:
            links[key] = _links(project.alliance_id, model, data[key], errors, key, label)
    errors.raise_if_any()
    apply_changes(project, cleaned)
    if "need_ids" in links:
        project.needs = links["need_ids"]
    if "resource_ids" in links:
        project.resources = links["resource_ids"]
    if "partner_ids" in links:
        project.partners = links["partner_ids"]
    db.session.flush()
    return project


def allowed_next(project: Project) -> list[str]:
    return [to for (frm, to) in TRANSITIONS if frm == project.stage]


def may_transition(user, project: Project, to_stage: str) -> bool:
    """Staff move any project; the lead unit's liaison starts and hands in its own project."""
    if user.is_manager:
        return True
    return (user.role == LIAISON and project.lead_unit_id == user.unit_id
            and (project.stage, to_stage) in {("claimed", "in_progress"), ("in_progress", "review")})


def transition(user, project: Project, to_stage: str, *, version: int | None = None,
               note: str | None = None, outcome_summary: str | None = None,
               people_served: int | None = None, stop_reason: str | None = None) -> Project:
    """Move a project one step along the lifecycle, recording who and when."""
    check_version(project, version)
    if to_stage not in PROJECT_STAGES:
        raise FieldErrors({"to_stage": ["目标阶段不是有效选项"]})
    if (project.stage, to_stage) not in TRANSITIONS:
        raise NotAllowed(f"项目处于“{project.stage_label}”阶段，不能转为“{PROJECT_STAGES.label(to_stage)}”"
                            f"（可转为：{'、'.join(PROJECT_STAGES.label(s) for s in allowed_next(project)) or '无'}）")
    if not may_transition(user, project, to_stage):
        raise NotAllowed("只有党群办工作人员（或牵头单位联络员开始实施、提交评估）可以推进项目")
    errors = Errors()
    cleaned: dict = {}
    clean_texts({"note": note, "outcome_summary": outcome_summary, "stop_reason": stop_reason},
                (("note", 500, False, "说明"), ("outcome_summary", 5000, to_stage == "closed", "成效总结"),
                 ("stop_reason", 500, to_stage == "stopped", "终止原因")), errors, cleaned)
    if to_stage == "closed":
        if people_served is None:
            errors.add("people_served", "请填写服务人数")
        else:
            people = check_int({"people_served": people_served}, "people_served", errors, low=0,
                               high=MAX_PEOPLE, label="服务人数")
            cleaned["people_served"] = people
    if to_stage == "claimed" and project.lead_unit_id is None:
        errors.add("to_stage", "请先确定牵头单位（或接受一个单位的认领）")
    errors.raise_if_any()
    actor = current_actor()
    db.session.add(ProjectTransition(project=project, from_stage=project.stage, to_stage=to_stage,
                                     actor_id=getattr(user, "id", None) or actor.user_id,
                                     actor_name=getattr(user, "display_name", None) or actor.name,
                                     occurred_at=utcnow(), note=cleaned.get("note")))
    project.stage = to_stage
    if to_stage == "closed":
        project.outcome_summary = cleaned["outcome_summary"]
        project.people_served = cleaned["people_served"]
        for need in project.needs:
            if need.status in (*OPEN_NEED_STATUSES, "draft"):
                need.status = "met"
    if to_stage == "stopped":
        project.stop_reason = cleaned["stop_reason"]
    db.session.flush()
    return project


# --- claims --------------------------------------------------------------------------------

def create_claim(user, *, unit: MemberUnit, commitment: str | None, need: Need | None = None,
                 project: Project | None = None) -> Claim:
    """A unit claims an open need or a released, not yet finished project."""
    errors = Errors()
    cleaned: dict = {}
    clean_texts({"commitment": commitment}, (("commitment", 1000, True, "认领承诺"),), errors, cleaned)
    if (need is None) == (project is None):
        errors.add("need_id", "请选择要认领的需求或项目（二选一）")
    errors.raise_if_any()
    if need is not None and need.status not in OPEN_NEED_STATUSES:
        raise NotAllowed(f"需求“{need.title}”{need.status_label}，不能认领")
    if project is not None and (not project.released or project.stage not in ("proposed", "claimed")):
        raise NotAllowed(f"项目“{project.title}”未发布认领或已{project.stage_label}，不能认领")
    target = Claim.need_id == need.id if need is not None else Claim.project_id == project.id
    if db.session.scalar(select(Claim.id).where(target, Claim.unit_id == unit.id,
                                                Claim.status.in_(("pending", "accepted")),
                                                Claim.deleted_at.is_(None))):
        from alliance.core.errors import DuplicateRecord

        raise DuplicateRecord({"commitment": ["本单位已认领过，请等待党群办确认"]})
    claim = Claim(alliance_id=unit.alliance_id, unit=unit, need=need, project=project,
                  commitment=cleaned["commitment"], status="pending")
    db.session.add(claim)
    db.session.flush()
    return claim


def decide_claim(user, claim: Claim, *, accept: bool, note: str | None = None,
                 version: int | None = None) -> Claim:
    """Staff accept or decline a claim. Accepting a need's claim marks it claimed; a project's
    makes the unit its lead (if it has none) or a partner, and moves a proposed project on."""
    check_version(claim, version)
    if not user.is_manager:
        raise NotAllowed("只有党群办工作人员可以确认认领")
    if claim.status != "pending":
        raise NotAllowed(f"该认领{claim.status_label}，不能再确认")
    errors = Errors()
    cleaned: dict = {}
    clean_texts({"note": note}, (("note", 500, False, "说明"),), errors, cleaned)
    errors.raise_if_any()
    claim.status = "accepted" if accept else "declined"
    claim.decided_by = user.display_name
    claim.decided_at = utcnow()
    claim.decision_note = cleaned["note"]
    if accept and claim.need is not None:
        if claim.need.status not in OPEN_NEED_STATUSES:
            raise NotAllowed(f"需求“{claim.need.title}”{claim.need.status_label}，不能再接受认领")
        claim.need.status = "claimed"
    if accept and claim.project is not None:
        project = claim.project
        if project.stage not in ("proposed", "claimed"):
            raise NotAllowed(f"项目已{project.stage_label}，不能再接受认领")
        if project.lead_unit_id is None:
            project.lead_unit_id = claim.unit_id
        elif claim.unit_id != project.lead_unit_id and claim.unit not in project.partners:
            project.partners.append(claim.unit)
        db.session.flush()
        if project.stage == "proposed":
            transition(user, project, "claimed", note=f"接受{claim.unit.name}的认领")
    db.session.flush()
    return claim


def withdraw_claim(claim: Claim, *, version: int | None = None) -> Claim:
    check_version(claim, version)
    if claim.status != "pending":
        raise NotAllowed(f"该认领{claim.status_label}，不能撤回")
    claim.status = "withdrawn"
    db.session.flush()
    return claim

"""Rules of civic practice. Functions flush, never commit.

Scope lives here: a liaison may only record at their own unit's venues and for their own unit's
teams; naming another unit's record (venue, team, event, volunteer, ledger) answers 404 through
:func:`deny`, for the UI and the API alike.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from sqlalchemy import func, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError

from alliance.audit.recorder import BULK_UNAUDITED
from alliance.auth.roles import LIAISON
from alliance.civic.models import (
    FESTIVALS,
    ORDER_TRANSITIONS,
    ORGANIZER_KINDS,
    VENUE_KINDS,
    Certificate,
    CivicEvent,
    ItemLedger,
    LedgerEntry,
    ServiceOrder,
    ServiceProject,
    ServiceRecord,
    Venue,
    Volunteer,
    VolunteerTeam,
)
from alliance.core.checks import Errors, check_choice, check_int, clean_texts
from alliance.core.dates import LOCAL_TZ
from alliance.core.errors import DuplicateRecord, FieldErrors, RuleViolation
from alliance.core.permissions import deny
from alliance.core.records import apply_changes, check_version, soft_delete
from alliance.core.types import utcnow
from alliance.core.validators import validate_mobile
from alliance.extensions import db
from alliance.members.models import MemberUnit

MAX_AUDIENCE = 1_000_000
MAX_QUANTITY = 1_000_000
MAX_EVENT_HOURS = 24 * 7


def local_today() -> date:
    return datetime.now(LOCAL_TZ).date()


def _owned(user, unit_id: int | None, what: str) -> None:
    """A liaison may only use records of their own unit; anything else is 404 to them."""
    if user.is_manager:
        return
    if user.role != LIAISON or unit_id is None or unit_id != user.unit_id:
        deny(404, f"{what} 不属于本单位")


def _in_alliance(model, record_id, user, field: str, label: str, errors: Errors):
    """A live record of the user's alliance named by id, or None and a message at ``field``."""
    if record_id is None:
        return None
    if not isinstance(record_id, int) or isinstance(record_id, bool):
        errors.add(field, f"{label}编号不正确")
        return None
    record = db.session.scalar(select(model).where(
        model.id == record_id, model.alliance_id == user.alliance_id, model.deleted_at.is_(None)))
    if record is None:
        errors.add(field, f"{label}不存在或已删除，请重新选择")
    return record


def _unit(unit_id, user, errors: Errors, field: str = "unit_id"):
    return _in_alliance(MemberUnit, unit_id, user, field, "成员单位", errors)


# --- venues --------------------------------------------------------------------------------

VENUE_TEXTS = (("name", 100, True, "阵地名称"), ("address", 200, False, "地址"),
               ("host_name", 100, False, "承办社区"))


def save_venue(user, data: dict, venue: Venue | None = None, *, version: int | None = None,
               is_sample: bool = False) -> Venue:
    """Create or change a venue (staff only: the map of venues is the sub-centre's)."""
    if venue is not None:
        check_version(venue, version, required=True)
        merged = {f: getattr(venue, f) for f in ("name", "address", "host_name", "kind", "parent_id", "unit_id")}
        merged.update(data)
        data = merged
    errors = Errors()
    cleaned: dict[str, Any] = {}
    clean_texts(data, VENUE_TEXTS, errors, cleaned)
    cleaned["kind"] = check_choice(data, "kind", VENUE_KINDS, errors, required=True, label="阵地类型")
    parent = _in_alliance(Venue, data.get("parent_id"), user, "parent_id", "上级阵地", errors)
    unit = _unit(data.get("unit_id"), user, errors)
    if parent is not None and venue is not None:
        node = parent
        while node is not None:
            if node.id == venue.id:
                errors.add("parent_id", "上级阵地不能是本阵地或其下级")
                break
            node = node.parent
    if cleaned.get("kind") == "sub_centre" and parent is not None:
        errors.add("parent_id", "分中心不设上级阵地")
    elif cleaned.get("kind") and cleaned["kind"] != "sub_centre" and parent is None \
            and data.get("parent_id") is None:
        errors.add("parent_id", "请选择上级阵地")
    errors.raise_if_any()
    cleaned["parent_id"] = parent.id if parent else None
    cleaned["unit_id"] = unit.id if unit else None
    _refuse_duplicate(Venue, user.alliance_id, "name", cleaned["name"], venue, "已有同名阵地")
    if venue is None:
        venue = Venue(alliance_id=user.alliance_id, is_sample=is_sample, **cleaned)
        db.session.add(venue)
        db.session.flush()
    else:
        apply_changes(venue, cleaned)
    return venue


def _refuse_duplicate(model, alliance_id, field, value, record, message):
    stmt = select(model.id).where(model.alliance_id == alliance_id, getattr(model, field) == value,
                                  model.deleted_at.is_(None))
    if record is not None:
        stmt = stmt.where(model.id != record.id)
    if db.session.scalar(stmt.limit(1)) is not None:
        raise DuplicateRecord({field: [message]})


# --- teams and volunteers ------------------------------------------------------------------

def save_team(user, data: dict, team: VolunteerTeam | None = None, *, version: int | None = None,
              is_sample: bool = False) -> VolunteerTeam:
    if team is not None:
        check_version(team, version, required=True)
        data = {"name": team.name, "description": team.description, "unit_id": team.unit_id, **data}
    errors = Errors()
    cleaned: dict[str, Any] = {}
    clean_texts(data, (("name", 100, True, "服务队名称"), ("description", 2000, False, "简介")), errors, cleaned)
    unit = _unit(data.get("unit_id"), user, errors)
    errors.raise_if_any()
    cleaned["unit_id"] = unit.id if unit else None
    _refuse_duplicate(VolunteerTeam, user.alliance_id, "name", cleaned["name"], team, "已有同名志愿服务队")
    if team is None:
        team = VolunteerTeam(alliance_id=user.alliance_id, is_sample=is_sample, **cleaned)
        db.session.add(team)
        db.session.flush()
    else:
        apply_changes(team, cleaned)
    return team


def next_volunteer_no(alliance_id: int) -> str:
    count = db.session.scalar(select(func.count(Volunteer.id)).where(Volunteer.alliance_id == alliance_id)) or 0
    return f"ZY{count + 1:06d}"


def save_volunteer(user, data: dict, volunteer: Volunteer | None = None, *,
                   version: int | None = None, is_sample: bool = False) -> Volunteer:
    """A volunteer with a number (given, or the next ZY000001…), skills and teams. A liaison may
    only put volunteers into their own unit's teams."""
    if volunteer is not None:
        check_version(volunteer, version, required=True)
        base = {"name": volunteer.name, "mobile": volunteer.mobile, "skills": volunteer.skills,
                "volunteer_no": volunteer.volunteer_no, "team_ids": [t.id for t in volunteer.teams]}
        data = {**base, **data}
    errors = Errors()
    cleaned: dict[str, Any] = {}
    clean_texts(data, (("name", 50, True, "姓名"), ("skills", 200, False, "特长"),
                       ("volunteer_no", 30, False, "志愿者编号"), ("mobile", 20, False, "手机号码")),
                errors, cleaned)
    if cleaned.get("mobile"):
        try:
            cleaned["mobile"] = validate_mobile(cleaned["mobile"])
        except ValueError as exc:
            errors.add("mobile", str(exc))
    teams = []
    team_ids = data.get("team_ids") or []
    if not isinstance(team_ids, (list, tuple)):
        errors.add("team_ids", "服务队选择不正确")
        team_ids = []
    for team_id in team_ids:
        team = _in_alliance(VolunteerTeam, team_id, user, "team_ids", "志愿服务队", errors)
        if team is not None:
            teams.append(team)
    errors.raise_if_any()
    for team in teams:
        _owned(user, team.unit_id, "志愿服务队")
    if not user.is_manager and not teams:
        raise FieldErrors({"team_ids": ["请选择本单位的志愿服务队"]})
    cleaned["volunteer_no"] = cleaned.get("volunteer_no") or next_volunteer_no(user.alliance_id)
    _refuse_duplicate(Volunteer, user.alliance_id, "volunteer_no", cleaned["volunteer_no"], volunteer,
                      "志愿者编号已被使用")
    same = select(Volunteer.id).where(Volunteer.alliance_id == user.alliance_id,
                                      Volunteer.name == cleaned["name"],
                                      Volunteer.mobile == cleaned.get("mobile"),
                                      Volunteer.deleted_at.is_(None))
    if volunteer is not None:
        same = same.where(Volunteer.id != volunteer.id)
    if cleaned.get("mobile") and db.session.scalar(same.limit(1)) is not None:
        raise DuplicateRecord({"mobile": ["已有同名同手机号码的志愿者，请勿重复登记"]})
    if volunteer is None:
        volunteer = Volunteer(alliance_id=user.alliance_id, is_sample=is_sample, **cleaned)
        volunteer.teams = teams
        db.session.add(volunteer)
        db.session.flush()
    else:
        changed = apply_changes(volunteer, cleaned)
        if {t.id for t in volunteer.teams} != {t.id for t in teams}:
            volunteer.teams = teams
            if not changed:
                volunteer.updated_at = utcnow()
            db.session.flush()
    return volunteer


# --- the service menu and its orders ---------------------------------------------------------

def save_project(user, data: dict, project: ServiceProject | None = None, *,
                 version: int | None = None, is_sample: bool = False) -> ServiceProject:
    if project is not None:
        check_version(project, version, required=True)
        data = {"name": project.name, "description": project.description, "team_id": project.team_id,
                "festival": project.festival, **data}
    errors = Errors()
    cleaned: dict[str, Any] = {}
    clean_texts(data, (("name", 100, True, "服务项目名称"), ("description", 2000, False, "项目内容")),
                errors, cleaned)
    cleaned["festival"] = check_choice(data, "festival", FESTIVALS, errors, required=False, label="节日")
    team = _in_alliance(VolunteerTeam, data.get("team_id"), user, "team_id", "志愿服务队", errors)
    errors.raise_if_any()
    cleaned["team_id"] = team.id if team else None
    if project is None:
        project = ServiceProject(alliance_id=user.alliance_id, is_sample=is_sample, **cleaned)
        db.session.add(project)
        db.session.flush()
    else:
        apply_changes(project, cleaned)
    return project


def place_order(user, data: dict) -> ServiceOrder:
    """点单: a venue orders a project from the menu (a liaison for their own unit's venues)."""
    errors = Errors()
    project = _in_alliance(ServiceProject, data.get("project_id"), user, "project_id", "服务项目", errors)
    venue = _in_alliance(Venue, data.get("venue_id"), user, "venue_id", "阵地", errors)
    if data.get("project_id") is None:
        errors.add("project_id", "请选择服务项目")
    if data.get("venue_id") is None:
        errors.add("venue_id", "请选择点单的阵地")
    cleaned: dict[str, Any] = {}
    clean_texts(data, (("note", 500, False, "需求说明"),), errors, cleaned)
    errors.raise_if_any()
    _owned(user, venue.unit_id, "阵地")
    order = ServiceOrder(alliance_id=user.alliance_id, project=project, venue=venue,
                         unit_id=venue.unit_id, status="ordered", wanted_on=data.get("wanted_on"),
                         note=cleaned.get("note"))
    db.session.add(order)
    db.session.flush()
    return order


def _move(order: ServiceOrder, to: str) -> None:
    if to not in ORDER_TRANSITIONS.get(order.status, ()):
        raise RuleViolation(f"订单当前为“{order.status_label}”，不能改为“{_label(to)}”")
    order.status = to


def _label(status: str) -> str:
    from alliance.civic.models import ORDER_STATUSES
    return ORDER_STATUSES.label(status)


def advance_order(user, order: ServiceOrder, action: str, data: dict, *, version: int | None) -> ServiceOrder:
    """派单 (staff choose a team), 接单 (the team's unit or staff), 评单 (the venue rates),
    取消. Only the allowed step from the current status is taken; anything else is refused."""
    check_version(order, version, required=True)
    if action == "assign":
        if not user.is_manager:
            deny(403, "只有分中心工作人员可以派单")
        errors = Errors()
        team = _in_alliance(VolunteerTeam, data.get("team_id"), user, "team_id", "志愿服务队", errors)
        if data.get("team_id") is None:
            errors.add("team_id", "请选择承接的志愿服务队")
        errors.raise_if_any()
        _move(order, "assigned")
        order.team_id = team.id
    elif action == "accept":
        if order.team is None:
            raise RuleViolation("订单尚未派单")
        _owned(user, order.team.unit_id, "志愿服务队")
        _move(order, "accepted")
    elif action == "rate":
        _owned(user, order.unit_id, "订单")
        errors = Errors()
        rating = check_int(data, "rating", errors, low=1, high=5, label="评分")
        if data.get("rating") is None:
            errors.add("rating", "请给出1至5分的评分")
        cleaned: dict[str, Any] = {}
        clean_texts(data, (("comment", 500, False, "评价"),), errors, cleaned)
        errors.raise_if_any()
        _move(order, "rated")
        order.rating, order.comment = rating, cleaned.get("comment")
    elif action == "cancel":
        _owned(user, order.unit_id, "订单")
        _move(order, "cancelled")
    else:
        raise FieldErrors({"action": ["未知的操作"]})
    db.session.flush()
    return order


# --- events --------------------------------------------------------------------------------

EVENT_FIELDS = ("title", "project_id", "venue_id", "starts_at", "ends_at", "organizer_kind",
                "organizer_unit_id", "organizer_team_id", "description", "audience")


def as_aware(value) -> datetime | None:
    """A datetime from a form or JSON; naive ones are Beijing time."""
    if value is None or not isinstance(value, datetime):
        return None
    return value.replace(tzinfo=LOCAL_TZ) if value.tzinfo is None else value


def save_event(user, data: dict, event: CivicEvent | None = None, *, version: int | None = None,
               is_sample: bool = False) -> CivicEvent:
    """Create or change an event. Its unit (for scope) is the organizer's: the hosting unit of
    the venue, the organizing unit, or the team's unit."""
    if event is not None:
        check_version(event, version, required=True)
        merged = {f: getattr(event, f) for f in EVENT_FIELDS}
        merged.update({k: v for k, v in data.items() if k in EVENT_FIELDS})
        data = merged
    errors = Errors()
    cleaned: dict[str, Any] = {}
    clean_texts(data, (("title", 100, True, "活动名称"), ("description", 5000, False, "活动内容")),
                errors, cleaned)
    venue = _in_alliance(Venue, data.get("venue_id"), user, "venue_id", "阵地", errors)
    if data.get("venue_id") is None:
        errors.add("venue_id", "请选择活动阵地")
    project = _in_alliance(ServiceProject, data.get("project_id"), user, "project_id", "服务项目", errors)
    kind = check_choice(data, "organizer_kind", ORGANIZER_KINDS, errors, required=False, label="组织方类型") or "venue"
    organizer_unit = organizer_team = None
    if kind == "unit":
        organizer_unit = _unit(data.get("organizer_unit_id"), user, errors, "organizer_unit_id")
        if data.get("organizer_unit_id") is None:
            errors.add("organizer_unit_id", "请选择组织单位")
    elif kind == "team":
        organizer_team = _in_alliance(VolunteerTeam, data.get("organizer_team_id"), user,
                                      "organizer_team_id", "志愿服务队", errors)
        if data.get("organizer_team_id") is None:
            errors.add("organizer_team_id", "请选择组织的志愿服务队")
    starts_at, ends_at = as_aware(data.get("starts_at")), as_aware(data.get("ends_at"))
    if starts_at is None:
        errors.add("starts_at", "请填写开始时间")
    if ends_at is None:
        errors.add("ends_at", "请填写结束时间")
    if starts_at and ends_at:
        if ends_at <= starts_at:
            errors.add("ends_at", "结束时间应晚于开始时间")
        elif ends_at - starts_at > timedelta(hours=MAX_EVENT_HOURS):
            errors.add("ends_at", "一次活动不能超过7天")
        elif starts_at.year < 2000:
            errors.add("starts_at", "开始时间不能早于2000年")
    cleaned["audience"] = check_int(data, "audience", errors, low=0, high=MAX_AUDIENCE, label="服务人数")
    errors.raise_if_any()
    unit_id = (organizer_unit.id if organizer_unit else
               organizer_team.unit_id if organizer_team else venue.unit_id)
    if not user.is_manager:
        # A liaison records at their unit's venues, or for their unit's teams and unit.
        if venue.unit_id != user.unit_id and unit_id != user.unit_id:
            deny(404, "阵地不属于本单位")
        _owned(user, unit_id, "组织方")
    if event is not None and event.starts_at != starts_at or event is not None and event.ends_at != ends_at:
        longest = db.session.scalar(select(func.max(ServiceRecord.hours)).where(
            ServiceRecord.event_id == event.id, ServiceRecord.deleted_at.is_(None)))
        if longest is not None and Decimal(str(longest)) > _hours(starts_at, ends_at):
            raise FieldErrors({"ends_at": [f"已有志愿者记录了{longest}小时，活动时长不能短于此"]})
    cleaned.update(venue_id=venue.id, project_id=project.id if project else None, starts_at=starts_at,
                   ends_at=ends_at, organizer_kind=kind, unit_id=unit_id,
                   organizer_unit_id=organizer_unit.id if organizer_unit else None,
                   organizer_team_id=organizer_team.id if organizer_team else None)
    if event is None:
        event = CivicEvent(alliance_id=user.alliance_id, is_sample=is_sample, **cleaned)
        db.session.add(event)
        db.session.flush()
    else:
        apply_changes(event, cleaned)
    return event


def delete_event(user, event: CivicEvent, *, version: int | None) -> None:
    _owned(user, event.unit_id, "活动")
    soft_delete(event, version=version)


def _hours(starts_at: datetime, ends_at: datetime) -> Decimal:
    return (Decimal((ends_at - starts_at).total_seconds()) / Decimal(3600)).quantize(Decimal("0.1"))


# --- service records -------------------------------------------------------------------------

def _parse_hours(value, errors: Errors) -> Decimal | None:
    if value is None or value == "":
        errors.add("hours", "请填写服务时长")
        return None
    if isinstance(value, bool):
        errors.add("hours", "服务时长应为数字")
        return None
    try:
        hours = Decimal(str(value))
    except InvalidOperation:
        errors.add("hours", "服务时长应为数字，如 2 或 1.5")
        return None
    if not hours.is_finite() or hours <= 0 or hours > 1000:
        errors.add("hours", "服务时长应大于0")
        return None
    if hours != hours.quantize(Decimal("0.1")):
        errors.add("hours", "服务时长最多保留一位小数")
        return None
    return hours


def record_hours(user, data: dict) -> ServiceRecord:
    """谁组织谁记录: the organizer of the event records one volunteer's hours there. Hours can't
    exceed the event's length; a volunteer can't serve in two overlapping events."""
    errors = Errors()
    event = _in_alliance(CivicEvent, data.get("event_id"), user, "event_id", "活动", errors)
    if data.get("event_id") is None:
        errors.add("event_id", "请选择活动")
    volunteer = _in_alliance(Volunteer, data.get("volunteer_id"), user, "volunteer_id", "志愿者", errors)
    if data.get("volunteer_id") is None:
        errors.add("volunteer_id", "请选择志愿者")
    hours = _parse_hours(data.get("hours"), errors)
    cleaned: dict[str, Any] = {}
    clean_texts(data, (("role", 100, False, "服务内容"),), errors, cleaned)
    errors.raise_if_any()
    _owned(user, event.unit_id, "活动")
    if not user.is_manager:
        from alliance.core.permissions import scoped
        if db.session.scalar(scoped(select(Volunteer.id), Volunteer, user).where(Volunteer.id == volunteer.id)) is None:
            deny(404, "志愿者不在本单位的服务队")
    length = _hours(event.starts_at, event.ends_at)
    if hours > length:
        errors.add("hours", f"服务时长不能超过活动时长（{length}小时）")
    same = db.session.scalar(select(ServiceRecord.id).where(
        ServiceRecord.event_id == event.id, ServiceRecord.volunteer_id == volunteer.id,
        ServiceRecord.deleted_at.is_(None)))
    if same is not None:
        raise DuplicateRecord({"volunteer_id": [f"已记录过{volunteer.name}在本次活动的服务时长"]})
    clash = db.session.execute(select(CivicEvent.title, CivicEvent.starts_at).join(
        ServiceRecord, ServiceRecord.event_id == CivicEvent.id).where(
        ServiceRecord.volunteer_id == volunteer.id, ServiceRecord.deleted_at.is_(None),
        CivicEvent.deleted_at.is_(None), CivicEvent.id != event.id,
        CivicEvent.starts_at < event.ends_at, CivicEvent.ends_at > event.starts_at).limit(1)).first()
    if clash is not None:
        errors.add("volunteer_id", f"{volunteer.name}同一时间已在“{clash[0]}”服务，不能重复记录")
    errors.raise_if_any()
    record = ServiceRecord(alliance_id=user.alliance_id, event=event, volunteer=volunteer,
                           unit_id=event.unit_id, hours=hours, role=cleaned.get("role"), status="entered")
    db.session.add(record)
    db.session.flush()
    return record


def verify_record(user, record: ServiceRecord, *, version: int | None, verifier: str) -> ServiceRecord:
    """谁记录谁证明: the organizer (or staff) confirms the hours; only verified hours count."""
    check_version(record, version, required=True)
    _owned(user, record.unit_id, "服务记录")
    if record.status == "verified":
        raise RuleViolation("该服务记录已核实")
    record.status, record.verified_by, record.verified_at = "verified", verifier[:50], utcnow()
    db.session.flush()
    return record


def delete_record(user, record: ServiceRecord, *, version: int | None) -> None:
    _owned(user, record.unit_id, "服务记录")
    soft_delete(record, version=version)


def verified_hours(volunteer_id: int) -> Decimal:
    total = db.session.scalar(select(func.coalesce(func.sum(ServiceRecord.hours), 0)).join(
        CivicEvent, CivicEvent.id == ServiceRecord.event_id).where(
        ServiceRecord.volunteer_id == volunteer_id, ServiceRecord.status == "verified",
        ServiceRecord.deleted_at.is_(None), CivicEvent.deleted_at.is_(None)))
    return Decimal(str(total or 0)).quantize(Decimal("0.1"))


# --- item ledgers ----------------------------------------------------------------------------

def create_ledger(user, data: dict, *, is_sample: bool = False) -> ItemLedger:
    errors = Errors()
    cleaned: dict[str, Any] = {}
    clean_texts(data, (("item", 100, True, "物品名称"), ("note", 500, False, "备注")), errors, cleaned)
    project = _in_alliance(ServiceProject, data.get("project_id"), user, "project_id", "服务项目", errors)
    unit_id = user.unit_id if user.role == LIAISON else None
    if user.is_manager:
        unit = _unit(data.get("unit_id"), user, errors)
        unit_id = unit.id if unit else None
    errors.raise_if_any()
    ledger = ItemLedger(alliance_id=user.alliance_id, project_id=project.id if project else None,
                        unit_id=unit_id, in_stock=0, is_sample=is_sample, **cleaned)
    db.session.add(ledger)
    db.session.flush()
    return ledger


def _entry_fields(data: dict, errors: Errors) -> tuple[int | None, date | None]:
    quantity = data.get("quantity")
    if quantity is None:
        errors.add("quantity", "请填写数量")
        quantity = None
    else:
        quantity = check_int(data, "quantity", errors, low=1, high=MAX_QUANTITY, label="数量")
    day = data.get("occurred_on")
    if day is not None and (isinstance(day, datetime) or not isinstance(day, date)):
        errors.add("occurred_on", "日期格式不正确")
        day = None
    elif day is not None and day > local_today():
        errors.add("occurred_on", "日期不能晚于今天")
        day = None
    return quantity, day


def add_batch(user, ledger: ItemLedger, data: dict) -> LedgerEntry:
    """A batch made: by whom, how many, when."""
    _owned(user, ledger.unit_id, "物品台账")
    errors = Errors()
    quantity, day = _entry_fields(data, errors)
    cleaned: dict[str, Any] = {}
    clean_texts(data, (("made_by", 200, False, "制作人"),), errors, cleaned)
    volunteers = check_int(data, "volunteer_count", errors, low=0, high=100_000, label="参与志愿者人数")
    errors.raise_if_any()
    entry = LedgerEntry(alliance_id=ledger.alliance_id, ledger_id=ledger.id, kind="made", quantity=quantity,
                        occurred_on=day or local_today(), made_by=cleaned.get("made_by"),
                        volunteer_count=volunteers)
    db.session.add(entry)
    _change_stock(ledger, +quantity)
    return entry


def record_handout(user, ledger: ItemLedger, data: dict) -> LedgerEntry:
    """A hand-out at an event. The stock is taken by one conditional UPDATE
    (``in_stock = in_stock - n WHERE in_stock >= n``): the database serialises two hand-outs
    at once (a row lock on PostgreSQL, the write lock on SQLite), so the second one sees the
    stock the first left and is refused if it is not enough. Never below zero."""
    _owned(user, ledger.unit_id, "物品台账")
    errors = Errors()
    quantity, day = _entry_fields(data, errors)
    event = _in_alliance(CivicEvent, data.get("event_id"), user, "event_id", "活动", errors)
    if data.get("event_id") is None:
        errors.add("event_id", "请选择发放的活动")
    volunteers = check_int(data, "volunteer_count", errors, low=0, high=100_000, label="参与志愿者人数")
    errors.raise_if_any()
    if not user.is_manager and event.unit_id != user.unit_id:
        deny(404, "活动不属于本单位")
    db.session.flush()
    if not _change_stock(ledger, -quantity):
        stock = db.session.scalar(select(ItemLedger.in_stock).where(ItemLedger.id == ledger.id))
        raise FieldErrors({"quantity": [f"库存不足：现有{stock}件，不能发放{quantity}件"]})
    entry = LedgerEntry(alliance_id=ledger.alliance_id, ledger_id=ledger.id, kind="handout",
                        quantity=quantity, event_id=event.id, volunteer_count=volunteers,
                        occurred_on=day or event.starts_at.astimezone(LOCAL_TZ).date())
    db.session.add(entry)
    db.session.flush()
    return entry


def _change_stock(ledger: ItemLedger, delta: int) -> bool:
    """Add ``delta`` to the stock in one statement; False if that would go below zero. A single-row
    conditional UPDATE, let past the bulk guard knowingly: the change is attributable through the
    audited ``LedgerEntry`` written beside it, which is what the trail records."""
    stmt = update(ItemLedger).where(ItemLedger.id == ledger.id).values(
        in_stock=ItemLedger.in_stock + delta, version=ItemLedger.version + 1,
        updated_at=utcnow()).execution_options(synchronize_session=False, **{BULK_UNAUDITED: True})
    if delta < 0:
        stmt = stmt.where(ItemLedger.in_stock >= -delta)
    done = cast(CursorResult, db.session.execute(stmt)).rowcount == 1
    db.session.expire(ledger)
    return done


def ledger_totals(ledger_id: int) -> dict[str, int]:
    """{"made", "handed_out", "in_stock"} computed from the entries."""
    rows = dict(db.session.execute(select(LedgerEntry.kind, func.coalesce(func.sum(LedgerEntry.quantity), 0))
                                   .where(LedgerEntry.ledger_id == ledger_id, LedgerEntry.deleted_at.is_(None))
                                   .group_by(LedgerEntry.kind)).tuples().all())
    made, handed_out = int(rows.get("made", 0)), int(rows.get("handout", 0))
    return {"made": made, "handed_out": handed_out, "in_stock": made - handed_out}


# --- certificates ----------------------------------------------------------------------------

def certificate_for(user, volunteer: Volunteer, *, issuer: str, today: date | None = None) -> Certificate:
    """The certificate of the volunteer's verified hours: the one already issued for exactly
    these hours, or a new one with the next number. Numbers are unique and never reused."""
    hours = verified_hours(volunteer.id)
    if hours <= 0:
        raise RuleViolation("该志愿者没有已核实的服务时长，不能出具证明")
    existing = db.session.scalar(select(Certificate).where(
        Certificate.volunteer_id == volunteer.id, Certificate.deleted_at.is_(None),
        Certificate.hours == hours).order_by(Certificate.id.desc()).limit(1))
    if existing is not None:
        return existing
    today = today or local_today()
    for _attempt in range(5):
        number = _next_number(volunteer.alliance_id, today.year)
        try:
            with db.session.begin_nested():
                certificate = Certificate(alliance_id=volunteer.alliance_id, number=number,
                                          volunteer_id=volunteer.id, hours=hours, issued_on=today,
                                          issuer=issuer[:100])
                db.session.add(certificate)
                db.session.flush()
            return certificate
        except IntegrityError:
            continue  # another request took the number first: take the next
    raise RuleViolation("证明编号分配失败，请重试")


def _next_number(alliance_id: int, year: int) -> str:
    prefix = f"WMSJ{year}-"
    # Deleted certificates count too: their numbers are never handed out again.
    last = db.session.scalar(select(func.max(Certificate.number)).where(
        Certificate.alliance_id == alliance_id, Certificate.number.like(f"{prefix}%")))
    seq = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{seq:05d}"

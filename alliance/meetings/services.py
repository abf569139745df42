"""Rules of joint meetings. Functions validate and flush, never commit.

Times arrive as aware datetimes (a naive one is read as Beijing time) and are stored in UTC.
Every multi-row change (bulk invitations, a reply slip) checks everything before it writes.
"""
from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from alliance.core.checks import Errors, check_choice, clean_texts
from alliance.core.dates import LOCAL_TZ, format_datetime_zh
from alliance.core.errors import DuplicateRecord, FieldErrors, RuleViolation
from alliance.core.records import apply_changes, check_version, restore, soft_delete
from alliance.core.types import utcnow
from alliance.extensions import db
from alliance.meetings.models import (
    ACTION_STATUSES,
    CAPACITIES,
    MEETING_KINDS,
    MEETING_STATUSES,
    ActionItem,
    Admission,
    AgendaItem,
    Attendance,
    Meeting,
    ReplySlip,
    SignInAttempt,
    Speech,
)
from alliance.members.models import MemberUnit, Person, UnitRole

MEETING_FIELDS = ("kind", "title", "theme", "starts_at", "ends_at", "venue", "host_unit_id",
                  "chair_id", "recorder_id", "status", "minutes")
MEETING_TEXTS = (
    ("title", 100, True, "会议名称"),
    ("theme", 300, False, "会议主题"),
    ("venue", 200, False, "会议地点"),
    ("minutes", 20000, False, "会议纪要"),
)
EARLIEST = datetime(2000, 1, 1, tzinfo=LOCAL_TZ)
MAX_DURATION = timedelta(days=7)
SIGNIN_OPENS_BEFORE = timedelta(hours=2)
SIGNIN_WINDOW = timedelta(minutes=15)
SIGNIN_MAX_FAILURES = 5
MARKABLE = ("present", "absent", "excused")
INVITE_GROUPS = {
    "secretaries": "全体现任书记",
    "liaisons": "全体联络员",
    "active_units": "全体在册成员单位",
    "units": "选定的成员单位",
}
REPLY_CHOICES = ("coming", "excused", "replaced")


def local_now() -> datetime:
    return datetime.now(LOCAL_TZ)


# --- lookups that respect the alliance -----------------------------------------------------

def _live_unit(alliance_id: int, unit_id: Any) -> MemberUnit | None:
    if not isinstance(unit_id, int) or isinstance(unit_id, bool):
        return None
    return db.session.scalar(select(MemberUnit).where(
        MemberUnit.id == unit_id, MemberUnit.alliance_id == alliance_id,
        MemberUnit.deleted_at.is_(None)))


def _live_person(alliance_id: int, person_id: Any) -> Person | None:
    if not isinstance(person_id, int) or isinstance(person_id, bool):
        return None
    return db.session.scalar(select(Person).where(
        Person.id == person_id, Person.alliance_id == alliance_id, Person.deleted_at.is_(None)))


def current_unit_of(person_id: int) -> int | None:
    """The unit where the person holds a current role (secretary first), if any."""
    rows = db.session.execute(select(UnitRole.unit_id, UnitRole.role).where(
        UnitRole.person_id == person_id, *UnitRole.roles_current_criteria())).all()
    order = {"secretary": 0, "deputy_secretary": 1, "head": 2, "liaison": 3}
    rows = sorted(rows, key=lambda r: order.get(r.role, 9))
    return rows[0].unit_id if rows else None


def unit_people_ids(unit_id: int) -> set[int]:
    """People with a current role at the unit: who a reply slip may name."""
    return set(db.session.scalars(select(UnitRole.person_id).where(
        UnitRole.unit_id == unit_id, *UnitRole.roles_current_criteria())))


# --- meetings ------------------------------------------------------------------------------

def _as_aware(value, field: str, label: str, errors: Errors) -> datetime | None:
    if value is None or value == "":
        errors.add(field, f"请填写{label}")
        return None
    if not isinstance(value, datetime):
        errors.add(field, f"{label}格式不正确")
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=LOCAL_TZ)
    if value < EARLIEST or value.year > 2100:
        errors.add(field, f"{label}应在2000年至2100年之间")
        return None
    return value


def _clean_meeting(data: dict, alliance_id: int, errors: Errors) -> dict:
    cleaned: dict[str, Any] = {}
    clean_texts(data, MEETING_TEXTS, errors, cleaned)
    cleaned["kind"] = check_choice(data, "kind", MEETING_KINDS, errors, required=True, label="会议类型")
    cleaned["status"] = check_choice({"status": data.get("status") or "planned"}, "status",
                                     MEETING_STATUSES, errors, required=True, label="会议状态")
    starts = _as_aware(data.get("starts_at"), "starts_at", "开始时间", errors)
    ends = _as_aware(data.get("ends_at"), "ends_at", "结束时间", errors)
    if starts and ends:
        if ends <= starts:
            errors.add("ends_at", "结束时间应晚于开始时间")
        elif ends - starts > MAX_DURATION:
            errors.add("ends_at", "会议时长不能超过7天")
    cleaned["starts_at"], cleaned["ends_at"] = starts, ends
    for field, label, finder in (("host_unit_id", "承办单位", _live_unit),
                                 ("chair_id", "主持人", _live_person),
                                 ("recorder_id", "记录人", _live_person)):
        value = data.get(field)
        if value is None:
            cleaned[field] = None
        elif finder(alliance_id, value) is None:
            errors.add(field, f"{label}不存在或已删除，请重新选择")
        else:
            cleaned[field] = value
    return cleaned


def validate_meeting(data: dict, alliance_id: int) -> dict:
    errors = Errors()
    cleaned = _clean_meeting(data, alliance_id, errors)
    errors.raise_if_any()
    return cleaned


def create_meeting(data: dict, *, alliance_id: int, is_sample: bool = False) -> Meeting:
    cleaned = validate_meeting(data, alliance_id)
    meeting = Meeting(alliance_id=alliance_id, signin_key=secrets.token_urlsafe(16),
                      is_sample=is_sample, **cleaned)
    db.session.add(meeting)
    db.session.flush()
    return meeting


def update_meeting(meeting: Meeting, data: dict, *, version: int | None) -> Meeting:
    check_version(meeting, version, required=True)
    merged = {f: getattr(meeting, f) for f in MEETING_FIELDS}
    merged.update({k: v for k, v in data.items() if k in MEETING_FIELDS})
    cleaned = validate_meeting(merged, meeting.alliance_id)
    apply_changes(meeting, cleaned)
    return meeting


def delete_meeting(meeting: Meeting, *, version: int | None = None) -> None:
    soft_delete(meeting, version=version)


def restore_meeting(meeting: Meeting, *, version: int | None = None) -> None:
    restore(meeting, version=version)


def _require_open(meeting: Meeting) -> None:
    if meeting.deleted_at is not None:
        raise RuleViolation("该会议已被删除")
    if meeting.status == "cancelled":
        raise RuleViolation("该会议已取消，不能再修改参会安排")


# --- agenda, speeches, admissions, action items ------------------------------------------

def _next_position(model, meeting: Meeting) -> int:
    return (db.session.scalar(select(func.max(model.position)).where(
        model.meeting_id == meeting.id, model.deleted_at.is_(None))) or 0) + 1


def add_agenda_item(meeting: Meeting, data: dict) -> AgendaItem:
    errors = Errors()
    cleaned: dict[str, Any] = {}
    clean_texts(data, (("title", 200, True, "议程"), ("presenter_note", 100, False, "报告人职务")),
                errors, cleaned)
    presenter_id = data.get("presenter_id")
    if presenter_id is not None and _live_person(meeting.alliance_id, presenter_id) is None:
        errors.add("presenter_id", "报告人不存在或已删除，请重新选择")
    errors.raise_if_any()
    item = AgendaItem(alliance_id=meeting.alliance_id, meeting_id=meeting.id,
                      position=_next_position(AgendaItem, meeting), presenter_id=presenter_id,
                      **cleaned)
    db.session.add(item)
    db.session.flush()
    db.session.expire(meeting, ["agenda"])
    return item


def add_speech(meeting: Meeting, data: dict) -> Speech:
    errors = Errors()
    cleaned: dict[str, Any] = {}
    clean_texts(data, (("topic", 200, True, "发言题目"),), errors, cleaned)
    unit = _live_unit(meeting.alliance_id, data.get("unit_id"))
    if unit is None:
        errors.add("unit_id", "请选择发言单位" if data.get("unit_id") is None else "发言单位不存在或已删除")
    speaker_id = data.get("speaker_id")
    if speaker_id is not None:
        if _live_person(meeting.alliance_id, speaker_id) is None:
            errors.add("speaker_id", "发言人不存在或已删除，请重新选择")
        elif unit is not None and speaker_id not in unit_people_ids(unit.id):
            errors.add("speaker_id", "发言人不是该单位的现任人员")
    errors.raise_if_any()
    speech = Speech(alliance_id=meeting.alliance_id, meeting_id=meeting.id, unit_id=unit.id,
                    speaker_id=speaker_id, position=_next_position(Speech, meeting), **cleaned)
    db.session.add(speech)
    db.session.flush()
    db.session.expire(meeting, ["speeches"])
    return speech


def meeting_local_date(meeting: Meeting) -> date:
    return meeting.starts_at.astimezone(LOCAL_TZ).date()


def admit_unit(meeting: Meeting, unit_id: Any) -> Admission:
    """Welcome a unit at the meeting: its ``joined_on`` becomes the meeting's day (audited as a
    change of the unit); the old date is kept so removing the admission puts it back."""
    unit = _live_unit(meeting.alliance_id, unit_id)
    if unit is None:
        raise FieldErrors({"unit_id": ["请选择单位" if unit_id is None else "单位不存在或已删除"]})
    existing = db.session.scalar(select(Admission).where(Admission.unit_id == unit.id,
                                                          Admission.deleted_at.is_(None)))
    if existing is not None:
        raise DuplicateRecord({"unit_id": [f"“{unit.name}”已在会议{existing.meeting_id}上加入联盟"]})
    day = meeting_local_date(meeting)
    if unit.left_on is not None and unit.left_on < day:
        raise FieldErrors({"unit_id": [f"“{unit.name}”已于{unit.left_on}退出联盟"]})
    admission = Admission(alliance_id=meeting.alliance_id, meeting_id=meeting.id,
                          unit_id=unit.id, previous_joined_on=unit.joined_on)
    db.session.add(admission)
    unit.joined_on = day
    db.session.flush()
    db.session.expire(meeting, ["admissions"])
    return admission


def remove_admission(admission: Admission) -> None:
    unit = db.session.get(MemberUnit, admission.unit_id)
    if unit is not None and unit.joined_on == meeting_local_date(db.session.get(Meeting, admission.meeting_id)):
        unit.joined_on = admission.previous_joined_on
    soft_delete(admission)


def _clean_action(data: dict, alliance_id: int, errors: Errors) -> dict:
    cleaned: dict[str, Any] = {}
    clean_texts(data, (("decision", 500, True, "决定事项"), ("done_note", 500, False, "办结说明")),
                errors, cleaned)
    owner = data.get("owner_unit_id")
    if owner is not None and _live_unit(alliance_id, owner) is None:
        errors.add("owner_unit_id", "责任单位不存在或已删除，请重新选择")
    cleaned["owner_unit_id"] = owner
    due = data.get("due_on")
    if due is not None and (isinstance(due, datetime) or not isinstance(due, date)):
        errors.add("due_on", "完成期限格式不正确")
        due = None
    cleaned["due_on"] = due
    cleaned["status"] = check_choice({"status": data.get("status") or "open"}, "status",
                                     ACTION_STATUSES, errors, required=True, label="办理状态")
    if cleaned["status"] == "done":
        if not cleaned.get("done_note"):
            errors.add("done_note", "办结时请填写办结说明")
        cleaned["done_on"] = data.get("done_on") or local_now().date()
    else:
        cleaned["done_on"] = None
    return cleaned


def add_action_item(meeting: Meeting, data: dict) -> ActionItem:
    errors = Errors()
    cleaned = _clean_action(data, meeting.alliance_id, errors)
    errors.raise_if_any()
    item = ActionItem(alliance_id=meeting.alliance_id, meeting_id=meeting.id, **cleaned)
    db.session.add(item)
    db.session.flush()
    db.session.expire(meeting, ["action_items"])
    return item


ACTION_FIELDS = ("decision", "owner_unit_id", "due_on", "status", "done_note", "done_on")


def update_action_item(item: ActionItem, data: dict, *, version: int | None) -> ActionItem:
    check_version(item, version, required=True)
    merged = {f: getattr(item, f) for f in ACTION_FIELDS}
    merged.update({k: v for k, v in data.items() if k in ACTION_FIELDS})
    if merged.get("status") != "done":
        merged["done_on"] = None
    errors = Errors()
    cleaned = _clean_action(merged, item.alliance_id, errors)
    errors.raise_if_any()
    apply_changes(item, cleaned)
    return item


# --- invitations ---------------------------------------------------------------------------

def _slip_for(meeting: Meeting, unit_id: int, slips: dict[int, ReplySlip]) -> ReplySlip:
    slip = slips.get(unit_id)
    if slip is None:
        slip = ReplySlip(alliance_id=meeting.alliance_id, meeting_id=meeting.id, unit_id=unit_id,
                         status="pending")
        db.session.add(slip)
        slips[unit_id] = slip
    return slip


def _existing_slips(meeting: Meeting) -> dict[int, ReplySlip]:
    return {s.unit_id: s for s in db.session.scalars(select(ReplySlip).where(
        ReplySlip.meeting_id == meeting.id, ReplySlip.deleted_at.is_(None)))}


def _invited_person_ids(meeting: Meeting) -> set[int]:
    return set(db.session.scalars(select(Attendance.person_id).where(
        Attendance.meeting_id == meeting.id, Attendance.deleted_at.is_(None))))


def _check_capacity(capacity: Any, errors: Errors) -> str | None:
    return check_choice({"capacity": capacity or "attend"}, "capacity", CAPACITIES, errors,
                        required=True, label="参会身份")


def invite_person(meeting: Meeting, person_id: Any, capacity: Any = "attend") -> Attendance:
    """Invite one person; their current unit (if any) gets a reply slip."""
    _require_open(meeting)
    errors = Errors()
    capacity = _check_capacity(capacity, errors)
    person = _live_person(meeting.alliance_id, person_id)
    if person is None:
        errors.add("person_id", "请选择人员" if person_id is None else "人员不存在或已删除，请重新选择")
    errors.raise_if_any()
    if person.id in _invited_person_ids(meeting):
        raise DuplicateRecord({"person_id": [f"{person.name}已在邀请名单中"]})
    unit_id = current_unit_of(person.id)
    if unit_id is not None:
        _slip_for(meeting, unit_id, _existing_slips(meeting))
    attendance = Attendance(alliance_id=meeting.alliance_id, meeting_id=meeting.id,
                            person_id=person.id, unit_id=unit_id, capacity=capacity)
    db.session.add(attendance)
    db.session.flush()
    return attendance


def invite_group(meeting: Meeting, group: Any, *, unit_ids: Iterable[int] = (),
                 capacity: Any = "attend") -> int:
    """Invite many at once: every current secretary, every liaison, every active unit (its
    secretary, else head, else liaison), or chosen units. Returns how many were added; those
    already invited are left as they are."""
    _require_open(meeting)
    errors = Errors()
    capacity = _check_capacity(capacity, errors)
    if group not in INVITE_GROUPS:
        errors.add("group", "请选择邀请范围" if not group else f"邀请范围“{str(group)[:20]}”不是有效选项")
    unit_ids = list(unit_ids or [])
    if group == "units":
        if not unit_ids:
            errors.add("unit_ids", "请选择至少一个成员单位")
        else:
            found = set(db.session.scalars(select(MemberUnit.id).where(
                MemberUnit.id.in_([u for u in unit_ids if isinstance(u, int)]),
                MemberUnit.alliance_id == meeting.alliance_id, MemberUnit.deleted_at.is_(None))))
            missing = [u for u in unit_ids if u not in found]
            if missing:
                errors.add("unit_ids", f"成员单位{missing[:5]}不存在或已删除")
    errors.raise_if_any()
    stmt = (select(UnitRole.unit_id, UnitRole.person_id, UnitRole.role)
            .join(MemberUnit, MemberUnit.id == UnitRole.unit_id)
            .join(Person, Person.id == UnitRole.person_id)
            .where(MemberUnit.alliance_id == meeting.alliance_id, MemberUnit.deleted_at.is_(None),
                   MemberUnit.status == "active", Person.deleted_at.is_(None),
                   *UnitRole.roles_current_criteria())
            .order_by(UnitRole.unit_id, UnitRole.id))
    rows = db.session.execute(stmt).all()
    chosen: list[tuple[int, int]] = []
    if group == "secretaries":
        chosen = [(r.unit_id, r.person_id) for r in rows if r.role == "secretary"]
    elif group == "liaisons":
        chosen = [(r.unit_id, r.person_id) for r in rows if r.role == "liaison"]
    else:
        wanted = set(unit_ids) if group == "units" else None
        by_unit: dict[int, dict[str, int]] = {}
        for r in rows:
            if wanted is None or r.unit_id in wanted:
                by_unit.setdefault(r.unit_id, {}).setdefault(r.role, r.person_id)
        for unit_id, roles in by_unit.items():
            for role in ("secretary", "head", "deputy_secretary", "liaison"):
                if role in roles:
                    chosen.append((unit_id, roles[role]))
                    break
        if wanted is not None:
            without = wanted - set(by_unit)
            if without:
                names = db.session.scalars(select(MemberUnit.name).where(MemberUnit.id.in_(without)))
                raise FieldErrors({"unit_ids": [f"以下单位没有现任书记、负责人或联络员：{'、'.join(names)}"]})
    invited = _invited_person_ids(meeting)
    slips = _existing_slips(meeting)
    added = 0
    for unit_id, person_id in chosen:
        if person_id in invited:
            continue
        invited.add(person_id)
        _slip_for(meeting, unit_id, slips)
        db.session.add(Attendance(alliance_id=meeting.alliance_id, meeting_id=meeting.id,
                                  person_id=person_id, unit_id=unit_id, capacity=capacity))
        added += 1
    db.session.flush()
    return added


def uninvite(attendance: Attendance) -> None:
    soft_delete(attendance)


def _attendance_of(meeting: Meeting, person_id: Any) -> Attendance | None:
    if not isinstance(person_id, int) or isinstance(person_id, bool):
        return None
    return db.session.scalar(select(Attendance).where(
        Attendance.meeting_id == meeting.id, Attendance.person_id == person_id,
        Attendance.deleted_at.is_(None)))


def mark_attendance(meeting: Meeting, person_id: Any, status: Any, *,
                    signed_in_at: datetime | None = None, version: int | None = None,
                    reason: str | None = None) -> Attendance:
    """Record whether an invitee came: present (with sign-in time), absent or excused."""
    if meeting.status == "cancelled":
        raise RuleViolation("该会议已取消，不能登记出席情况")
    errors = Errors()
    attendance = _attendance_of(meeting, person_id)
    if attendance is None:
        errors.add("person_id", "该人员未被邀请参加本次会议，请先邀请")
    if status not in MARKABLE:
        errors.add("status", "请选择出席、缺席或请假" if not status else f"出席情况“{str(status)[:20]}”不是有效选项")
    if signed_in_at is not None:
        if not isinstance(signed_in_at, datetime):
            errors.add("signed_in_at", "签到时间格式不正确")
        else:
            if signed_in_at.tzinfo is None:
                signed_in_at = signed_in_at.replace(tzinfo=LOCAL_TZ)
            if attendance is not None and not (
                    meeting.starts_at - SIGNIN_OPENS_BEFORE <= signed_in_at <= meeting.ends_at):
                errors.add("signed_in_at", "签到时间应在会议开始前2小时至会议结束之间")
    errors.raise_if_any()
    check_version(attendance, version)
    cleaned: dict[str, Any] = {"status": status}
    if status == "present":
        cleaned["signed_in_at"] = signed_in_at or attendance.signed_in_at or min(utcnow(), meeting.ends_at)
    else:
        cleaned["signed_in_at"] = None
        cleaned["self_signed"] = False
    if status == "excused" and reason is not None:
        cleaned["leave_reason"] = (reason or "").strip()[:200] or None
    apply_changes(attendance, cleaned)
    return attendance


# --- reply slips ---------------------------------------------------------------------------

def answer_reply_slip(slip: ReplySlip, answers: list[dict], *, note: str | None = None) -> ReplySlip:
    """The unit's answer: for each invitee of the unit, 参会 (coming), 请假 (excused, with a
    reason) or 派人代会 (replaced, naming a substitute of the same unit). All or nothing."""
    meeting = db.session.get(Meeting, slip.meeting_id)
    if meeting.deleted_at is not None or meeting.status != "planned":
        raise RuleViolation("会议已召开或已取消，不能再填写回执")
    invited = {a.person_id: a for a in db.session.scalars(select(Attendance).where(
        Attendance.meeting_id == meeting.id, Attendance.unit_id == slip.unit_id,
        Attendance.deleted_at.is_(None), Attendance.substitute_for_id.is_(None)))}
    substitutes = {a.substitute_for_id: a for a in db.session.scalars(select(Attendance).where(
        Attendance.meeting_id == meeting.id, Attendance.unit_id == slip.unit_id,
        Attendance.deleted_at.is_(None), Attendance.substitute_for_id.is_not(None)))}
    others = _invited_person_ids(meeting) - set(invited) - {a.person_id for a in substitutes.values()}
    own_people = unit_people_ids(slip.unit_id)
    errors = Errors()
    if not isinstance(answers, list) or not answers:
        errors.add("answers", "请为每位受邀人员选择参会、请假或派人代会")
        errors.raise_if_any()
    plan: dict[int, dict] = {}
    for index, answer in enumerate(answers):
        field = f"answers.{index}"
        if not isinstance(answer, dict):
            errors.add(field, "格式不正确")
            continue
        person_id, reply = answer.get("person_id"), answer.get("reply")
        if person_id not in invited:
            errors.add(f"{field}.person_id", "该人员不在本单位的受邀名单中")
            continue
        if person_id in plan:
            errors.add(f"{field}.person_id", "同一人员重复填写")
            continue
        if reply not in REPLY_CHOICES:
            errors.add(f"{field}.reply", "请选择参会、请假或派人代会")
            continue
        reason = (answer.get("reason") or "").strip() if isinstance(answer.get("reason"), str) else ""
        if len(reason) > 200:
            errors.add(f"{field}.reason", "请假事由不能超过200个字")
        substitute_id = answer.get("substitute_id")
        if reply == "excused" and not reason:
            errors.add(f"{field}.reason", "请填写请假事由")
        if reply == "replaced":
            if substitute_id is None:
                errors.add(f"{field}.substitute_id", "请选择代会人员")
            elif substitute_id not in own_people:
                errors.add(f"{field}.substitute_id", "代会人员须为本单位的现任人员")
            elif substitute_id in invited or substitute_id in others:
                errors.add(f"{field}.substitute_id", "代会人员已在邀请名单中")
            elif any(p.get("substitute_id") == substitute_id for p in plan.values()):
                errors.add(f"{field}.substitute_id", "同一人员不能代替两位受邀人员")
        plan[person_id] = {"reply": reply, "reason": reason or None,
                           "substitute_id": substitute_id if reply == "replaced" else None}
    missing = [pid for pid in invited if pid not in plan]
    if missing and not errors:
        names = db.session.scalars(select(Person.name).where(Person.id.in_(missing)))
        errors.add("answers", f"还有受邀人员未填写：{'、'.join(names)}")
    if note is not None and len(note) > 300:
        errors.add("note", "备注不能超过300个字")
    errors.raise_if_any()
    for person_id, answer in plan.items():
        attendance = invited[person_id]
        old_sub = substitutes.get(person_id)
        if old_sub is not None and old_sub.person_id != answer["substitute_id"]:
            soft_delete(old_sub)
            old_sub = None
        status = "excused" if answer["reply"] == "excused" else (
            attendance.status if attendance.status != "excused" else "invited")
        apply_changes(attendance, {"reply": answer["reply"], "leave_reason": answer["reason"]
                                   if answer["reply"] == "excused" else None, "status": status})
        if answer["reply"] == "replaced" and old_sub is None:
            db.session.add(Attendance(alliance_id=meeting.alliance_id, meeting_id=meeting.id,
                                      person_id=answer["substitute_id"], unit_id=slip.unit_id,
                                      capacity=attendance.capacity, reply="coming",
                                      substitute_for_id=person_id))
    slip.status = "answered"
    slip.answered_at = utcnow()
    slip.note = (note or "").strip() or None
    db.session.flush()
    return slip


# --- phone self sign-in --------------------------------------------------------------------

class SignInRefused(Exception):
    def __init__(self, message: str, field: str | None = None, status: int = 422):
        super().__init__(message)
        self.message, self.field, self.status = message, field, status


@dataclass
class SignInResult:
    name: str
    signed_in_at: datetime


def signin_window_message(meeting: Meeting, now: datetime) -> str | None:
    """Why sign-in is closed right now, or None when it is open."""
    if meeting.deleted_at is not None or meeting.status == "cancelled":
        return "该会议已取消，无需签到"
    if now < meeting.starts_at - SIGNIN_OPENS_BEFORE:
        opens = format_datetime_zh(meeting.starts_at - SIGNIN_OPENS_BEFORE)
        return f"签到尚未开始：会议开始前2小时（{opens}）起可以签到"
    if now > meeting.ends_at:
        return "会议已结束，签到已关闭"
    return None


def self_sign_in(meeting: Meeting, name: Any, last4: Any, *, ip_address: str | None,
                 now: datetime | None = None) -> SignInResult:
    """An invitee signs themself in with their name and the last four digits of their mobile.
    A refusal raises SignInRefused after adding a failed attempt (the caller commits it)."""
    now = now or utcnow()
    closed = signin_window_message(meeting, now)
    if closed:
        raise SignInRefused(closed)
    since = now - SIGNIN_WINDOW
    failures = db.session.scalar(select(func.count(SignInAttempt.id)).where(
        SignInAttempt.meeting_id == meeting.id, SignInAttempt.ip_address == ip_address,
        SignInAttempt.succeeded.is_(False), SignInAttempt.attempted_at >= since)) or 0
    if failures >= SIGNIN_MAX_FAILURES:
        raise SignInRefused("尝试次数过多，请15分钟后再试，或请会务人员协助签到", status=429)
    name = name.strip() if isinstance(name, str) else ""
    last4 = last4.strip() if isinstance(last4, str) else ""
    if not name or len(name) > 50:
        raise SignInRefused("请填写姓名", "name")
    if len(last4) != 4 or not last4.isdigit():
        raise SignInRefused("请填写手机号码的后四位数字", "last4")
    rows = db.session.scalars(select(Attendance).join(Person, Person.id == Attendance.person_id).where(
        Attendance.meeting_id == meeting.id, Attendance.deleted_at.is_(None),
        Person.name == name, Person.deleted_at.is_(None))).all()
    match = next((a for a in rows if (a.person.mobile or "")[-4:] == last4), None)
    if match is None:
        db.session.add(SignInAttempt(meeting_id=meeting.id, ip_address=ip_address,
                                     succeeded=False, attempted_at=now))
        db.session.flush()
        raise SignInRefused("未找到您的参会邀请：请核对姓名和手机号后四位，或联系会务人员", "last4")
    if match.status == "present":
        raise SignInRefused(f"您已于{format_datetime_zh(match.signed_in_at)}签到，无需重复签到")
    if match.reply == "replaced":
        raise SignInRefused("您的单位已安排他人代会，如需签到请联系会务人员")
    apply_changes(match, {"status": "present", "signed_in_at": now, "self_signed": True})
    db.session.add(SignInAttempt(meeting_id=meeting.id, ip_address=ip_address,
                                 succeeded=True, attempted_at=now))
    db.session.flush()
    return SignInResult(name=name, signed_in_at=now)


# --- calendar feed secrets -------------------------------------------------------------------

def _feed_hash(secret: str) -> str:
    import hashlib

    return hashlib.sha256(secret.encode()).hexdigest()


def issue_calendar_feed(user) -> str:
    """A new subscription secret for ``user`` (the old one stops working); shown once."""
    from alliance.meetings.models import CalendarFeed

    revoke_calendar_feed(user)
    secret = secrets.token_urlsafe(24)
    db.session.add(CalendarFeed(user_id=user.id, secret_hash=_feed_hash(secret)))
    db.session.flush()
    return secret


def revoke_calendar_feed(user) -> bool:
    from alliance.meetings.models import CalendarFeed

    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))
    if feed is None:
        return False
    db.session.delete(feed)
    db.session.flush()
    return True


def user_of_feed(secret: str):
    from alliance.auth.models import User
    from alliance.meetings.models import CalendarFeed

    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.secret_hash == _feed_hash(secret[:100])))
    user = db.session.get(User, feed.user_id) if feed else None
    if user is None or not user.is_active or user.deleted_at is not None:
        return None
    return user

"""Rules of the register: units, people and unit roles. Functions flush, never commit.

Input arrives already typed (dates as ``date``, numbers as ``int``) from a form, the API or an
import; everything else (lengths, codes, check characters, duplicates, date order) is checked
here, once, with Chinese messages keyed by field.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select

from alliance.core.checks import Errors, check_choice, check_date, check_int, clean_texts
from alliance.core.errors import DuplicateRecord, FieldErrors, RuleViolation, unique_field
from alliance.core.fields import text_spec
from alliance.core.permissions import can_edit_unit_records, liaison_unit_is_live, scoped
from alliance.core.records import apply_changes, check_version, restore, soft_delete
from alliance.core.sorting import person_search_key, pinyin_key, search_key, stroke_key
from alliance.core.validators import validate_mobile, validate_uscc
from alliance.extensions import db
from alliance.members.models import (
    SINGLE_HOLDER_ROLES,
    UNIT_CATEGORIES,
    UNIT_ROLES,
    UNIT_STATUSES,
    UNIT_TIERS,
    MemberUnit,
    Person,
    UnitRole,
)

# (field, max length, required, label)
UNIT_TEXT_FIELDS = text_spec(
    (MemberUnit.name, True, "单位名称"),
    (MemberUnit.short_name, False, "简称"),
    (MemberUnit.address, False, "地址"),
    (MemberUnit.phone, False, "联系电话"),
    (MemberUnit.grid, False, "网格"),
    (MemberUnit.description, False, "简介"),
)
UNIT_FIELDS = ("name", "short_name", "category", "uscc", "tier", "status", "joined_on",
               "left_on", "sort_order", "address", "phone", "grid", "description")
# What a liaison may keep current on their own unit (declared on the model).
LIAISON_UNIT_FIELDS = MemberUnit.__liaison_editable__

PERSON_TEXT_FIELDS = text_spec(
    (Person.name, True, "姓名"),
    (Person.title, False, "职务"),
    (Person.notes, False, "备注"),
)
PERSON_FIELDS = ("name", "mobile", "email", "title", "is_party_member", "notes")
ROLE_FIELDS = ("started_on", "ended_on", "title", "note")

# What a liaison may do with roles (township practice). The office confirms a change of party
# secretary: a liaison may record and end liaison and head (负责人) roles of their own unit,
# with people of their own unit or a new person, but only propose a secretary or deputy
# secretary to the township staff, never appoint or end one.
OFFICE_CONFIRMED_ROLES = frozenset({"secretary", "deputy_secretary"})
OFFICE_CONFIRMS_MESSAGE = ("书记、副书记的任免由镇党委办公室确认，联络员不能直接任命或结束；"
                           "如需变更，请联系镇里的工作人员提出")

unique_field("uq_member_units_alliance_name", "name", "本联盟已有同名的成员单位")
unique_field("uq_member_units_alliance_uscc", "uscc", "本联盟已有使用该统一社会信用代码的成员单位")
unique_field("uq_people_alliance_mobile", "mobile", "该手机号码已登记在另一位人员名下")
unique_field("uq_unit_roles_current_holder", "role", "该单位已有这一职务的现任人员")


def _date_or_error(data: dict, field: str, errors: Errors) -> date | None:
    """A date field in the shared sane range (core.checks.check_date)."""
    return check_date(data, field, errors)


# --- who may change what (one place, for the pages and the API alike) ----------------------

def unit_fields_for(user) -> frozenset[str]:
    """The unit fields ``user`` may change: all for staff, LIAISON_UNIT_FIELDS for a liaison."""
    return frozenset(UNIT_FIELDS) if user.is_manager else LIAISON_UNIT_FIELDS


def check_role_change(user, unit: MemberUnit, role_code: str | None) -> None:
    """Refuse a role change ``user`` may not make at ``unit`` (RuleViolation, 409 in the API;
    the caller has already answered 403/404 for a unit that is not theirs)."""
    if user is None or user.is_manager:
        return
    if not can_edit_unit_records(unit.id, user):
        raise RuleViolation("无权修改该单位的职务")
    if role_code in OFFICE_CONFIRMED_ROLES:
        raise RuleViolation(OFFICE_CONFIRMS_MESSAGE)


def may_change_role(user, unit: MemberUnit, role_code: str | None) -> bool:
    """Whether ``check_role_change`` lets ``user`` appoint or end ``role_code`` at ``unit``
    (the unit and person pages show the buttons by it)."""
    try:
        check_role_change(user, unit, role_code)
    except RuleViolation:
        return False
    return user is not None and (user.is_manager or can_edit_unit_records(unit.id, user))


def may_edit_person(user) -> bool:
    """Whether ``user`` may edit a person they can see (``update_person``'s rule)."""
    return user.is_manager or (user.is_liaison and liaison_unit_is_live(user))


def person_for_role(user, *, person_id: int | None = None, new_person: dict | None = None,
                    field: str = "person_id", new_fields: dict[str, str] | None = None) -> Person:
    """The person a new role goes to: an existing one ``user`` may see (a liaison: the people
    of their own unit; staff: anyone in the alliance), or a new person created now. The same
    for the role form and the API, so a liaison can never name somebody else's person.
    ``new_fields`` names the new person's fields in errors (default ``person.<field>``)."""
    if person_id is not None and new_person is not None:
        raise FieldErrors({field: ["已有人员与新增人员只能选择一种"]})
    if person_id is not None:
        person = (db.session.scalars(scoped(select(Person), Person, user).where(Person.id == person_id))
                  .first() if isinstance(person_id, int) and not isinstance(person_id, bool) else None)
        if person is None:
            raise FieldErrors({field: ["请选择本单位可选的人员（或新增人员）"]})
        return person
    if not new_person:
        raise FieldErrors({field: ["请选择已有人员，或填写新增人员的姓名"]})
    try:
        return create_person(new_person, alliance_id=user.alliance_id)
    except FieldErrors as exc:
        names = new_fields or {}
        raise type(exc)({names.get(k, f"person.{k}"): v for k, v in exc.fields.items()}) from None


# --- member units --------------------------------------------------------------------------

def validate_unit(data: dict[str, Any], *, alliance_id: int, unit: MemberUnit | None = None) -> dict:
    """Check a whole unit record; raise FieldErrors (422) or DuplicateRecord (409). A name or
    credit code another unit holds is said together with the record's other mistakes (one
    round, issue 13), not only once they are fixed."""
    unit_id = unit.id if unit else None
    try:
        cleaned = clean_unit(data)
    except FieldErrors as exc:
        try:
            _refuse_duplicate_unit(_unit_identity(data, exc.fields), alliance_id=alliance_id, unit_id=unit_id)
        except DuplicateRecord as duplicate:
            raise FieldErrors({**duplicate.fields, **exc.fields}) from None
        raise
    _refuse_duplicate_unit(cleaned, alliance_id=alliance_id, unit_id=unit_id)
    return cleaned


def _unit_identity(data: dict[str, Any], refused: dict) -> dict:
    """The cleaned name and credit code of a refused record, where they are not refused themselves."""
    known: dict[str, Any] = {"name": None, "uscc": None}
    if "name" not in refused:
        clean_texts(data, [spec for spec in UNIT_TEXT_FIELDS if spec[0] == "name"], Errors(), known)
    uscc = data.get("uscc")
    if "uscc" not in refused and isinstance(uscc, str) and uscc.strip():
        try:
            known["uscc"] = validate_uscc(uscc.strip())
        except ValueError:
            pass
    return known


def clean_unit(data: dict[str, Any]) -> dict:
    """The checks of a unit record that need no database (an import runs them on every row and
    checks duplicates in bulk); raise FieldErrors."""
    errors = Errors()
    cleaned: dict[str, Any] = {}
    clean_texts(data, UNIT_TEXT_FIELDS, errors, cleaned)
    cleaned["category"] = check_choice(data, "category", UNIT_CATEGORIES, errors, required=True, label="单位类别")
    cleaned["tier"] = check_choice(data, "tier", UNIT_TIERS, errors, required=False, label="层级")
    cleaned["status"] = check_choice(data, "status", UNIT_STATUSES, errors, required=False, label="状态") or "active"
    uscc = data.get("uscc")
    cleaned["uscc"] = None
    if isinstance(uscc, str) and uscc.strip():
        try:
            cleaned["uscc"] = validate_uscc(uscc.strip())
        except ValueError as exc:
            errors.add("uscc", str(exc))
    elif uscc not in (None, ""):
        errors.add("uscc", "统一社会信用代码应为文本")
    cleaned["joined_on"] = _date_or_error(data, "joined_on", errors)
    cleaned["left_on"] = _date_or_error(data, "left_on", errors)
    if cleaned["joined_on"] and cleaned["left_on"] and cleaned["left_on"] < cleaned["joined_on"]:
        errors.add("left_on", "退出日期不能早于加入日期")
    if cleaned["status"] == "left" and not cleaned["left_on"]:
        errors.add("left_on", "已退出的单位请填写退出日期")
    if cleaned["left_on"] and cleaned["status"] != "left":
        errors.add("status", "填写了退出日期的单位，状态应为“已退出”")
    cleaned["sort_order"] = check_int(data, "sort_order", errors, low=0, high=99999, label="排序号")
    errors.raise_if_any()
    cleaned["name_sort_key"] = pinyin_key(cleaned["name"])
    cleaned["search_key"] = search_key(" ".join(filter(None, (cleaned["name"], cleaned.get("short_name")))))
    return cleaned


def _refuse_duplicate_unit(cleaned: dict, *, alliance_id: int, unit_id: int | None) -> None:
    live = [MemberUnit.alliance_id == alliance_id, MemberUnit.deleted_at.is_(None)]
    if unit_id:
        live.append(MemberUnit.id != unit_id)
    errors = Errors()
    if cleaned.get("name") and db.session.scalar(
            select(MemberUnit.id).where(MemberUnit.name == cleaned["name"], *live)):
        errors.add("name", f"本联盟已有名为“{cleaned['name']}”的成员单位")
    if cleaned.get("uscc") and db.session.scalar(
            select(MemberUnit.id).where(MemberUnit.uscc == cleaned["uscc"], *live)):
        errors.add("uscc", "本联盟已有使用该统一社会信用代码的成员单位")
    if errors:
        raise DuplicateRecord(errors)


def create_unit(data: dict, *, alliance_id: int, is_sample: bool = False) -> MemberUnit:
    """Add a member unit to an alliance."""
    cleaned = validate_unit(data, alliance_id=alliance_id)
    unit = MemberUnit(alliance_id=alliance_id, is_sample=is_sample, **cleaned)
    db.session.add(unit)
    db.session.flush()
    return unit


def update_unit(unit: MemberUnit, data: dict, *, version: int | None, user=None,
                allowed_fields: frozenset[str] | None = None) -> MemberUnit:
    """Change some fields of a unit (``data`` may be partial); other fields are kept.

    Fields outside what ``user`` may change (``unit_fields_for``; e.g. a liaison sending
    ``tier``) are ignored. ``user`` None (CLI, imports) changes any field."""
    if allowed_fields is None:
        allowed_fields = unit_fields_for(user) if user is not None else frozenset(UNIT_FIELDS)
    check_version(unit, version, required=True)
    merged = {field: getattr(unit, field) for field in UNIT_FIELDS}
    merged.update({k: v for k, v in data.items() if k in allowed_fields and k in UNIT_FIELDS})
    cleaned = validate_unit(merged, alliance_id=unit.alliance_id, unit=unit)
    apply_changes(unit, cleaned)
    return unit


def delete_unit(unit: MemberUnit, *, version: int | None = None) -> None:
    soft_delete(unit, version=version)


def restore_unit(unit: MemberUnit, *, version: int | None = None) -> None:
    """Bring a deleted unit back, unless its name or code has since been given to another."""
    _refuse_duplicate_unit({"name": unit.name, "uscc": unit.uscc},
                           alliance_id=unit.alliance_id, unit_id=unit.id)
    restore(unit, version=version)


# --- people --------------------------------------------------------------------------------

def validate_person(data: dict[str, Any], *, alliance_id: int, person: Person | None = None) -> dict:
    """Check a whole person record; raise FieldErrors (422) or DuplicateRecord (409)."""
    cleaned = clean_person(data)
    if cleaned["mobile"]:
        clash = select(Person.id).where(Person.alliance_id == alliance_id, Person.deleted_at.is_(None),
                                        Person.mobile == cleaned["mobile"])
        if person is not None:
            clash = clash.where(Person.id != person.id)
        if db.session.scalar(clash):
            raise DuplicateRecord({"mobile": [MOBILE_TAKEN]})
    return cleaned


MOBILE_TAKEN = "该手机号码已登记在另一位人员名下"


def clean_person(data: dict[str, Any]) -> dict:
    """The checks of a person record that need no database; raise FieldErrors."""
    errors = Errors()
    cleaned: dict[str, Any] = {}
    clean_texts(data, PERSON_TEXT_FIELDS, errors, cleaned)
    mobile = data.get("mobile")
    cleaned["mobile"] = None
    if isinstance(mobile, str) and mobile.strip():
        try:
            cleaned["mobile"] = validate_mobile(mobile)
        except ValueError as exc:
            errors.add("mobile", str(exc))
    elif mobile not in (None, ""):
        errors.add("mobile", "手机号码应为文本")
    email = data.get("email")
    cleaned["email"] = None
    if isinstance(email, str) and email.strip():
        try:
            cleaned["email"] = validate_email(email.strip(), check_deliverability=False).normalized
        except EmailNotValidError:
            errors.add("email", "电子邮箱格式不正确")
        if cleaned["email"] and len(cleaned["email"]) > 120:
            errors.add("email", "电子邮箱不能超过120个字符")
    elif email not in (None, ""):
        errors.add("email", "电子邮箱应为文本")
    flag = data.get("is_party_member", False)
    if not isinstance(flag, bool):
        errors.add("is_party_member", "是否党员应为是或否")
    cleaned["is_party_member"] = flag is True
    errors.raise_if_any()
    cleaned["search_key"] = person_search_key(cleaned["name"])
    cleaned["name_stroke_key"] = stroke_key(cleaned["name"])
    cleaned["name_pinyin_key"] = pinyin_key(cleaned["name"])
    return cleaned


def create_person(data: dict, *, alliance_id: int, is_sample: bool = False) -> Person:
    cleaned = validate_person(data, alliance_id=alliance_id)
    person = Person(alliance_id=alliance_id, is_sample=is_sample, **cleaned)
    db.session.add(person)
    db.session.flush()
    return person


def update_person(person: Person, data: dict, *, version: int | None, user=None) -> Person:
    """Change a person. ``user``: a liaison may change the people of their own unit (the caller
    loaded ``person`` through their scope) while the unit is in the register."""
    if user is not None and not may_edit_person(user):
        raise RuleViolation("无权修改人员信息")
    check_version(person, version, required=True)
    merged = {field: getattr(person, field) for field in PERSON_FIELDS}
    merged.update({k: v for k, v in data.items() if k in PERSON_FIELDS})
    apply_changes(person, validate_person(merged, alliance_id=person.alliance_id, person=person))
    return person


def delete_person(person: Person, *, version: int | None = None) -> None:
    if any(role.is_current for role in person.roles):
        raise RuleViolation("该人员仍有在任职务，请先结束其职务再删除")
    soft_delete(person, version=version)


def restore_person(person: Person, *, version: int | None = None) -> None:
    if person.mobile and db.session.scalar(select(Person.id).where(
            Person.alliance_id == person.alliance_id, Person.deleted_at.is_(None),
            Person.mobile == person.mobile, Person.id != person.id)):
        raise RuleViolation("该手机号码已登记在另一位人员名下，无法恢复")
    restore(person, version=version)


# --- unit roles ----------------------------------------------------------------------------

def _validate_role_dates(data: dict, errors: Errors) -> tuple[date | None, date | None]:
    started = _date_or_error(data, "started_on", errors)
    if started is None and "started_on" not in errors:
        errors.add("started_on", "请填写任职开始日期")
    ended = _date_or_error(data, "ended_on", errors)
    if started and ended and ended < started:
        errors.add("ended_on", "结束日期不能早于开始日期")
    return started, ended


def assign_role(unit: MemberUnit, person: Person, data: dict, *, user=None) -> UnitRole:
    """Give ``person`` a role at ``unit``. For a single-holder role (书记, 联络员, 负责人) the
    current holder's term ends the day the new one starts: history is kept, not overwritten.

    ``user`` (None: the CLI, the demo loader) is who asks: a liaison may not appoint a
    secretary or deputy secretary (``check_role_change``)."""
    errors = Errors()
    role_code, started, ended, cleaned = _checked_role_fields(unit, data, errors, user)
    if person.alliance_id != unit.alliance_id or person.deleted_at is not None:
        errors.add("person_id", "请选择本联盟的人员")
    errors.raise_if_any()
    current = db.session.scalars(select(UnitRole).where(
        UnitRole.unit_id == unit.id, UnitRole.role == role_code,
        UnitRole.ended_on.is_(None), UnitRole.deleted_at.is_(None))).all()
    if ended is None and any(r.person_id == person.id for r in current):
        raise DuplicateRecord({"person_id": [f"{person.name}已是该单位的{UNIT_ROLES.label(role_code)}"]})
    if ended is None and role_code in SINGLE_HOLDER_ROLES:
        for previous in current:
            if previous.started_on > started:
                raise FieldErrors({"started_on": [_later_than_holder(role_code, previous.started_on)]})
            previous.ended_on = started
    role = UnitRole(alliance_id=unit.alliance_id, unit=unit, person=person, role=role_code,
                    started_on=started, ended_on=ended, **cleaned)
    db.session.add(role)
    db.session.flush()
    return role


def _checked_role_fields(unit: MemberUnit, data: dict, errors: Errors, user) -> tuple:
    role_code = check_choice(data, "role", UNIT_ROLES, errors, required=True, label="职务")
    check_role_change(user, unit, role_code)
    started, ended = _validate_role_dates(data, errors)
    cleaned: dict[str, Any] = {}
    clean_texts(data, (("title", 100, False, "职务全称"), ("note", 200, False, "备注")), errors, cleaned)
    return role_code, started, ended, cleaned


def role_field_errors(unit: MemberUnit, data: dict, *, user=None) -> dict[str, list[str]]:
    """What ``assign_role`` would say of ``data`` whatever the person: the role form shows it
    with a missing person's message, so every error comes in one round (issue 13 item 3)."""
    errors = Errors()
    role_code, started, ended, _ = _checked_role_fields(unit, data, errors, user)
    if not errors and ended is None and role_code in SINGLE_HOLDER_ROLES:
        holders = db.session.scalars(select(UnitRole.started_on).where(
            UnitRole.unit_id == unit.id, UnitRole.role == role_code,
            UnitRole.ended_on.is_(None), UnitRole.deleted_at.is_(None))).all()
        if any(previous > started for previous in holders):
            errors.add("started_on", _later_than_holder(role_code, max(holders)))
    return dict(errors)


def _later_than_holder(role_code: str, started_on: date) -> str:
    return f"开始日期不能早于现任{UNIT_ROLES.label(role_code)}的任职日期（{started_on.isoformat()}）"


def update_role(role: UnitRole, data: dict, *, version: int | None, user=None) -> UnitRole:
    """Correct a role's dates, title or note (ending a term is setting ``ended_on``).

    Setting ``ended_on`` back to empty makes the term current again: refused (409) while the
    role has another current holder (the partial unique index stands behind this check)."""
    check_role_change(user, role.unit, role.role)
    check_version(role, version, required=True)
    merged = {field: getattr(role, field) for field in ROLE_FIELDS}
    merged.update({k: v for k, v in data.items() if k in merged})
    errors = Errors()
    started, ended = _validate_role_dates(merged, errors)
    cleaned: dict[str, Any] = {"started_on": started, "ended_on": ended}
    clean_texts(merged, (("title", 100, False, "职务全称"), ("note", 200, False, "备注")), errors, cleaned)
    errors.raise_if_any()
    if ended is None and role.ended_on is not None:
        _refuse_second_holder(role)
    apply_changes(role, cleaned)
    return role


def _refuse_second_holder(role: UnitRole) -> None:
    """A single-holder role may become current again only while nobody else holds it."""
    if role.role not in SINGLE_HOLDER_ROLES:
        return
    holder = db.session.scalar(select(UnitRole).where(
        UnitRole.unit_id == role.unit_id, UnitRole.role == role.role, UnitRole.id != role.id,
        *UnitRole.roles_current_criteria()))
    if holder is not None:
        raise DuplicateRecord({"ended_on": [
            f"该单位已有现任{UNIT_ROLES.label(role.role)}，请先结束其任职"]})


def delete_role(role: UnitRole, *, version: int | None = None, user=None) -> None:
    check_role_change(user, role.unit, role.role)
    soft_delete(role, version=version)


def restore_role(role: UnitRole, *, version: int | None = None, user=None) -> None:
    check_role_change(user, role.unit, role.role)
    if role.ended_on is None:
        _refuse_second_holder(role)
    restore(role, version=version)

"""Importing the register from the office's spreadsheets: member units, and people with roles.

Each kind turns the rows of a :class:`~alliance.core.imports.Table` into a :class:`Plan`: every
row with what it would do (new, changed with before/after, unchanged, refused with the problems
at their cells), checked with the register's own rules (``clean_unit``/``clean_person``) and with
duplicates looked up in bulk, so a preview of 20,000 rows is a handful of queries. ``commit_plan``
writes a plan without errors in the caller's transaction; the audit hook writes one entry per
record (the caller sets the ``import`` source and the file's name and hash).

Empty cells keep what the register has ("留空表示不修改"): a sheet with only some columns
changes only those.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select

from alliance.core.choices import Choices
from alliance.core.errors import FieldErrors
from alliance.core.import_runner import ImportKind
from alliance.core.imports import Column, RowError, Table, map_columns, row_values
from alliance.extensions import db
from alliance.members import services
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

YES, NO = ("是", "true", "1", "y", "yes", "党员"), ("否", "false", "0", "n", "no", "")
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")

UNIT_COLUMNS = (
    Column("单位名称", "name", required=True, aliases=("名称", "成员单位"), help="必填，本联盟内唯一"),
    Column("简称", "short_name"),
    Column("统一社会信用代码", "uscc", aliases=("信用代码",), help="18位；部队等无代码的单位留空"),
    Column("类别", "category", required=True, aliases=("单位类别",), choices=tuple(UNIT_CATEGORIES.labels)),
    Column("层级", "tier", choices=tuple(UNIT_TIERS.labels)),
    Column("状态", "status", choices=tuple(UNIT_STATUSES.labels), help="留空为在册"),
    Column("加入日期", "joined_on", help="如 2021-01-21"),
    Column("退出日期", "left_on"),
    Column("排序号", "sort_order", help="整数，越小越靠前"),
    Column("地址", "address"),
    Column("联系电话", "phone"),
    Column("网格", "grid"),
    Column("简介", "description"),
)
PEOPLE_COLUMNS = (
    Column("姓名", "name", required=True),
    Column("手机", "mobile", aliases=("手机号", "手机号码"), help="11位手机号；用于识别已登记的人员"),
    Column("邮箱", "email", aliases=("电子邮箱",)),
    Column("职务", "title", help="如 党委书记、行长"),
    Column("党员", "is_party_member", aliases=("是否党员",), choices=("是", "否")),
    Column("所在单位", "unit", aliases=("单位", "单位名称"), help="名册中已有的成员单位全称"),
    Column("职务类别", "role", choices=tuple(UNIT_ROLES.labels),
           help="填写后在所在单位任命该职务"),
    Column("任职日期", "started_on", help="留空为导入当天"),
    Column("备注", "notes"),
)


@dataclass
class PlannedRow:
    row: int
    action: str  # new, changed, unchanged, refused
    label: str
    values: dict[str, Any] = field(default_factory=dict)
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    record: Any = None
    role: dict[str, Any] | None = None  # people: the role to appoint


@dataclass
class Plan:
    kind: str
    table: Table
    rows: list[PlannedRow]
    column_headers: dict[str, str]  # field -> header as in the file

    @property
    def errors(self) -> list[RowError]:
        return [e for r in self.rows for e in r.errors]

    def counts(self) -> dict[str, int]:
        tally = Counter(r.action for r in self.rows)
        return {"total": len(self.rows), "created": tally["new"], "updated": tally["changed"],
                "unchanged": tally["unchanged"], "refused": tally["refused"]}


def _choice(value: str, choices: Choices, label: str) -> str:
    for code, text in choices.items():
        if value in (code, text):
            return code
    raise ValueError(f"{label}“{value[:20]}”不是有效选项，可选：{'、'.join(t for _, t in choices.items())}")


def _date(value: str) -> date:
    match = _DATE.match(value.strip())
    if not match:
        raise ValueError(f"日期“{value[:20]}”格式不正确，应如 2021-01-21")
    try:
        return date(*map(int, match.groups()))
    except ValueError:
        raise ValueError(f"日期“{value[:20]}”不存在") from None


def _int(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"“{value[:20]}”不是整数") from None


def _flag(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in YES:
        return True
    if lowered in NO:
        return False
    raise ValueError("请填写“是”或“否”")


UNIT_PARSERS = {
    "category": lambda v: _choice(v, UNIT_CATEGORIES, "类别"),
    "tier": lambda v: _choice(v, UNIT_TIERS, "层级"),
    "status": lambda v: _choice(v, UNIT_STATUSES, "状态"),
    "joined_on": _date, "left_on": _date, "sort_order": _int,
}
PEOPLE_PARSERS = {
    "is_party_member": _flag,
    "role": lambda v: _choice(v, UNIT_ROLES, "职务类别"),
    "started_on": _date,
}


def _parse(number: int, values: dict[str, str], parsers: dict, headers: dict[str, str],
           errors: list[RowError]) -> dict[str, Any]:
    parsed: dict[str, Any] = {}
    for name, text in values.items():
        if not text:
            continue
        try:
            parsed[name] = parsers[name](text) if name in parsers else text
        except ValueError as exc:
            errors.append(RowError(number, headers.get(name, name), name, str(exc)))
    return parsed


def _field_errors(number: int, exc: FieldErrors, headers: dict[str, str]) -> list[RowError]:
    return [RowError(number, headers.get(name, name), name, message)
            for name, messages in exc.fields.items() for message in messages]


def _headers(mapping) -> dict[str, str]:
    return {column.field: column.header for column in mapping.values()}


def _diff(record, cleaned: dict, given: set[str]) -> dict[str, tuple[Any, Any]]:
    return {name: (getattr(record, name), value) for name, value in cleaned.items()
            if name in given and getattr(record, name) != value}


# --- member units --------------------------------------------------------------------------

def plan_units(table: Table, *, alliance_id: int) -> Plan:
    mapping = map_columns(table.headers, UNIT_COLUMNS)
    headers = _headers(mapping)
    live = db.session.scalars(select(MemberUnit).where(
        MemberUnit.alliance_id == alliance_id, MemberUnit.deleted_at.is_(None))).all()
    by_uscc = {u.uscc: u for u in live if u.uscc}
    by_name = {u.name: u for u in live}
    seen_names: dict[str, int] = {}
    seen_codes: dict[str, int] = {}
    rows = []
    for number, cells in table.rows:
        errors: list[RowError] = []
        parsed = _parse(number, row_values(cells, mapping), UNIT_PARSERS, headers, errors)
        name = parsed.get("name", "")
        existing = by_uscc.get(parsed.get("uscc", "").upper().replace(" ", "")) if parsed.get("uscc") else None
        existing = existing or by_name.get(name)
        merged = {f: getattr(existing, f) for f in services.UNIT_FIELDS} if existing else {}
        merged.update(parsed)
        cleaned: dict[str, Any] = {}
        if not errors:
            try:
                cleaned = services.clean_unit(merged)
            except FieldErrors as exc:
                errors += _field_errors(number, exc, headers)
        if cleaned:
            for key, seen, label in (("name", seen_names, "单位名称"), ("uscc", seen_codes, "统一社会信用代码")):
                value = cleaned.get(key)
                if value and value in seen:
                    errors.append(RowError(number, headers.get(key, label), key,
                                           f"与第 {seen[value]} 行的{label}重复"))
                elif value:
                    seen[value] = number
            clash = by_name.get(cleaned.get("name"))
            if clash is not None and clash is not existing:
                errors.append(RowError(number, headers["name"], "name",
                                       f"本联盟已有名为“{cleaned['name']}”的成员单位（统一社会信用代码不同）"))
            clash = by_uscc.get(cleaned.get("uscc")) if cleaned.get("uscc") else None
            if clash is not None and clash is not existing:
                errors.append(RowError(number, headers.get("uscc", "统一社会信用代码"), "uscc",
                                       f"该统一社会信用代码已属于“{clash.name}”"))
        planned = PlannedRow(number, "refused" if errors else "new", name or f"第 {number} 行",
                             values=cleaned, errors=errors, record=existing)
        if not errors and existing is not None:
            planned.changes = _diff(existing, cleaned, set(parsed))
            planned.action = "changed" if planned.changes else "unchanged"
        rows.append(planned)
    return Plan("units", table, rows, headers)


def commit_units(plan: Plan, *, alliance_id: int, update_existing: bool = True) -> dict[str, int]:
    """Write a plan without errors; returns the counts of what was written."""
    _refuse_if_errors(plan)
    for row in plan.rows:
        if row.action == "new":
            db.session.add(MemberUnit(alliance_id=alliance_id, **row.values))
        elif row.action == "changed" and update_existing:
            for name, (_before, after) in row.changes.items():
                setattr(row.record, name, after)
            _derive_keys(row, ("name_sort_key", "search_key"))
    db.session.flush()
    return _written(plan, update_existing)


# --- people and their roles ----------------------------------------------------------------

def plan_people(table: Table, *, alliance_id: int, today: date | None = None) -> Plan:
    mapping = map_columns(table.headers, PEOPLE_COLUMNS)
    headers = _headers(mapping)
    today = today or date.today()
    people = db.session.scalars(select(Person).where(
        Person.alliance_id == alliance_id, Person.deleted_at.is_(None))).all()
    units = {u.name: u for u in db.session.scalars(select(MemberUnit).where(
        MemberUnit.alliance_id == alliance_id, MemberUnit.deleted_at.is_(None)))}
    current_roles = db.session.execute(select(UnitRole.unit_id, UnitRole.person_id, UnitRole.role).where(
        UnitRole.alliance_id == alliance_id, UnitRole.ended_on.is_(None), UnitRole.deleted_at.is_(None))).all()
    holds = {(r.unit_id, r.person_id, r.role) for r in current_roles}
    at_unit = {(r.unit_id, r.person_id) for r in current_roles}
    by_mobile = {p.mobile: p for p in people if p.mobile}
    by_name: dict[str, list[Person]] = {}
    for person in people:
        by_name.setdefault(person.name, []).append(person)
    seen_mobiles: dict[str, int] = {}
    seen_keys: dict[tuple, int] = {}
    single_holders: dict[tuple, int] = {}
    rows = []
    for number, cells in table.rows:
        errors: list[RowError] = []
        parsed = _parse(number, row_values(cells, mapping), PEOPLE_PARSERS, headers, errors)
        for masked in ("mobile", "email"):  # as an export shows them: keep what is registered
            if "*" in parsed.get(masked, ""):
                parsed.pop(masked)
        unit_name, role_code = parsed.pop("unit", None), parsed.pop("role", None)
        started_on = parsed.pop("started_on", None)
        unit = units.get(unit_name) if unit_name else None
        if unit_name and unit is None:
            errors.append(RowError(number, headers["unit"], "unit", f"名册中没有成员单位“{unit_name[:50]}”"))
        if role_code and not unit_name:
            errors.append(RowError(number, headers["role"], "role", "填写了职务类别，请同时填写所在单位"))
        existing = _match_person(parsed, unit, by_mobile, by_name, at_unit)
        merged = {f: getattr(existing, f) for f in services.PERSON_FIELDS} if existing else {}
        merged.update(parsed)
        cleaned: dict[str, Any] = {}
        if not errors:
            try:
                cleaned = services.clean_person(merged)
            except FieldErrors as exc:
                errors += _field_errors(number, exc, headers)
        if cleaned:
            mobile = cleaned.get("mobile")
            if mobile and mobile in seen_mobiles:
                errors.append(RowError(number, headers["mobile"], "mobile",
                                       f"与第 {seen_mobiles[mobile]} 行的手机号码重复"))
            elif mobile:
                seen_mobiles[mobile] = number
                clash = by_mobile.get(mobile)
                if clash is not None and clash is not existing:
                    errors.append(RowError(number, headers["mobile"], "mobile", services.MOBILE_TAKEN))
            key = (cleaned["name"], unit_name or "", mobile or "")
            if not mobile and key in seen_keys:
                errors.append(RowError(number, headers["name"], "name",
                                       f"与第 {seen_keys[key]} 行是同一单位的同名人员，请填写手机号码区分"))
            seen_keys.setdefault(key, number)
        role = None
        if (unit is not None and role_code and not errors
                and (existing is None or (unit.id, existing.id, role_code) not in holds)):
            role = {"unit": unit, "role": role_code, "started_on": started_on or today,
                    "title": cleaned.get("title")}
            if role_code in SINGLE_HOLDER_ROLES:
                slot = (unit.id, role_code)
                if slot in single_holders:
                    errors.append(RowError(number, headers["role"], "role",
                                           f"与第 {single_holders[slot]} 行任命同一单位的"
                                           f"{UNIT_ROLES.label(role_code)}"))
                single_holders[slot] = number
        planned = PlannedRow(number, "refused" if errors else "new", cleaned.get("name") or parsed.get("name")
                             or f"第 {number} 行", values=cleaned, errors=errors, record=existing,
                             role=None if errors else role)
        if not errors and existing is not None:
            planned.changes = _diff(existing, cleaned, set(parsed))
            planned.action = "changed" if planned.changes or role else "unchanged"
        if role and not errors:
            planned.changes["role"] = (None, f"{unit.name} {UNIT_ROLES.label(role_code)}")
        rows.append(planned)
    return Plan("people", table, rows, headers)


def _match_person(parsed: dict, unit, by_mobile, by_name, at_unit) -> Person | None:
    """Same mobile; else the person of that name who holds a role at the named unit; else the
    only person of that name without a mobile."""
    if parsed.get("mobile"):
        return by_mobile.get(parsed["mobile"].strip())
    namesakes = by_name.get(parsed.get("name", ""), [])
    if unit is not None:
        at = [p for p in namesakes if (unit.id, p.id) in at_unit]
        if len(at) == 1:
            return at[0]
    without_mobile = [p for p in namesakes if not p.mobile]
    return without_mobile[0] if len(namesakes) == 1 and without_mobile else None


def commit_people(plan: Plan, *, alliance_id: int, update_existing: bool = True) -> dict[str, int]:
    """Write a plan without errors: people first, then the roles (ending the previous holder's
    term of a single-holder role the day the new one starts, as ``assign_role`` does)."""
    _refuse_if_errors(plan)
    appointments = []
    for row in plan.rows:
        if row.action == "new":
            row.record = Person(alliance_id=alliance_id, **row.values)
            db.session.add(row.record)
        elif row.action == "changed" and update_existing:
            for name, (_before, after) in row.changes.items():
                if name != "role":
                    setattr(row.record, name, after)
            _derive_keys(row, ("name_stroke_key", "name_pinyin_key", "search_key"))
        else:
            continue
        if row.role:
            appointments.append((row.record, row.role))
    db.session.flush()
    slots = {(r["unit"].id, r["role"]) for _p, r in appointments if r["role"] in SINGLE_HOLDER_ROLES}
    if slots:
        starts = {(r["unit"].id, r["role"]): r["started_on"] for _p, r in appointments}
        for previous in db.session.scalars(select(UnitRole).where(
                UnitRole.alliance_id == alliance_id, UnitRole.ended_on.is_(None),
                UnitRole.deleted_at.is_(None), UnitRole.role.in_({s[1] for s in slots}),
                UnitRole.unit_id.in_({s[0] for s in slots}))):
            start = starts.get((previous.unit_id, previous.role))
            if (previous.unit_id, previous.role) in slots and start is not None:
                if previous.started_on > start:
                    raise FieldErrors({"started_on": [
                        f"{previous.unit.name}：任职日期不能早于现任{UNIT_ROLES.label(previous.role)}的任职日期"]})
                previous.ended_on = start
        db.session.flush()  # end the old terms before the new ones exist
    for person, role in appointments:
        db.session.add(UnitRole(alliance_id=alliance_id, unit=role["unit"], person=person, role=role["role"],
                                started_on=role["started_on"], title=role.get("title")))
    db.session.flush()
    return _written(plan, update_existing)


def _derive_keys(row: PlannedRow, keys: tuple[str, ...]) -> None:
    """Sort and search keys follow the name (the import's changes list only what a person sees)."""
    for key in keys:
        if getattr(row.record, key) != row.values[key]:
            setattr(row.record, key, row.values[key])


def _refuse_if_errors(plan: Plan) -> None:
    if plan.errors:
        raise FieldErrors({"file": [f"文件中有 {len(plan.errors)} 处问题，未导入任何记录"]})


def _written(plan: Plan, update_existing: bool) -> dict[str, int]:
    counts = plan.counts()
    if not update_existing:
        counts["unchanged"] += counts["updated"]
        counts["updated"] = 0
    return counts


UNITS = ImportKind(
    "units", "成员单位", UNIT_COLUMNS, plan_units, commit_units,
    example=("上海力波展示中心（示例）", "力波", "91110000600037341L", "企业", "成员单位", "在册",
             "2021-01-21", "1", "梅陇镇……路", "021-00000000", ""),
    instructions=("每行一个成员单位；已登记的单位（统一社会信用代码相同，或名称相同）按修改处理。",
                  "留空的单元格表示不修改名册中的该项。",),
)
PEOPLE = ImportKind(
    "people", "人员", PEOPLE_COLUMNS, plan_people, commit_people,
    example=("张三（示例）", "13800138000", "", "党委书记", "是", "复旦大学附属儿科医院", "书记",
             "2021-01-21"),
    instructions=("每行一位人员；手机号码相同的人员视为已登记，按修改处理；没有手机号码时按“姓名 + 所在单位”识别。",
                  "填写“所在单位”和“职务类别”即在该单位任命此职务；书记、联络员、负责人每个单位只有一位现任，"
                  "新任命会结束原任的任期。", "留空的单元格表示不修改名册中的该项。",),
)

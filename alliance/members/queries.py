"""Queries the register's pages, the API and exports share. Each returns a ``select()`` or
runs a bounded number of queries, whatever the number of rows."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from alliance.audit.models import AuditEntry
from alliance.core.permissions import scoped, visible
from alliance.core.search import contains, every_word, in_rows, pinyin_letters
from alliance.core.statements import derived, reuse, user_key
from alliance.extensions import db
from alliance.members.models import UNIT_CATEGORIES, UNIT_ROLES, MemberUnit, Person, UnitRole

UNIT_SORTS = {
    "order": "排序号",
    "name": "名称拼音",  # name_sort_key: the pinyin of the name
    "joined": "加入日期（新→旧）",
}
# Two orders a person understands. "姓名" sorted by code point (an order nobody reads) is gone;
# ``sort=name`` in old links and API calls is the pinyin order (issue 13 item 4).
PEOPLE_SORTS = {
    "strokes": "姓氏笔画",
    "pinyin": "姓名拼音",
}
PEOPLE_SORT_ALIASES = {"name": "pinyin"}


def people_sort(value: str | None) -> str:
    """The people list's order for a ``sort=`` value: a known one, an alias's, else 姓氏笔画."""
    value = PEOPLE_SORT_ALIASES.get(value or "", value)
    return value if value in PEOPLE_SORTS else "strokes"


@dataclass
class UnitFilters:
    q: str | None = None
    category: str | None = None
    tier: str | None = None
    status: str | None = None
    sort: str = "order"
    deleted: bool = False  # show the deleted ones instead (staff only)
    extra: dict = field(default_factory=dict)
    joined_year: int | None = None  # joined in that year (the annual report's links)
    member_year: int | None = None  # a member at that year's end: joined by then, not left


def _pinyin_match(model, word: str) -> tuple:
    """Letters also match the pinyin and its initials (``zx`` or ``zhangxuan`` finds 张轩)."""
    letters = pinyin_letters(word)
    return (contains(model.search_key, letters),) if letters else ()


def _unit_word(word: str) -> ColumnElement[bool]:
    """One word of a unit search: in the name, short name or credit code, or the pinyin."""
    return or_(contains(MemberUnit.name, word), contains(MemberUnit.short_name, word),
               contains(MemberUnit.uscc, word.upper()), *_pinyin_match(MemberUnit, word))


# A unit's name is searched for words of two characters or more: one character is a surname
# (张), and every role holder at a unit whose name holds it (张江…) would flood the list.
UNIT_WORD_MIN = 2


def _holders_at_units_named(word: str, user) -> Select:
    """The people with a current role the user may see at a live unit whose name or short name
    holds ``word``: an uncorrelated subquery, run once a statement. The units are matched first
    and their roles read by ``unit_id`` (joining every role to its unit was four times slower)."""
    units = select(MemberUnit.id).where(visible(MemberUnit, user), or_(
        contains(MemberUnit.name, word), contains(MemberUnit.short_name, word)))
    return select(UnitRole.person_id).where(UnitRole.unit_id.in_(units), *UnitRole.roles_current_criteria(),
                                            visible(UnitRole, user))


def _person_word(word: str, user) -> ColumnElement[bool]:
    """One word of a people search: name, title, mobile, pinyin, or a unit they hold a role at."""
    # A whole mobile number is looked up as it is (the unique index); a part of one by
    # trigrams, which for digits every mobile shares (138…) match thousands of rows.
    # Four digits or more are (a part of) a mobile: names, titles and units are not searched for them.
    if word.isdigit() and len(word) >= 4:
        return Person.mobile == word if len(word) == 11 else contains(Person.mobile, word)
    by_unit = (in_rows(Person.id, _holders_at_units_named(word, user)),) if len(word) >= UNIT_WORD_MIN else ()
    return or_(contains(Person.name, word), contains(Person.title, word), contains(Person.mobile, word),
               *_pinyin_match(Person, word), *by_unit)


def current_roles_option():
    """Eager-load each unit's current role holders (for the list's 书记/联络员 columns)."""
    live = UnitRole.roles_current_criteria()
    return selectinload(MemberUnit.roles.and_(*live)).selectinload(UnitRole.person)


def unit_list_query(user, filters: UnitFilters, *, with_roles: bool = True) -> Select:
    """The units ``user`` may see; ``with_roles`` eager-loads the current 书记/联络员 (the list
    page shows them; the API's unit does not, and would pay for two queries and ~150 objects).
    Built once per account and filters and reused (``core.statements``)."""
    if filters.extra:
        return _unit_list_query(user, filters, with_roles)
    key = ("units", user_key(user), filters.q, filters.category, filters.tier, filters.status,
           filters.sort, filters.deleted, with_roles, filters.joined_year, filters.member_year)
    return reuse(key, lambda: _unit_list_query(user, filters, with_roles))


def _unit_list_query(user, filters: UnitFilters, with_roles: bool) -> Select:
    stmt = scoped(select(MemberUnit), MemberUnit, user, include_deleted=filters.deleted)
    if filters.deleted:
        stmt = stmt.where(MemberUnit.deleted_at.is_not(None))
    words = every_word(filters.q, _unit_word, max_length=100)
    if words is not None:  # every word matches somewhere (复旦 儿科)
        stmt = stmt.where(words)
    if filters.category:
        stmt = stmt.where(MemberUnit.category == filters.category)
    if filters.tier:
        stmt = stmt.where(MemberUnit.tier == filters.tier)
    if filters.status:
        stmt = stmt.where(MemberUnit.status == filters.status)
    if filters.joined_year:
        stmt = stmt.where(MemberUnit.joined_on.between(date(filters.joined_year, 1, 1),
                                                       date(filters.joined_year, 12, 31)))
    if filters.member_year:
        end = date(filters.member_year, 12, 31)
        stmt = stmt.where(MemberUnit.joined_on <= end, or_(MemberUnit.left_on.is_(None), MemberUnit.left_on > end))
    order: tuple[Any, ...]
    if filters.sort == "name":
        order = (MemberUnit.name_sort_key, MemberUnit.id)
    elif filters.sort == "joined":
        order = (MemberUnit.joined_on.is_(None), MemberUnit.joined_on.desc(), MemberUnit.id)
    else:  # the configured sequence (排序号) first, then by name
        order = (MemberUnit.sort_order.is_(None), MemberUnit.sort_order,
                 MemberUnit.name_sort_key, MemberUnit.id)
    stmt = stmt.order_by(*order)
    return stmt.options(current_roles_option()) if with_roles else stmt


def unit_rows_query(user, filters: UnitFilters) -> Select:
    """The unit list page's rows: only the columns it shows (50 units as ORM objects of 22
    columns were a fifth of the page; issue 7)."""
    stmt = unit_list_query(user, filters, with_roles=False)
    return derived(stmt, "list-rows", lambda: stmt.with_only_columns(
        MemberUnit.id, MemberUnit.sort_order, MemberUnit.name, MemberUnit.is_sample,
        MemberUnit.category, MemberUnit.tier, MemberUnit.joined_on, MemberUnit.status,
        MemberUnit.version))


def people_rows_query(user, *, q: str | None = None, sort: str = "strokes", deleted: bool = False) -> Select:
    """The people list page's rows: only the columns it shows."""
    stmt = people_list_query(user, q=q, sort=sort, deleted=deleted, with_roles=False)
    return derived(stmt, "list-rows", lambda: stmt.with_only_columns(
        Person.id, Person.name, Person.is_sample, Person.title, Person.mobile, Person.is_party_member,
        Person.version))


def people_list_query(user, *, q: str | None = None, sort: str = "strokes",
                      deleted: bool = False, with_roles: bool = True) -> Select:
    """The people ``user`` may see; ``with_roles`` eager-loads their current roles and units
    (the columns the list shows), which the API's person does not carry. Built once per
    account and arguments and reused (``core.statements``)."""
    sort = people_sort(sort)
    return reuse(("people", user_key(user), q, sort, deleted, with_roles),
                 lambda: _people_list_query(user, q, sort, deleted, with_roles))


def _people_list_query(user, q: str | None, sort: str, deleted: bool, with_roles: bool) -> Select:
    stmt = scoped(select(Person), Person, user, include_deleted=deleted)
    if deleted:
        stmt = stmt.where(Person.deleted_at.is_not(None))
    words = every_word(q, lambda word: _person_word(word, user), max_length=50)
    if words is not None:  # every word matches somewhere (复旦 儿科, 张 联络员)
        stmt = stmt.where(words)
    if sort == "pinyin":
        order = (Person.name_pinyin_key, Person.id)
    else:
        order = (Person.name_stroke_key, Person.id)
    stmt = stmt.order_by(*order)
    if not with_roles:
        return stmt
    live = UnitRole.roles_current_criteria()
    # Only the roles the user may see: a liaison sees a person's role at their unit, not others.
    return stmt.options(
        selectinload(Person.roles.and_(*live, visible(UnitRole, user))).selectinload(UnitRole.unit))


# --- the role columns of the lists, as plain rows ------------------------------------------
# A list page shows a name or two per row from related tables. Eager-loading them as ORM
# objects (a unit's current UnitRoles and their Persons: ~200 objects a page) cost ~4.5 ms of a
# 7 ms unit list; one query of the few columns shown, keyed by row id, costs ~0.3 ms (issue 7).

def role_holders(unit_ids: Sequence[int]) -> dict[int, dict[str, list[str]]]:
    """``{unit_id: {role: [person names]}}`` of the current role holders of these units."""
    holders: dict[int, dict[str, list[str]]] = {}
    if unit_ids:
        # Built once, read as plain rows off the request's connection (the ORM's result
        # machinery was two thirds of this query's cost on a page of 50 units).
        for unit_id, role, name in db.session.connection().execute(
                reuse("unit-role-holders", _role_holders_statement), {"ids": list(unit_ids)}):
            holders.setdefault(unit_id, {}).setdefault(role, []).append(name)
    return holders


def _role_holders_statement() -> Select:
    return (select(UnitRole.unit_id, UnitRole.role, Person.name)
            .join(Person, Person.id == UnitRole.person_id)
            .where(UnitRole.unit_id.in_(bindparam("ids", expanding=True)), *UnitRole.roles_current_criteria())
            .order_by(UnitRole.started_on, UnitRole.id))


def current_posts(person_ids: Sequence[int], user) -> dict[int, list[tuple[str, str]]]:
    """``{person_id: [(unit name, role label)]}`` of these people's current roles, only those
    the user may see (a liaison: at their own unit)."""
    posts: dict[int, list[tuple[str, str]]] = {}
    if person_ids:
        statement = reuse(("current-posts", user_key(user)), lambda: (
            select(UnitRole.person_id, MemberUnit.name, UnitRole.role)
            .join(MemberUnit, MemberUnit.id == UnitRole.unit_id)
            .where(UnitRole.person_id.in_(bindparam("ids", expanding=True)),
                   *UnitRole.roles_current_criteria(), visible(UnitRole, user))
            .order_by(UnitRole.id)))
        for person_id, unit_name, role in db.session.connection().execute(statement, {"ids": list(person_ids)}):
            posts.setdefault(person_id, []).append((unit_name, UNIT_ROLES.label(role)))
    return posts


def person_roles(person: Person, user) -> list[UnitRole]:
    """The person's roles (current first, then by start) that the user may see."""
    return list(db.session.scalars(
        scoped(select(UnitRole), UnitRole, user).where(UnitRole.person_id == person.id)
        .options(selectinload(UnitRole.unit)).order_by(UnitRole.started_on.desc())))


@dataclass
class UnitPage:
    unit: MemberUnit
    current_roles: list[UnitRole]
    past_roles: list[UnitRole]
    history: Sequence[AuditEntry]
    activities: Sequence[Any]
    activity_counts: list[tuple[int, int]]


def unit_page(unit: MemberUnit, *, history_limit: int = 20, activity_limit: int = 10) -> UnitPage:
    """Everything the unit page shows, in five queries."""
    from alliance.activities.queries import activity_counts_by_year, recent_activity_rows

    roles = db.session.scalars(reuse("unit-page-roles", lambda: (
        select(UnitRole).where(UnitRole.unit_id == bindparam("unit_id"), UnitRole.deleted_at.is_(None))
        .options(joinedload(UnitRole.person, innerjoin=True))  # one query, not two
        .order_by(UnitRole.ended_on.is_not(None), UnitRole.started_on.desc(), UnitRole.id))),
        {"unit_id": unit.id}).unique().all()
    role_ids = [r.id for r in roles]
    history = db.session.scalars(reuse(("unit-page-history", history_limit), lambda: (
        select(AuditEntry).where(or_(
            (AuditEntry.record_type == "MemberUnit") & (AuditEntry.record_id == bindparam("unit_id")),
            (AuditEntry.record_type == "UnitRole")
            & AuditEntry.record_id.in_(bindparam("role_ids", expanding=True)),
        )).order_by(AuditEntry.occurred_at.desc(), AuditEntry.id.desc()).limit(history_limit))),
        {"unit_id": unit.id, "role_ids": role_ids or [-1]}).all()
    return UnitPage(
        unit=unit,
        current_roles=[r for r in roles if r.ended_on is None],
        past_roles=[r for r in roles if r.ended_on is not None],
        history=history,
        activities=recent_activity_rows(unit.id, activity_limit),
        activity_counts=activity_counts_by_year(unit.id),
    )


def unit_choices(user) -> list[tuple[int, str]]:
    """(id, name) of the live units ``user`` may see (a liaison: their own), for select boxes."""
    rows = db.session.execute(scoped(
        select(MemberUnit.id, MemberUnit.name), MemberUnit, user)
        .order_by(MemberUnit.sort_order.is_(None), MemberUnit.sort_order, MemberUnit.name_sort_key)
    ).all()
    return [(row.id, row.name) for row in rows]


# A select box of every unit is right for Meilong's 39 and useless (and ~12 ms a page to
# query and render) for 2,000: past this many the pages offer the unit picker instead.
UNIT_SELECT_MAX = 100


def unit_choices_if_few(user, most: int | None = None) -> list[tuple[int, str]] | None:
    """``unit_choices(user)`` when there are at most ``most`` (``UNIT_SELECT_MAX``), else None
    (reads ``most + 1`` rows whatever the size of the register): the page then shows
    ``unit_picker``."""
    most = UNIT_SELECT_MAX if most is None else most
    rows = db.session.execute(scoped(
        select(MemberUnit.id, MemberUnit.name), MemberUnit, user)
        .order_by(MemberUnit.sort_order.is_(None), MemberUnit.sort_order, MemberUnit.name_sort_key)
        .limit(most + 1)).all()
    return [(row.id, row.name) for row in rows] if len(rows) <= most else None


def visible_unit_name(user, unit_id: int | None) -> str:
    """The name of a unit the user may see (the picker's label for a chosen unit), or ""."""
    if not unit_id:
        return ""
    return db.session.scalar(scoped(select(MemberUnit.name), MemberUnit, user)
                             .where(MemberUnit.id == unit_id)) or ""


def search_units(user, q: str, limit: int = 15) -> list[dict]:
    """Search-as-you-type among the live units the user may see: name, short name, credit
    code, pinyin or its initials (``etyy`` finds 儿童医院), in the list's default order."""
    stmt = unit_list_query(user, UnitFilters(q=(q or "").strip()[:50] or None), with_roles=False)
    rows = db.session.execute(stmt.with_only_columns(MemberUnit.id, MemberUnit.name, MemberUnit.category)
                              .limit(limit)).all()
    return [{"id": row.id, "name": row.name, "unit_name": None,
             "title": UNIT_CATEGORIES.label(row.category)} for row in rows]


def count_visible(model, user) -> int:
    """How many live rows of ``model`` the user may see (its visibility policy applied)."""
    return db.session.scalar(scoped(select(func.count(model.id)), model, user)) or 0

"""Builds the demo alliance (alliance/demo/data.py) through the real services, in one transaction.

Idempotent: once the alliance ``meilong`` has member units (even ones deleted since), the loader
changes nothing and only prints the demo accounts, so ``make run`` never brings back what a user
deleted or edited while trying the product. Every change is attributed to the ``demo`` actor
with source ``cli`` in the audit trail.
"""
from __future__ import annotations

import collections
import itertools
import random
import unicodedata
from collections.abc import Sequence
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import func, or_, select

from alliance.activities.models import ACTIVITY_KINDS, Activity
from alliance.activities.services import create_activity
from alliance.audit.context import Actor, acting_as
from alliance.auth.models import User
from alliance.auth.services import create_user
from alliance.core.areas import registry
from alliance.core.validators import validate_password
from alliance.demo import data
from alliance.extensions import db
from alliance.members import services as members
from alliance.members.models import Alliance, MemberUnit, Person, UnitRole

DEMO_ACTOR = Actor(user_id=None, name="demo", source="cli")


class DemoLoadError(Exception):
    """The demo cannot be loaded as configured (e.g. an unusable DEMO_PASSWORD)."""


def demo_password(*, check: bool = True) -> str:
    """``DEMO_PASSWORD`` from the config, else the documented default; checked like any password
    before accounts are made with it."""
    password = current_app.config.get("DEMO_PASSWORD")
    if not password and current_app.config.get("IS_PRODUCTION"):
        # A published default password on a production server would be an open door.
        raise DemoLoadError("生产环境载入演示数据须先设置环境变量 DEMO_PASSWORD")
    password = password or data.DEFAULT_DEMO_PASSWORD
    for account in data.DEMO_ACCOUNTS if check else ():
        try:
            validate_password(password, username=account.username)
        except ValueError as exc:
            raise DemoLoadError(f"DEMO_PASSWORD 不能用于演示账号 {account.username}：{exc}") from None
    return password


def load_demo() -> list[str]:
    """Load the demo alliance unless it is there already; return the lines to print."""
    alliance = db.session.scalar(select(Alliance).where(or_(
        Alliance.code == data.ALLIANCE["code"], Alliance.name == data.ALLIANCE["name"])))
    if alliance is not None and alliance.deleted_at is not None:
        return [f"演示联盟 {alliance.name}（{alliance.code}）已被删除，未载入演示数据。"]
    if alliance is not None and db.session.scalar(
            select(func.count()).select_from(MemberUnit).where(MemberUnit.alliance_id == alliance.id)):
        lines = [f"演示数据已存在：{alliance.name}（{alliance.code}）已有成员单位，未改动名册。"]
        lines += _area_steps(alliance)
        return lines + account_lines(alliance, demo_password(check=False))
    password = demo_password()
    builder = _Builder(password)
    with acting_as(DEMO_ACTOR):
        try:
            alliance = builder.build(alliance)
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
    return builder.summary(alliance) + _area_steps(alliance) + account_lines(alliance, password)


def _area_steps(alliance: Alliance) -> list[str]:
    """Each registered area's demo step (``Area.demo``), in area order, one transaction each.

    A step is called with the demo alliance and returns the lines to print; it must be
    idempotent (it runs on every ``flask demo load`` and adds only what is missing), so an area
    added after the register was loaded still gets its demo data."""
    lines: list[str] = []
    for _name, step in registry().demo_steps:
        with acting_as(DEMO_ACTOR):
            try:
                lines += list(step(alliance) or ())
                db.session.commit()
            except Exception:
                db.session.rollback()
                raise
    return lines


class _Builder:
    def __init__(self, password: str):
        self.password = password
        self.rng = random.Random(data.RANDOM_SEED)
        self.mobiles = (f"{data.SAMPLE_MOBILE_PREFIX}{n:04d}" for n in itertools.count(1))
        self.units: dict[str, MemberUnit] = {}
        self.secretaries: dict[str, UnitRole] = {}
        self.liaisons: dict[str, Person] = {}
        self.skipped_accounts: list[str] = []

    def build(self, alliance: Alliance | None) -> Alliance:
        if alliance is None:
            alliance = Alliance(**data.ALLIANCE)
            db.session.add(alliance)
            db.session.flush()
        self.alliance = alliance
        for sort_order, spec in enumerate(data.UNITS, start=1):
            self._unit(spec, sort_order)
        for fields in data.TOWNSHIP_PEOPLE:
            members.create_person(dict(fields), alliance_id=alliance.id, is_sample=False)
        self._activities()
        self._accounts()
        db.session.flush()
        return alliance

    # --- units, people, roles ---

    def _unit(self, spec: data.UnitSpec, sort_order: int) -> None:
        uscc = None
        if spec.uscc_base:
            from stdnum.cn.uscc import calc_check_digit

            uscc = spec.uscc_base + calc_check_digit(spec.uscc_base)
        unit = members.create_unit({
            "name": spec.name, "short_name": spec.short_name, "category": spec.category,
            "tier": spec.tier, "joined_on": spec.joined_on, "sort_order": sort_order,
            "description": spec.description, "address": spec.address, "uscc": uscc,
        }, alliance_id=self.alliance.id, is_sample=spec.is_sample)
        self.units[spec.name] = unit
        # Past secretaries first: assigning the next one ends the previous term on its start day.
        for holder in (*spec.past_secretaries, spec.secretary):
            role = self._role(unit, spec, holder, "secretary", party_member=True)
        self.secretaries[spec.name] = role
        if spec.deputy:
            self._role(unit, spec, spec.deputy, "deputy_secretary", party_member=True)
        for holder in spec.liaisons:
            role = self._role(unit, spec, holder, "liaison", party_member=self.rng.random() < 0.75)
        self.liaisons[spec.name] = role.person

    def _role(self, unit: MemberUnit, spec: data.UnitSpec, holder: data.Holder, role: str, *,
              party_member: bool) -> UnitRole:
        person = members.create_person({
            "name": holder.name, "title": holder.title, "is_party_member": party_member,
            # The articles give no numbers, and real people's numbers are not ours to invent.
            "mobile": next(self.mobiles) if holder.is_sample else None,
        }, alliance_id=self.alliance.id, is_sample=holder.is_sample)
        return members.assign_role(unit, person, {
            "role": role, "title": holder.title, "note": holder.note,
            "started_on": holder.started_on or spec.joined_on,
        })

    # --- activities ---

    def _activities(self) -> None:
        partners = [u for u in self.units.values() if u.category in ("residential", "village")]
        used: collections.Counter[str] = collections.Counter()
        for spec in data.UNITS:
            unit = self.units[spec.name]
            secretary = self.secretaries[spec.name]
            fill = {"short": unit.short_name or unit.name,
                    "secretary": f"{secretary.title}{secretary.person.name}"}
            events = [e for e in data.EVENTS if e.unit == spec.name]
            for event in events:
                self._activity(unit, event.on, event.kind, event.title, event.participants,
                               event.participant_count, event.description, fill)
            low, high = data.ACTIVITIES_PER_SAMPLE_UNIT if spec.is_sample else data.ACTIVITIES_PER_REAL_UNIT
            wanted = self.rng.randint(low, high) - len(events)
            templates = [t for t in data.TEMPLATES
                         if (t.categories is None or spec.category in t.categories)
                         and not (t.theme and any(t.theme in e.title for e in events))]
            # Random order, then the least used first: the year is not the same five titles.
            self.rng.shuffle(templates)
            templates.sort(key=lambda t: used[t.title])
            for template in templates[:max(0, wanted)]:
                used[template.title] += 1
                partner = self.rng.choice([p for p in partners if p is not unit])
                start, end = template.window
                on = start + timedelta(days=self.rng.randint(0, (end - start).days))
                self._activity(unit, on, template.kind, template.title, template.participants,
                               self.rng.randint(*template.count), template.description,
                               {**fill, "partner": partner.short_name or partner.name})

    def _activity(self, unit: MemberUnit, on: date, kind: str, title: str, participants: str,
                  count: int | None, description: str, fill: dict) -> None:
        if kind not in ACTIVITY_KINDS:
            raise DemoLoadError(f"alliance/demo/data.py: unknown activity kind {kind!r}")
        create_activity({
            "occurred_on": on, "kind": kind, "title": title.format(**fill)[:100],
            "participants": participants.format(**fill)[:500], "participant_count": count,
            "description": description.format(**fill),
        }, unit=unit, is_sample=True)

    # --- accounts ---

    def _accounts(self) -> None:
        """One account per role; a username that exists already (anywhere) is left alone."""
        for account in data.DEMO_ACCOUNTS:
            if db.session.scalar(select(User.id).where(User.username == account.username)):
                self.skipped_accounts.append(account.username)
                continue
            unit = self.units[account.unit] if account.unit else None
            display_name = account.display_name or self.liaisons[account.unit].name
            create_user({"username": account.username, "display_name": display_name,
                         "role": account.role, "unit_id": unit.id if unit else None,
                         "password": self.password}, alliance_id=self.alliance.id)

    def summary(self, alliance: Alliance) -> list[str]:
        def count(model, *criteria) -> int:
            return db.session.scalar(select(func.count()).select_from(model).where(
                model.alliance_id == alliance.id, model.deleted_at.is_(None), *criteria))

        lines = [
            f"已载入演示数据：{alliance.name}（{alliance.code}）",
            f"  成员单位 {count(MemberUnit)} 家（其中示例单位 {count(MemberUnit, MemberUnit.is_sample)} 家），"
            f"人员 {count(Person)} 人，单位职务 {count(UnitRole)} 条"
            f"（已卸任 {count(UnitRole, UnitRole.ended_on.is_not(None))} 条），"
            f"共建活动 {count(Activity)} 条",
            "  标为“示例”的单位、人员、手机号和活动为虚构，仅供演示；真实单位和人员据《梅陇报》报道。",
        ]
        lines += [f"  用户名 {name} 已存在，未改动该账号。" for name in self.skipped_accounts]
        return lines


# --- the accounts table --------------------------------------------------------------------

def account_lines(alliance: Alliance, password: str) -> list[str]:
    """The demo accounts of ``alliance`` as a table: username, role, unit, password."""
    rows = []
    for account in data.DEMO_ACCOUNTS:
        user = db.session.scalar(select(User).where(User.username == account.username))
        if user is None or user.alliance_id != alliance.id:
            continue
        if user.deleted_at is not None or not user.is_active:
            shown = "（已停用）"
        elif user.check_password(password):
            shown = password
        else:
            shown = "（已修改）"
        rows.append((user.username, user.role_label, user.unit.name if user.unit else "—", shown))
    if not rows:
        return ["演示账号：（没有）"]
    lines = ["演示账号（仅供试用，正式环境请删除或改密）："]
    lines += _table(("用户名", "角色", "单位", "密码"), rows)
    if password == data.DEFAULT_DEMO_PASSWORD:
        lines.append("默认密码可在首次载入前用环境变量 DEMO_PASSWORD 更换。")
    return lines


def _width(text: str) -> int:
    """Columns a string takes in a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> list[str]:
    widths = [max(_width(row[i]) for row in (header, *rows)) for i in range(len(header))]

    def line(cells) -> str:
        return "  " + "  ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths, strict=False)).rstrip()

    return [line(header), "  " + "  ".join("-" * w for w in widths), *(line(row) for row in rows)]

"""The register: alliances, their member units, people, and who holds which role at a unit."""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import DDL, CheckConstraint, Date, ForeignKey, Index, String, Text, event, inspect, select, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from alliance.core.choices import Choices
from alliance.core.models import AllianceRecord, Record
from alliance.core.visibility import OwnUnit
from alliance.extensions import db

# The trigram indexes below need pg_trgm: migration 0002 creates it, and so does ``create_all``
# (the schema test builds the models' schema on an empty database).
event.listen(db.metadata, "before_create",
             DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"))

UNIT_CATEGORIES = Choices(
    ("enterprise", "企业"),
    ("hospital", "医院"),
    ("military", "部队"),
    ("bank", "金融机构"),
    ("metro", "轨道交通"),
    ("school", "学校"),
    ("government", "机关单位"),
    ("institution", "事业单位"),
    ("social_org", "社会组织"),
    ("residential", "居民区"),
    ("village", "村"),
    ("other", "其他"),
)
UNIT_TIERS = Choices(
    ("executive", "常务理事单位"),
    ("council", "理事单位"),
    ("member", "成员单位"),
)
UNIT_STATUSES = Choices(
    ("active", "在册"),
    ("left", "已退出"),
)
UNIT_ROLES = Choices(
    ("secretary", "书记"),
    ("deputy_secretary", "副书记"),
    ("liaison", "联络员"),
    ("head", "负责人"),
)
# A unit has at most one current holder of these; a new holder ends the old one's term.
SINGLE_HOLDER_ROLES = frozenset({"secretary", "liaison", "head"})

# Soft-deleted rows must not block a new record with the same name or code.
_LIVE = text("deleted_at IS NULL")
_CURRENT_SINGLE = text("ended_on IS NULL AND deleted_at IS NULL AND role IN "
                       + "(" + ", ".join(f"'{code}'" for code in sorted(SINGLE_HOLDER_ROLES)) + ")")


class Alliance(Record, db.Model):
    """One regional alliance (e.g. 梅陇镇区域化党建联盟); a deployment may hold several."""

    __tablename__ = "alliances"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    short_name: Mapped[str | None] = mapped_column(String(30))
    description: Mapped[str | None] = mapped_column(Text)

    def __str__(self) -> str:
        return self.name


class MemberUnit(AllianceRecord, db.Model):
    """A member unit (成员单位) of one alliance."""

    __tablename__ = "member_units"
    __table_args__ = (
        CheckConstraint(UNIT_CATEGORIES.check_sql("category"), name="category"),
        CheckConstraint(UNIT_STATUSES.check_sql("status"), name="status"),
        CheckConstraint(f"tier IS NULL OR {UNIT_TIERS.check_sql('tier')}", name="tier"),
        CheckConstraint("left_on IS NULL OR joined_on IS NULL OR left_on >= joined_on", name="dates"),
        Index("uq_member_units_alliance_name", "alliance_id", "name", unique=True,
              sqlite_where=_LIVE, postgresql_where=_LIVE),
        Index("uq_member_units_alliance_uscc", "alliance_id", "uscc", unique=True,
              sqlite_where=_LIVE, postgresql_where=_LIVE),
        # Substring search (q=) on PostgreSQL reads a trigram index, not every row.
        Index("ix_member_units_name_trgm", "name", postgresql_using="gin",
              postgresql_ops={"name": "gin_trgm_ops"}),
        Index("ix_member_units_search_key_trgm", "search_key", postgresql_using="gin",
              postgresql_ops={"search_key": "gin_trgm_ops"}),
        # every column the search ORs needs its own, or PostgreSQL scans the table (migration search_2)
        Index("ix_member_units_short_name_trgm", "short_name", postgresql_using="gin",
              postgresql_ops={"short_name": "gin_trgm_ops"}),
        Index("ix_member_units_uscc_trgm", "uscc", postgresql_using="gin", postgresql_ops={"uscc": "gin_trgm_ops"}),
        # The list's orders, read off an index (migration speed_2): 排序号 first, then pinyin;
        # and by name. The expression is the one unit_list_query orders by.
        Index("ix_member_units_list_order", "alliance_id", "deleted_at", text("(sort_order IS NULL)"),
              "sort_order", "name_sort_key", "id"),
        Index("ix_member_units_list_name", "alliance_id", "deleted_at", "name_sort_key", "id"),
    )
    __audit_ignored__ = frozenset({"name_sort_key", "search_key"})
    # What a liaison may keep current on their own unit; the rest is the township's register.
    # The liaison's form, the service check and the API all read it.
    __liaison_editable__ = frozenset({"short_name", "address", "phone", "description"})

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    short_name: Mapped[str | None] = mapped_column(String(30))
    category: Mapped[str] = mapped_column(String(20))
    uscc: Mapped[str | None] = mapped_column(String(18))
    tier: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10), default="active")
    joined_on: Mapped[date | None] = mapped_column(Date, index=True)
    left_on: Mapped[date | None] = mapped_column(Date)
    sort_order: Mapped[int | None] = mapped_column()
    address: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(30))
    grid: Mapped[str | None] = mapped_column(String(50))
    description: Mapped[str | None] = mapped_column(Text)
    is_sample: Mapped[bool] = mapped_column(default=False)
    # Pinyin and initials of the name (core.sorting.search_key), for q=.
    search_key: Mapped[str] = mapped_column(String(400), default="", server_default="")
    # Pinyin of the name, so "sort by name" is one ORDER BY in any database.
    name_sort_key: Mapped[str] = mapped_column(String(255), index=True, default="")

    alliance: Mapped[Alliance] = relationship()
    roles: Mapped[list[UnitRole]] = relationship(back_populates="unit", order_by="UnitRole.started_on")

    __visibility__ = OwnUnit("id")

    @property
    def category_label(self) -> str:
        return UNIT_CATEGORIES.label(self.category)

    @property
    def tier_label(self) -> str:
        return UNIT_TIERS.label(self.tier)

    @property
    def status_label(self) -> str:
        return UNIT_STATUSES.label(self.status)

    def __str__(self) -> str:
        return self.name


class Person(AllianceRecord, db.Model):
    """Anyone the alliance knows: secretaries, liaisons, chairs, speakers, volunteers."""

    __tablename__ = "people"
    __table_args__ = (
        Index("uq_people_alliance_mobile", "alliance_id", "mobile", unique=True,
              sqlite_where=_LIVE, postgresql_where=_LIVE),
        Index("ix_people_name_trgm", "name", postgresql_using="gin", postgresql_ops={"name": "gin_trgm_ops"}),
        Index("ix_people_search_key_trgm", "search_key", postgresql_using="gin",
              postgresql_ops={"search_key": "gin_trgm_ops"}),
        Index("ix_people_title_trgm", "title", postgresql_using="gin", postgresql_ops={"title": "gin_trgm_ops"}),
        Index("ix_people_mobile_trgm", "mobile", postgresql_using="gin", postgresql_ops={"mobile": "gin_trgm_ops"}),
        # The list in 笔画/拼音 order reads a page off these instead of sorting every person;
        # the first also holds what a search reads, so a search scans it alone (speed_3).
        Index("ix_people_list_strokes", "alliance_id", "deleted_at", "name_stroke_key", "id",
              "name", "title", "mobile", "search_key"),
        Index("ix_people_list_pinyin", "alliance_id", "deleted_at", "name_pinyin_key", "id"),
    )
    __audit_masked__ = frozenset({"mobile", "email"})
    __audit_ignored__ = frozenset({"name_stroke_key", "name_pinyin_key", "search_key"})

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    mobile: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(120))
    title: Mapped[str | None] = mapped_column(String(100))
    is_party_member: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str | None] = mapped_column(Text)
    is_sample: Mapped[bool] = mapped_column(default=False)
    search_key: Mapped[str] = mapped_column(String(400), default="", server_default="")
    # Precomputed so 姓氏笔画 and pinyin orders page in SQL.
    name_stroke_key: Mapped[str] = mapped_column(String(255), index=True, default="")
    name_pinyin_key: Mapped[str] = mapped_column(String(255), index=True, default="")

    roles: Mapped[list[UnitRole]] = relationship(back_populates="person", order_by="UnitRole.started_on")

    # A liaison sees the people who hold or held a role at their unit.
    __visibility__ = OwnUnit(where=lambda cls, unit_id: cls.id.in_(select(UnitRole.person_id).where(
        UnitRole.unit_id == unit_id, UnitRole.deleted_at.is_(None))))

    def __str__(self) -> str:
        return self.name


class UnitRole(AllianceRecord, db.Model):
    """A person's role at a unit for a period; ending a term keeps it as history."""

    __tablename__ = "unit_roles"
    __table_args__ = (
        CheckConstraint(UNIT_ROLES.check_sql("role"), name="role"),
        CheckConstraint("ended_on IS NULL OR ended_on >= started_on", name="dates"),
        # One current holder of a single-holder role per unit, whatever path writes the row
        # (a new appointment, PATCH ended_on: null, a restore, two requests at once).
        Index("uq_unit_roles_current_holder", "unit_id", "role", unique=True,
              sqlite_where=_CURRENT_SINGLE, postgresql_where=_CURRENT_SINGLE),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("member_units.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    title: Mapped[str | None] = mapped_column(String(100))  # as printed: 党委书记、行长
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(200))

    unit: Mapped[MemberUnit] = relationship(back_populates="roles")
    person: Mapped[Person] = relationship(back_populates="roles")

    __visibility__ = OwnUnit("unit_id")

    @classmethod
    def roles_current_criteria(cls) -> tuple:
        """SQL criteria of a current (not ended, not deleted) role."""
        return (cls.ended_on.is_(None), cls.deleted_at.is_(None))

    @property
    def role_label(self) -> str:
        return UNIT_ROLES.label(self.role)

    def __str__(self) -> str:
        # Runs inside flushes (audit summaries): use related rows only if already loaded.
        state: Any = inspect(self)
        person = state.attrs.person.loaded_value
        unit = state.attrs.unit.loaded_value
        who = person.name if isinstance(person, Person) else f"人员{self.person_id}"
        where = unit.name if isinstance(unit, MemberUnit) else f"单位{self.unit_id}"
        return f"{where} {UNIT_ROLES.label(self.role)} {who}"

    @property
    def is_current(self) -> bool:
        return self.ended_on is None and self.deleted_at is None

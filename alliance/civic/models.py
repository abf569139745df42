"""Civic practice (新时代文明实践) records.

Scope: a liaison works with the venues their unit hosts, the teams their unit runs, and what
happens there (events, hours, ledgers); every record that is "theirs" carries ``unit_id``, the
hosting unit, copied from the venue or team when it is created.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    select,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from alliance.core.choices import Choices
from alliance.core.models import AllianceRecord
from alliance.core.types import UTCDateTime
from alliance.core.visibility import Everyone, OwnUnit
from alliance.extensions import db
from alliance.members.models import MemberUnit

VENUE_KINDS = Choices(
    ("sub_centre", "新时代文明实践分中心"),
    ("station", "新时代文明实践站"),
    ("public_space", "益空间"),
    ("neighbourhood", "邻里中心"),
    ("party_station", "党群服务站"),
)
FESTIVALS = Choices(
    ("spring", "春节"), ("lantern", "元宵"), ("qingming", "清明"), ("dragon_boat", "端午"),
    ("qixi", "七夕"), ("mid_autumn", "中秋"), ("double_ninth", "重阳"), ("laba", "腊八"),
)
ORDER_STATUSES = Choices(
    ("ordered", "已点单"), ("assigned", "已派单"), ("accepted", "已接单"), ("rated", "已评单"),
    ("cancelled", "已取消"),
)
# 点单 → 派单 → 接单 → 评单; an order may be cancelled until the team has accepted it.
ORDER_TRANSITIONS = {
    "ordered": ("assigned", "cancelled"),
    "assigned": ("accepted", "cancelled"),
    "accepted": ("rated",),
    "rated": (),
    "cancelled": (),
}
ORGANIZER_KINDS = Choices(("venue", "阵地"), ("unit", "单位"), ("team", "志愿服务队"))
RECORD_STATUSES = Choices(("entered", "待核实"), ("verified", "已核实"))
LEDGER_ENTRY_KINDS = Choices(("made", "制作"), ("handout", "发放"))

_LIVE = text("deleted_at IS NULL")


class Venue(AllianceRecord, db.Model):
    """A place of civic practice; ``parent`` makes the tree (分中心 → 实践站 → ...)."""

    __tablename__ = "civic_venues"
    __table_args__ = (
        CheckConstraint(VENUE_KINDS.check_sql("kind"), name="kind"),
        Index("uq_civic_venues_alliance_name", "alliance_id", "name", unique=True,
              sqlite_where=_LIVE, postgresql_where=_LIVE),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("civic_venues.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(100))
    address: Mapped[str | None] = mapped_column(String(200))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("member_units.id"), index=True)
    host_name: Mapped[str | None] = mapped_column(String(100))  # a community that is no member unit
    is_sample: Mapped[bool] = mapped_column(default=False)

    parent: Mapped[Venue | None] = relationship(remote_side="Venue.id")
    unit: Mapped[MemberUnit | None] = relationship()

    # Every account sees the map of venues; who may record at one is decided by the services.
    __visibility__ = Everyone()

    @property
    def kind_label(self) -> str:
        return VENUE_KINDS.label(self.kind)

    @property
    def host_label(self) -> str:
        return self.unit.name if self.unit else (self.host_name or "")

    def __str__(self) -> str:
        return self.name


team_members = Table(
    "civic_team_members", db.metadata,
    Column("team_id", Integer, ForeignKey("civic_teams.id"), primary_key=True),
    Column("volunteer_id", Integer, ForeignKey("civic_volunteers.id"), primary_key=True, index=True),
)


class VolunteerTeam(AllianceRecord, db.Model):
    __tablename__ = "civic_teams"
    __table_args__ = (
        Index("uq_civic_teams_alliance_name", "alliance_id", "name", unique=True,
              sqlite_where=_LIVE, postgresql_where=_LIVE),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("member_units.id"), index=True)
    description: Mapped[str | None] = mapped_column(Text)
    is_sample: Mapped[bool] = mapped_column(default=False)

    unit: Mapped[MemberUnit | None] = relationship()
    members: Mapped[list[Volunteer]] = relationship(secondary=team_members, back_populates="teams",
                                                    order_by="Volunteer.volunteer_no")

    __visibility__ = Everyone()

    def __str__(self) -> str:
        return self.name


class Volunteer(AllianceRecord, db.Model):
    """A person who serves; same name and mobile twice in one alliance is refused."""

    __tablename__ = "civic_volunteers"
    __table_args__ = (
        Index("uq_civic_volunteers_number", "alliance_id", "volunteer_no", unique=True),
        Index("uq_civic_volunteers_name_mobile", "alliance_id", "name", "mobile", unique=True,
              sqlite_where=_LIVE, postgresql_where=_LIVE),
    )
    __audit_masked__ = frozenset({"mobile"})

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_no: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(50))
    mobile: Mapped[str | None] = mapped_column(String(20))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    skills: Mapped[str | None] = mapped_column(String(200))
    is_sample: Mapped[bool] = mapped_column(default=False)

    teams: Mapped[list[VolunteerTeam]] = relationship(secondary=team_members, back_populates="members",
                                                      order_by="VolunteerTeam.name")

    # A liaison sees the volunteers of their unit's teams.
    __visibility__ = OwnUnit(where=lambda cls, unit_id: cls.id.in_(
        select(team_members.c.volunteer_id).join(VolunteerTeam, VolunteerTeam.id == team_members.c.team_id)
        .where(VolunteerTeam.unit_id == unit_id)))

    def __str__(self) -> str:
        return f"{self.name}（{self.volunteer_no}）"


class ServiceProject(AllianceRecord, db.Model):
    """An item of the service menu (服务菜单) that venues can order."""

    __tablename__ = "civic_projects"
    __table_args__ = (CheckConstraint("festival IS NULL OR " + FESTIVALS.check_sql("festival"), name="festival"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("civic_teams.id"), index=True)
    festival: Mapped[str | None] = mapped_column(String(20))
    description: Mapped[str | None] = mapped_column(Text)
    is_sample: Mapped[bool] = mapped_column(default=False)

    team: Mapped[VolunteerTeam | None] = relationship()

    __visibility__ = Everyone()

    @property
    def festival_label(self) -> str:
        return FESTIVALS.label(self.festival) if self.festival else ""

    def __str__(self) -> str:
        return self.name


class ServiceOrder(AllianceRecord, db.Model):
    """点单 → 派单 → 接单 → 评单 of one project for one venue."""

    __tablename__ = "civic_orders"
    __table_args__ = (
        CheckConstraint(ORDER_STATUSES.check_sql("status"), name="status"),
        CheckConstraint("rating IS NULL OR (rating >= 1 AND rating <= 5)", name="rating"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("civic_projects.id"), index=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("civic_venues.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("member_units.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("civic_teams.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="ordered")
    wanted_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(500))
    rating: Mapped[int | None] = mapped_column()
    comment: Mapped[str | None] = mapped_column(String(500))

    project: Mapped[ServiceProject] = relationship()
    venue: Mapped[Venue] = relationship()
    team: Mapped[VolunteerTeam | None] = relationship()

    __visibility__ = OwnUnit("unit_id")

    @property
    def status_label(self) -> str:
        return ORDER_STATUSES.label(self.status)

    def __str__(self) -> str:
        return f"{self.venue.name if self.venue else ''} 点单"


class CivicEvent(AllianceRecord, db.Model):
    __tablename__ = "civic_events"
    __table_args__ = (
        CheckConstraint(ORGANIZER_KINDS.check_sql("organizer_kind"), name="organizer_kind"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("audience IS NULL OR audience >= 0", name="audience"),
        Index("ix_civic_events_venue_start", "venue_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(100))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("civic_projects.id"), index=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("civic_venues.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    organizer_kind: Mapped[str] = mapped_column(String(10), default="venue")
    organizer_unit_id: Mapped[int | None] = mapped_column(ForeignKey("member_units.id"))
    organizer_team_id: Mapped[int | None] = mapped_column(ForeignKey("civic_teams.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("member_units.id"), index=True)
    description: Mapped[str | None] = mapped_column(Text)
    audience: Mapped[int | None] = mapped_column()
    is_sample: Mapped[bool] = mapped_column(default=False)

    project: Mapped[ServiceProject | None] = relationship()
    venue: Mapped[Venue] = relationship()
    organizer_unit: Mapped[MemberUnit | None] = relationship(foreign_keys=[organizer_unit_id])
    organizer_team: Mapped[VolunteerTeam | None] = relationship()
    photos: Mapped[list[CivicEventPhoto]] = relationship(
        order_by="CivicEventPhoto.position",
        primaryjoin="and_(CivicEventPhoto.event_id == CivicEvent.id, CivicEventPhoto.deleted_at.is_(None))",
        viewonly=True,
    )
    # The number of live photos, when a list loads it (queries.event_list_query(shown="page")).
    photo_count: Mapped[int | None] = query_expression()

    __visibility__ = OwnUnit("unit_id")

    @property
    def hours(self) -> Decimal:
        return Decimal((self.ends_at - self.starts_at).total_seconds() / 3600).quantize(Decimal("0.1"))

    @property
    def organizer_label(self) -> str:
        if self.organizer_kind == "team" and self.organizer_team:
            return self.organizer_team.name
        if self.organizer_kind == "unit" and self.organizer_unit:
            return self.organizer_unit.name
        return self.venue.name if self.venue else ""

    def __str__(self) -> str:
        return self.title


class CivicEventPhoto(AllianceRecord, db.Model):
    __tablename__ = "civic_event_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("civic_events.id"), index=True)
    stored_name: Mapped[str] = mapped_column(String(100), unique=True)
    original_name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(50))
    size_bytes: Mapped[int] = mapped_column()
    width: Mapped[int] = mapped_column()
    height: Mapped[int] = mapped_column()
    position: Mapped[int] = mapped_column(default=0)

    __visibility__ = OwnUnit(where=lambda cls, unit_id: cls.event_id.in_(
        select(CivicEvent.id).where(CivicEvent.unit_id == unit_id)))

    def __str__(self) -> str:
        return self.original_name


class ServiceRecord(AllianceRecord, db.Model):
    """Hours of one volunteer at one event: 谁组织谁记录，谁记录谁证明."""

    __tablename__ = "civic_service_records"
    __table_args__ = (
        CheckConstraint(RECORD_STATUSES.check_sql("status"), name="status"),
        CheckConstraint("hours > 0", name="hours"),
        Index("uq_civic_service_records_event_volunteer", "event_id", "volunteer_id", unique=True,
              sqlite_where=_LIVE, postgresql_where=_LIVE),
        # The figures page sums each event's live hours (queries.figures): read off this index
        # alone, not from 100,000 records' rows (migration speed_4).
        Index("ix_civic_service_records_event_hours", "event_id", "deleted_at", "hours"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("civic_events.id"), index=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("civic_volunteers.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("member_units.id"), index=True)
    hours: Mapped[Decimal] = mapped_column(Numeric(5, 1))
    role: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(10), default="entered")
    verified_by: Mapped[str | None] = mapped_column(String(50))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[CivicEvent] = relationship()
    volunteer: Mapped[Volunteer] = relationship()

    __visibility__ = OwnUnit("unit_id")

    @property
    def status_label(self) -> str:
        return RECORD_STATUSES.label(self.status)

    def __str__(self) -> str:
        return f"{self.volunteer.name if self.volunteer else ''} {self.hours}小时"


class ItemLedger(AllianceRecord, db.Model):
    """Things a drive makes and hands out. ``in_stock`` is kept by conditional UPDATEs (see
    services.record_handout) so two hand-outs at once can never take it below zero; it always
    equals made − handed out of the entries."""

    __tablename__ = "civic_ledgers"
    __table_args__ = (CheckConstraint("in_stock >= 0", name="in_stock"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item: Mapped[str] = mapped_column(String(100))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("civic_projects.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("member_units.id"), index=True)
    in_stock: Mapped[int] = mapped_column(default=0)
    note: Mapped[str | None] = mapped_column(String(500))
    is_sample: Mapped[bool] = mapped_column(default=False)

    project: Mapped[ServiceProject | None] = relationship()
    entries: Mapped[list[LedgerEntry]] = relationship(
        order_by="(LedgerEntry.occurred_on, LedgerEntry.id)", back_populates="ledger",
        primaryjoin="and_(LedgerEntry.ledger_id == ItemLedger.id, LedgerEntry.deleted_at.is_(None))",
        viewonly=True)

    __visibility__ = OwnUnit("unit_id")

    def __str__(self) -> str:
        return self.item


class LedgerEntry(AllianceRecord, db.Model):
    """A batch made (by whom, how many, when) or a hand-out (at which event, how many)."""

    __tablename__ = "civic_ledger_entries"
    __table_args__ = (
        CheckConstraint(LEDGER_ENTRY_KINDS.check_sql("kind"), name="kind"),
        CheckConstraint("quantity > 0", name="quantity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ledger_id: Mapped[int] = mapped_column(ForeignKey("civic_ledgers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    quantity: Mapped[int] = mapped_column()
    occurred_on: Mapped[date] = mapped_column(Date)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("civic_events.id"), index=True)
    made_by: Mapped[str | None] = mapped_column(String(200))
    volunteer_count: Mapped[int | None] = mapped_column()

    ledger: Mapped[ItemLedger] = relationship(back_populates="entries")
    event: Mapped[CivicEvent | None] = relationship()

    __visibility__ = OwnUnit(where=lambda cls, unit_id: cls.ledger_id.in_(
        select(ItemLedger.id).where(ItemLedger.unit_id == unit_id)))

    @property
    def kind_label(self) -> str:
        return LEDGER_ENTRY_KINDS.label(self.kind)

    def __str__(self) -> str:
        return f"{self.kind_label}{self.quantity}"


class Certificate(AllianceRecord, db.Model):
    """A numbered certificate of verified service hours. Numbers are never reused: a revoked
    certificate keeps its row (soft delete) and so its number."""

    __tablename__ = "civic_certificates"
    __table_args__ = (UniqueConstraint("alliance_id", "number", name="uq_civic_certificates_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(30))
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("civic_volunteers.id"), index=True)
    hours: Mapped[Decimal] = mapped_column(Numeric(8, 1))
    issued_on: Mapped[date] = mapped_column(Date)
    issuer: Mapped[str] = mapped_column(String(100))

    volunteer: Mapped[Volunteer] = relationship()

    __visibility__ = OwnUnit(where=lambda cls, unit_id: cls.volunteer_id.in_(
        select(team_members.c.volunteer_id).join(VolunteerTeam, VolunteerTeam.id == team_members.c.team_id)
        .where(VolunteerTeam.unit_id == unit_id)))

    def __str__(self) -> str:
        return self.number

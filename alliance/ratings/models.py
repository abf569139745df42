"""Party organizations (党组织) and their yearly star ratings (星级党组织评定)."""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, Text, inspect, select, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from alliance.core.choices import Choices
from alliance.core.models import AllianceRecord
from alliance.core.visibility import Everyone, OwnUnit, OwnUnitOr
from alliance.extensions import db
from alliance.members.models import MemberUnit, Person

ORG_KINDS = Choices(
    ("committee", "党委"),
    ("general_branch", "党总支"),
    ("branch", "党支部"),
    ("temporary_branch", "临时党支部"),
)
RUBRIC_STATUSES = Choices(("draft", "草稿"), ("in_use", "已启用"))
RATING_STATUSES = Choices(
    ("self_assessing", "自评中"),
    ("submitted", "待审核"),
    ("reviewed", "已审核"),
    ("in_notice", "公示中"),
    ("confirmed", "已确认"),
    ("returned", "已退回"),
)
# Statuses in which the rating's result is shown to every account (公示 and after).
PUBLIC_STATUSES = ("in_notice", "confirmed")
NOMINATIONS = Choices(
    ("none", "未推荐"),
    ("nominated", "已推荐区级"),
    ("approved", "区级认定"),
    ("rejected", "区级未认定"),
)
LEVELS = Choices(("district", "区级"), ("township", "镇级"))
STAR_LABELS = {5: "五星", 4: "四星", 3: "三星", 2: "二星", 1: "一星"}


# A rating's labels from its columns, for pages that read rows instead of Ratings (issue 7).
def level_of(stars: int | None, nomination: str | None) -> str | None:
    """区级 for a five-star organization the district approved, else 镇级 (with stars)."""
    if not stars:
        return None
    return "district" if nomination == "approved" else "township"


def level_label(stars: int | None, nomination: str | None) -> str:
    level = level_of(stars, nomination)
    return LEVELS.label(level) if level else ""


def stars_label(stars: int | None) -> str:
    return STAR_LABELS.get(stars or 0, "未评星")

_LIVE = text("deleted_at IS NULL")


class PartyOrganization(AllianceRecord, db.Model):
    """A party organization: a committee, general branch or branch of a member unit, a
    residential community (居民区) or a village (村)."""

    __tablename__ = "party_organizations"
    __table_args__ = (
        CheckConstraint(ORG_KINDS.check_sql("kind"), name="kind"),
        CheckConstraint("member_count IS NULL OR member_count >= 0", name="member_count"),
        Index("uq_party_organizations_alliance_name", "alliance_id", "name", unique=True,
              sqlite_where=_LIVE, postgresql_where=_LIVE),
    )
    __audit_ignored__ = frozenset({"name_stroke_key"})

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("party_organizations.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("member_units.id"), index=True)
    member_count: Mapped[int | None] = mapped_column()
    founded_on: Mapped[date | None] = mapped_column(Date)
    sort_order: Mapped[int | None] = mapped_column()
    profile: Mapped[str | None] = mapped_column(Text)  # 简介, printed in the case book
    is_sample: Mapped[bool] = mapped_column(default=False)
    # 姓氏笔画 order of the name, so official lists page in SQL.
    name_stroke_key: Mapped[str] = mapped_column(String(255), index=True, default="")

    unit: Mapped[MemberUnit] = relationship()
    parent: Mapped[PartyOrganization | None] = relationship(remote_side="PartyOrganization.id")
    secretaries: Mapped[list[OrganizationSecretary]] = relationship(
        order_by="OrganizationSecretary.started_on",
        primaryjoin="and_(OrganizationSecretary.organization_id == PartyOrganization.id, "
                    "OrganizationSecretary.deleted_at.is_(None))",
        viewonly=True)

    __visibility__ = OwnUnit("unit_id")

    @property
    def kind_label(self) -> str:
        return ORG_KINDS.label(self.kind)

    @property
    def current_secretary(self) -> OrganizationSecretary | None:
        current = [s for s in self.secretaries if s.ended_on is None]
        return current[-1] if current else None

    def __str__(self) -> str:
        return self.name


class OrganizationSecretary(AllianceRecord, db.Model):
    """Who was the organization's secretary (书记) when: a new one ends the previous term."""

    __tablename__ = "organization_secretaries"
    __table_args__ = (CheckConstraint("ended_on IS NULL OR ended_on >= started_on", name="dates"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("party_organizations.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)

    person: Mapped[Person] = relationship()
    organization: Mapped[PartyOrganization] = relationship()

    __visibility__ = OwnUnit(where=lambda cls, unit_id: cls.organization_id.in_(
        select(PartyOrganization.id).where(PartyOrganization.unit_id == unit_id)))

    def __str__(self) -> str:
        person: Any = inspect(self).attrs.person.loaded_value
        return f"书记 {person.name if isinstance(person, Person) else self.person_id}"


class Rubric(AllianceRecord, db.Model):
    """The scoring rubric (评分细则) of one year. ``definition`` holds dimensions, items, veto
    items, bonus items, thresholds and levels (see services.validate_definition). Once a rating
    uses it, only texts may change; confirmed ratings keep a snapshot of their result anyway."""

    __tablename__ = "rating_rubrics"
    __table_args__ = (
        CheckConstraint(RUBRIC_STATUSES.check_sql("status"), name="status"),
        Index("uq_rating_rubrics_alliance_year", "alliance_id", "year", unique=True,
              sqlite_where=_LIVE, postgresql_where=_LIVE),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column()
    name: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(10), default="draft")
    notice_days: Mapped[int] = mapped_column(default=5)
    definition: Mapped[dict] = mapped_column(JSON)

    __visibility__ = Everyone()  # every account reads the rubric it is rated by

    @property
    def status_label(self) -> str:
        return RUBRIC_STATUSES.label(self.status)

    def __str__(self) -> str:
        return f"{self.year}年{self.name}"


class Rating(AllianceRecord, db.Model):
    """One organization's star rating for one year. ``total``, ``stars`` and ``vetoed`` are only
    ever written by services.recompute (scoring.compute); ``result`` is their frozen snapshot."""

    __tablename__ = "ratings"
    __table_args__ = (
        CheckConstraint(RATING_STATUSES.check_sql("status"), name="status"),
        CheckConstraint(NOMINATIONS.check_sql("nomination"), name="nomination"),
        Index("uq_ratings_organization_year", "organization_id", "year", unique=True,
              sqlite_where=_LIVE, postgresql_where=_LIVE),
        Index("ix_ratings_alliance_year_status", "alliance_id", "year", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("party_organizations.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("member_units.id"), index=True)  # the org's
    rubric_id: Mapped[int] = mapped_column(ForeignKey("rating_rubrics.id"), index=True)
    year: Mapped[int] = mapped_column()
    status: Mapped[str] = mapped_column(String(20), default="self_assessing")
    self_total: Mapped[int | None] = mapped_column()
    total: Mapped[int | None] = mapped_column()
    stars: Mapped[int | None] = mapped_column()
    vetoed: Mapped[bool] = mapped_column(default=False)
    nomination: Mapped[str] = mapped_column(String(20), default="none")
    district_note: Mapped[str | None] = mapped_column(String(500))
    return_reason: Mapped[str | None] = mapped_column(String(500))
    notice_starts_on: Mapped[date | None] = mapped_column(Date)
    notice_ends_on: Mapped[date | None] = mapped_column(Date)
    confirmed_on: Mapped[date | None] = mapped_column(Date)
    case_text: Mapped[str | None] = mapped_column(Text)  # 典型案例, for the case book
    result: Mapped[dict | None] = mapped_column(JSON)  # snapshot at confirmation
    is_sample: Mapped[bool] = mapped_column(default=False)

    organization: Mapped[PartyOrganization] = relationship()
    rubric: Mapped[Rubric] = relationship()
    entries: Mapped[list[RatingEntry]] = relationship(
        back_populates="rating", order_by="RatingEntry.id")
    evidence: Mapped[list[RatingEvidence]] = relationship(
        order_by="RatingEvidence.id",
        primaryjoin="and_(RatingEvidence.rating_id == Rating.id, RatingEvidence.deleted_at.is_(None))",
        viewonly=True)
    objections: Mapped[list[RatingObjection]] = relationship(
        order_by="RatingObjection.id",
        primaryjoin="and_(RatingObjection.rating_id == Rating.id, RatingObjection.deleted_at.is_(None))",
        viewonly=True)

    __visibility__ = OwnUnitOr("unit_id", lambda m: m.status.in_(PUBLIC_STATUSES))

    @property
    def status_label(self) -> str:
        return RATING_STATUSES.label(self.status)

    @property
    def level(self) -> str | None:
        """区级 for a five-star organization the district approved, else 镇级 (with stars)."""
        return level_of(self.stars, self.nomination)

    @property
    def level_label(self) -> str:
        return level_label(self.stars, self.nomination)

    @property
    def stars_label(self) -> str:
        return stars_label(self.stars)

    @property
    def nomination_label(self) -> str:
        return NOMINATIONS.label(self.nomination)

    def __str__(self) -> str:
        org: Any = inspect(self).attrs.organization.loaded_value
        name = org.name if isinstance(org, PartyOrganization) else f"党组织{self.organization_id}"
        return f"{name} {self.year}年星级评定"


class RatingEntry(AllianceRecord, db.Model):
    """The answer to one rubric item: self-assessed points and note, reviewed points and comment.
    For a veto item, points 1 means the veto applies."""

    __tablename__ = "rating_entries"
    __table_args__ = (
        Index("uq_rating_entries_item", "rating_id", "item_code", unique=True),
        CheckConstraint("self_points IS NULL OR self_points >= 0", name="self_points"),
        CheckConstraint("review_points IS NULL OR review_points >= 0", name="review_points"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rating_id: Mapped[int] = mapped_column(ForeignKey("ratings.id"), index=True)
    item_code: Mapped[str] = mapped_column(String(30))
    self_points: Mapped[int | None] = mapped_column()
    self_note: Mapped[str | None] = mapped_column(Text)
    review_points: Mapped[int | None] = mapped_column()
    review_comment: Mapped[str | None] = mapped_column(Text)

    rating: Mapped[Rating] = relationship(back_populates="entries")

    # Read through its rating (whose policy applies); directly, a liaison sees their unit's.
    __visibility__ = OwnUnit(where=lambda cls, unit_id: cls.rating_id.in_(
        select(Rating.id).where(Rating.unit_id == unit_id)))

    def __str__(self) -> str:
        return f"评分项 {self.item_code}"


class RatingObjection(AllianceRecord, db.Model):
    """An objection (异议) raised during the public notice, and the township's answer."""

    __tablename__ = "rating_objections"

    id: Mapped[int] = mapped_column(primary_key=True)
    rating_id: Mapped[int] = mapped_column(ForeignKey("ratings.id"), index=True)
    raised_by: Mapped[str] = mapped_column(String(100))
    raised_on: Mapped[date] = mapped_column(Date)
    content: Mapped[str] = mapped_column(Text)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_on: Mapped[date | None] = mapped_column(Date)

    rating: Mapped[Rating] = relationship()

    __visibility__ = OwnUnit(where=lambda cls, unit_id: cls.rating_id.in_(
        select(Rating.id).where(Rating.unit_id == unit_id)))

    def __str__(self) -> str:
        return f"异议（{self.raised_by}）"


class RatingEvidence(AllianceRecord, db.Model):
    """A file backing one item of a self-assessment; stored in the uploads folder."""

    __tablename__ = "rating_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    rating_id: Mapped[int] = mapped_column(ForeignKey("ratings.id"), index=True)
    item_code: Mapped[str] = mapped_column(String(30))
    stored_name: Mapped[str] = mapped_column(String(100), unique=True)
    original_name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column()

    rating: Mapped[Rating] = relationship()

    __visibility__ = OwnUnit(where=lambda cls, unit_id: cls.rating_id.in_(
        select(Rating.id).where(Rating.unit_id == unit_id)))

    def __str__(self) -> str:
        return self.original_name

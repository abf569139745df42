"""The three lists (三张清单): needs, resources and joint projects, and the claims between them."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Column, Date, ForeignKey, Index, Numeric, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from alliance.core.choices import Choices
from alliance.core.models import AllianceRecord, Record
from alliance.core.types import UTCDateTime, utcnow
from alliance.core.visibility import Everyone, OwnUnit, OwnUnitOr
from alliance.extensions import db
from alliance.members.models import MemberUnit

CATEGORY_KINDS = Choices(("need", "需求与资源类别"), ("project", "项目类别"))
NEED_CATEGORIES = ("为老服务", "助残帮困", "青少年教育", "就业创业", "医疗健康", "平安建设",
                   "环境整治", "文化活动", "场地设施", "企业服务")
PROJECT_CATEGORIES = ("党建共建", "发展共促", "文旅共享", "平安共创", "人才共育")

SOURCE_KINDS = Choices(("residential", "居民区"), ("village", "村"), ("unit", "单位"),
                       ("public", "群众"))
URGENCIES = Choices(("normal", "一般"), ("urgent", "较急"), ("critical", "紧急"))
NEED_STATUSES = Choices(("draft", "草稿"), ("open", "待认领"), ("claimed", "已认领"),
                        ("met", "已满足"), ("cancelled", "已撤销"))
RESOURCE_KINDS = Choices(("venue", "场地"), ("volunteers", "志愿者"), ("service", "专业服务"),
                         ("funds", "资金"), ("goods", "物资"), ("training", "培训"))
RESOURCE_STATUSES = Choices(("draft", "草稿"), ("offered", "可提供"), ("withdrawn", "已撤回"))
PROJECT_STAGES = Choices(("proposed", "立项"), ("claimed", "认领"), ("in_progress", "实施"),
                         ("review", "评估"), ("closed", "结项"), ("stopped", "终止"))
CLAIM_STATUSES = Choices(("pending", "待确认"), ("accepted", "已接受"), ("declined", "未接受"),
                         ("withdrawn", "已撤回"))

# The lifecycle, explicitly: (from, to) → what the step is called. Nothing else is allowed.
TRANSITIONS: dict[tuple[str, str], str] = {
    ("proposed", "claimed"): "认领",
    ("claimed", "in_progress"): "开始实施",
    ("in_progress", "review"): "提交评估",
    ("review", "in_progress"): "退回实施",
    ("review", "closed"): "结项",
    ("proposed", "stopped"): "终止",
    ("claimed", "stopped"): "终止",
    ("in_progress", "stopped"): "终止",
    ("review", "stopped"): "终止",
}
OPEN_NEED_STATUSES = ("open", "claimed")
ACTIVE_STAGES = ("proposed", "claimed", "in_progress", "review")


class ListCategory(AllianceRecord, db.Model):
    """A configurable category (为老服务 ..., 党建共建 ...), seeded per alliance."""

    __tablename__ = "list_categories"
    __table_args__ = (
        CheckConstraint(CATEGORY_KINDS.check_sql("kind"), name="kind"),
        UniqueConstraint("alliance_id", "kind", "name", name="uq_list_categories_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(30))
    position: Mapped[int] = mapped_column(default=0)

    __visibility__ = Everyone()

    def __str__(self) -> str:
        return self.name


class Need(AllianceRecord, db.Model):
    __tablename__ = "needs"
    __table_args__ = (
        CheckConstraint(SOURCE_KINDS.check_sql("source_kind"), name="source_kind"),
        CheckConstraint(URGENCIES.check_sql("urgency"), name="urgency"),
        CheckConstraint(NEED_STATUSES.check_sql("status"), name="status"),
        CheckConstraint("beneficiary_count IS NULL OR beneficiary_count >= 0", name="beneficiaries"),
        Index("ix_needs_status_wanted", "alliance_id", "status", "wanted_by"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(Text)
    category_id: Mapped[int] = mapped_column(ForeignKey("list_categories.id"), index=True)
    source_kind: Mapped[str] = mapped_column(String(20))
    source_name: Mapped[str | None] = mapped_column(String(100))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("member_units.id"), index=True)
    submitter_name: Mapped[str | None] = mapped_column(String(50))
    beneficiary_count: Mapped[int | None] = mapped_column()
    beneficiary_group: Mapped[str | None] = mapped_column(String(100))
    urgency: Mapped[str] = mapped_column(String(10), default="normal")
    wanted_by: Mapped[date | None] = mapped_column(Date)
    grid: Mapped[str | None] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    match_terms: Mapped[str | None] = mapped_column(Text)  # segmented key words, for matching
    is_sample: Mapped[bool] = mapped_column(default=False)

    category: Mapped[ListCategory] = relationship()
    unit: Mapped[MemberUnit | None] = relationship()

    __visibility__ = OwnUnitOr("unit_id", lambda m: m.status != "draft")
    __audit_ignored__ = frozenset({"match_terms"})

    @property
    def status_label(self) -> str:
        return NEED_STATUSES.label(self.status)

    @property
    def category_name(self) -> str:
        return self.category.name

    @property
    def source_label(self) -> str:
        return SOURCE_KINDS.label(self.source_kind)

    @property
    def urgency_label(self) -> str:
        return URGENCIES.label(self.urgency)

    def is_overdue(self, today: date) -> bool:
        return (self.wanted_by is not None and self.wanted_by < today
                and self.status in ("draft", *OPEN_NEED_STATUSES))

    def __str__(self) -> str:
        return self.title


class Resource(AllianceRecord, db.Model):
    __tablename__ = "resources"
    __table_args__ = (
        CheckConstraint(RESOURCE_KINDS.check_sql("kind"), name="kind"),
        CheckConstraint(RESOURCE_STATUSES.check_sql("status"), name="status"),
        CheckConstraint("capacity_amount IS NULL OR capacity_amount >= 0", name="capacity"),
        CheckConstraint("available_to IS NULL OR available_from IS NULL OR available_to >= available_from",
                        name="window"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("member_units.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    category_id: Mapped[int] = mapped_column(ForeignKey("list_categories.id"), index=True)
    title: Mapped[str] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(Text)
    capacity_amount: Mapped[int | None] = mapped_column()
    capacity_unit: Mapped[str | None] = mapped_column(String(20))
    available_from: Mapped[date | None] = mapped_column(Date)
    available_to: Mapped[date | None] = mapped_column(Date)
    contact: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    match_terms: Mapped[str | None] = mapped_column(Text)
    is_sample: Mapped[bool] = mapped_column(default=False)

    category: Mapped[ListCategory] = relationship()
    unit: Mapped[MemberUnit] = relationship()

    __visibility__ = OwnUnitOr("unit_id", lambda m: m.status == "offered")
    __audit_ignored__ = frozenset({"match_terms"})
    __audit_masked__ = frozenset({"contact"})

    @property
    def kind_label(self) -> str:
        return RESOURCE_KINDS.label(self.kind)

    @property
    def status_label(self) -> str:
        return RESOURCE_STATUSES.label(self.status)

    @property
    def category_name(self) -> str:
        return self.category.name

    @property
    def capacity_text(self) -> str:
        if self.capacity_amount is None:
            return ""
        return f"{self.capacity_amount}{self.capacity_unit or ''}"

    def __str__(self) -> str:
        return self.title


project_partners = Table(
    "project_partners", db.metadata,
    Column("project_id", ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("member_units.id"), primary_key=True, index=True),
)
project_needs = Table(
    "project_needs", db.metadata,
    Column("project_id", ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True),
    Column("need_id", ForeignKey("needs.id"), primary_key=True, index=True),
)
project_resources = Table(
    "project_resources", db.metadata,
    Column("project_id", ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True),
    Column("resource_id", ForeignKey("resources.id"), primary_key=True, index=True),
)


class Project(AllianceRecord, db.Model):
    __tablename__ = "projects"
    __table_args__ = (
        CheckConstraint(PROJECT_STAGES.check_sql("stage"), name="stage"),
        CheckConstraint("people_served IS NULL OR people_served >= 0", name="people_served"),
        CheckConstraint("budget IS NULL OR budget >= 0", name="budget"),
        Index("ix_projects_stage", "alliance_id", "stage"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(Text)
    category_id: Mapped[int] = mapped_column(ForeignKey("list_categories.id"), index=True)
    lead_unit_id: Mapped[int | None] = mapped_column(ForeignKey("member_units.id"), index=True)
    budget: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    stage: Mapped[str] = mapped_column(String(20), default="proposed")
    released: Mapped[bool] = mapped_column(default=False)  # open to every unit for claims
    outcome_summary: Mapped[str | None] = mapped_column(Text)
    people_served: Mapped[int | None] = mapped_column()
    stop_reason: Mapped[str | None] = mapped_column(String(500))
    is_sample: Mapped[bool] = mapped_column(default=False)

    category: Mapped[ListCategory] = relationship()
    lead_unit: Mapped[MemberUnit | None] = relationship()
    partners: Mapped[list[MemberUnit]] = relationship(secondary=project_partners,
                                                      order_by=MemberUnit.name)
    needs: Mapped[list[Need]] = relationship(secondary=project_needs, order_by=Need.id)
    resources: Mapped[list[Resource]] = relationship(secondary=project_resources,
                                                     order_by=Resource.id)
    transitions: Mapped[list[ProjectTransition]] = relationship(
        order_by="ProjectTransition.id", back_populates="project")

    __visibility__ = OwnUnitOr("lead_unit_id", lambda m: m.released.is_(True))

    @property
    def stage_label(self) -> str:
        return PROJECT_STAGES.label(self.stage)

    @property
    def category_name(self) -> str:
        return self.category.name

    def __str__(self) -> str:
        return self.title


class ProjectTransition(Record, db.Model):
    """One step of a project's lifecycle: who moved it from which stage to which, and when."""

    __tablename__ = "project_transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    from_stage: Mapped[str] = mapped_column(String(20))
    to_stage: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(100))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str | None] = mapped_column(String(500))

    project: Mapped[Project] = relationship(back_populates="transitions")

    @property
    def label(self) -> str:
        return TRANSITIONS.get((self.from_stage, self.to_stage), "")

    def __str__(self) -> str:
        return f"{PROJECT_STAGES.label(self.from_stage)}→{PROJECT_STAGES.label(self.to_stage)}"


class Claim(AllianceRecord, db.Model):
    """双向认领: a unit claims an open need or a released project, with its commitment."""

    __tablename__ = "claims"
    __table_args__ = (
        CheckConstraint(CLAIM_STATUSES.check_sql("status"), name="status"),
        CheckConstraint("(need_id IS NULL) <> (project_id IS NULL)", name="one_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("member_units.id"), index=True)
    need_id: Mapped[int | None] = mapped_column(ForeignKey("needs.id"), index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"), index=True)
    commitment: Mapped[str] = mapped_column(String(1000))
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str | None] = mapped_column(String(500))

    unit: Mapped[MemberUnit] = relationship()
    need: Mapped[Need | None] = relationship()
    project: Mapped[Project | None] = relationship()

    __visibility__ = OwnUnit("unit_id")

    @property
    def status_label(self) -> str:
        return CLAIM_STATUSES.label(self.status)

    @property
    def target(self):
        return self.need if self.need_id else self.project

    def __str__(self) -> str:
        target = self.need or self.project
        return f"认领：{target}" if target else "认领"

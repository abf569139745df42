"""共建活动记录: what a member unit did with the alliance, logged by its liaison."""
from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from alliance.core.choices import Choices
from alliance.core.models import AllianceRecord
from alliance.core.uploads import UploadRecordMixin
from alliance.core.visibility import OwnUnit
from alliance.extensions import db
from alliance.members.models import MemberUnit

ACTIVITY_KINDS = Choices(
    ("joint_activity", "联建共建活动"),
    ("volunteer_service", "志愿服务"),
    ("party_lesson", "党课学习"),
    ("visit", "走访交流"),
    ("other", "其他"),
)


class Activity(AllianceRecord, db.Model):
    __tablename__ = "activities"
    __table_args__ = (
        CheckConstraint(ACTIVITY_KINDS.check_sql("kind"), name="kind"),
        CheckConstraint("participant_count IS NULL OR participant_count >= 0", name="participants"),
        Index("ix_activities_unit_date", "unit_id", "occurred_on"),
        # The list (newest first) and its count read this index alone: no sort of every row; with
        # the kind, so does the home page's twelve months by kind (accounts_1).
        Index("ix_activities_list", "alliance_id", "deleted_at", "occurred_on", "id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("member_units.id"), index=True)
    occurred_on: Mapped[date] = mapped_column(Date, index=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(100))
    participant_count: Mapped[int | None] = mapped_column()
    participants: Mapped[str | None] = mapped_column(String(500))  # who took part, as written
    description: Mapped[str | None] = mapped_column(Text)
    is_sample: Mapped[bool] = mapped_column(default=False)

    unit: Mapped[MemberUnit] = relationship()
    photos: Mapped[list[ActivityPhoto]] = relationship(
        order_by="ActivityPhoto.position",
        primaryjoin="and_(ActivityPhoto.activity_id == Activity.id, ActivityPhoto.deleted_at.is_(None))",
        viewonly=True,
    )

    __visibility__ = OwnUnit("unit_id")

    @property
    def kind_label(self) -> str:
        return ACTIVITY_KINDS.label(self.kind)

    def __str__(self) -> str:
        return f"{self.title}（{self.occurred_on.isoformat() if self.occurred_on else ''}）"


class ActivityPhoto(UploadRecordMixin, AllianceRecord, db.Model):
    """A photo of an activity; the file sits in ``UPLOAD_FOLDER/activities/<stored_name>``."""

    __tablename__ = "activity_photos"
    __upload_folder__ = "activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id"), index=True)
    width: Mapped[int] = mapped_column()  # photos only: always known
    height: Mapped[int] = mapped_column()
    position: Mapped[int] = mapped_column(default=0)

    activity: Mapped[Activity] = relationship()

    def __str__(self) -> str:
        return self.original_name

    __visibility__ = OwnUnit(where=lambda cls, unit_id: cls.activity_id.in_(
        select(Activity.id).where(Activity.unit_id == unit_id)))

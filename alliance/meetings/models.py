"""Joint meetings (联席会) and what hangs off them: agenda, speeches, admissions, action items,
invitations/attendance, reply slips, sign-in attempts and calendar feed secrets."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, and_, false, select, text, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from alliance.core.choices import Choices
from alliance.core.models import AllianceRecord
from alliance.core.types import UTCDateTime, utcnow
from alliance.core.visibility import Custom, OwnUnit
from alliance.extensions import db
from alliance.members.models import MemberUnit, Person

MEETING_KINDS = Choices(
    ("joint", "联席会"),
    ("quarterly", "季度例会"),
    ("forum", "主题论坛"),
    ("special", "专题会"),
)
MEETING_STATUSES = Choices(
    ("planned", "筹备"),
    ("held", "已召开"),
    ("cancelled", "取消"),
)
CAPACITIES = Choices(
    ("attend", "出席"),
    ("observe", "列席"),
    ("chair", "主持"),
    ("speak", "发言"),
)
ATTENDANCE_STATUSES = Choices(
    ("invited", "待确认"),
    ("present", "出席"),
    ("absent", "缺席"),
    ("excused", "请假"),
)
REPLIES = Choices(
    ("pending", "未回复"),
    ("coming", "参会"),
    ("excused", "请假"),
    ("replaced", "由他人代会"),
)
SLIP_STATUSES = Choices(
    ("pending", "未回执"),
    ("answered", "已回执"),
)
ACTION_STATUSES = Choices(
    ("open", "办理中"),
    ("done", "已办结"),
)
_LIVE = text("deleted_at IS NULL")


def _invited_meeting_ids(unit_id: int):
    return select(ReplySlip.meeting_id).where(ReplySlip.unit_id == unit_id,
                                              ReplySlip.deleted_at.is_(None))


def _meeting_visible(model, user):
    """Readers of all see every meeting; a liaison the meetings their unit was invited to."""
    if user.reads_all_units:
        return true()
    if not user.unit_id:
        return false()
    return model.id.in_(_invited_meeting_ids(user.unit_id))


def _child_visible(model, user):
    if user.reads_all_units:
        return true()
    if not user.unit_id:
        return false()
    return model.meeting_id.in_(_invited_meeting_ids(user.unit_id))


class Meeting(AllianceRecord, db.Model):
    __tablename__ = "meetings"
    __table_args__ = (
        CheckConstraint(MEETING_KINDS.check_sql("kind"), name="kind"),
        CheckConstraint(MEETING_STATUSES.check_sql("status"), name="status"),
        CheckConstraint("ends_at > starts_at", name="times"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(100))
    theme: Mapped[str | None] = mapped_column(String(300))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    venue: Mapped[str | None] = mapped_column(String(200))
    host_unit_id: Mapped[int | None] = mapped_column(ForeignKey("member_units.id"), index=True)
    chair_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    recorder_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    status: Mapped[str] = mapped_column(String(20), default="planned")
    minutes: Mapped[str | None] = mapped_column(Text)
    # The secret part of the phone sign-in address that the QR code carries.
    signin_key: Mapped[str] = mapped_column(String(40), unique=True)
    is_sample: Mapped[bool] = mapped_column(default=False)

    host_unit: Mapped[MemberUnit | None] = relationship()
    chair: Mapped[Person | None] = relationship(foreign_keys=[chair_id])
    recorder: Mapped[Person | None] = relationship(foreign_keys=[recorder_id])
    agenda: Mapped[list[AgendaItem]] = relationship(
        order_by="AgendaItem.position", viewonly=True,
        primaryjoin="and_(AgendaItem.meeting_id == Meeting.id, AgendaItem.deleted_at.is_(None))")
    speeches: Mapped[list[Speech]] = relationship(
        order_by="Speech.position", viewonly=True,
        primaryjoin="and_(Speech.meeting_id == Meeting.id, Speech.deleted_at.is_(None))")
    admissions: Mapped[list[Admission]] = relationship(
        order_by="Admission.id", viewonly=True,
        primaryjoin="and_(Admission.meeting_id == Meeting.id, Admission.deleted_at.is_(None))")
    action_items: Mapped[list[ActionItem]] = relationship(
        order_by="ActionItem.id", viewonly=True,
        primaryjoin="and_(ActionItem.meeting_id == Meeting.id, ActionItem.deleted_at.is_(None))")

    __audit_ignored__ = frozenset({"signin_key"})
    __visibility__ = Custom(_meeting_visible)

    kind_label = MEETING_KINDS.label_of("kind")
    status_label = MEETING_STATUSES.label_of("status")

    # The API's names of the host unit, chair and recorder (MeetingSchema). Without one there is
    # no name: AttributeError, and the API leaves the key out, as it did reading "host_unit.name"
    # (queries.MeetingItem reads the same way; a plain attribute lets the dump be compiled).
    @property
    def host_unit_name(self) -> str:
        if self.host_unit is None:
            raise AttributeError("host_unit_name")
        return self.host_unit.name

    @property
    def chair_name(self) -> str:
        if self.chair is None:
            raise AttributeError("chair_name")
        return self.chair.name

    @property
    def recorder_name(self) -> str:
        if self.recorder is None:
            raise AttributeError("recorder_name")
        return self.recorder.name

    def __str__(self) -> str:
        return self.title


class AgendaItem(AllianceRecord, db.Model):
    __tablename__ = "meeting_agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(200))
    presenter_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    presenter_note: Mapped[str | None] = mapped_column(String(100))  # e.g. 镇党委副书记、镇长

    presenter: Mapped[Person | None] = relationship()
    __visibility__ = Custom(_child_visible)

    def __str__(self) -> str:
        return self.title


class Speech(AllianceRecord, db.Model):
    """A speech at the meeting's theme forum: unit, speaker, topic."""

    __tablename__ = "meeting_speeches"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    unit_id: Mapped[int] = mapped_column(ForeignKey("member_units.id"), index=True)
    speaker_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    topic: Mapped[str] = mapped_column(String(200))

    unit: Mapped[MemberUnit] = relationship()
    speaker: Mapped[Person | None] = relationship()
    __visibility__ = Custom(_child_visible)

    def __str__(self) -> str:
        return self.topic


class Admission(AllianceRecord, db.Model):
    """A unit welcomed as a new member at the meeting (sets the unit's ``joined_on``)."""

    __tablename__ = "meeting_admissions"
    __table_args__ = (
        Index("uq_meeting_admissions_unit", "unit_id", unique=True,
              sqlite_where=_LIVE, postgresql_where=_LIVE),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("member_units.id"))
    previous_joined_on: Mapped[date | None] = mapped_column(Date)

    unit: Mapped[MemberUnit] = relationship()
    __visibility__ = Custom(_child_visible)

    def __str__(self) -> str:
        return f"单位{self.unit_id}加入联盟"


class ActionItem(AllianceRecord, db.Model):
    """A decision of the meeting and who carries it out, until it is done."""

    __tablename__ = "meeting_action_items"
    __table_args__ = (CheckConstraint(ACTION_STATUSES.check_sql("status"), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    decision: Mapped[str] = mapped_column(String(500))
    owner_unit_id: Mapped[int | None] = mapped_column(ForeignKey("member_units.id"), index=True)
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="open")
    done_note: Mapped[str | None] = mapped_column(String(500))
    done_on: Mapped[date | None] = mapped_column(Date)

    owner_unit: Mapped[MemberUnit | None] = relationship()
    __visibility__ = Custom(_child_visible)

    @property
    def status_label(self) -> str:
        return ACTION_STATUSES.label(self.status)

    def __str__(self) -> str:
        return self.decision[:50]


class ReplySlip(AllianceRecord, db.Model):
    """A unit's invitation to a meeting and its answer (参会回执), kept by its liaison."""

    __tablename__ = "meeting_reply_slips"
    __table_args__ = (
        CheckConstraint(SLIP_STATUSES.check_sql("status"), name="status"),
        Index("uq_meeting_reply_slips_unit", "meeting_id", "unit_id", unique=True,
              sqlite_where=_LIVE, postgresql_where=_LIVE),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("member_units.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    note: Mapped[str | None] = mapped_column(String(300))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    meeting: Mapped[Meeting] = relationship()
    unit: Mapped[MemberUnit] = relationship()
    __visibility__ = OwnUnit("unit_id")

    @property
    def status_label(self) -> str:
        return SLIP_STATUSES.label(self.status)

    def __str__(self) -> str:
        return f"会议{self.meeting_id} 单位{self.unit_id} 回执"


class Attendance(AllianceRecord, db.Model):
    """One invitee of a meeting: capacity, reply, and whether they came (签到)."""

    __tablename__ = "meeting_attendances"
    __table_args__ = (
        CheckConstraint(CAPACITIES.check_sql("capacity"), name="capacity"),
        CheckConstraint(ATTENDANCE_STATUSES.check_sql("status"), name="status"),
        CheckConstraint(REPLIES.check_sql("reply"), name="reply"),
        Index("uq_meeting_attendances_person", "meeting_id", "person_id", unique=True,
              sqlite_where=_LIVE, postgresql_where=_LIVE),
        Index("ix_meeting_attendances_meeting_unit", "meeting_id", "unit_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("member_units.id"), index=True)
    capacity: Mapped[str] = mapped_column(String(10), default="attend")
    status: Mapped[str] = mapped_column(String(10), default="invited")
    reply: Mapped[str] = mapped_column(String(10), default="pending")
    leave_reason: Mapped[str | None] = mapped_column(String(200))
    substitute_for_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    signed_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    self_signed: Mapped[bool] = mapped_column(default=False)

    meeting: Mapped[Meeting] = relationship()
    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    unit: Mapped[MemberUnit | None] = relationship()
    substitute_for: Mapped[Person | None] = relationship(foreign_keys=[substitute_for_id])

    # A liaison sees only their own unit's attendance details.
    __visibility__ = OwnUnit("unit_id")

    @property
    def capacity_label(self) -> str:
        return CAPACITIES.label(self.capacity)

    @property
    def status_label(self) -> str:
        return ATTENDANCE_STATUSES.label(self.status)

    @property
    def reply_label(self) -> str:
        return REPLIES.label(self.reply)

    def __str__(self) -> str:
        return f"会议{self.meeting_id} 人员{self.person_id}"


class SignInAttempt(db.Model):
    """A phone sign-in try, counted to refuse guessing (per address and meeting)."""

    __tablename__ = "meeting_signin_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    ip_address: Mapped[str | None] = mapped_column(String(45), index=True)
    succeeded: Mapped[bool] = mapped_column(default=False)
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class CalendarFeed(db.Model):
    """A user's calendar subscription secret (only its hash is stored); revoking deletes it."""

    __tablename__ = "meeting_calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


__all__ = ["Meeting", "AgendaItem", "Speech", "Admission", "ActionItem", "ReplySlip",
           "Attendance", "SignInAttempt", "CalendarFeed", "and_"]

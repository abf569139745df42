"""API shapes of meetings, their attendance and reply slips."""
from __future__ import annotations

import marshmallow as ma

from alliance.api.schemas import (
    BaseSchema,
    Bool,
    Date,
    DateTime,
    Int,
    List,
    Nested,
    PagingArgs,
    RecordSchema,
    Str,
    int_range,
    length,
    one_of,
    page_schema,
)
from alliance.meetings.models import ACTION_STATUSES, CAPACITIES, MEETING_KINDS, MEETING_STATUSES
from alliance.meetings.queries import ROSTER_SORTS
from alliance.meetings.services import INVITE_GROUPS, MARKABLE, REPLY_CHOICES


def _help(label, choices):
    return label + "：" + "、".join(f"{code} {text}" for code, text in choices.items())


class AgendaItemSchema(RecordSchema):
    title = Str(required=True, validate=length(200, 1))
    presenter_id = Int(allow_none=True)
    presenter_name = Str(dump_only=True, attribute="presenter.name", allow_none=True)
    presenter_note = Str(allow_none=True, validate=length(100))
    position = Int(dump_only=True)


class SpeechSchema(RecordSchema):
    unit_id = Int(required=True)
    unit_name = Str(dump_only=True, attribute="unit.name")
    speaker_id = Int(allow_none=True)
    speaker_name = Str(dump_only=True, attribute="speaker.name", allow_none=True)
    topic = Str(required=True, validate=length(200, 1))
    position = Int(dump_only=True)


class AdmissionSchema(RecordSchema):
    unit_id = Int(required=True, metadata={"description": "加入联盟的单位（其加入日期设为会议当天）"})
    unit_name = Str(dump_only=True, attribute="unit.name")
    previous_joined_on = Date(dump_only=True, allow_none=True)


class ActionItemFields(BaseSchema):
    decision = Str(required=True, validate=length(500, 1), metadata={"description": "决定事项"})
    owner_unit_id = Int(allow_none=True, metadata={"description": "责任单位"})
    due_on = Date(allow_none=True, metadata={"description": "完成期限"})
    status = Str(validate=one_of(ACTION_STATUSES.codes), metadata={"description": _help("状态", ACTION_STATUSES)})
    done_note = Str(allow_none=True, validate=length(500), metadata={"description": "办结说明（办结时必填）"})


class ActionItemSchema(RecordSchema, ActionItemFields):
    owner_unit_name = Str(dump_only=True, attribute="owner_unit.name", allow_none=True)
    done_on = Date(dump_only=True, allow_none=True)


class ActionItemPatchSchema(ActionItemFields):
    version = Int(required=True)


class MeetingFields(BaseSchema):
    kind = Str(required=True, validate=one_of(MEETING_KINDS.codes),
               metadata={"description": _help("会议类型", MEETING_KINDS)})
    title = Str(required=True, validate=length(100, 1))
    theme = Str(allow_none=True, validate=length(300))
    starts_at = DateTime(required=True, metadata={"description": "开始时间（ISO 8601；不带时区按北京时间）"})
    ends_at = DateTime(required=True, metadata={"description": "结束时间，须晚于开始时间"})
    venue = Str(allow_none=True, validate=length(200))
    host_unit_id = Int(allow_none=True)
    chair_id = Int(allow_none=True)
    recorder_id = Int(allow_none=True)
    status = Str(validate=one_of(MEETING_STATUSES.codes), metadata={"description": _help("状态", MEETING_STATUSES)})
    minutes = Str(allow_none=True, validate=length(20000))


class MeetingSchema(RecordSchema, MeetingFields):
    kind_label = Str(dump_only=True)
    status_label = Str(dump_only=True)
    # Meeting's properties (left out without one, as "host_unit.name" was), MeetingItem's slots.
    host_unit_name = Str(dump_only=True, allow_none=True)
    chair_name = Str(dump_only=True, allow_none=True)
    recorder_name = Str(dump_only=True, allow_none=True)
    is_sample = Bool(dump_only=True)


class MeetingDetailSchema(MeetingSchema):
    agenda = List(Nested(AgendaItemSchema), dump_only=True)
    speeches = List(Nested(SpeechSchema), dump_only=True)
    admissions = List(Nested(AdmissionSchema), dump_only=True)
    action_items = List(Nested(ActionItemSchema), dump_only=True)
    attendance = ma.fields.Dict(dump_only=True, metadata={"description": "出席统计（联络员仅本单位）"})


class MeetingPatchSchema(MeetingFields):
    version = Int(required=True)


class MeetingListArgs(PagingArgs):
    kind = Str(validate=one_of(MEETING_KINDS.codes))
    status = Str(validate=one_of(MEETING_STATUSES.codes))
    year = Int(strict=False, validate=int_range(2000, 2100))
    q = Str(validate=length(100))


class AttendanceSchema(RecordSchema):
    person_id = Int()
    person_name = Str(attribute="person.name")
    unit_id = Int(allow_none=True)
    unit_name = Str(attribute="unit.name", allow_none=True)
    capacity = Str()
    capacity_label = Str()
    status = Str()
    status_label = Str()
    reply = Str()
    reply_label = Str()
    leave_reason = Str(allow_none=True)
    substitute_for_id = Int(allow_none=True)
    substitute_for_name = Str(attribute="substitute_for.name", allow_none=True)
    signed_in_at = DateTime(allow_none=True)
    self_signed = Bool()


class AttendanceListArgs(PagingArgs):
    sort = Str(load_default="strokes", validate=one_of(ROSTER_SORTS))
    status = Str(validate=one_of(("invited", *MARKABLE)))
    unit_id = Int(strict=False)


class InviteSchema(BaseSchema):
    person_id = Int(required=True)
    capacity = Str(load_default="attend", validate=one_of(CAPACITIES.codes),
                   metadata={"description": _help("参会身份", CAPACITIES)})


class BulkInviteSchema(BaseSchema):
    group = Str(required=True, validate=one_of(INVITE_GROUPS), metadata={
        "description": "邀请范围：" + "、".join(f"{k} {v}" for k, v in INVITE_GROUPS.items())})
    unit_ids = List(Int(), load_default=list, validate=ma.validate.Length(max=2000))
    capacity = Str(load_default="attend", validate=one_of(CAPACITIES.codes))


class BulkInviteResult(BaseSchema):
    added = Int()


class MarkSchema(BaseSchema):
    person_id = Int(required=True)
    status = Str(required=True, validate=one_of(MARKABLE), metadata={
        "description": "present 出席 / absent 缺席 / excused 请假"})
    signed_in_at = DateTime(allow_none=True, metadata={"description": "签到时间（出席时；默认现在）"})
    reason = Str(allow_none=True, validate=length(200), metadata={"description": "请假事由"})
    version = Int(metadata={"description": "该参会记录的版本号；给出时过期则 409"})


class SlipAnswerItem(BaseSchema):
    person_id = Int(required=True)
    reply = Str(required=True, validate=one_of(REPLY_CHOICES), metadata={
        "description": "coming 参会 / excused 请假 / replaced 派人代会"})
    reason = Str(allow_none=True, validate=length(200))
    substitute_id = Int(allow_none=True, metadata={"description": "代会人员（须为本单位现任人员）"})


class SlipAnswerSchema(BaseSchema):
    answers = List(Nested(SlipAnswerItem), required=True, validate=ma.validate.Length(min=1, max=200))
    note = Str(allow_none=True, validate=length(300))
    version = Int(metadata={"description": "回执的版本号；给出时过期则 409"})


class ReplySlipSchema(RecordSchema):
    meeting_id = Int()
    unit_id = Int()
    unit_name = Str(attribute="unit.name")
    status = Str()
    status_label = Str()
    note = Str(allow_none=True)
    answered_at = DateTime(allow_none=True)


class RosterArgs(BaseSchema):
    sort = Str(load_default="strokes", validate=one_of(ROSTER_SORTS),
               metadata={"description": "strokes 姓氏笔画（默认）/ pinyin 拼音 / unit 单位"})
    sheet = Str(load_default="roster", validate=one_of(("roster", "signin")),
                metadata={"description": "roster 花名册 / signin 签到表"})
    full_mobiles = Bool(load_default=False, metadata={"description": "含完整手机号（仅工作人员；部队单位始终隐藏）"})


class PickerArgs(BaseSchema):
    q = Str(load_default="", validate=length(50), metadata={"description": "姓名、拼音首字母或单位名称"})
    unit_id = Int(strict=False, metadata={"description": "只在该单位的现任人员中查找"})
    limit = Int(strict=False, load_default=20, validate=int_range(1, 50))


class PickerItem(BaseSchema):
    id = Int()
    name = Str()
    unit_name = Str(allow_none=True)
    title = Str(allow_none=True)


class PickerResult(BaseSchema):
    items = List(Nested(PickerItem))


MeetingPage = page_schema(MeetingSchema, "MeetingPage")
AttendancePage = page_schema(AttendanceSchema, "AttendancePage")

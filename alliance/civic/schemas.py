"""API shapes of civic practice."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

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
from alliance.civic.models import FESTIVALS, ORDER_STATUSES, ORGANIZER_KINDS, RECORD_STATUSES, VENUE_KINDS
from alliance.core.checks import DATE_MIN


def _help(label, choices):
    return label + "：" + "、".join(f"{c} {t}" for c, t in choices.items())


class Hours(ma.fields.Float):
    default_error_messages = {"invalid": "应为数字", "special": "应为有限的数字"}


class VenueSchema(RecordSchema):
    kind = Str(required=True, validate=one_of(VENUE_KINDS.codes), metadata={"description": _help("类型", VENUE_KINDS)})
    name = Str(required=True, validate=length(100, 1))
    parent_id = Int(allow_none=True, metadata={"description": "上级阵地（分中心不填）"})
    address = Str(allow_none=True, validate=length(200))
    unit_id = Int(allow_none=True, metadata={"description": "承办的成员单位"})
    host_name = Str(allow_none=True, validate=length(100), metadata={"description": "承办社区（非成员单位时）"})
    kind_label = Str(dump_only=True)
    host_label = Str(dump_only=True)
    is_sample = Bool(dump_only=True)


class VenueListArgs(PagingArgs):
    kind = Str(validate=one_of(VENUE_KINDS.codes))
    parent_id = Int(strict=False)


class TeamSchema(RecordSchema):
    name = Str(required=True, validate=length(100, 1))
    unit_id = Int(allow_none=True, metadata={"description": "所属成员单位"})
    description = Str(allow_none=True, validate=length(2000))
    is_sample = Bool(dump_only=True)


class TeamRefSchema(BaseSchema):
    id = Int()
    name = Str()


class VolunteerSchema(RecordSchema):
    name = Str(required=True, validate=length(50, 1))
    volunteer_no = Str(allow_none=True, validate=length(30), metadata={"description": "不填则自动编号"})
    mobile = Str(allow_none=True, validate=length(20), load_only=True)
    masked_mobile = ma.fields.Method("_masked", dump_only=True, allow_none=True, metadata={"type": "string"})
    skills = Str(allow_none=True, validate=length(200))
    team_ids = List(Int(), load_only=True, validate=validate.Length(max=50))
    teams = List(Nested(TeamRefSchema), dump_only=True)
    is_sample = Bool(dump_only=True)

    def _masked(self, volunteer):
        from alliance.core.validators import mask_mobile
        return mask_mobile(volunteer.mobile) if volunteer.mobile else None


class VolunteerDetailSchema(VolunteerSchema):
    verified_hours = ma.fields.Float(dump_only=True)


class ServiceProjectSchema(RecordSchema):
    name = Str(required=True, validate=length(100, 1))
    team_id = Int(allow_none=True)
    festival = Str(allow_none=True, validate=one_of(FESTIVALS.codes),
                   metadata={"description": _help("节日", FESTIVALS)})
    festival_label = Str(dump_only=True)
    description = Str(allow_none=True, validate=length(2000))
    is_sample = Bool(dump_only=True)


class OrderSchema(RecordSchema):
    project_id = Int(required=True)
    venue_id = Int(required=True)
    wanted_on = Date(allow_none=True)
    note = Str(allow_none=True, validate=length(500))
    team_id = Int(dump_only=True, allow_none=True)
    status = Str(dump_only=True, metadata={"description": _help("状态", ORDER_STATUSES)})
    status_label = Str(dump_only=True)
    rating = Int(dump_only=True, allow_none=True)
    comment = Str(dump_only=True, allow_none=True)


class OrderActionSchema(BaseSchema):
    action = Str(required=True, validate=one_of(["assign", "accept", "rate", "cancel"]),
                 metadata={"description": "assign 派单（须 team_id）、accept 接单、"
                                          "rate 评单（须 rating）、cancel 取消"})
    version = Int(required=True)
    team_id = Int(allow_none=True)
    rating = Int(allow_none=True, validate=int_range(1, 5))
    comment = Str(allow_none=True, validate=length(500))


class CivicPhotoSchema(BaseSchema):
    id = Int()
    original_name = Str()
    content_type = Str()
    size_bytes = Int()


class EventFieldsSchema(BaseSchema):
    title = Str(required=True, validate=length(100, 1))
    project_id = Int(allow_none=True)
    venue_id = Int(required=True)
    starts_at = DateTime(required=True, metadata={"description": "开始时间（无时区时按北京时间）"})
    ends_at = DateTime(required=True)
    organizer_kind = Str(load_default="venue", validate=one_of(ORGANIZER_KINDS.codes),
                         metadata={"description": _help("组织方", ORGANIZER_KINDS)})
    organizer_unit_id = Int(allow_none=True)
    organizer_team_id = Int(allow_none=True)
    description = Str(allow_none=True, validate=length(5000))
    audience = Int(allow_none=True, validate=int_range(0, 1_000_000), metadata={"description": "服务人数"})


class EventSchema(RecordSchema, EventFieldsSchema):
    unit_id = Int(dump_only=True, allow_none=True)
    venue_name = Str(dump_only=True, attribute="venue.name")
    organizer_label = Str(dump_only=True)
    is_sample = Bool(dump_only=True)
    photos = List(Nested(CivicPhotoSchema), dump_only=True)


class EventPatchSchema(EventFieldsSchema):
    version = Int(required=True)


class EventListArgs(PagingArgs):
    venue_id = Int(strict=False)
    project_id = Int(strict=False)
    date_from = Date()
    date_to = Date()


class ServiceRecordSchema(RecordSchema):
    event_id = Int(required=True)
    volunteer_id = Int(required=True)
    hours = Hours(required=True, allow_nan=False,
                  validate=validate.Range(min=0.1, max=1000, error="服务时长应为0.1至1000小时"))
    role = Str(allow_none=True, validate=length(100))
    unit_id = Int(dump_only=True, allow_none=True)
    status = Str(dump_only=True, metadata={"description": _help("状态", RECORD_STATUSES)})
    verified_by = Str(dump_only=True, allow_none=True)
    verified_at = DateTime(dump_only=True, allow_none=True)


class RecordListArgs(PagingArgs):
    event_id = Int(strict=False)
    volunteer_id = Int(strict=False)
    status = Str(validate=one_of(RECORD_STATUSES.codes))


class LedgerEntrySchema(BaseSchema):
    id = Int()
    kind = Str()
    quantity = Int()
    occurred_on = Date()
    event_id = Int(allow_none=True)
    made_by = Str(allow_none=True)
    volunteer_count = Int(allow_none=True)


class LedgerSchema(RecordSchema):
    item = Str(required=True, validate=length(100, 1))
    project_id = Int(allow_none=True)
    unit_id = Int(allow_none=True, metadata={"description": "工作人员选择；联络员的台账总是本单位"})
    note = Str(allow_none=True, validate=length(500))
    made = Int(dump_only=True)
    handed_out = Int(dump_only=True)
    in_stock = Int(dump_only=True)
    entries = List(Nested(LedgerEntrySchema), dump_only=True)
    is_sample = Bool(dump_only=True)


class BatchSchema(BaseSchema):
    quantity = Int(required=True, validate=int_range(1, 1_000_000))
    occurred_on = Date(allow_none=True)
    made_by = Str(allow_none=True, validate=length(200))
    volunteer_count = Int(allow_none=True, validate=int_range(0, 100_000))


class HandoutSchema(BaseSchema):
    quantity = Int(required=True, validate=int_range(1, 1_000_000))
    event_id = Int(required=True)
    occurred_on = Date(allow_none=True)
    volunteer_count = Int(allow_none=True, validate=int_range(0, 100_000))


class FestivalArgs(BaseSchema):
    # The lunar tables reach 1901-2099; the register's dates start with 1950's festivals
    # (core.checks.DATE_MIN), and a date the API answers lies in the range it accepts.
    year = Int(strict=False, required=True, validate=int_range(DATE_MIN.year + 1, 2099))


class FestivalSchema(BaseSchema):
    code = Str()
    label = Str()
    date = Date()


VenuePage = page_schema(VenueSchema, "VenuePage")
TeamPage = page_schema(TeamSchema, "TeamPage")
VolunteerPage = page_schema(VolunteerSchema, "VolunteerPage")
ServiceProjectPage = page_schema(ServiceProjectSchema, "ServiceProjectPage")
OrderPage = page_schema(OrderSchema, "OrderPage")
EventPage = page_schema(EventSchema, "EventPage")
ServiceRecordPage = page_schema(ServiceRecordSchema, "ServiceRecordPage")
LedgerPage = page_schema(LedgerSchema, "LedgerPage")

"""API shapes of the three lists."""
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
from alliance.lists.models import (
    CLAIM_STATUSES,
    NEED_STATUSES,
    PROJECT_STAGES,
    RESOURCE_KINDS,
    RESOURCE_STATUSES,
    SOURCE_KINDS,
    URGENCIES,
)
from alliance.lists.services import MAX_PEOPLE


def _help(name, choices):
    return name + "：" + "、".join(f"{c} {label}" for c, label in choices.items())


class CategorySchema(BaseSchema):
    id = Int(dump_only=True)
    kind = Str(required=True, validate=one_of(("need", "project")),
               metadata={"description": "need 需求与资源类别 / project 项目类别"})
    name = Str(required=True, validate=length(30, 1))
    position = Int(dump_only=True)


class UnitRef(BaseSchema):
    id = Int()
    name = Str()


class NeedFields(BaseSchema):
    title = Str(required=True, validate=length(100, 1), metadata={"description": "需求标题"})
    description = Str(allow_none=True, validate=length(5000))
    category_id = Int(required=True, metadata={"description": "需求类别编号（GET /list-categories）"})
    source_kind = Str(required=True, validate=one_of(SOURCE_KINDS.codes),
                      metadata={"description": _help("需求来源", SOURCE_KINDS)})
    source_name = Str(allow_none=True, validate=length(100), metadata={"description": "如：普乐二村居民区"})
    submitter_name = Str(allow_none=True, validate=length(50))
    beneficiary_count = Int(allow_none=True, validate=int_range(0, MAX_PEOPLE))
    beneficiary_group = Str(allow_none=True, validate=length(100))
    urgency = Str(validate=one_of(URGENCIES.codes), metadata={"description": _help("紧急程度", URGENCIES)})
    wanted_by = Date(allow_none=True, metadata={"description": "期望完成日期"})
    grid = Str(allow_none=True, validate=length(50), metadata={"description": "网格"})


class NeedSchema(RecordSchema, NeedFields):
    unit_id = Int(allow_none=True, metadata={
        "description": "提交单位：工作人员可选；联络员的需求总是记在本单位，此项被忽略"})
    submit = Bool(load_only=True, load_default=True, metadata={"description": "false 保存为草稿"})
    unit = Nested(UnitRef, dump_only=True, allow_none=True)
    category_name = Str(dump_only=True)
    status = Str(dump_only=True, metadata={"description": _help("状态", NEED_STATUSES)})
    status_label = Str(dump_only=True)
    overdue = ma.fields.Method("_overdue", metadata={"type": "boolean", "description": "已过期望日期且未满足"})

    def _overdue(self, need) -> bool:
        return need.is_overdue(_today())


def _today():
    """Today in the alliance's time zone, once a request (a list asks for each of its rows)."""
    from flask import g, has_app_context

    from alliance.lists.services import local_today

    if not has_app_context():
        return local_today()
    today = g.get("_lists_today")
    if today is None:
        today = g._lists_today = local_today()
    return today


class NeedPatch(NeedFields):
    version = Int(required=True)


class ResourceFields(BaseSchema):
    title = Str(required=True, validate=length(100, 1))
    description = Str(allow_none=True, validate=length(5000))
    kind = Str(required=True, validate=one_of(RESOURCE_KINDS.codes),
               metadata={"description": _help("资源类型", RESOURCE_KINDS)})
    category_id = Int(required=True)
    capacity_amount = Int(allow_none=True, validate=int_range(0, MAX_PEOPLE))
    capacity_unit = Str(allow_none=True, validate=length(20), metadata={"description": "如：人次、平方米、元"})
    available_from = Date(allow_none=True)
    available_to = Date(allow_none=True)
    contact = Str(allow_none=True, validate=length(100))


class ResourceSchema(RecordSchema, ResourceFields):
    unit_id = Int(allow_none=True, metadata={"description": "提供单位：工作人员必填；联络员总是本单位"})
    offer = Bool(load_only=True, load_default=True, metadata={"description": "false 保存为草稿"})
    unit = Nested(UnitRef, dump_only=True)
    category_name = Str(dump_only=True)
    status = Str(dump_only=True, metadata={"description": _help("状态", RESOURCE_STATUSES)})
    status_label = Str(dump_only=True)


class ResourcePatch(ResourceFields):
    version = Int(required=True)


class ProjectFields(BaseSchema):
    title = Str(required=True, validate=length(100, 1))
    description = Str(allow_none=True, validate=length(5000))
    category_id = Int(required=True)
    lead_unit_id = Int(allow_none=True)
    budget = ma.fields.Decimal(allow_none=True, places=2, as_string=True,
                               metadata={"description": "预算（元），0至1亿"})
    starts_on = Date(allow_none=True)
    ends_on = Date(allow_none=True)
    released = Bool(metadata={"description": "true：发布给各单位认领"})
    need_ids = List(Int(), load_only=True, validate=ma.validate.Length(max=100))
    resource_ids = List(Int(), load_only=True, validate=ma.validate.Length(max=100))
    partner_ids = List(Int(), load_only=True, validate=ma.validate.Length(max=100))


class TransitionSchema(BaseSchema):
    from_stage = Str()
    to_stage = Str()
    label = Str()
    actor_name = Str()
    occurred_at = DateTime()
    note = Str(allow_none=True)


class ProjectSchema(RecordSchema, ProjectFields):
    lead_unit = Nested(UnitRef, dump_only=True, allow_none=True)
    partners = List(Nested(UnitRef), dump_only=True)
    needs = List(Nested(lambda: NeedRef()), dump_only=True)
    resources = List(Nested(lambda: NeedRef()), dump_only=True)
    category_name = Str(dump_only=True)
    stage = Str(dump_only=True, metadata={"description": _help("阶段", PROJECT_STAGES)})
    stage_label = Str(dump_only=True)
    outcome_summary = Str(dump_only=True, allow_none=True)
    people_served = Int(dump_only=True, allow_none=True)
    stop_reason = Str(dump_only=True, allow_none=True)
    transitions = List(Nested(TransitionSchema), dump_only=True)


class NeedRef(BaseSchema):
    id = Int()
    title = Str()
    status = Str()


class ProjectPatch(ProjectFields):
    version = Int(required=True)


class TransitionArgs(BaseSchema):
    to_stage = Str(required=True, validate=one_of(PROJECT_STAGES.codes),
                   metadata={"description": _help("目标阶段", PROJECT_STAGES)})
    version = Int(allow_none=True)
    note = Str(allow_none=True, validate=length(500))
    outcome_summary = Str(allow_none=True, validate=length(5000), metadata={"description": "结项时必填"})
    people_served = Int(allow_none=True, validate=int_range(0, MAX_PEOPLE), metadata={"description": "结项时必填"})
    stop_reason = Str(allow_none=True, validate=length(500), metadata={"description": "终止时必填"})


class ClaimSchema(RecordSchema):
    need_id = Int(allow_none=True, metadata={"description": "认领的需求（与 project_id 二选一）"})
    project_id = Int(allow_none=True, metadata={"description": "认领的项目（已发布认领的）"})
    unit_id = Int(allow_none=True, metadata={"description": "认领单位：工作人员必填；联络员总是本单位"})
    commitment = Str(required=True, validate=length(1000, 1), metadata={"description": "认领承诺"})
    unit = Nested(UnitRef, dump_only=True)
    status = Str(dump_only=True, metadata={"description": _help("状态", CLAIM_STATUSES)})
    status_label = Str(dump_only=True)
    decided_by = Str(dump_only=True, allow_none=True)
    decided_at = DateTime(dump_only=True, allow_none=True)
    decision_note = Str(dump_only=True, allow_none=True)


class DecisionArgs(BaseSchema):
    accept = Bool(required=True, metadata={"description": "true 接受 / false 不接受"})
    note = Str(allow_none=True, validate=length(500))
    version = Int(allow_none=True)


class ListArgs(PagingArgs):
    category_id = Int(strict=False)
    status = Str(validate=length(20))
    unit_id = Int(strict=False)
    source_kind = Str(validate=one_of(SOURCE_KINDS.codes))
    grid = Str(validate=length(50))
    overdue = Bool(load_default=False)
    q = Str(validate=length(100))


class ProjectListArgs(PagingArgs):
    category_id = Int(strict=False)
    stage = Str(validate=one_of(PROJECT_STAGES.codes))
    unit_id = Int(strict=False)
    q = Str(validate=length(100))


class ClaimListArgs(PagingArgs):
    status = Str(validate=one_of(CLAIM_STATUSES.codes))
    unit_id = Int(strict=False)


class SuggestionArgs(BaseSchema):
    limit = Int(strict=False, load_default=10, validate=int_range(1, 50))


class ResourceSuggestion(BaseSchema):
    resource = Nested(ResourceSchema)
    score = ma.fields.Float(metadata={"description": "0.0–1.0"})
    reasons = List(Str())


class NeedSuggestion(BaseSchema):
    need = Nested(NeedSchema)
    score = ma.fields.Float()
    reasons = List(Str())


class ResourceSuggestions(BaseSchema):
    items = List(Nested(ResourceSuggestion))


class NeedSuggestions(BaseSchema):
    items = List(Nested(NeedSuggestion))


NeedPage = page_schema(NeedSchema, "NeedPage")
ResourcePage = page_schema(ResourceSchema, "ResourcePage")
ProjectPage = page_schema(ProjectSchema, "ProjectPage")
ClaimPage = page_schema(ClaimSchema, "ClaimPage")

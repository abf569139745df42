"""API shapes of party organizations, rubrics and ratings."""
from __future__ import annotations

from flask_smorest.fields import Upload

from alliance.api.schemas import (
    BaseSchema,
    Bool,
    Date,
    Dict,
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
from alliance.ratings.models import ORG_KINDS, RATING_STATUSES

KIND_HELP = "组织类型：" + "、".join(f"{c} {label}" for c, label in ORG_KINDS.items())
STATUS_HELP = "状态：" + "、".join(f"{c} {label}" for c, label in RATING_STATUSES.items())
YEAR_RANGE = int_range(2000, 2100)


class SecretarySchema(BaseSchema):
    id = Int()
    person_id = Int()
    person_name = Str(attribute="person.name")
    started_on = Date()
    ended_on = Date(allow_none=True)


class OrganizationFieldsSchema(BaseSchema):
    name = Str(required=True, validate=length(100, 1), metadata={"description": "党组织名称"})
    kind = Str(required=True, validate=one_of(ORG_KINDS.codes), metadata={"description": KIND_HELP})
    parent_id = Int(allow_none=True, metadata={"description": "上级党组织编号"})
    unit_id = Int(required=True, metadata={"description": "所属成员单位（含居民区、村）编号"})
    member_count = Int(allow_none=True, validate=int_range(0, 100_000), metadata={"description": "党员人数"})
    founded_on = Date(allow_none=True, metadata={"description": "成立日期"})
    sort_order = Int(allow_none=True, validate=int_range(0, 1_000_000), metadata={"description": "排序（名单顺序）"})
    profile = Str(allow_none=True, validate=length(5000), metadata={"description": "简介"})


class OrganizationSchema(RecordSchema, OrganizationFieldsSchema):
    kind_label = Str(dump_only=True)
    unit_name = Str(dump_only=True, attribute="unit.name")
    secretaries = List(Nested(SecretarySchema), dump_only=True)


class OrganizationPatchSchema(OrganizationFieldsSchema):
    version = Int(required=True, metadata={"description": "读取记录时得到的版本号"})


class OrganizationListArgs(PagingArgs):
    q = Str(validate=length(100), metadata={"description": "名称中的文字"})
    unit_id = Int(strict=False)
    kind = Str(validate=one_of(ORG_KINDS.codes), metadata={"description": KIND_HELP})


class SecretaryArgs(BaseSchema):
    person_id = Int(required=True, metadata={"description": "人员编号"})
    started_on = Date(required=True, metadata={"description": "任职日期；现任书记同日卸任"})


class RubricSchema(RecordSchema):
    year = Int(required=True, validate=YEAR_RANGE, metadata={"description": "年度"})
    name = Str(load_default=None, allow_none=True, validate=length(100),
               metadata={"description": "名称，默认“星级党组织评定细则”"})
    notice_days = Int(load_default=5, validate=int_range(1, 30), metadata={"description": "公示天数"})
    status = Str(dump_only=True, metadata={"description": "draft 草稿 / in_use 已启用"})
    definition = Dict(allow_none=True, load_default=None, metadata={
        "description": "维度与评分项、否决项、加分项、星级分数线；不给出时复制上一年度（或默认模板）"})


class RubricPatchSchema(BaseSchema):
    version = Int(required=True)
    name = Str(validate=length(100, 1))
    notice_days = Int(validate=int_range(1, 30))
    definition = Dict()


class RubricListArgs(PagingArgs):
    year = Int(strict=False, validate=YEAR_RANGE)


class EntrySchema(BaseSchema):
    item_code = Str()
    self_points = Int(allow_none=True)
    self_note = Str(allow_none=True)
    review_points = Int(allow_none=True)
    review_comment = Str(allow_none=True)


class EvidenceSchema(BaseSchema):
    id = Int()
    item_code = Str()
    original_name = Str()
    content_type = Str()
    size_bytes = Int()


class EvidenceUploadSchema(BaseSchema):
    file = Upload(required=True, metadata={"description": "PDF 或 JPG、PNG、WebP 图片，不超过10MB"})


class EvidenceFormSchema(BaseSchema):
    item_code = Str(required=True, validate=length(30, 1), metadata={"description": "评分项编号"})


class ObjectionSchema(RecordSchema):
    raised_by = Str(required=True, validate=length(100, 1), metadata={"description": "提出人"})
    content = Str(required=True, validate=length(2000, 1), metadata={"description": "异议内容"})
    raised_on = Date(dump_only=True)
    answer = Str(dump_only=True, allow_none=True)
    answered_on = Date(dump_only=True, allow_none=True)


class RatingSummarySchema(RecordSchema):
    """A rating as lists show it; its answers, evidence, objections, case text and frozen
    result are on ``GET /ratings/{id}``."""
    organization_id = Int(required=True, metadata={"description": "党组织编号"})
    year = Int(required=True, validate=YEAR_RANGE, metadata={"description": "年度（须已有评分细则）"})
    organization_name = Str(dump_only=True, attribute="organization.name")
    unit_id = Int(dump_only=True)
    rubric_id = Int(dump_only=True)
    status = Str(dump_only=True, metadata={"description": STATUS_HELP})
    status_label = Str(dump_only=True)
    self_total = Int(dump_only=True, allow_none=True)
    total = Int(dump_only=True, allow_none=True, metadata={"description": "总分（计算得出）"})
    stars = Int(dump_only=True, allow_none=True)
    level = Str(dump_only=True, allow_none=True, metadata={"description": "district 区级 / township 镇级"})
    vetoed = Bool(dump_only=True)
    nomination = Str(dump_only=True)
    district_note = Str(dump_only=True, allow_none=True)
    return_reason = Str(dump_only=True, allow_none=True)
    notice_starts_on = Date(dump_only=True, allow_none=True)
    notice_ends_on = Date(dump_only=True, allow_none=True)
    confirmed_on = Date(dump_only=True, allow_none=True)


class RatingSchema(RatingSummarySchema):
    case_text = Str(dump_only=True, allow_none=True)
    result = Dict(dump_only=True, allow_none=True)
    entries = List(Nested(EntrySchema), dump_only=True)
    objections = List(Nested(ObjectionSchema), dump_only=True)
    evidence = List(Nested(EvidenceSchema), dump_only=True)


class RatingListArgs(PagingArgs):
    year = Int(strict=False, validate=YEAR_RANGE)
    status = Str(validate=one_of(RATING_STATUSES.codes), metadata={"description": STATUS_HELP})
    stars = Int(strict=False, validate=int_range(1, 5))
    organization_id = Int(strict=False)
    order = Str(load_default="official", validate=one_of(("official", "recent")),
                metadata={"description": "official 星级高→低、名称笔画 / recent 最近修改"})


class AnswerSchema(BaseSchema):
    item_code = Str(required=True, validate=length(30, 1))
    points = Int(allow_none=True, validate=int_range(-1000, 1000),
                 metadata={"description": "分数（0至该项满分）；否决项 1 为适用"})
    note = Str(allow_none=True, validate=length(2000), metadata={"description": "自评说明、佐证"})
    comment = Str(allow_none=True, validate=length(2000), metadata={"description": "审核意见"})


class SelfAssessmentArgs(BaseSchema):
    version = Int(required=True)
    items = List(Nested(AnswerSchema), required=True)
    case_text = Str(allow_none=True, validate=length(20000), metadata={"description": "典型案例文字"})


class ReviewArgs(BaseSchema):
    version = Int(required=True)
    items = List(Nested(AnswerSchema), load_default=list)
    finish = Bool(load_default=False, metadata={"description": "true：完成审核"})


class VersionArgs(BaseSchema):
    version = Int(required=True)


class ReturnArgs(BaseSchema):
    version = Int(required=True)
    reason = Str(required=True, validate=length(500), metadata={"description": "退回理由"})


class ObjectionAnswerArgs(BaseSchema):
    version = Int(required=True)
    answer = Str(required=True, validate=length(2000), metadata={"description": "答复"})


class RatingDecisionArgs(BaseSchema):
    version = Int(required=True)
    approved = Bool(required=True, metadata={"description": "区级是否认定"})
    note = Str(allow_none=True, validate=length(500), metadata={"description": "区级意见"})


class YearArgs(BaseSchema):
    year = Int(strict=False, required=True, validate=YEAR_RANGE)


class LevelCounts(BaseSchema):
    district = Int()
    township = Int()


class DistributionSchema(BaseSchema):
    year = Int()
    by_stars = Dict(keys=Str(), values=Int())
    by_level = Nested(LevelCounts)
    progress = Dict(keys=Str(), values=Int())


OrganizationPage = page_schema(OrganizationSchema, "OrganizationPage")
RubricPage = page_schema(RubricSchema, "RubricPage")
RatingPage = page_schema(RatingSummarySchema, "RatingPage")

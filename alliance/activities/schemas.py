"""API shapes of activities and their photos."""
from __future__ import annotations

import marshmallow as ma
from flask_smorest.fields import Upload

from alliance.activities.models import ACTIVITY_KINDS
from alliance.activities.queries import ACTIVITY_SORTS
from alliance.activities.services import ACTIVITY_FIELDS, MAX_PARTICIPANTS
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
from alliance.web.filters import row_url

KIND_HELP = "活动类型：" + "、".join(f"{code} {label}" for code, label in ACTIVITY_KINDS.items())


class PhotoSchema(BaseSchema):
    id = Int()
    original_name = Str(metadata={"description": "上传时的文件名"})
    content_type = Str(metadata={"description": "image/jpeg、image/png 或 image/webp"})
    size_bytes = Int()
    width = Int()
    height = Int()
    position = Int(metadata={"description": "显示顺序"})
    created_at = DateTime()
    url = ma.fields.Method("_url", metadata={"type": "string", "description": "照片文件（需登录或令牌）"})
    thumbnail_url = ma.fields.Method("_thumbnail_url", metadata={
        "type": "string", "description": "缩略图（JPEG，最长边480像素）"})

    def _url(self, photo) -> str:
        return row_url("activities_api.get_photo", "activity_id", "photo_id")(photo.activity_id, photo.id)

    def _thumbnail_url(self, photo) -> str:
        return row_url("activities_api.get_photo", "activity_id", "photo_id", thumb="true")(
            photo.activity_id, photo.id)


class ActivityFieldsSchema(BaseSchema):
    """What a client may write. The unit is not among them: see ActivitySchema.unit_id."""

    occurred_on = Date(required=True, metadata={"description": "活动日期，不晚于今天，不早于2000-01-01"})
    kind = Str(required=True, validate=one_of(ACTIVITY_KINDS.codes), metadata={"description": KIND_HELP})
    title = Str(required=True, validate=length(100, 1), metadata={"description": "活动标题"})
    participant_count = Int(allow_none=True, validate=int_range(0, MAX_PARTICIPANTS),
                            metadata={"description": "参加人数"})
    participants = Str(allow_none=True, validate=length(500), metadata={"description": "参加人员（文字）"})
    description = Str(allow_none=True, validate=length(5000), metadata={"description": "活动内容"})


class ActivitySchema(RecordSchema, ActivityFieldsSchema):
    unit_id = Int(allow_none=True, metadata={
        "description": "成员单位编号：工作人员必填；联络员的活动总是记在本单位，此项被忽略"})
    unit_name = Str(dump_only=True, attribute="unit.name")
    kind_label = Str(dump_only=True)
    is_sample = Bool(dump_only=True, metadata={"description": "演示数据"})
    photos = List(Nested(PhotoSchema), dump_only=True)


class ActivityPatchSchema(ActivityFieldsSchema):
    version = Int(required=True, metadata={"description": "读取记录时得到的版本号"})


class ActivityListArgs(PagingArgs):
    unit_id = Int(strict=False, metadata={"description": "成员单位编号"})
    kind = Str(validate=one_of(ACTIVITY_KINDS.codes), metadata={"description": KIND_HELP})
    date_from = Date(metadata={"description": "活动日期不早于"})
    date_to = Date(metadata={"description": "活动日期不晚于"})
    q = Str(validate=length(100), metadata={"description": "标题、参加人员、内容或单位名称中的文字"})
    sort = Str(load_default="recent", validate=one_of(ACTIVITY_SORTS),
               metadata={"description": "recent 日期新→旧 / oldest 日期旧→新"})
    deleted = Bool(load_default=False, metadata={"description": "只列出已删除的（工作人员）"})


class PhotoUploadSchema(BaseSchema):
    photos = List(Upload(), required=True, metadata={
        "description": "一张或多张照片（JPG、PNG、WebP），每张不超过5MB，每次活动最多9张"})


class PhotoArgs(BaseSchema):
    thumb = Bool(load_default=False, metadata={"description": "true 返回缩略图"})


ActivityPage = page_schema(ActivitySchema, "ActivityPage")
ACTIVITY_PATCH_PARTIAL = tuple(ACTIVITY_FIELDS)

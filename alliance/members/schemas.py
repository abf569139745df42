"""API shapes of units, people and unit roles."""
from __future__ import annotations

from alliance.api.schemas import (
    BaseSchema,
    Bool,
    Date,
    Int,
    List,
    Nested,
    OptionalVersionArgs,
    PagingArgs,
    RecordSchema,
    Str,
    int_range,
    length,
    one_of,
    page_schema,
)
from alliance.core.fields import max_length
from alliance.members.models import UNIT_CATEGORIES, UNIT_ROLES, UNIT_STATUSES, UNIT_TIERS, MemberUnit, Person, UnitRole
from alliance.members.queries import PEOPLE_SORT_ALIASES, PEOPLE_SORTS, UNIT_SORTS
from alliance.members.services import PERSON_FIELDS, UNIT_FIELDS


class UnitSchema(RecordSchema):
    name = Str(required=True, validate=length(max_length(MemberUnit.name), 1), metadata={"description": "单位名称"})
    short_name = Str(allow_none=True, validate=length(max_length(MemberUnit.short_name)))
    category = Str(required=True, validate=one_of(UNIT_CATEGORIES.codes),
                   metadata={"description": "单位类别：" + "、".join(f"{code} {label}" for code,
                                                               label in UNIT_CATEGORIES.items())})
    uscc = Str(allow_none=True, validate=length(30), metadata={"description": "统一社会信用代码（18位，含校验位）"})
    tier = Str(allow_none=True, validate=one_of(UNIT_TIERS.codes))
    status = Str(load_default="active", validate=one_of(UNIT_STATUSES.codes))
    joined_on = Date(allow_none=True)
    left_on = Date(allow_none=True)
    sort_order = Int(allow_none=True, validate=int_range(0, 99999))
    address = Str(allow_none=True, validate=length(max_length(MemberUnit.address)))
    phone = Str(allow_none=True, validate=length(max_length(MemberUnit.phone)))
    grid = Str(allow_none=True, validate=length(max_length(MemberUnit.grid)))
    description = Str(allow_none=True, validate=length(max_length(MemberUnit.description)))
    is_sample = Bool(dump_only=True, metadata={"description": "演示数据中虚构的单位"})


class UnitPatchSchema(UnitSchema):
    version = Int(required=True, metadata={"description": "读取记录时得到的版本号"})


class UnitListArgs(PagingArgs):
    q = Str(validate=length(100), metadata={"description": "名称、简称或信用代码中的文字"})
    category = Str(validate=one_of(UNIT_CATEGORIES.codes))
    tier = Str(validate=one_of(UNIT_TIERS.codes))
    status = Str(validate=one_of(UNIT_STATUSES.codes))
    sort = Str(load_default="order", validate=one_of(UNIT_SORTS))
    deleted = Bool(load_default=False, metadata={"description": "只列出已删除的（工作人员）"})


class PersonSchema(RecordSchema):
    name = Str(required=True, validate=length(max_length(Person.name), 1))
    mobile = Str(allow_none=True, validate=length(max_length(Person.mobile)))
    email = Str(allow_none=True, validate=length(max_length(Person.email)))
    title = Str(allow_none=True, validate=length(max_length(Person.title)))
    is_party_member = Bool(load_default=False)
    notes = Str(allow_none=True, validate=length(max_length(Person.notes)))
    is_sample = Bool(dump_only=True)


class PersonPatchSchema(PersonSchema):
    version = Int(required=True)


class PeopleListArgs(PagingArgs):
    q = Str(validate=length(50))
    sort = Str(load_default="strokes", validate=one_of([*PEOPLE_SORTS, *PEOPLE_SORT_ALIASES]),
               metadata={"description": "strokes 姓氏笔画 / pinyin 姓名拼音（name 同 pinyin）"})
    deleted = Bool(load_default=False)


class PersonBrief(BaseSchema):
    id = Int()
    name = Str()
    title = Str(allow_none=True)


class NewPersonSchema(BaseSchema):
    name = Str(required=True, validate=length(max_length(Person.name), 1))
    mobile = Str(allow_none=True, validate=length(max_length(Person.mobile)))
    email = Str(allow_none=True, validate=length(max_length(Person.email)))
    title = Str(allow_none=True, validate=length(max_length(Person.title)))
    is_party_member = Bool(load_default=False)


class UnitRoleSchema(RecordSchema):
    unit_id = Int(dump_only=True)
    person_id = Int(allow_none=True, metadata={"description": "已有人员编号；或用 person 新增"})
    person = Nested(NewPersonSchema, load_only=True, allow_none=True)
    person_brief = Nested(PersonBrief, dump_only=True, attribute="person", data_key="person_info")
    role = Str(required=True, validate=one_of(UNIT_ROLES.codes),
               metadata={"description": "secretary 书记 / deputy_secretary 副书记 / liaison 联络员 / head 负责人"})
    title = Str(allow_none=True, validate=length(max_length(UnitRole.title)))
    started_on = Date(required=True)
    ended_on = Date(allow_none=True)
    note = Str(allow_none=True, validate=length(max_length(UnitRole.note)))


class UnitRolePatchSchema(BaseSchema):
    version = Int(required=True)
    title = Str(allow_none=True, validate=length(100))
    started_on = Date()
    ended_on = Date(allow_none=True)
    note = Str(allow_none=True, validate=length(200))


class RoleListArgs(BaseSchema):
    current = Bool(metadata={"description": "true 只列现任，false 只列历任"})


UnitPage = page_schema(UnitSchema, "UnitPage")
PersonPage = page_schema(PersonSchema, "PersonPage")
UNIT_PATCH_PARTIAL = tuple(UNIT_FIELDS)
PERSON_PATCH_PARTIAL = tuple(PERSON_FIELDS)
__all__ = ["OptionalVersionArgs"]


class UnitPickerArgs(BaseSchema):
    q = Str(load_default="", validate=length(50),
            metadata={"description": "单位名称、简称、信用代码、拼音或拼音首字母"})
    limit = Int(strict=False, load_default=15, validate=int_range(1, 50))


class UnitPickerItem(BaseSchema):
    id = Int()
    name = Str()
    unit_name = Str(allow_none=True, metadata={"description": "总为空（与人员选择器同形）"})
    title = Str(allow_none=True, metadata={"description": "单位类别"})


class UnitPickerResult(BaseSchema):
    items = List(Nested(UnitPickerItem))

from __future__ import annotations

from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from alliance.core.checks import parse_int
from alliance.core.fields import length
from alliance.core.forms import BaseForm, VersionedForm, select_choices
from alliance.members.models import UNIT_CATEGORIES, UNIT_ROLES, UNIT_STATUSES, UNIT_TIERS, MemberUnit, Person, UnitRole


class UnitForm(VersionedForm):
    name = StringField("单位名称", validators=[DataRequired(message="请填写单位名称"), length(MemberUnit.name)])
    short_name = StringField("简称", validators=[length(MemberUnit.short_name)])
    category = SelectField("单位类别", choices=select_choices(UNIT_CATEGORIES.items(), "请选择"),
                           validators=[DataRequired(message="请选择单位类别")])
    # Typed or pasted codes may carry spaces or dashes; validate_uscc reduces them to the column's 18.
    uscc = StringField("统一社会信用代码", validators=[Length(max=30)],
                       description="18位，部队等无代码的单位可不填")
    tier = SelectField("层级", choices=select_choices(UNIT_TIERS.items(), "（未设置）"))
    status = SelectField("状态", choices=select_choices(UNIT_STATUSES.items()), default="active")
    joined_on = DateField("加入日期", validators=[Optional()])
    left_on = DateField("退出日期", validators=[Optional()])
    sort_order = IntegerField("排序号", validators=[Optional(), NumberRange(min=0, max=99999)],
                              description="名单中的顺序，小的在前")
    address = StringField("地址", validators=[length(MemberUnit.address)])
    phone = StringField("联系电话", validators=[length(MemberUnit.phone)])
    grid = StringField("所属网格", validators=[length(MemberUnit.grid)])
    description = TextAreaField("简介", validators=[length(MemberUnit.description)])
    submit = SubmitField("保存")


class LiaisonUnitForm(UnitForm):
    """What a liaison may change on their own unit: the fields ``MemberUnit.__liaison_editable__``
    names, and nothing else (the rest is the township's register)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self._fields):
            if name not in MemberUnit.__liaison_editable__ | {"version", "submit", "csrf_token"}:
                del self[name]


class PersonForm(VersionedForm):
    name = StringField("姓名", validators=[DataRequired(message="请填写姓名"), length(Person.name)])
    mobile = StringField("手机号码", validators=[length(Person.mobile)])
    email = StringField("电子邮箱", validators=[length(Person.email)])
    title = StringField("职务", validators=[length(Person.title)], description="如：党委书记、行长")
    is_party_member = BooleanField("中共党员")
    notes = TextAreaField("备注", validators=[length(Person.notes)])
    submit = SubmitField("保存")


class RoleForm(BaseForm):
    """Assign a role: pick a known person, or enter a new one."""

    role = SelectField("职务", choices=select_choices(UNIT_ROLES.items()))
    # A search-as-you-type people picker (templates/_macros.html person_picker) fills it in.
    person_id = HiddenField("人员", filters=[lambda v: parse_int(v, low=1) if v else None])
    new_name = StringField("或新增人员：姓名", validators=[length(Person.name)])
    new_mobile = StringField("新增人员：手机号码", validators=[length(Person.mobile)])
    title = StringField("职务全称", validators=[length(UnitRole.title)], description="如：党委书记、指导员")
    started_on = DateField("任职开始日期", validators=[DataRequired(message="请填写任职开始日期")])
    note = StringField("备注", validators=[length(UnitRole.note)])
    submit = SubmitField("任命")


class EndRoleForm(VersionedForm):
    ended_on = DateField("任职结束日期", validators=[DataRequired(message="请填写结束日期")])
    submit = SubmitField("结束任职")


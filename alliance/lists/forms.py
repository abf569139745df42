"""Forms of the three lists: they parse; the rules are the services'."""
from __future__ import annotations

from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from alliance.core.forms import BaseForm, VersionedForm, blank_to_none, select_choices
from alliance.lists.models import RESOURCE_KINDS, SOURCE_KINDS, URGENCIES
from alliance.lists.services import MAX_PEOPLE

_int_or_none = lambda v: int(v) if v not in (None, "") else None  # noqa: E731


class NeedForm(VersionedForm):
    title = StringField("需求标题", validators=[DataRequired(message="请填写需求标题"),
                                            Length(max=100, message="需求标题不能超过100个字")],
                        render_kw={"placeholder": "如：普乐二村加装电梯意见征询"})
    category_id = SelectField("类别", coerce=_int_or_none, validate_choice=False)
    source_kind = SelectField("需求来源", choices=select_choices(SOURCE_KINDS.items(), "请选择"),
                              validate_choice=False)
    source_name = StringField("来源名称", validators=[Length(max=100)],
                              render_kw={"placeholder": "如：普乐二村居民区"})
    beneficiary_group = StringField("受益群体", validators=[Length(max=100)])
    beneficiary_count = IntegerField("受益人数", validators=[Optional(), NumberRange(
        min=0, max=MAX_PEOPLE, message="受益人数应为0至1000000之间的整数")])
    urgency = SelectField("紧急程度", choices=select_choices(URGENCIES.items()), default="normal",
                          validate_choice=False)
    wanted_by = DateField("期望完成日期", validators=[Optional()])
    grid = StringField("网格", validators=[Length(max=50)])
    submitter_name = StringField("提交人", validators=[Length(max=50)])
    description = TextAreaField("需求描述", validators=[Length(max=5000)], render_kw={"rows": 4})
    unit_id = SelectField("提交单位", coerce=_int_or_none, validate_choice=False)
    save_draft = SubmitField("存为草稿")
    submit = SubmitField("提交")

    def data_dict(self) -> dict:
        return {"title": self.title.data, "category_id": self.category_id.data,
                "source_kind": self.source_kind.data or None,
                "source_name": blank_to_none(self.source_name.data),
                "beneficiary_group": blank_to_none(self.beneficiary_group.data),
                "beneficiary_count": self.beneficiary_count.data, "urgency": self.urgency.data or None,
                "wanted_by": self.wanted_by.data, "grid": blank_to_none(self.grid.data),
                "submitter_name": blank_to_none(self.submitter_name.data),
                "description": blank_to_none(self.description.data)}


class ResourceForm(VersionedForm):
    title = StringField("资源名称", validators=[DataRequired(message="请填写资源名称"),
                                            Length(max=100, message="资源名称不能超过100个字")],
                        render_kw={"placeholder": "如：儿童健康知识讲座"})
    kind = SelectField("资源类型", choices=select_choices(RESOURCE_KINDS.items(), "请选择"),
                       validate_choice=False)
    category_id = SelectField("类别", coerce=_int_or_none, validate_choice=False)
    capacity_amount = IntegerField("容量", validators=[Optional(), NumberRange(
        min=0, max=MAX_PEOPLE, message="容量应为0至1000000之间的整数")])
    capacity_unit = StringField("容量单位", validators=[Length(max=20)], render_kw={"placeholder": "人次"})
    available_from = DateField("可提供开始", validators=[Optional()])
    available_to = DateField("可提供结束", validators=[Optional()])
    contact = StringField("联系方式", validators=[Length(max=100)])
    description = TextAreaField("资源描述", validators=[Length(max=5000)], render_kw={"rows": 4})
    unit_id = SelectField("提供单位", coerce=_int_or_none, validate_choice=False)
    save_draft = SubmitField("存为草稿")
    submit = SubmitField("发布")

    def data_dict(self) -> dict:
        return {"title": self.title.data, "kind": self.kind.data or None,
                "category_id": self.category_id.data, "capacity_amount": self.capacity_amount.data,
                "capacity_unit": blank_to_none(self.capacity_unit.data),
                "available_from": self.available_from.data, "available_to": self.available_to.data,
                "contact": blank_to_none(self.contact.data),
                "description": blank_to_none(self.description.data)}


class ProjectForm(VersionedForm):
    title = StringField("项目名称", validators=[DataRequired(message="请填写项目名称"), Length(max=100)])
    category_id = SelectField("项目类别", coerce=_int_or_none, validate_choice=False)
    lead_unit_id = SelectField("牵头单位", coerce=_int_or_none, validate_choice=False)
    partner_ids = SelectMultipleField("合作单位", coerce=int, validate_choice=False)
    need_ids = SelectMultipleField("对接需求", coerce=int, validate_choice=False)
    resource_ids = SelectMultipleField("使用资源", coerce=int, validate_choice=False)
    budget = DecimalField("预算（元）", places=2, validators=[Optional()])
    starts_on = DateField("开始日期", validators=[Optional()])
    ends_on = DateField("结束日期", validators=[Optional()])
    released = BooleanField("发布给各单位认领")
    description = TextAreaField("项目内容", validators=[Length(max=5000)], render_kw={"rows": 4})
    submit = SubmitField("保存")

    def data_dict(self) -> dict:
        return {"title": self.title.data, "category_id": self.category_id.data,
                "lead_unit_id": self.lead_unit_id.data, "partner_ids": self.partner_ids.data or [],
                "need_ids": self.need_ids.data or [], "resource_ids": self.resource_ids.data or [],
                "budget": self.budget.data, "starts_on": self.starts_on.data, "ends_on": self.ends_on.data,
                "released": bool(self.released.data), "description": blank_to_none(self.description.data)}


class TransitionForm(VersionedForm):
    to_stage = SelectField("推进到", validate_choice=False)
    note = StringField("说明", validators=[Length(max=500)])
    outcome_summary = TextAreaField("成效总结（结项必填）", validators=[Length(max=5000)], render_kw={"rows": 3})
    people_served = IntegerField("服务人数（结项必填）", validators=[Optional(), NumberRange(min=0, max=MAX_PEOPLE)])
    stop_reason = StringField("终止原因（终止必填）", validators=[Length(max=500)])
    submit = SubmitField("确认")


class ClaimForm(BaseForm):
    commitment = TextAreaField("认领承诺", validators=[DataRequired(message="请填写认领承诺"),
                                                  Length(max=1000, message="认领承诺不能超过1000个字")],
                               render_kw={"rows": 3, "placeholder": "本单位将提供……"})
    unit_id = SelectField("认领单位", coerce=_int_or_none, validate_choice=False)
    submit = SubmitField("认领")


class DecisionForm(VersionedForm):
    note = StringField("说明", validators=[Length(max=500)])
    accept = SubmitField("接受")
    decline = SubmitField("不接受")

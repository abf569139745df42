"""Forms of civic practice: they parse; the rules are checked by ``services``."""
from __future__ import annotations

from flask_wtf.file import MultipleFileField
from wtforms import (
    DateField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from alliance.civic.models import ORGANIZER_KINDS
from alliance.core.forms import BaseForm, VersionedForm, select_choices


def _int_or_none(value):
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


class EventForm(VersionedForm):
    title = StringField("活动名称", validators=[DataRequired(message="请填写活动名称"),
                                           Length(max=100, message="活动名称不能超过100个字")])
    venue_id = SelectField("活动阵地", coerce=_int_or_none, validate_choice=False)
    project_id = SelectField("服务项目", coerce=_int_or_none, validate_choice=False)
    starts_at = DateTimeLocalField("开始时间", format="%Y-%m-%dT%H:%M",
                                   validators=[DataRequired(message="请填写开始时间")])
    ends_at = DateTimeLocalField("结束时间", format="%Y-%m-%dT%H:%M",
                                 validators=[DataRequired(message="请填写结束时间")])
    organizer_kind = SelectField("组织方", choices=select_choices(ORGANIZER_KINDS.items()),
                                 validate_choice=False)
    organizer_team_id = SelectField("组织的志愿服务队", coerce=_int_or_none, validate_choice=False)
    audience = IntegerField("服务人数", validators=[Optional(), NumberRange(min=0, max=1_000_000,
                                                                     message="服务人数应为0至1000000之间的整数")],
                            render_kw={"inputmode": "numeric"})
    description = TextAreaField("活动内容", validators=[Length(max=5000)], render_kw={"rows": 4})
    photos = MultipleFileField("照片", render_kw={"accept": "image/jpeg,image/png,image/webp"})
    submit = SubmitField("保存")

    def event_data(self) -> dict:
        return {"title": self.title.data, "venue_id": self.venue_id.data, "project_id": self.project_id.data,
                "starts_at": self.starts_at.data, "ends_at": self.ends_at.data,
                "organizer_kind": self.organizer_kind.data or "venue",
                "organizer_team_id": self.organizer_team_id.data, "audience": self.audience.data,
                "description": self.description.data}


class HoursForm(BaseForm):
    volunteer_id = SelectField("志愿者", coerce=_int_or_none, validate_choice=False)
    hours = StringField("服务时长（小时）", render_kw={"inputmode": "decimal"})
    role = StringField("服务内容", validators=[Length(max=100)])
    submit = SubmitField("记录时长")


class HandoutForm(BaseForm):
    event_id = SelectField("发放的活动", coerce=_int_or_none, validate_choice=False)
    quantity = IntegerField("发放数量", validators=[DataRequired(message="请填写发放数量"),
                                                NumberRange(min=1, max=1_000_000,
                                                            message="数量应为1至1000000之间的整数")],
                            render_kw={"inputmode": "numeric", "min": 1})
    volunteer_count = IntegerField("发放志愿者人数", validators=[Optional(), NumberRange(min=0, max=100_000)],
                                   render_kw={"inputmode": "numeric"})
    submit = SubmitField("登记发放")


class BatchForm(BaseForm):
    quantity = IntegerField("制作数量", validators=[DataRequired(message="请填写制作数量"),
                                                NumberRange(min=1, max=1_000_000,
                                                            message="数量应为1至1000000之间的整数")],
                            render_kw={"inputmode": "numeric", "min": 1})
    occurred_on = DateField("制作日期", validators=[Optional()])
    made_by = StringField("制作人", validators=[Length(max=200)])
    volunteer_count = IntegerField("志愿者人数", validators=[Optional(), NumberRange(min=0, max=100_000)])
    submit = SubmitField("登记制作")


class LedgerForm(BaseForm):
    item = StringField("物品名称", validators=[DataRequired(message="请填写物品名称"), Length(max=100)])
    project_id = SelectField("服务项目", coerce=_int_or_none, validate_choice=False)
    unit_id = SelectField("所属单位", coerce=_int_or_none, validate_choice=False)
    note = StringField("备注", validators=[Length(max=500)])
    submit = SubmitField("新建台账")


class VolunteerForm(BaseForm):
    name = StringField("姓名", validators=[DataRequired(message="请填写姓名"), Length(max=50)])
    mobile = StringField("手机号码", validators=[Length(max=20)], render_kw={"inputmode": "tel"})
    volunteer_no = StringField("志愿者编号", validators=[Length(max=30)], render_kw={"placeholder": "不填则自动编号"})
    skills = StringField("特长", validators=[Length(max=200)], render_kw={"placeholder": "如：书法"})
    team_ids = SelectMultipleField("志愿服务队", coerce=int, validate_choice=False)
    submit = SubmitField("登记")


class OrderForm(BaseForm):
    project_id = SelectField("服务项目", coerce=_int_or_none, validate_choice=False)
    venue_id = SelectField("点单阵地", coerce=_int_or_none, validate_choice=False)
    wanted_on = DateField("希望日期", validators=[Optional()])
    note = StringField("需求说明", validators=[Length(max=500)])
    submit = SubmitField("点单")


class OrderActionForm(VersionedForm):
    team_id = SelectField("承接服务队", coerce=_int_or_none, validate_choice=False)
    rating = IntegerField("评分（1-5）", validators=[Optional()])
    comment = StringField("评价", validators=[Length(max=500)])
    submit = SubmitField("确认")

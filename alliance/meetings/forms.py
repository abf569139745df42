"""Forms of meetings. They parse; the rules are checked by ``services``."""
from __future__ import annotations

from wtforms import DateTimeLocalField, HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from alliance.core.forms import BaseForm, VersionedForm, blank_to_none, select_choices
from alliance.meetings.models import MEETING_KINDS, MEETING_STATUSES


def _int_or_none(value):
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


class MeetingForm(VersionedForm):
    kind = SelectField("会议类型", choices=select_choices(MEETING_KINDS.items(), "请选择"),
                       validators=[DataRequired(message="请选择会议类型")], validate_choice=False)
    title = StringField("会议名称", validators=[DataRequired(message="请填写会议名称"),
                                            Length(max=100, message="会议名称不能超过100个字")])
    theme = StringField("会议主题", validators=[Length(max=300, message="会议主题不能超过300个字")])
    starts_at = DateTimeLocalField("开始时间", format="%Y-%m-%dT%H:%M",
                                   validators=[DataRequired(message="请填写开始时间")])
    ends_at = DateTimeLocalField("结束时间", format="%Y-%m-%dT%H:%M",
                                 validators=[DataRequired(message="请填写结束时间")])
    venue = StringField("会议地点", validators=[Length(max=200, message="会议地点不能超过200个字")])
    host_unit_id = SelectField("承办单位", coerce=_int_or_none, validate_choice=False)
    chair_id = HiddenField("主持人", filters=[_int_or_none])
    recorder_id = HiddenField("记录人", filters=[_int_or_none])
    status = SelectField("状态", choices=select_choices(MEETING_STATUSES.items()), validate_choice=False)
    minutes = TextAreaField("会议纪要", validators=[Optional()], render_kw={"rows": 6})
    submit = SubmitField("保存")

    def meeting_data(self) -> dict:
        return {"kind": self.kind.data or None, "title": self.title.data, "theme": blank_to_none(self.theme.data),
                "starts_at": self.starts_at.data, "ends_at": self.ends_at.data,
                "venue": blank_to_none(self.venue.data), "host_unit_id": self.host_unit_id.data,
                "chair_id": self.chair_id.data, "recorder_id": self.recorder_id.data,
                "status": self.status.data or "planned", "minutes": blank_to_none(self.minutes.data)}


class SignInForm(BaseForm):
    name = StringField("姓名", validators=[DataRequired(message="请填写姓名"), Length(max=50)],
                       render_kw={"autocomplete": "name"})
    last4 = StringField("手机号后四位", validators=[DataRequired(message="请填写手机号码的后四位数字")],
                        render_kw={"inputmode": "numeric", "maxlength": 4, "pattern": "[0-9]{4}",
                                   "autocomplete": "off"})
    submit = SubmitField("签到")

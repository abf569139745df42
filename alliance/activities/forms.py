"""Forms of the activity log. They parse and give early hints (lengths, types); the rules
themselves, photos included, are checked by ``services``."""
from __future__ import annotations

from flask_wtf.file import MultipleFileField
from werkzeug.datastructures import FileStorage
from wtforms import DateField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from alliance.activities.models import ACTIVITY_KINDS
from alliance.activities.services import MAX_PARTICIPANTS
from alliance.core.checks import coerce_id
from alliance.core.forms import VersionedForm, select_choices
from alliance.core.uploads import IMAGES


class ActivityForm(VersionedForm):
    """Create or edit an activity; the unit is never a field here (see NewActivityForm)."""

    occurred_on = DateField("活动日期", validators=[DataRequired(message="请填写活动日期")])
    kind = SelectField("活动类型", choices=select_choices(ACTIVITY_KINDS.items(), "请选择"),
                       validators=[DataRequired(message="请选择活动类型")],
                       validate_choice=False)  # the service names the bad code in its message
    title = StringField("活动标题", validators=[
        DataRequired(message="请填写活动标题"), Length(max=100, message="活动标题不能超过100个字")],
        render_kw={"placeholder": "如：“七一”联合主题党日活动"})
    participant_count = IntegerField(
        "参加人数", validators=[Optional(), NumberRange(
            min=0, max=MAX_PARTICIPANTS, message=f"参加人数应为0至{MAX_PARTICIPANTS}之间的整数")],
        render_kw={"inputmode": "numeric", "min": 0, "max": MAX_PARTICIPANTS})
    participants = TextAreaField("参加人员", validators=[
        Length(max=500, message="参加人员不能超过500个字")],
        render_kw={"rows": 2, "placeholder": "如：儿科医院党委、建设银行党支部党员共30人"})
    description = TextAreaField("活动内容", validators=[
        Length(max=5000, message="活动内容不能超过5000个字")], render_kw={"rows": 5})
    photos = MultipleFileField("照片", render_kw={"accept": IMAGES.accept})
    submit = SubmitField("保存")

    def activity_data(self) -> dict:
        return {"occurred_on": self.occurred_on.data, "kind": self.kind.data or None,
                "title": self.title.data, "participant_count": self.participant_count.data,
                "participants": self.participants.data, "description": self.description.data}

    def uploaded_photos(self) -> list[FileStorage]:
        """Only real uploads: on an edit form the field may still hold the record's photos."""
        return [f for f in (self.photos.data or []) if isinstance(f, FileStorage) and f.filename]


class NewActivityForm(ActivityForm):
    """Staff log activities for any unit, so they choose one; a liaison's form has no such
    field and their unit is forced by the service."""

    unit_id = SelectField("成员单位", coerce=coerce_id, validate_choice=False)


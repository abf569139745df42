from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, RadioField, SubmitField

from alliance.core.forms import BaseForm, select_choices


class UploadForm(BaseForm):
    file = FileField("选择文件（.xlsx 或 .csv）", validators=[FileRequired("请选择要导入的文件")])
    submit = SubmitField("上传并预览")


class CommitForm(BaseForm):
    sha256 = HiddenField()
    existing = RadioField("已登记的记录", choices=select_choices([("update", "按文件修改"), ("skip", "跳过，不修改")]),
                          default="update")
    submit = SubmitField("确认导入")

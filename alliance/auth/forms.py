from __future__ import annotations

from wtforms import BooleanField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from alliance.auth.roles import ACCOUNT_ROLES
from alliance.core.checks import coerce_id
from alliance.core.forms import BaseForm, VersionedForm, select_choices


class LoginForm(BaseForm):
    username = StringField("用户名", validators=[DataRequired(message="请输入用户名"), Length(max=50)])
    password = PasswordField("密码", validators=[DataRequired(message="请输入密码"), Length(max=128)])
    submit = SubmitField("登录")


class AccountForm(VersionedForm):
    username = StringField("用户名", validators=[Length(max=50)],
                           description="小写字母、数字和 _ . -，登录时使用")
    display_name = StringField("姓名", validators=[DataRequired(message="请填写姓名"), Length(max=50)])
    role = SelectField("角色", choices=select_choices(ACCOUNT_ROLES.items()))
    unit_id = SelectField("所属成员单位（联络员必填）", coerce=coerce_id,
                          validate_choice=False)
    person_id = StringField("对应人员", filters=[coerce_id])  # drawn by the person picker
    password = PasswordField("密码", validators=[Optional(), Length(max=128)],
                             description="至少8个字符，不能使用常见密码；修改账号时留空表示不改。"
                                         "由管理员设置的密码，本人首次登录时须修改")
    is_active = BooleanField("启用", default=True)
    submit = SubmitField("保存")


class PasswordChangeForm(BaseForm):
    current_password = PasswordField("当前密码", validators=[DataRequired(message="请输入当前密码")])
    new_password = PasswordField("新密码", validators=[DataRequired(message="请输入新密码"),
                                                     Length(max=128)])
    submit = SubmitField("修改密码")

"""The preferences form. It parses; the rules are checked by ``services``."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField, SubmitField, widgets

from alliance.core.forms import BaseForm


class PreferencesForm(BaseForm):
    email = StringField("接收提醒邮件的邮箱", render_kw={"type": "email", "maxlength": 254,
                                                  "placeholder": "留空则不发送邮件"})
    kinds = SelectMultipleField("邮件中包含的提醒", validate_choice=False,
                                widget=widgets.ListWidget(prefix_label=False),
                                option_widget=widgets.CheckboxInput())
    submit = SubmitField("保存")


class UnsubscribeForm(FlaskForm):
    """No CSRF token (the route is exempt): the signed token in the URL is the authority."""

    class Meta:
        csrf = False

    submit = SubmitField("确认退订")

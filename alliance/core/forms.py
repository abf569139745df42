"""Form plumbing shared by every area: Chinese messages, service errors shown on fields,
required marks and input modes (issue 13: forms that help)."""
from __future__ import annotations

import re
import secrets

from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import DecimalField, FloatField, HiddenField, IntegerField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.fields.core import Label
from wtforms.validators import Optional
from wtforms.widgets import HiddenInput

from alliance.core.errors import FieldErrors

# Fields named like these hold a telephone number: a phone keyboard (type="tel") and autofill.
TELEPHONE_NAMES = re.compile(r"(^|_)(mobile|phone|telephone|tel)$")
REQUIRED_NOTE = Markup('<span class="visually-hidden">（必填）</span>')


class RequiredLabel(Label):
    """A required field's label: a red asterisk drawn by CSS (``.required-label::after``, with
    an empty alternative text, so screen readers skip it and hear the input's ``required``),
    then a visually hidden 必填 outside the label, so the field's accessible name stays its
    label (``用户名``)."""

    def __call__(self, text=None, **kwargs):
        kwargs["class"] = " ".join(filter(None, (kwargs.pop("class", None) or kwargs.pop("class_", None),
                                                 "required-label")))
        return super().__call__(text, **kwargs) + REQUIRED_NOTE


def input_hints(field) -> dict:
    """The keyboard a field needs on a phone, by the field's type and name: a shared rule, so
    no form has to remember it (a form's own ``render_kw`` wins)."""
    if isinstance(field, IntegerField):
        return {"inputmode": "numeric"}
    if isinstance(field, (DecimalField, FloatField)):
        return {"inputmode": "decimal"}
    if field.type == "StringField" and TELEPHONE_NAMES.search(field.name):
        return {"type": "tel", "inputmode": "tel", "autocomplete": "tel"}
    return {}


class BaseForm(FlaskForm):
    class Meta:
        locales = ("zh",)  # WTForms ships Chinese messages for its validators

    # One-time token of this rendering of the form (rendered by ``form.hidden_tag()``): spent
    # by ``core.views.save_or_show`` with the save, so a double post creates nothing twice.
    form_token = HiddenField(default=lambda: secrets.token_urlsafe(16))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        #: None until ``validate()`` ran, then its result (``core.views.save_or_show`` reads it).
        self.validated: bool | None = None
        for field in self:
            if field.flags.required and field.type not in ("HiddenField", "SubmitField", "CSRFTokenField"):
                field.label = RequiredLabel(field.label.field_id, field.label.text)
            hints = input_hints(field)
            if hints:  # a copy: render_kw is shared by every instance of the form class
                field.render_kw = {**hints, **(field.render_kw or {})}

    def validate(self, extra_validators=None) -> bool:
        self.validated = super().validate(extra_validators=extra_validators)
        return self.validated


class VersionedForm(BaseForm):
    """An edit form carries the version it was read at, for optimistic locking."""

    version = IntegerField(widget=HiddenInput(), validators=[Optional()])


class VersionOnlyForm(VersionedForm):
    """Delete and restore buttons: the CSRF token plus the version that was read."""

    submit = SubmitField("确认")


def show_field_errors(form: FlaskForm, error: FieldErrors) -> None:
    """Put a service's field errors next to the form's fields; others go to ``form.form_errors``."""
    for name, messages in error.fields.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors) + messages
        else:
            form.form_errors.extend(messages)


def select_choices(pairs, blank: str | None = None) -> list[SelectChoice]:
    """Options for a SelectField from (value, label) pairs, optionally led by an empty option."""
    options = [SelectChoice("", blank)] if blank is not None else []
    return options + [SelectChoice(value, label) for value, label in pairs]


def blank_to_none(value):
    """WTForms gives '' for an empty text input; services expect None."""
    return value.strip() if isinstance(value, str) and value.strip() else None


def quoted(text: str | None) -> str:
    """A title inside a message, in Chinese quotes: “‘七一’联合主题党日活动”. Quotes the title
    already holds become the inner ones (‘’), so a flash never reads ““七一”…”."""
    inner = (text or "").strip().replace("“", "‘").replace("”", "’")
    return f"“{inner}”"

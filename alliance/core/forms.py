"""Form plumbing shared by every area: Chinese messages, service errors shown on fields."""
from __future__ import annotations

import secrets

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional
from wtforms.widgets import HiddenInput

from alliance.core.errors import FieldErrors


class BaseForm(FlaskForm):
    class Meta:
        locales = ("zh",)  # WTForms ships Chinese messages for its validators

    # One-time token of this rendering of the form (rendered by ``form.hidden_tag()``): spent
    # by ``core.views.save_or_show`` with the save, so a double post creates nothing twice.
    form_token = HiddenField(default=lambda: secrets.token_urlsafe(16))


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

"""What every area's views do the same way: run a service, commit once, report errors."""
from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, request
from sqlalchemy.orm.exc import StaleDataError

from alliance.core.errors import STALE_MESSAGE, FieldErrors, RuleViolation, StaleRecord
from alliance.core.forms import show_field_errors
from alliance.extensions import db


def save_or_show(action, form, *, success: str, target):
    """Run ``action`` (a service call); on success commit, flash ``success`` and redirect to
    ``target`` (or ``target(result)``). On a refusal roll back, put the errors on the form and
    return None, so the view renders the form again."""
    try:
        result = action()
        db.session.commit()
    except FieldErrors as exc:
        db.session.rollback()
        show_field_errors(form, exc)
    except (StaleRecord, StaleDataError):  # StaleDataError: two edits raced past the check
        db.session.rollback()
        form.form_errors.append(STALE_MESSAGE)
    except RuleViolation as exc:
        db.session.rollback()
        form.form_errors.append(exc.message)
    else:
        flash(success, "success")
        return redirect(target(result) if callable(target) else target)
    return None


def button_action(action, form, *, success: str, target: str, back: str):
    """Delete/restore/end buttons have no page of their own: refusals are flashed on ``back``."""
    if not form.validate_on_submit():
        abort(400)
    try:
        action()
        db.session.commit()
    except (StaleRecord, StaleDataError):
        db.session.rollback()
        flash(STALE_MESSAGE, "danger")
        return redirect(back)
    except FieldErrors as exc:
        db.session.rollback()
        flash("；".join(m for ms in exc.fields.values() for m in ms) or exc.message, "danger")
        return redirect(back)
    except RuleViolation as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return redirect(back)
    flash(success, "success")
    return redirect(target)


def date_arg(name: str) -> date | None:
    """A YYYY-MM-DD query parameter; a hand-edited bad value is ignored, not an error."""
    try:
        return date.fromisoformat(request.args.get(name) or "")
    except ValueError:
        return None

"""Commit a change of the three lists, or keep the refused attempt in the audit trail."""
from __future__ import annotations

from sqlalchemy.orm.exc import StaleDataError

from alliance.core.errors import FieldErrors, RuleViolation, StaleRecord
from alliance.extensions import db
from alliance.lists.services import record_refusal


def commit_or_audit(what: str, action, record=None):
    """Run ``action()`` and commit. A refusal rolls everything back, then records who tried
    what (committed on its own) and is raised again for the error handler or the form."""
    try:
        result = action()
        db.session.commit()
        return result
    except (FieldErrors, RuleViolation, StaleRecord, StaleDataError) as exc:
        db.session.rollback()
        record_refusal(what, exc if not isinstance(exc, StaleDataError) else StaleRecord(),
                       record)
        db.session.commit()
        raise


def save_or_show_audited(what: str, action, form, *, success, target, record=None):
    """As ``core.views.save_or_show`` (the form validated here, with the service's checks
    too when it fails), with the refused attempt kept in the audit trail."""
    from flask import flash, redirect

    from alliance.core.errors import STALE_MESSAGE
    from alliance.core.forms import show_field_errors
    from alliance.core.views import check_too

    valid = form.validate() if getattr(form, "validated", None) is None else form.validated
    if not valid:
        check_too(action, form)  # rolled back and not audited: nothing was asked yet
        return None
    try:
        result = commit_or_audit(what, action, record)
    except FieldErrors as exc:
        show_field_errors(form, exc)
    except (StaleRecord, StaleDataError):
        form.form_errors.append(STALE_MESSAGE)
    except RuleViolation as exc:
        form.form_errors.append(exc.message)
    else:
        flash(success(result) if callable(success) else success, "success")
        return redirect(target(result) if callable(target) else target)
    return None


def button_audited(what: str, action, *, success: str, target: str, back: str, record=None):
    """A POST button (submit, withdraw, accept...): refusals are flashed on ``back``."""
    from flask import abort, flash, redirect

    from alliance.core.errors import STALE_MESSAGE
    from alliance.core.forms import VersionOnlyForm

    if not VersionOnlyForm().validate_on_submit():
        abort(400)
    try:
        commit_or_audit(what, action, record)
    except (StaleRecord, StaleDataError):
        flash(STALE_MESSAGE, "danger")
        return redirect(back)
    except FieldErrors as exc:
        flash("；".join(m for ms in exc.fields.values() for m in ms) or exc.message, "danger")
        return redirect(back)
    except RuleViolation as exc:
        flash(exc.message, "danger")
        return redirect(back)
    flash(success, "success")
    return redirect(target)

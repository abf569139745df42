"""What every area's views do the same way: run a service, commit once, report errors."""
from __future__ import annotations

import logging
from datetime import date
from urllib.parse import urlsplit

from flask import abort, flash, redirect, request
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from alliance.core.checks import DATE_RANGE_MESSAGE, INT_MAX, date_in_range, parse_int
from alliance.core.errors import (
    STALE_MESSAGE,
    BadArgument,
    FieldErrors,
    RuleViolation,
    StaleRecord,
    duplicate_from_integrity,
)
from alliance.core.forms import show_field_errors
from alliance.extensions import db

log = logging.getLogger(__name__)

ALREADY_SUBMITTED = "该表单已经提交过，请勿重复提交（请到列表中查看刚才保存的记录）"


def safe_next(target: str | None, default: str) -> str:
    """``target`` if it is a same-site relative path, else ``default``: no open redirect
    (``//evil``, ``/\\evil``, a scheme or host), no control characters (a header split)."""
    if (target and target.startswith("/") and not target.startswith("//") and len(target) < 2000
            and not any(ord(ch) < 32 or ord(ch) == 127 or ch == "\\" for ch in target)
            and not urlsplit(target).netloc):
        return target
    return default


def _use_form_token(form) -> None:
    """A form's one-time token (``BaseForm.form_token``) is spent with the save it submits: the
    second post of the same page (a double click, a reload) is refused, not saved twice. The
    token row is written in the save's own transaction, so a refused save leaves it unspent."""
    token = getattr(getattr(form, "form_token", None), "data", None)
    if not token:
        return
    from flask_login import current_user

    from alliance.core.request_keys import RequestKey

    if not isinstance(token, str) or len(token) > 64 or not current_user.is_authenticated:
        raise FieldErrors({"_form": [ALREADY_SUBMITTED]})
    key = f"form:{token}"
    if db.session.scalar(db.select(RequestKey.id).where(RequestKey.user_id == current_user.id,
                                                        RequestKey.key == key)):
        raise FieldErrors({"_form": [ALREADY_SUBMITTED]})
    db.session.add(RequestKey(user_id=current_user.id, key=key, fingerprint=request.path[:300],
                              status_code=303))


def check_too(action, form) -> None:
    """All errors in one round: the form's own checks failed, so run the service's checks too
    (``action`` in a transaction that is rolled back, files included, and the form's one-time
    token not spent) and show its messages at the fields the form found nothing wrong with.
    Otherwise a unit form whose name was fixed would show its category's error only on the
    next submit."""
    csrf = getattr(form, "csrf_token", None)
    if csrf is not None and csrf.errors:
        return  # no service work for a forged or stale post
    already = {name for name, field in form._fields.items() if field.errors}
    try:
        action()
    except FieldErrors as exc:
        show_field_errors(form, FieldErrors({k: v for k, v in exc.fields.items() if k not in already}))
    except RuleViolation as exc:
        if exc.message not in form.form_errors:
            form.form_errors.append(exc.message)
    except Exception:  # noqa: BLE001 - invalid input may trip a service that expects checked types:
        log.debug("service checks of an invalid form", exc_info=True)  # the form's messages stand
    finally:
        db.session.rollback()


def _form_is_valid(action, form) -> bool:
    """The form's checks (run here unless the view ran them), and the service's when they fail."""
    valid = form.validate() if getattr(form, "validated", None) is None else form.validated
    if not valid:
        check_too(action, form)
    return bool(valid)


def save_or_show(action, form, *, success, target):
    """Run ``action`` (a service call); on success commit, flash ``success`` (or
    ``success(result)``) and redirect to ``target`` (or ``target(result)``). On a refusal roll
    back, put the errors on the form and return None, so the view renders the form again.

    A view calls it once the form is submitted (``form.is_submitted()``): the form is
    validated here, and when it fails the service's checks run too (``check_too``), so every
    error shows in one round."""
    if not _form_is_valid(action, form):
        return None
    try:
        _use_form_token(form)
        result = action()
        db.session.commit()
    except IntegrityError as exc:  # a unique index met a racing twin: 409's message at the field
        db.session.rollback()
        show_field_errors(form, duplicate_from_integrity(exc)
                          or FieldErrors({"_form": ["与已有记录冲突，请刷新后重试"]}))
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
        flash(success(result) if callable(success) else success, "success")
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
    except IntegrityError as exc:
        db.session.rollback()
        error = duplicate_from_integrity(exc)
        flash("；".join(m for ms in error.fields.values() for m in ms) if error
              else "与已有记录冲突，请刷新后重试", "danger")
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


# The shared parsing of query-string arguments, for every area's pages. (The API parses its
# arguments with the fields of ``alliance.api.schemas``, which apply the same ranges.)

def date_arg(name: str) -> date | None:
    """A YYYY-MM-DD query parameter. A garbled value is ignored (a hand-edited link); a real
    date outside the sane range (``core.checks.DATE_MIN``..``DATE_MAX``) is a BadArgument."""
    raw = request.args.get(name) or ""
    if len(raw) != 10:
        return None
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        return None
    if not date_in_range(value):
        raise BadArgument(name, DATE_RANGE_MESSAGE)
    return value


def int_arg(name: str, *, low: int = 1, high: int = INT_MAX, source=None) -> int | None:
    """A whole-number query (or form: ``source=request.form``) parameter such as ``unit_id``.
    Empty or not a number (``abc``, ``1e20``): None, as if not given; a number outside
    [low, high] (``99999999999999999999``): a BadArgument, never a database error."""
    raw = (request.args if source is None else source).get(name)
    if raw is None or raw == "":
        return None
    value = parse_int(raw, low=low, high=high)
    if value is None and isinstance(raw, str) and raw.strip().lstrip("+-").isdigit():
        raise BadArgument(name, f"应为{low}至{high}之间的整数")
    return value


def text_arg(name: str, *, max_length: int = 100) -> str | None:
    """A search text: normalised like stored names, stripped, at most ``max_length``
    characters; None when empty. Control characters never get this far (see
    ``alliance.web.errors.refuse_control_characters``)."""
    from alliance.core.validators import normalize_text

    raw = request.args.get(name)
    if not raw:
        return None
    return normalize_text(raw).strip()[:max_length] or None

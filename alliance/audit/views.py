"""The audit trail page (staff and admins)."""
from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from alliance.audit import bp
from alliance.audit.labels import record_types
from alliance.audit.models import AUDIT_ACTIONS, AUDIT_KINDS, AUDIT_SOURCES, KIND_ACTIONS
from alliance.audit.queries import AuditFilters, audit_query
from alliance.core.pagination import clamp_paging, list_page
from alliance.core.permissions import managers_only
from alliance.core.views import date_arg


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() and len(value) < 10 else None


@bp.route("/audit")
@managers_only
def list_entries():
    kind = request.args.get("kind") or None
    kind = kind if kind in AUDIT_KINDS else None
    # The action picker offers the actions of the chosen kind (tab); another one is dropped.
    actions = {code: AUDIT_ACTIONS.label(code) for code in (KIND_ACTIONS[kind] if kind else AUDIT_ACTIONS.codes)}
    action = request.args.get("action") or None
    source = request.args.get("source") or None
    record_type = request.args.get("record_type") or None
    filters = AuditFilters(
        kind=kind,
        action=action if action in actions else None,
        source=source if source in AUDIT_SOURCES else None,
        record_type=record_type if record_type in record_types() else None,
        record_id=_int_arg("record_id"),
        actor=(request.args.get("actor") or "")[:50] or None,
        date_from=date_arg("date_from"),
        date_to=date_arg("date_to"),
    )
    page, per_page = clamp_paging(request.args.get("page"), request.args.get("per_page"))
    result = list_page(audit_query(current_user.alliance_id, filters), page, per_page)
    # A tab keeps the other filters but starts at page 1 with any action of its kind.
    tab_args = {k: v for k, v in request.args.items() if k not in ("kind", "action", "page")}
    return render_template("audit/list.html", page=result, filters=filters, actions=actions,
                           kinds=AUDIT_KINDS, tab_args=tab_args, sources=AUDIT_SOURCES,
                           record_types=record_types())

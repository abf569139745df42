"""Pages of civic practice: overview with figures, venues, menu and orders, events (photos,
hours, hand-outs), volunteers, hours, ledgers with stock; the xlsx export; certificates."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, send_from_directory, url_for
from flask_login import current_user
from sqlalchemy import select

from alliance.civic import bp, queries, services
from alliance.civic import photos as event_photos
from alliance.civic.certificates import certificate_response
from alliance.civic.festivals import festivals_in
from alliance.civic.forms import (
    BatchForm,
    EventForm,
    HandoutForm,
    HoursForm,
    LedgerForm,
    OrderActionForm,
    OrderForm,
    VolunteerForm,
)
from alliance.civic.models import (
    FESTIVALS,
    ORDER_STATUSES,
    RECORD_STATUSES,
    VENUE_KINDS,
    CivicEvent,
    CivicEventPhoto,
    ItemLedger,
    ServiceOrder,
    ServiceRecord,
    Volunteer,
)
from alliance.core import charts
from alliance.core.dates import format_date_zh, format_datetime_zh
from alliance.core.errors import RuleViolation
from alliance.core.exports import Sheet, download, record_export, xlsx_bytes
from alliance.core.forms import VersionOnlyForm, quoted
from alliance.core.pagination import clamp_paging, list_page
from alliance.core.permissions import deny, get_visible_or_404, roles_required
from alliance.core.roles import EDITORS
from alliance.core.views import button_action, safe_next, save_or_show
from alliance.extensions import db
from alliance.members.models import MemberUnit


def _page_args():
    return clamp_paging(request.args.get("page"), request.args.get("per_page"), 30)


def _year() -> int:
    try:
        year = int(request.args.get("year") or 0)
    except ValueError:
        year = 0
    return year if 2000 <= year <= 2100 else services.local_today().year


@bp.route("/civic")
@roles_required()
def overview():
    year = _year()
    figures = queries.figures(current_user, year)
    month_labels = [f"{m}月" for m, *_ in figures.by_month]
    month_chart = charts.bar_chart(f"{year}年各月活动", month_labels,
                                   {"活动场次": [r[1] for r in figures.by_month]})
    audience_chart = charts.line_chart(f"{year}年各月服务人数", month_labels,
                                       {"服务人数": [r[2] for r in figures.by_month],
                                        "志愿服务时长": [float(r[3]) for r in figures.by_month]})
    festival_chart = charts.bar_chart(f"{year}年我们的节日", [r[0] for r in figures.by_festival] or ["—"],
                                      {"活动场次": [r[1] for r in figures.by_festival] or [0]})
    return render_template("civic/overview.html", figures=figures, month_chart=month_chart,
                           audience_chart=audience_chart, festival_chart=festival_chart,
                           drives=queries.drive_summaries(current_user),
                           festivals=[(d, FESTIVALS.label(c)) for d, c in festivals_in(year)])


@bp.route("/civic/export.xlsx")
@roles_required()
def export_xlsx():
    """Events and hours of a year as a workbook (two sheets), with an export audit entry."""
    year = _year()
    start, end = queries._year_bounds(year)
    events = db.session.scalars(queries.event_list_query(current_user, shown="export").where(
        CivicEvent.starts_at >= start, CivicEvent.starts_at < end)).all()
    records = db.session.scalars(queries.record_list_query(current_user).join(
        CivicEvent, CivicEvent.id == ServiceRecord.event_id).where(
        CivicEvent.starts_at >= start, CivicEvent.starts_at < end, CivicEvent.deleted_at.is_(None))).all()
    event_rows = [(format_datetime_zh(e.starts_at), e.title, e.venue.name, e.project.name if e.project else "",
                   e.organizer_label, e.audience or 0) for e in events]
    record_rows = [(r.volunteer.volunteer_no, r.volunteer.name, r.event.title,
                    format_date_zh(r.event.starts_at), float(r.hours), r.status_label) for r in records]
    sheets = [Sheet("活动", ["开始时间", "活动名称", "阵地", "服务项目", "组织方", "服务人数"], event_rows,
                    title_lines=[f"{year}年新时代文明实践活动"], widths=[18, 30, 24, 20, 20, 10]),
              Sheet("服务时长", ["志愿者编号", "姓名", "活动", "日期", "时长（小时）", "状态"], record_rows,
                    title_lines=[f"{year}年志愿服务时长"], widths=[14, 10, 30, 16, 12, 10])]
    record_export(None, None, f"{year}年文明实践活动和服务时长", {"format": "xlsx", "year": year})
    db.session.commit()
    return download(xlsx_bytes(sheets), f"{year}年文明实践活动和服务时长.xlsx")


# --- venues, menu and orders -------------------------------------------------------------------

@bp.route("/civic/venues")
@roles_required()
def venues():
    return render_template("civic/venues.html", tree=queries.venue_tree(current_user), kinds=VENUE_KINDS)


@bp.route("/civic/menu", methods=["GET", "POST"])
@roles_required()
def menu():
    form = OrderForm()
    venues = queries.editable_venues(current_user) if current_user.is_editor else []
    projects = db.session.scalars(queries.project_list_query(current_user)).all()
    form.venue_id.choices = [("", "请选择")] + [(v.id, v.name) for v in venues]
    form.project_id.choices = [("", "请选择")] + [(p.id, p.name) for p in projects]
    if request.method == "POST":
        if not current_user.is_editor:
            deny(403, "只读账号不能点单")
        if form.is_submitted():
            response = save_or_show(lambda: services.place_order(current_user, {
                "project_id": form.project_id.data, "venue_id": form.venue_id.data,
                "wanted_on": form.wanted_on.data, "note": form.note.data}), form,
                success=lambda order: f"已为 {order.venue.name} 点单{quoted(order.project.name)}，等待分中心派单",
                target=url_for("civic.menu"))
            if response:
                return response
    page, per_page = _page_args()
    orders = list_page(queries.order_list_query(current_user), page, per_page)
    teams = db.session.scalars(queries.team_list_query(current_user)).all()
    return render_template("civic/menu.html", projects=projects, orders=orders, form=form, teams=teams,
                           can_order=bool(venues), statuses=ORDER_STATUSES)


@bp.route("/civic/orders/<int:order_id>/action", methods=["POST"])
@roles_required(*EDITORS)
def order_action(order_id: int):
    from alliance.civic.api import _order_for_liaison
    if current_user.is_manager:
        order = get_visible_or_404(ServiceOrder, order_id)
    else:
        order = _order_for_liaison(order_id)
    form = OrderActionForm()
    action = request.form.get("action", "")
    data = {"team_id": form.team_id.data, "rating": form.rating.data, "comment": form.comment.data}
    back = url_for("civic.menu")
    return button_action(lambda: services.advance_order(current_user, order, action, data, version=form.version.data),
                         form, success="已更新订单", target=back, back=back)


# --- events ------------------------------------------------------------------------------------

@bp.route("/civic/events")
@roles_required()
def events():
    page, per_page = _page_args()
    venue_id = request.args.get("venue_id", type=int)
    rows, counted = queries.event_rows_query(current_user, venue_id=venue_id)
    result = list_page(rows, page, per_page, scalars=False, count=counted)
    return render_template("civic/events.html", page=result, can_create=current_user.is_editor)


def _event_form_choices(form: EventForm) -> None:
    venues = queries.editable_venues(current_user)
    projects = db.session.scalars(queries.project_list_query(current_user)).all()
    teams = db.session.scalars(queries.team_list_query(current_user)).all()
    if not current_user.is_manager:
        teams = [t for t in teams if t.unit_id == current_user.unit_id]
    form.venue_id.choices = [("", "请选择")] + [(v.id, v.name) for v in venues]
    form.project_id.choices = [("", "（无）")] + [(p.id, p.name) for p in projects]
    form.organizer_team_id.choices = [("", "（无）")] + [(t.id, t.name) for t in teams]


@bp.route("/civic/events/new", methods=["GET", "POST"])
@roles_required(*EDITORS)
def create_event():
    form = EventForm()
    _event_form_choices(form)
    if form.is_submitted():
        def action():
            event = services.save_event(current_user, form.event_data())
            files = [f for f in (form.photos.data or []) if getattr(f, "filename", None)]
            if files:
                event_photos.add_photos(event, files)
            return event
        response = save_or_show(action, form, success=lambda e: f"已记录文明实践活动{quoted(e.title)}",
                                target=lambda e: url_for("civic.view_event", event_id=e.id))
        if response:
            return response
    return render_template("civic/event_form.html", form=form)


@bp.route("/civic/events/<int:event_id>")
@roles_required()
def view_event(event_id: int):
    event = get_visible_or_404(CivicEvent, event_id, options=[db.selectinload(CivicEvent.photos)])
    records = db.session.scalars(queries.record_list_query(current_user, event_id=event.id)).all()
    can_edit = current_user.is_manager or (
        current_user.role == "liaison" and event.unit_id == current_user.unit_id)
    hours_form = HoursForm()
    hours_form.volunteer_id.choices = [("", "请选择")] + [
        (v.id, str(v)) for v in db.session.scalars(queries.volunteer_list_query(current_user)).all()]
    ledgers = queries.with_totals(db.session.scalars(queries.ledger_list_query(current_user)).all()) if can_edit else []
    return render_template("civic/event.html", event=event, records=records, can_edit=can_edit,
                           hours_form=hours_form, ledgers=ledgers, handout_form=HandoutForm())


@bp.route("/civic/events/<int:event_id>/hours", methods=["POST"])
@roles_required(*EDITORS)
def add_hours(event_id: int):
    event = get_visible_or_404(CivicEvent, event_id)
    form = HoursForm()
    back = url_for("civic.view_event", event_id=event.id)
    data = {"event_id": event.id, "volunteer_id": form.volunteer_id.data, "hours": form.hours.data or None,
            "role": form.role.data}
    return button_action(lambda: services.record_hours(current_user, data), form,
                         success="已记录服务时长（待核实）", target=back, back=back)


@bp.route("/civic/events/<int:event_id>/photos", methods=["POST"])
@roles_required(*EDITORS)
def upload_photos(event_id: int):
    event = get_visible_or_404(CivicEvent, event_id)
    services._owned(current_user, event.unit_id, "活动")
    form = VersionOnlyForm()
    back = url_for("civic.view_event", event_id=event.id)
    return button_action(lambda: event_photos.add_photos(event, request.files.getlist("photos")), form,
                         success="已上传照片", target=back, back=back)


@bp.route("/civic/events/<int:event_id>/photos/<int:event_photo_id>")
@roles_required()
def photo(event_id: int, event_photo_id: int):
    event = get_visible_or_404(CivicEvent, event_id)
    item = db.session.scalar(select(CivicEventPhoto).where(
        CivicEventPhoto.id == event_photo_id, CivicEventPhoto.event_id == event.id,
        CivicEventPhoto.deleted_at.is_(None)))
    if item is None:
        abort(404)
    from alliance.core.uploads import thumbnail_name
    name, mimetype = item.stored_name, item.content_type
    if request.args.get("thumb") == "1" and (event_photos.folder() / thumbnail_name(name)).is_file():
        name, mimetype = thumbnail_name(name), "image/jpeg"
    response = send_from_directory(event_photos.folder(), name, mimetype=mimetype, download_name=item.original_name)
    response.cache_control.private = True
    return response


@bp.route("/civic/records/<int:record_id>/verify", methods=["POST"])
@roles_required(*EDITORS)
def verify_record(record_id: int):
    record = get_visible_or_404(ServiceRecord, record_id)
    form = VersionOnlyForm()
    back = safe_next(request.form.get("back"), url_for("civic.hours"))
    return button_action(lambda: services.verify_record(current_user, record, version=form.version.data,
                                                        verifier=current_user.display_name),
                         form, success="已核实", target=back, back=back)


@bp.route("/civic/hours")
@roles_required()
def hours():
    page, per_page = _page_args()
    rows, counted = queries.record_rows_query(current_user, status=request.args.get("status") or None)
    result = list_page(rows, page, per_page, scalars=False, count=counted)
    return render_template("civic/hours.html", page=result, statuses=RECORD_STATUSES)


# --- volunteers --------------------------------------------------------------------------------

@bp.route("/civic/volunteers", methods=["GET", "POST"])
@roles_required()
def volunteers():
    form = VolunteerForm()
    teams = db.session.scalars(queries.team_list_query(current_user)).all()
    if not current_user.is_manager:
        teams = [t for t in teams if t.unit_id == current_user.unit_id]
    form.team_ids.choices = [(t.id, t.name) for t in teams]
    if request.method == "POST":
        if not current_user.is_editor:
            deny(403, "只读账号不能登记志愿者")
        if form.is_submitted():
            response = save_or_show(lambda: services.save_volunteer(current_user, {
                "name": form.name.data, "mobile": form.mobile.data, "volunteer_no": form.volunteer_no.data,
                "skills": form.skills.data, "team_ids": form.team_ids.data or []}), form,
                success=lambda v: f"已登记志愿者 {v.name}（编号 {v.volunteer_no}）", target=url_for("civic.volunteers"))
            if response:
                return response
    page, per_page = _page_args()
    result = list_page(queries.volunteer_list_query(current_user, q=request.args.get("q")), page, per_page)
    totals = queries.hours_by_volunteer([v.id for v in result.items])
    return render_template("civic/volunteers.html", page=result, totals=totals, form=form,
                           can_create=current_user.is_editor)


@bp.route("/civic/volunteers/<int:volunteer_id>/certificate.pdf")
@roles_required()
def certificate(volunteer_id: int):
    volunteer = get_visible_or_404(Volunteer, volunteer_id)
    try:
        return certificate_response(volunteer)
    except RuleViolation as exc:
        flash(exc.message, "danger")
        return redirect(url_for("civic.volunteers"))


# --- ledgers -----------------------------------------------------------------------------------

@bp.route("/civic/ledgers", methods=["GET", "POST"])
@roles_required()
def ledgers():
    form = LedgerForm()
    projects = db.session.scalars(queries.project_list_query(current_user))
    form.project_id.choices = [("", "（无）")] + [(p.id, p.name) for p in projects]
    form.unit_id.choices = [("", "（分中心）")] + [(u.id, u.name) for u in db.session.scalars(
        select(MemberUnit).where(MemberUnit.alliance_id == current_user.alliance_id, MemberUnit.deleted_at.is_(None))
        .order_by(MemberUnit.name))] if current_user.is_manager else []
    if request.method == "POST":
        if not current_user.is_editor:
            deny(403, "只读账号不能新建台账")
        if form.is_submitted():
            response = save_or_show(lambda: services.create_ledger(current_user, {
                "item": form.item.data, "project_id": form.project_id.data, "unit_id": form.unit_id.data,
                "note": form.note.data}), form, success=lambda ledger: f"已新建物品台账{quoted(ledger.item)}",
                target=lambda ledger: url_for("civic.view_ledger", ledger_id=ledger.id))
            if response:
                return response
    items = queries.with_totals(db.session.scalars(queries.ledger_list_query(current_user)).all())
    return render_template("civic/ledgers.html", ledgers=items, form=form, can_create=current_user.is_editor)


def _ledger_page(ledger, batch_form=None, handout_form=None):
    queries.with_totals([ledger])
    can_edit = current_user.is_manager or (
        current_user.role == "liaison" and ledger.unit_id == current_user.unit_id)
    batch_form = batch_form or BatchForm()
    handout_form = handout_form or HandoutForm()
    events = db.session.scalars(queries.event_list_query(current_user, shown="page").limit(200)).all() \
        if can_edit else []
    handout_form.event_id.choices = [("", "请选择")] + [(e.id, f"{format_date_zh(e.starts_at)} {e.title}")
                                                      for e in events]
    return render_template("civic/ledger.html", ledger=ledger, can_edit=can_edit, batch_form=batch_form,
                           handout_form=handout_form)


@bp.route("/civic/ledgers/<int:ledger_id>")
@roles_required()
def view_ledger(ledger_id: int):
    return _ledger_page(get_visible_or_404(ItemLedger, ledger_id))


@bp.route("/civic/ledgers/<int:ledger_id>/batches", methods=["POST"])
@roles_required(*EDITORS)
def add_batch(ledger_id: int):
    ledger = get_visible_or_404(ItemLedger, ledger_id)
    form = BatchForm()
    if form.is_submitted():
        response = save_or_show(lambda: services.add_batch(current_user, ledger, {
            "quantity": form.quantity.data, "occurred_on": form.occurred_on.data, "made_by": form.made_by.data,
            "volunteer_count": form.volunteer_count.data}), form,
            success=lambda entry: f"已登记制作 {ledger.item} {entry.quantity} 件",
            target=url_for("civic.view_ledger", ledger_id=ledger.id))
        if response:
            return response
    return _ledger_page(ledger, batch_form=form)


@bp.route("/civic/ledgers/<int:ledger_id>/handouts", methods=["POST"])
@roles_required(*EDITORS)
def add_handout(ledger_id: int):
    ledger = get_visible_or_404(ItemLedger, ledger_id)
    form = HandoutForm()
    back = request.form.get("back") or ""
    target = back if back.startswith("/civic/") else url_for("civic.view_ledger", ledger_id=ledger.id)
    if form.is_submitted():
        response = save_or_show(lambda: services.record_handout(current_user, ledger, {
            "quantity": form.quantity.data, "event_id": form.event_id.data,
            "volunteer_count": form.volunteer_count.data}), form,
            success=lambda entry: f"已登记发放 {ledger.item} {entry.quantity} 件", target=target)
        if response:
            return response
    return _ledger_page(ledger, handout_form=form)

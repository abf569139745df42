"""Pages of the activity log. Thin: parse the form, call a service, commit, redirect or render."""
from __future__ import annotations

from flask import render_template, request, url_for
from flask_login import current_user

from alliance.activities import bp, services
from alliance.activities.access import editable_activity, live_photo, send_photo
from alliance.activities.forms import ActivityForm, NewActivityForm
from alliance.activities.models import ACTIVITY_KINDS, Activity
from alliance.activities.queries import ACTIVITY_SORTS, ActivityFilters, activity_rows_query
from alliance.auth.roles import LIAISON
from alliance.core import uploads
from alliance.core.forms import VersionOnlyForm, quoted, select_choices
from alliance.core.pagination import clamp_paging, list_page
from alliance.core.permissions import can_edit_unit_records, get_visible_or_404, managers_only, roles_required
from alliance.core.roles import EDITORS
from alliance.core.views import button_action, date_arg, int_arg, save_or_show
from alliance.extensions import db
from alliance.members.queries import unit_choices, unit_choices_if_few, visible_unit_name

# --- list and detail -----------------------------------------------------------------------

@bp.route("/activities")
@roles_required()
def list_activities():
    sort = request.args.get("sort", "recent")
    kind = request.args.get("kind") or None
    filters = ActivityFilters(
        unit_id=int_arg("unit_id") if current_user.reads_all_units else None,
        kind=kind if kind in ACTIVITY_KINDS else None,
        date_from=date_arg("date_from"), date_to=date_arg("date_to"),
        q=(request.args.get("q") or "").strip()[:100] or None,
        sort=sort if sort in ACTIVITY_SORTS else "recent",
        deleted=request.args.get("deleted") == "1" and current_user.is_manager,
    )
    page, per_page = clamp_paging(request.args.get("page"), request.args.get("per_page"), 20)
    rows, counted = activity_rows_query(current_user, filters)
    result = list_page(rows, page, per_page, scalars=False, count=counted)
    units = unit_choices_if_few(current_user) if current_user.reads_all_units else []
    pick_unit = units is None  # too many for a select box: the unit picker
    return render_template("activities/list.html", page=result, filters=filters, units=units,
                           pick_unit=pick_unit,
                           unit_label=visible_unit_name(current_user, filters.unit_id) if pick_unit else "",
                           kinds=ACTIVITY_KINDS, sorts=ACTIVITY_SORTS,
                           can_create=current_user.is_editor)


@bp.route("/activities/<int:activity_id>")
@roles_required()
def view_activity(activity_id: int):
    activity = get_visible_or_404(Activity, activity_id, include_deleted=current_user.is_manager,
                                  options=[db.selectinload(Activity.photos),
                                           db.selectinload(Activity.unit)])
    can_edit = not activity.is_deleted and can_edit_unit_records(activity.unit_id)
    return render_template("activities/detail.html", activity=activity, can_edit=can_edit,
                           can_manage=current_user.is_manager, action_form=VersionOnlyForm())


# --- create and edit -----------------------------------------------------------------------

@bp.route("/activities/new", methods=["GET", "POST"])
@roles_required(*EDITORS)
def create_activity():
    if current_user.role == LIAISON:
        # No unit field at all: whatever unit_id a liaison sends is never read.
        form = ActivityForm()
        unit = current_user.unit
    else:
        form = NewActivityForm()
        form.unit_id.choices = select_choices(unit_choices(current_user), "请选择成员单位")
        if request.method == "GET":
            form.unit_id.data = int_arg("unit_id")
        unit = None
    if request.method == "GET":
        form.occurred_on.data = services.local_today()
    if form.is_submitted():
        def action():
            unit_id = form.unit_id.data if isinstance(form, NewActivityForm) else None
            chosen = services.unit_for_new_activity(current_user, unit_id)
            return services.create_activity(form.activity_data(), unit=chosen,
                                            photos=form.uploaded_photos())

        response = save_or_show(action, form, success=lambda a: f"已记录 {a.unit.name} 的共建活动{quoted(a.title)}",
                                target=lambda a: url_for("activities.view_activity", activity_id=a.id))
        if response:
            return response
    return _form_page(form, None, unit)


@bp.route("/activities/<int:activity_id>/edit", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit_activity(activity_id: int):
    activity = editable_activity(activity_id)
    form = ActivityForm(obj=activity)
    if form.is_submitted():
        response = save_or_show(
            lambda: services.update_activity(activity, form.activity_data(),
                                             version=form.version.data,
                                             photos=form.uploaded_photos()),
            form, success=lambda a: f"已保存共建活动{quoted(a.title)}",
            target=lambda a: url_for("activities.view_activity", activity_id=a.id))
        if response:
            return response
        # The rollback expired the record; what the page shows is what is stored.
    return _form_page(form, activity, activity.unit)


def _form_page(form, activity: Activity | None, unit):
    existing = len(activity.photos) if activity else 0
    return render_template("activities/form.html", form=form, activity=activity, unit=unit,
                           photos_left=max(0, services.photos_per_activity() - existing),
                           photo_limit=uploads.format_size(uploads.IMAGES.max_bytes()),
                           today_iso=services.local_today().isoformat())


@bp.route("/activities/<int:activity_id>/delete", methods=["POST"])
@roles_required(*EDITORS)
def delete_activity(activity_id: int):
    activity = editable_activity(activity_id)
    form = VersionOnlyForm()
    if current_user.is_manager:
        target, how_back = url_for("activities.list_activities"), "可在“已删除”中恢复"
    else:  # only staff restore; the liaison goes back to their unit's page
        target, how_back = url_for("members.view_unit", unit_id=activity.unit_id), "如需恢复请联系党群办"
    return button_action(lambda: services.delete_activity(activity, version=form.version.data), form,
                         success=f"已删除活动{quoted(activity.title)}（{how_back}）", target=target,
                         back=url_for("activities.view_activity", activity_id=activity.id))


@bp.route("/activities/<int:activity_id>/restore", methods=["POST"])
@managers_only
def restore_activity(activity_id: int):
    activity = get_visible_or_404(Activity, activity_id, include_deleted=True)
    form = VersionOnlyForm()
    target = url_for("activities.view_activity", activity_id=activity.id)
    return button_action(lambda: services.restore_activity(activity, version=form.version.data), form,
                         success=f"已恢复活动{quoted(activity.title)}", target=target, back=target)


# --- photos --------------------------------------------------------------------------------

@bp.route("/activities/<int:activity_id>/photos/<int:photo_id>")
@roles_required()
def photo(activity_id: int, photo_id: int):
    activity = get_visible_or_404(Activity, activity_id, include_deleted=current_user.is_manager)
    return send_photo(live_photo(activity, photo_id), thumbnail=request.args.get("thumb") == "1")


@bp.route("/activities/<int:activity_id>/photos/<int:photo_id>/delete", methods=["POST"])
@roles_required(*EDITORS)
def delete_photo(activity_id: int, photo_id: int):
    activity = editable_activity(activity_id)
    photo = live_photo(activity, photo_id)
    back = url_for("activities.view_activity", activity_id=activity.id)
    form = VersionOnlyForm()
    return button_action(lambda: services.remove_photo(photo, version=form.version.data), form,
                         success=f"已删除照片{quoted(photo.original_name)}", target=back, back=back)

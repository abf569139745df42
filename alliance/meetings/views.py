"""Pages of joint meetings. Thin: parse, call a service, commit once, redirect or render."""
from __future__ import annotations

from datetime import date, datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from alliance.auth.roles import READERS_OF_ALL
from alliance.core import exports
from alliance.core.dates import LOCAL_TZ
from alliance.core.errors import STALE_MESSAGE, FieldErrors, RuleViolation, StaleRecord
from alliance.core.forms import VersionOnlyForm, quoted, select_choices
from alliance.core.pagination import clamp_paging, list_page
from alliance.core.permissions import deny, get_visible_or_404, managers_only, roles_required
from alliance.core.roles import EDITORS
from alliance.core.types import utcnow
from alliance.core.views import button_action, safe_next, save_or_show
from alliance.extensions import db
from alliance.meetings import bp, documents, services
from alliance.meetings.forms import MeetingForm, SignInForm
from alliance.meetings.models import (
    ACTION_STATUSES,
    ATTENDANCE_STATUSES,
    CAPACITIES,
    MEETING_KINDS,
    MEETING_STATUSES,
    REPLIES,
    ActionItem,
    Attendance,
    CalendarFeed,
    Meeting,
    ReplySlip,
)
from alliance.meetings.queries import (
    DETAIL_OPTIONS,
    ROSTER_SORTS,
    MeetingFilters,
    attendance_counts,
    attendance_query,
    attendance_rows_query,
    meeting_page,
    meeting_rows_query,
    meeting_sections,
    reply_slips,
)
from alliance.members.models import Alliance, MemberUnit, Person
from alliance.members.queries import unit_choices


def child_or_404(model, meeting: Meeting, record_id: int):
    record = db.session.scalar(select(model).where(model.id == record_id, model.meeting_id == meeting.id,
                                                   model.deleted_at.is_(None)))
    if record is None:
        abort(404)
    return record


def slip_or_404(meeting: Meeting, slip_id: int) -> ReplySlip:
    slip = get_visible_or_404(ReplySlip, slip_id)
    if slip.meeting_id != meeting.id:
        abort(404)
    return slip


def _alliance_name() -> str:
    return db.session.get(Alliance, current_user.alliance_id).name


# --- exports (shared with the API) -----------------------------------------------------------

def roster_download(meeting: Meeting, kind: str, *, sort: str = "strokes", sheet: str = "roster",
                    full_mobiles: bool = False):
    if sort not in ROSTER_SORTS:
        raise FieldErrors({"sort": ["排序方式应为 strokes（姓氏笔画）、pinyin（拼音）或 unit（单位）"]})
    full = bool(full_mobiles) and exports.may_export_full_mobiles(current_user)
    table = documents.roster_sheet(meeting, current_user, sort=sort, sheet=sheet, full_mobiles=full,
                                   alliance_name=_alliance_name())
    data = {"xlsx": lambda: exports.xlsx_bytes([table]), "csv": lambda: exports.csv_bytes(table),
            "pdf": lambda: exports.pdf_bytes(table)}[kind]()
    what = "签到表" if sheet == "signin" else "花名册"
    exports.record_export("Meeting", meeting.id, f"{meeting.title}{what}",
                          {"format": kind, "sort": sort, "sheet": sheet, "full_mobiles": full})
    db.session.commit()
    return exports.download(data, f"{meeting.title}{what}.{kind}")


def calendar_response(user, meeting: Meeting | None = None):
    from alliance.core.permissions import scoped

    if meeting is None:
        meetings = db.session.scalars(scoped(select(Meeting), Meeting, user)
                                      .order_by(Meeting.starts_at.desc()).limit(500)).all()
        name, filename = f"{db.session.get(Alliance, user.alliance_id).name}会议", "meetings.ics"
    else:
        meetings, name, filename = [meeting], meeting.title, f"{meeting.title}.ics"
    data = documents.ics_bytes(meetings, name, request.host.split(":")[0] or "alliance")
    response = exports.download(data, filename, "ics")
    response.headers["Content-Disposition"] = response.headers["Content-Disposition"].replace("attachment", "inline")
    return response


# --- list, page, form ------------------------------------------------------------------------

@bp.route("/meetings")
@roles_required()
def list_meetings():
    kind, status = request.args.get("kind") or None, request.args.get("status") or None
    filters = MeetingFilters(kind=kind if kind in MEETING_KINDS else None,
                             status=status if status in MEETING_STATUSES else None,
                             year=request.args.get("year", type=int),
                             q=(request.args.get("q") or "").strip()[:100] or None)
    page, per_page = clamp_paging(request.args.get("page"), request.args.get("per_page"), 20)
    rows, counted = meeting_rows_query(current_user, filters)
    result = list_page(rows, page, per_page, scalars=False, count=counted, search=bool(filters.q))
    return render_template("meetings/list.html", page=result, filters=filters, kinds=MEETING_KINDS,
                           statuses=MEETING_STATUSES, can_create=current_user.is_manager)


@bp.route("/meetings/<int:meeting_id>")
@roles_required()
def view_meeting(meeting_id: int):
    found = meeting_page(meeting_id, current_user)
    return render_template("meetings/detail.html", meeting=found.meeting, counts=found.counts,
                           sections=meeting_sections(meeting_id), action_statuses=ACTION_STATUSES,
                           slip_counts=found.slips, own_slip=found.own_slip,
                           can_manage=current_user.is_manager,
                           can_export=current_user.reads_all_units, sorts=ROSTER_SORTS,
                           action_form=None)  # post_button takes no form's fields


@bp.route("/meetings/<int:meeting_id>/arrange")
@managers_only
def arrange_meeting(meeting_id: int):
    """The organizer's forms (agenda, speeches, admissions, decisions, invitations) and every
    unit's reply slip: kept off the meeting page so that page stays light."""
    meeting = get_visible_or_404(Meeting, meeting_id, options=DETAIL_OPTIONS)
    return render_template("meetings/arrange.html", meeting=meeting, can_manage=True,
                           slips=reply_slips(meeting, current_user), capacities=CAPACITIES,
                           units=unit_choices(current_user), groups=services.INVITE_GROUPS)


def _unit_select(form):
    form.host_unit_id.choices = select_choices(unit_choices(current_user), "（无）")


def _person_label(person_id):
    person = db.session.get(Person, person_id) if person_id else None
    return person.name if person else ""


@bp.route("/meetings/new", methods=["GET", "POST"])
@managers_only
def create_meeting():
    form = MeetingForm()
    _unit_select(form)
    if form.is_submitted():
        response = save_or_show(
            lambda: services.create_meeting(form.meeting_data(), alliance_id=current_user.alliance_id),
            form, success=lambda m: f"已创建会议{quoted(m.title)}",
            target=lambda m: url_for("meetings.view_meeting", meeting_id=m.id))
        if response:
            return response
    return render_template("meetings/form.html", form=form, meeting=None,
                           chair_label=_person_label(form.chair_id.data),
                           recorder_label=_person_label(form.recorder_id.data))


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@managers_only
def edit_meeting(meeting_id: int):
    meeting = get_visible_or_404(Meeting, meeting_id)
    form = MeetingForm(obj=meeting)
    _unit_select(form)
    if request.method == "GET":
        form.starts_at.data = meeting.starts_at.astimezone(LOCAL_TZ).replace(tzinfo=None)
        form.ends_at.data = meeting.ends_at.astimezone(LOCAL_TZ).replace(tzinfo=None)
    if form.is_submitted():
        response = save_or_show(
            lambda: services.update_meeting(meeting, form.meeting_data(), version=form.version.data),
            form, success=lambda m: f"已保存会议{quoted(m.title)}",
            target=lambda m: url_for("meetings.view_meeting", meeting_id=m.id))
        if response:
            return response
    return render_template("meetings/form.html", form=form, meeting=meeting,
                           chair_label=_person_label(form.chair_id.data),
                           recorder_label=_person_label(form.recorder_id.data))


@bp.route("/meetings/<int:meeting_id>/delete", methods=["POST"])
@managers_only
def delete_meeting(meeting_id: int):
    meeting = get_visible_or_404(Meeting, meeting_id)
    form = VersionOnlyForm()
    return button_action(lambda: services.delete_meeting(meeting, version=form.version.data), form,
                         success=f"已删除会议{quoted(meeting.title)}", target=url_for("meetings.list_meetings"),
                         back=url_for("meetings.view_meeting", meeting_id=meeting.id))


def _int(name: str):
    value = request.form.get(name, "").strip()
    try:
        return int(value) if value else None
    except ValueError:
        return -1  # names no record: the service says so at the field


def _small_action(meeting: Meeting, action, success: str, anchor: str = ""):
    """The small forms of the meeting page (agenda, speech, invite...): the refusal is flashed."""
    back = url_for("meetings.arrange_meeting", meeting_id=meeting.id) + anchor
    return button_action(action, VersionOnlyForm(), success=success, target=back, back=back)


@bp.route("/meetings/<int:meeting_id>/agenda", methods=["POST"])
@managers_only
def add_agenda_item(meeting_id: int):
    meeting = get_visible_or_404(Meeting, meeting_id)
    data = {"title": request.form.get("title"), "presenter_id": _int("presenter_id"),
            "presenter_note": request.form.get("presenter_note")}
    return _small_action(meeting, lambda: services.add_agenda_item(meeting, data), "已添加议程", "#agenda")


@bp.route("/meetings/<int:meeting_id>/speeches", methods=["POST"])
@managers_only
def add_speech(meeting_id: int):
    meeting = get_visible_or_404(Meeting, meeting_id)
    data = {"unit_id": _int("unit_id"), "speaker_id": _int("speaker_id"), "topic": request.form.get("topic")}
    return _small_action(meeting, lambda: services.add_speech(meeting, data), "已添加发言", "#speeches")


@bp.route("/meetings/<int:meeting_id>/admissions", methods=["POST"])
@managers_only
def admit_unit(meeting_id: int):
    meeting = get_visible_or_404(Meeting, meeting_id)
    return _small_action(meeting, lambda: services.admit_unit(meeting, _int("unit_id")),
                         "已登记新成员单位（加入日期为会议当天）", "#admissions")


@bp.route("/meetings/<int:meeting_id>/action-items", methods=["POST"])
@managers_only
def add_action_item(meeting_id: int):
    meeting = get_visible_or_404(Meeting, meeting_id)
    due_text = request.form.get("due_on") or None
    due: date | str | None
    try:
        due = datetime.strptime(due_text, "%Y-%m-%d").date() if due_text else None
    except ValueError:
        due = "bad"
    data = {"decision": request.form.get("decision"), "owner_unit_id": _int("owner_unit_id"), "due_on": due}
    return _small_action(meeting, lambda: services.add_action_item(meeting, data), "已添加决定事项", "#actions")


@bp.route("/meetings/<int:meeting_id>/action-items/<int:item_id>/done", methods=["POST"])
@managers_only
def finish_action_item(meeting_id: int, item_id: int):
    meeting = get_visible_or_404(Meeting, meeting_id)
    item = child_or_404(ActionItem, meeting, item_id)
    form = VersionOnlyForm()
    data = {"status": "done", "done_note": request.form.get("done_note")}
    back = url_for("meetings.view_meeting", meeting_id=meeting.id) + "#actions"
    return button_action(lambda: services.update_action_item(item, data, version=form.version.data),
                         form, success="已办结", target=back, back=back)


@bp.route("/meetings/<int:meeting_id>/invite", methods=["POST"])
@managers_only
def invite(meeting_id: int):
    meeting = get_visible_or_404(Meeting, meeting_id)
    return _small_action(meeting, lambda: services.invite_person(
        meeting, _int("person_id"), request.form.get("capacity")), "已邀请", "#invite")


@bp.route("/meetings/<int:meeting_id>/invite-group", methods=["POST"])
@managers_only
def invite_group(meeting_id: int):
    meeting = get_visible_or_404(Meeting, meeting_id)
    unit_ids = [int(v) for v in request.form.getlist("unit_ids") if v.isdigit()]
    result = {}

    def action():
        result["added"] = services.invite_group(meeting, request.form.get("group"), unit_ids=unit_ids,
                                                capacity=request.form.get("capacity"))

    response = _small_action(meeting, action, "已批量邀请", "#invite")
    if "added" in result:
        flash(f"新增邀请{result['added']}人（已邀请的不重复）", "info")
    return response


# --- attendance ------------------------------------------------------------------------------

@bp.route("/meetings/<int:meeting_id>/attendance")
@roles_required()
def attendance_list(meeting_id: int):
    meeting = get_visible_or_404(Meeting, meeting_id)
    sort = request.args.get("sort", "strokes")
    sort = sort if sort in ROSTER_SORTS else "strokes"
    status = request.args.get("status") or None
    page, per_page = clamp_paging(request.args.get("page"), request.args.get("per_page"), 50)
    status = status if status in ("invited", *services.MARKABLE) else None
    rows, counted = attendance_rows_query(meeting, current_user, sort=sort, status=status)
    result = list_page(rows, page, per_page, scalars=False, count=counted)
    # The per-row form's address: the url_for of attendance 0 without its "0/mark" tail.
    mark_prefix = url_for("meetings.mark_attendance", meeting_id=meeting.id, attendance_id=0)[:-len("0/mark")]
    return render_template("meetings/attendance.html", meeting=meeting, page=result, sort=sort,
                           mark_prefix=mark_prefix, capacities=CAPACITIES, replies=REPLIES,
                           attendance_statuses=ATTENDANCE_STATUSES, sorts=ROSTER_SORTS,
                           counts=attendance_counts(meeting.id, current_user),
                           can_manage=current_user.is_manager, can_export=current_user.reads_all_units)


@bp.route("/meetings/<int:meeting_id>/attendance/<int:attendance_id>/mark", methods=["POST"])
@managers_only
def mark_attendance(meeting_id: int, attendance_id: int):
    meeting = get_visible_or_404(Meeting, meeting_id)
    attendance = child_or_404(Attendance, meeting, attendance_id)
    form = VersionOnlyForm()
    back = safe_next(request.form.get("back"), url_for("meetings.attendance_list", meeting_id=meeting.id))
    return button_action(lambda: services.mark_attendance(
        meeting, attendance.person_id, request.form.get("status"), version=form.version.data),
        form, success="已登记", target=back, back=back)


# --- reply slip ------------------------------------------------------------------------------

@bp.route("/meetings/<int:meeting_id>/reply-slips/<int:slip_id>", methods=["GET", "POST"])
@roles_required(*EDITORS)
def reply_slip(meeting_id: int, slip_id: int):
    meeting = get_visible_or_404(Meeting, meeting_id)
    slip = slip_or_404(meeting, slip_id)
    invitees = db.session.scalars(select(Attendance).where(
        Attendance.meeting_id == meeting.id, Attendance.unit_id == slip.unit_id,
        Attendance.deleted_at.is_(None), Attendance.substitute_for_id.is_(None))
        .options(db.joinedload(Attendance.person)).order_by(Attendance.id)).all()
    subs = {a.substitute_for_id: a for a in db.session.scalars(select(Attendance).where(
        Attendance.meeting_id == meeting.id, Attendance.unit_id == slip.unit_id,
        Attendance.deleted_at.is_(None), Attendance.substitute_for_id.is_not(None))
        .options(db.joinedload(Attendance.person)))}
    errors: dict[str, list[str]] = {}
    form_errors: list[str] = []
    form = VersionOnlyForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        answers = []
        for a in invitees:
            answers.append({"person_id": a.person_id, "reply": request.form.get(f"reply-{a.person_id}"),
                            "reason": request.form.get(f"reason-{a.person_id}"),
                            "substitute_id": _int(f"substitute-{a.person_id}")})
        try:
            from alliance.core.records import check_version

            check_version(slip, form.version.data)
            services.answer_reply_slip(slip, answers, note=request.form.get("note"))
            db.session.commit()
        except FieldErrors as exc:
            db.session.rollback()
            errors = exc.fields
        except (StaleRecord, StaleDataError):
            db.session.rollback()
            form_errors.append(STALE_MESSAGE)
        except RuleViolation as exc:
            db.session.rollback()
            form_errors.append(exc.message)
        else:
            flash("回执已提交", "success")
            return redirect(url_for("meetings.view_meeting", meeting_id=meeting.id))
    field_errors = {}
    for key, messages in errors.items():
        parts = key.split(".")
        if len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(invitees):
            field_errors[(invitees[int(parts[1])].person_id, parts[2])] = messages
        else:
            form_errors.extend(messages)
    summary, summary_labels = _reply_slip_summary(invitees, field_errors, form_errors)
    return render_template("meetings/reply_slip.html", meeting=meeting, slip=slip, invitees=invitees,
                           subs=subs, field_errors=field_errors, summary=summary,
                           summary_labels=summary_labels,
                           submitted=request.form if request.method == "POST" else None)


# Each answer's field in the reply slip form: the id its summary line links to, and its label.
_SLIP_FIELDS = {"reply": ("reply-{}-coming", "回执"), "reason": ("reason-{}", "请假事由"),
                "substitute_id": ("substitute-{}-input", "代会人员")}


def _reply_slip_summary(invitees, field_errors, form_errors) -> tuple[dict, dict]:
    """The errors of the form for the shared ``error_summary`` macro: the form's own first, then
    each field's, linked to it and named by the invitee (徐虹 请假事由：请填写请假事由)."""
    names = {a.person_id: a.person.name for a in invitees}
    summary: dict = {"_form": list(form_errors)} if form_errors else {}
    labels = {}
    for (person_id, field), messages in field_errors.items():
        anchor, label = _SLIP_FIELDS.get(field, ("reply-{}-coming", "回执"))
        summary[anchor.format(person_id)] = messages
        labels[anchor.format(person_id)] = f"{names.get(person_id, '')} {label}"
    return summary, labels


# --- documents -------------------------------------------------------------------------------

@bp.route("/meetings/<int:meeting_id>/notice.docx")
@roles_required(*READERS_OF_ALL)
def notice(meeting_id: int):
    meeting = get_visible_or_404(Meeting, meeting_id, options=DETAIL_OPTIONS)
    data = documents.notice_docx(meeting, _alliance_name())
    exports.record_export("Meeting", meeting.id, f"{meeting.title}会议通知", {"format": "docx"})
    db.session.commit()
    return exports.download(data, f"{meeting.title}会议通知.docx")


@bp.route("/meetings/<int:meeting_id>/minutes.docx")
@roles_required(*READERS_OF_ALL)
def minutes(meeting_id: int):
    meeting = get_visible_or_404(Meeting, meeting_id, options=DETAIL_OPTIONS)
    attendances = db.session.scalars(attendance_query(meeting, current_user, sort="unit")).unique().all()
    data = documents.minutes_docx(meeting, attendances, _alliance_name())
    exports.record_export("Meeting", meeting.id, f"{meeting.title}会议纪要", {"format": "docx"})
    db.session.commit()
    return exports.download(data, f"{meeting.title}会议纪要.docx")


# --- phone self sign-in ------------------------------------------------------------------------

@bp.route("/meetings/<int:meeting_id>/qr")
@roles_required(*READERS_OF_ALL)
def signin_qr(meeting_id: int):
    meeting = get_visible_or_404(Meeting, meeting_id)
    url = url_for("meetings.self_sign_in", signin_key=meeting.signin_key, _external=True)
    return render_template("meetings/qr.html", meeting=meeting, url=url, svg=documents.qr_svg(url),
                           counts=attendance_counts(meeting.id, current_user))


def _meeting_by_key(key: str) -> Meeting:
    meeting = db.session.scalar(select(Meeting).where(Meeting.signin_key == key[:40],
                                                      Meeting.deleted_at.is_(None)))
    if meeting is None:
        abort(404)
    return meeting


@bp.route("/s/<signin_key>", methods=["GET", "POST"])
def self_sign_in(signin_key: str):
    """No account needed: the QR code's secret address names the meeting."""
    meeting = _meeting_by_key(signin_key)
    form = SignInForm()
    closed = services.signin_window_message(meeting, utcnow())
    done, status = None, 200
    if request.method == "POST" and form.validate_on_submit() and not closed:
        try:
            done = services.self_sign_in(meeting, form.name.data, form.last4.data,
                                         ip_address=request.remote_addr)
            db.session.commit()
        except services.SignInRefused as exc:
            db.session.commit()  # keep the failed attempt: it counts against guessing
            status = exc.status
            target = getattr(form, exc.field) if exc.field else None
            if target is not None:
                target.errors = list(target.errors) + [exc.message]
            else:
                form.form_errors.append(exc.message)
    elif request.method == "POST" and not closed:
        status = 422
    return render_template("meetings/sign_in.html", meeting=meeting, form=form, closed=closed,
                           done=done), status


# --- calendar subscription ---------------------------------------------------------------------

@bp.route("/meetings/calendar", methods=["GET", "POST"])
@roles_required()
def calendar_settings():
    feed = db.session.scalar(select(CalendarFeed.id).where(CalendarFeed.user_id == current_user.id))
    form = VersionOnlyForm()
    new_url = None
    if request.method == "POST":
        action = request.form.get("action")
        if not form.validate_on_submit() or action not in ("create", "revoke"):
            abort(400)
        if action == "revoke":
            services.revoke_calendar_feed(current_user)
            db.session.commit()
            flash("已停用日历订阅地址", "success")
            return redirect(url_for("meetings.calendar_settings"))
        secret = services.issue_calendar_feed(current_user)
        db.session.commit()
        new_url = url_for("meetings.calendar_subscription", feed_secret=secret, _external=True)
        feed = True
    return render_template("meetings/calendar.html", feed=feed, new_url=new_url, form=form)


@bp.route("/calendar/<feed_secret>.ics")
def calendar_subscription(feed_secret: str):
    """A phone calendar's subscription: the secret names the user; revoking it ends access."""
    user = services.user_of_feed(feed_secret)
    if user is None:
        abort(404)
    return calendar_response(user)


__all__ = ["bp", "deny", "MemberUnit"]

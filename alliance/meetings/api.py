"""/api/v1/meetings: joint meetings, invitations and attendance, reply slips, exports, calendar."""
from __future__ import annotations

from flask import request
from flask_login import current_user
from flask_smorest import Blueprint

from alliance.api import exempt_from_form_csrf
from alliance.api.schemas import OptionalVersionArgs, page_body
from alliance.auth.roles import READERS_OF_ALL
from alliance.core.permissions import get_visible_or_404, managers_only, roles_required
from alliance.core.roles import EDITORS
from alliance.extensions import db
from alliance.meetings import services
from alliance.meetings import views as web
from alliance.meetings.documents import search_people
from alliance.meetings.models import ActionItem, Meeting, ReplySlip
from alliance.meetings.queries import (
    DETAIL_OPTIONS,
    MeetingFilters,
    attendance_api_page,
    attendance_counts,
    meeting_api_page,
    reply_slips,
)
from alliance.meetings.schemas import (
    ActionItemPatchSchema,
    ActionItemSchema,
    AdmissionSchema,
    AgendaItemSchema,
    AttendanceListArgs,
    AttendancePage,
    AttendanceSchema,
    BulkInviteResult,
    BulkInviteSchema,
    InviteSchema,
    MarkSchema,
    MeetingDetailSchema,
    MeetingFields,
    MeetingListArgs,
    MeetingPage,
    MeetingPatchSchema,
    MeetingSchema,
    PickerArgs,
    PickerResult,
    ReplySlipSchema,
    RosterArgs,
    SlipAnswerSchema,
    SpeechSchema,
)

blp = Blueprint("meetings_api", __name__, url_prefix="/api/v1",
                description="联席会议（联络员只能看到本单位受邀的会议和本单位的参会情况）")
exempt_from_form_csrf(blp)
ALL = ()
FILE_RESPONSE = {"description": "文件", "content": {
    t: {"schema": {"type": "string", "format": "binary"}}
    for t in ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
              "application/pdf", "text/csv", "text/calendar")}}


def _detail(meeting: Meeting) -> Meeting:
    meeting.attendance = vars(attendance_counts(meeting.id, current_user))
    return meeting


def _managed(meeting_id: int) -> Meeting:
    return get_visible_or_404(Meeting, meeting_id)


@blp.route("/meetings")
@roles_required(*ALL)
@blp.arguments(MeetingListArgs, location="query", as_kwargs=True)
@blp.response(200, MeetingPage)
def list_meetings(page, per_page, **args):
    """会议列表（联络员只看到本单位受邀的会议）"""
    filters = MeetingFilters(kind=args.get("kind"), status=args.get("status"),
                             year=args.get("year"), q=args.get("q"))
    return page_body(meeting_api_page(current_user, filters, page, per_page))


@blp.route("/meetings", methods=["POST"])
@managers_only
@blp.arguments(MeetingFields)
@blp.response(201, MeetingSchema)
def create_meeting(data):
    """新建会议"""
    meeting = services.create_meeting(data, alliance_id=current_user.alliance_id)
    db.session.commit()
    return meeting


@blp.route("/meetings/<int:meeting_id>")
@roles_required(*ALL)
@blp.response(200, MeetingDetailSchema)
def get_meeting(meeting_id):
    """会议详情：议程、发言、新成员、决定事项、出席统计"""
    return _detail(get_visible_or_404(Meeting, meeting_id, options=DETAIL_OPTIONS))


@blp.route("/meetings/<int:meeting_id>", methods=["PATCH"])
@managers_only
@blp.arguments(MeetingPatchSchema(partial=tuple(services.MEETING_FIELDS)))
@blp.response(200, MeetingSchema)
def update_meeting(data, meeting_id):
    """修改会议（须带 version）"""
    meeting = _managed(meeting_id)
    version = data.pop("version")
    services.update_meeting(meeting, data, version=version)
    db.session.commit()
    return meeting


@blp.route("/meetings/<int:meeting_id>", methods=["DELETE"])
@managers_only
@blp.arguments(OptionalVersionArgs, location="query", as_kwargs=True)
@blp.response(204)
def delete_meeting(meeting_id, version=None):
    """删除会议（可恢复）"""
    services.delete_meeting(_managed(meeting_id), version=version)
    db.session.commit()


@blp.route("/meetings/<int:meeting_id>/agenda", methods=["POST"])
@managers_only
@blp.arguments(AgendaItemSchema)
@blp.response(201, AgendaItemSchema)
def add_agenda_item(data, meeting_id):
    """添加议程（排在最后）"""
    item = services.add_agenda_item(_managed(meeting_id), data)
    db.session.commit()
    return item


@blp.route("/meetings/<int:meeting_id>/speeches", methods=["POST"])
@managers_only
@blp.arguments(SpeechSchema)
@blp.response(201, SpeechSchema)
def add_speech(data, meeting_id):
    """添加主题论坛发言"""
    speech = services.add_speech(_managed(meeting_id), data)
    db.session.commit()
    return speech


@blp.route("/meetings/<int:meeting_id>/admissions", methods=["POST"])
@managers_only
@blp.arguments(AdmissionSchema)
@blp.response(201, AdmissionSchema)
def admit_unit(data, meeting_id):
    """会上加入联盟的单位（其加入日期设为会议当天，记入操作日志）"""
    admission = services.admit_unit(_managed(meeting_id), data.get("unit_id"))
    db.session.commit()
    return admission


@blp.route("/meetings/<int:meeting_id>/action-items", methods=["POST"])
@managers_only
@blp.arguments(ActionItemSchema)
@blp.response(201, ActionItemSchema)
def add_action_item(data, meeting_id):
    """添加决定事项"""
    item = services.add_action_item(_managed(meeting_id), data)
    db.session.commit()
    return item


@blp.route("/meetings/<int:meeting_id>/action-items/<int:item_id>", methods=["PATCH"])
@managers_only
@blp.arguments(ActionItemPatchSchema(partial=services.ACTION_FIELDS))
@blp.response(200, ActionItemSchema)
def update_action_item(data, meeting_id, item_id):
    """修改决定事项（办结：status=done，并填写 done_note）"""
    meeting = _managed(meeting_id)
    item = web.child_or_404(ActionItem, meeting, item_id)
    version = data.pop("version")
    services.update_action_item(item, data, version=version)
    db.session.commit()
    return item


@blp.route("/meetings/<int:meeting_id>/attendance")
@roles_required(*ALL)
@blp.arguments(AttendanceListArgs, location="query", as_kwargs=True)
@blp.response(200, AttendancePage)
def list_attendance(meeting_id, page, per_page, **args):
    """参会人员（联络员只看到本单位的）"""
    meeting = get_visible_or_404(Meeting, meeting_id)
    return page_body(attendance_api_page(meeting, current_user, page, per_page, sort=args.get("sort", "strokes"),
                                         status=args.get("status"), unit_id=args.get("unit_id")))


@blp.route("/meetings/<int:meeting_id>/attendance", methods=["POST"])
@managers_only
@blp.arguments(InviteSchema)
@blp.response(201, AttendanceSchema)
def invite(data, meeting_id):
    """邀请一人参会（出席、列席、主持、发言）"""
    attendance = services.invite_person(_managed(meeting_id), data["person_id"], data.get("capacity"))
    db.session.commit()
    return attendance


@blp.route("/meetings/<int:meeting_id>/attendance", methods=["PATCH"])
@managers_only
@blp.arguments(MarkSchema)
@blp.response(200, AttendanceSchema)
def mark(data, meeting_id):
    """登记出席情况：present 出席（含签到时间）/ absent 缺席 / excused 请假"""
    attendance = services.mark_attendance(
        _managed(meeting_id), data["person_id"], data["status"],
        signed_in_at=data.get("signed_in_at"), version=data.get("version"), reason=data.get("reason"))
    db.session.commit()
    return attendance


@blp.route("/meetings/<int:meeting_id>/invitations", methods=["POST"])
@managers_only
@blp.arguments(BulkInviteSchema)
@blp.response(201, BulkInviteResult)
def invite_group(data, meeting_id):
    """批量邀请：全体书记、全体联络员、全体在册单位或选定单位（已邀请的不重复）"""
    added = services.invite_group(_managed(meeting_id), data["group"], unit_ids=data.get("unit_ids"),
                                  capacity=data.get("capacity"))
    db.session.commit()
    return {"added": added}


@blp.route("/meetings/<int:meeting_id>/reply-slips")
@roles_required(*ALL)
@blp.response(200, ReplySlipSchema(many=True))
def list_reply_slips(meeting_id):
    """各单位参会回执（联络员只看到本单位的）"""
    return reply_slips(get_visible_or_404(Meeting, meeting_id), current_user)


@blp.route("/meetings/<int:meeting_id>/reply-slips/<int:slip_id>", methods=["PUT"])
@roles_required(*EDITORS)
@blp.arguments(SlipAnswerSchema)
@blp.response(200, ReplySlipSchema)
def answer_reply_slip(data, meeting_id, slip_id):
    """填写参会回执：每位受邀人员参会、请假（附事由）或派本单位人员代会"""
    slip = web.slip_or_404(get_visible_or_404(Meeting, meeting_id), slip_id)
    from alliance.core.records import check_version

    check_version(slip, data.get("version"))
    services.answer_reply_slip(slip, data["answers"], note=data.get("note"))
    db.session.commit()
    return slip


@blp.route("/meetings/<int:meeting_id>/roster.xlsx")
@roles_required(*READERS_OF_ALL)
@blp.arguments(RosterArgs, location="query", as_kwargs=True)
@blp.doc(responses={200: FILE_RESPONSE})
def roster_xlsx(meeting_id, **args):
    """花名册或签到表（xlsx）；sort=strokes|pinyin|unit"""
    return web.roster_download(get_visible_or_404(Meeting, meeting_id), "xlsx", **args)


@blp.route("/meetings/<int:meeting_id>/roster.pdf")
@roles_required(*READERS_OF_ALL)
@blp.arguments(RosterArgs, location="query", as_kwargs=True)
@blp.doc(responses={200: FILE_RESPONSE})
def roster_pdf(meeting_id, **args):
    """花名册或签到表（PDF，A4，每页重复表头，页码）"""
    return web.roster_download(get_visible_or_404(Meeting, meeting_id), "pdf", **args)


@blp.route("/meetings/<int:meeting_id>/roster.csv")
@roles_required(*READERS_OF_ALL)
@blp.arguments(RosterArgs, location="query", as_kwargs=True)
@blp.doc(responses={200: FILE_RESPONSE})
def roster_csv(meeting_id, **args):
    """花名册或签到表（CSV，UTF-8 带 BOM）"""
    return web.roster_download(get_visible_or_404(Meeting, meeting_id), "csv", **args)


@blp.route("/meetings.ics")
@roles_required(*ALL)
@blp.doc(responses={200: FILE_RESPONSE})
def calendar_feed():
    """本账号可见的会议日历（iCalendar）；手机订阅请用个人订阅地址"""
    return web.calendar_response(current_user)


@blp.route("/meetings/<int:meeting_id>.ics")
@roles_required(*ALL)
@blp.doc(responses={200: FILE_RESPONSE})
def meeting_ics(meeting_id):
    """单个会议的日历文件"""
    return web.calendar_response(current_user, get_visible_or_404(Meeting, meeting_id))


@blp.route("/people-picker")
@roles_required(*ALL)
@blp.arguments(PickerArgs, location="query", as_kwargs=True)
@blp.response(200, PickerResult)
def people_picker(q="", unit_id=None, limit=20):
    """人员选择器：按姓名、拼音首字母（如 mj）或单位名称即时查找（只含本账号可见的人员）"""
    return {"items": search_people(current_user, q, unit_id=unit_id, limit=limit)}


__all__ = ["blp", "request", "ReplySlip"]

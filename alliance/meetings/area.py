"""联席会议 as an area of the app."""
from __future__ import annotations

from flask import Flask

from alliance.core.areas import Area, HomePanel, NavItem, ReminderRule
from alliance.meetings.models import (
    ACTION_STATUSES,
    ATTENDANCE_STATUSES,
    CAPACITIES,
    MEETING_KINDS,
    MEETING_STATUSES,
    REPLIES,
    SLIP_STATUSES,
)
from alliance.meetings.reminders import action_items_due, meetings_tomorrow, reply_slips_pending


def _init_app(app: Flask) -> None:
    import alliance.meetings.views  # noqa: F401 - importing it adds the routes to bp
    from alliance.api import api
    from alliance.meetings import api as meetings_api  # noqa: F401
    from alliance.meetings import bp
    from alliance.meetings.queries import unit_attendance_rates

    app.register_blueprint(bp)
    api.register_blueprint(meetings_api.blp)
    # The unit page (members/unit.html) includes meetings/_unit_panel.html, which calls this.
    app.add_template_global(unit_attendance_rates, "meeting_attendance_rates")


def _home_panel(user):
    from alliance.meetings.queries import upcoming_for

    return upcoming_for(user)


def _demo(alliance):
    from alliance.meetings.demo import load_demo_meetings

    return load_demo_meetings(alliance)


AREA = Area(
    name="meetings",
    label="联席会议",
    init_app=_init_app,
    models=("alliance.meetings.models",),
    nav=(NavItem("联席会议", "meetings.list_meetings", order=40, also_active_on=("meetings.",)),),
    home_panels=(HomePanel("meetings.upcoming", "meetings/_home_panel.html", _home_panel, order=30),),
    record_types={"Meeting": "会议", "AgendaItem": "会议议程", "Speech": "论坛发言",
                  "Admission": "新成员加入", "ActionItem": "会议决定事项", "ReplySlip": "参会回执",
                  "Attendance": "参会人员"},
    field_labels={
        "Meeting": {"kind": "会议类型", "title": "会议名称", "theme": "主题", "starts_at": "开始时间",
                    "ends_at": "结束时间", "venue": "地点", "host_unit_id": "承办单位",
                    "chair_id": "主持人", "recorder_id": "记录人", "status": "状态",
                    "minutes": "会议纪要", "is_sample": "示例数据"},
        "AgendaItem": {"meeting_id": "会议", "position": "顺序", "title": "议程",
                       "presenter_id": "报告人", "presenter_note": "报告人职务"},
        "Speech": {"meeting_id": "会议", "position": "顺序", "unit_id": "发言单位",
                   "speaker_id": "发言人", "topic": "发言题目"},
        "Admission": {"meeting_id": "会议", "unit_id": "单位", "previous_joined_on": "原加入日期"},
        "ActionItem": {"meeting_id": "会议", "decision": "决定事项", "owner_unit_id": "责任单位",
                       "due_on": "完成期限", "status": "状态", "done_note": "办结说明",
                       "done_on": "办结日期"},
        "ReplySlip": {"meeting_id": "会议", "unit_id": "单位", "status": "状态", "note": "备注",
                      "answered_at": "回执时间"},
        "Attendance": {"meeting_id": "会议", "person_id": "人员", "unit_id": "单位",
                       "capacity": "身份", "status": "出席情况", "reply": "回执",
                       "leave_reason": "请假事由", "substitute_for_id": "代替",
                       "signed_in_at": "签到时间", "self_signed": "扫码签到"},
    },
    code_labels={("Meeting", "kind"): MEETING_KINDS, ("Meeting", "status"): MEETING_STATUSES,
                 ("Attendance", "capacity"): CAPACITIES, ("Attendance", "status"): ATTENDANCE_STATUSES,
                 ("Attendance", "reply"): REPLIES, ("ReplySlip", "status"): SLIP_STATUSES,
                 ("ActionItem", "status"): ACTION_STATUSES},
    demo=_demo,
    reminders=(ReminderRule("meeting_tomorrow", "会议前一天提醒", meetings_tomorrow),
               ReminderRule("action_item_due", "决定事项到期提醒", action_items_due),
               ReminderRule("reply_slip_pending", "参会回执提醒", reply_slips_pending)),
)

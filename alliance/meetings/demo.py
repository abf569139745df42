"""Demo meetings: the 2021-01-21 joint meeting as seeds/000 tells it, three earlier quarterly
meetings with mixed attendance (so the rates mean something), and one upcoming meeting whose
reply slips are still open. Idempotent: a meeting already there (same title) is left alone."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from alliance.core.dates import LOCAL_TZ
from alliance.extensions import db
from alliance.meetings import services
from alliance.meetings.models import Attendance, Meeting, ReplySlip
from alliance.members.models import MemberUnit, Person

JOINT_TITLE = "梅陇镇区域化党建联盟联席会"
FORUM_THEME = ("如何充分发挥区域单位党组织作用，全面围绕主责主业，精准助力梅陇发展，"
               "携手庆祝中国共产党成立100周年")
# seeds/000: the four units welcomed that day, and the four forum speakers.
ADMITTED = ("上海力波", "伟巴斯车顶供暖系统(上海)有限公司", "地铁15号线紫竹高新区站区",
            "地铁1号线管理部第二党支部")
SPEAKERS = (
    ("梅陇镇招商中心", "优化营商环境，服务梅陇新一轮转型发展"),
    ("伟巴斯车顶供暖系统(上海)有限公司", "立足主责主业，以党建引领企业发展"),
    ("上海力波", "新成员单位的共建设想"),
    ("复旦大学附属儿科医院", "发挥医疗资源优势，服务梅陇居民健康"),
)
QUARTERLY = (  # (title, local start, decisions: (text, owner unit, due, done note or None))
    ("2020年第二季度例会", datetime(2020, 4, 16, 14, 0), (
        ("梳理各单位可共享的阵地和资源，形成资源清单", "梅陇镇招商中心", date(2020, 6, 30), "已汇总形成资源清单"),)),
    ("2020年第三季度例会", datetime(2020, 7, 16, 14, 0), (
        ("联合开展“七一”主题党日活动总结交流", "复旦大学附属儿科医院", date(2020, 8, 31), "已在例会上交流"),
        ("对接居民区需求，推出一批志愿服务项目", None, date(2020, 12, 31), None))),
    ("2020年第四季度例会", datetime(2020, 10, 15, 14, 0), (
        ("筹备2021年联席会，邀请新成员单位加入", None, date(2021, 1, 21), "联席会已于2021年1月21日召开"),
        ("对接“三张清单”，建立需求、资源、项目清单", "梅陇镇招商中心", date(2021, 6, 30), None))),
)
UPCOMING_TITLE = "季度例会（示例：待召开）"


def _aware(local: datetime) -> datetime:
    return local.replace(tzinfo=LOCAL_TZ)


def _units(alliance) -> dict[str, MemberUnit]:
    return {u.name: u for u in db.session.scalars(select(MemberUnit).where(
        MemberUnit.alliance_id == alliance.id, MemberUnit.deleted_at.is_(None)))}


def _person(alliance, name: str) -> Person | None:
    return db.session.scalar(select(Person).where(Person.alliance_id == alliance.id, Person.name == name,
                                                  Person.deleted_at.is_(None)))


def _exists(alliance, title: str) -> bool:
    return db.session.scalar(select(Meeting.id).where(Meeting.alliance_id == alliance.id,
                                                      Meeting.title == title)) is not None


def _answer_slips(meeting: Meeting, excused: set[int]) -> None:
    slips = db.session.scalars(select(ReplySlip).where(ReplySlip.meeting_id == meeting.id)).all()
    by_unit: dict[int, list[Attendance]] = {}
    for a in db.session.scalars(select(Attendance).where(Attendance.meeting_id == meeting.id,
                                                         Attendance.deleted_at.is_(None))):
        by_unit.setdefault(a.unit_id, []).append(a)
    for slip in slips:
        answers = [{"person_id": a.person_id, "reply": "excused" if a.person_id in excused else "coming",
                    "reason": "另有公务安排" if a.person_id in excused else None}
                   for a in by_unit.get(slip.unit_id, [])]
        if answers:
            services.answer_reply_slip(slip, answers)


def _held(meeting: Meeting, present_at: datetime, absent: set[int], excused: set[int]) -> None:
    for a in db.session.scalars(select(Attendance).where(Attendance.meeting_id == meeting.id,
                                                         Attendance.deleted_at.is_(None))).all():
        if a.person_id in excused:
            continue  # the reply slip already said 请假
        status = "absent" if a.person_id in absent else "present"
        services.mark_attendance(meeting, a.person_id, status,
                                 signed_in_at=present_at if status == "present" else None)
    services.update_meeting(meeting, {"status": "held"}, version=meeting.version)


def _joint_meeting(alliance, units) -> None:
    start = _aware(datetime(2021, 1, 21, 14, 0))
    chair, head = _person(alliance, "马健"), _person(alliance, "陈冬发")
    meeting = services.create_meeting({
        "kind": "joint", "title": JOINT_TITLE, "theme": FORUM_THEME, "starts_at": start,
        "ends_at": start + timedelta(hours=2, minutes=30), "venue": "上海力波展示中心",
        "host_unit_id": units["上海力波"].id if "上海力波" in units else None,
        "chair_id": chair.id if chair else None,
        "minutes": ("会议由梅陇镇党委副书记马健主持。梅陇镇党委副书记、镇长陈冬发向所有区域单位对梅陇镇区域化党建工作的"
                    "支持表示感谢，介绍了梅陇镇重点工作，并就如何通过区域化党建提升服务能级，助推梅陇新一轮转型发展提出要求。\n"
                    "联盟成员共同回顾了一年来区域化党建所取得的成效，共同迎接上海力波、伟巴斯车顶供暖系统(上海)有限公司、"
                    "地铁15号线紫竹高新区站区、地铁1号线管理部第二党支部4家新成员单位的加入。\n"
                    "在主题论坛中，镇招商中心、伟巴斯车顶供暖系统(上海)有限公司、上海力波、复旦大学附属儿科医院等区域单位踊跃发言。"),
    }, alliance_id=alliance.id)
    for title, presenter, note in (
            ("镇党委副书记、镇长讲话", head, "梅陇镇党委副书记、镇长"),
            ("回顾一年来区域化党建工作成效", None, None),
            ("欢迎新成员单位加入", None, None),
            ("主题论坛：" + FORUM_THEME, None, None)):
        services.add_agenda_item(meeting, {"title": title[:200], "presenter_id": presenter.id if presenter else None,
                                           "presenter_note": note})
    for name in ADMITTED:
        if name in units:
            services.admit_unit(meeting, units[name].id)
    services.invite_group(meeting, "active_units")
    for person, capacity in ((chair, "chair"), (head, "speak")):
        if person is not None:
            services.invite_person(meeting, person.id, capacity)
    speakers = set()
    for name, topic in SPEAKERS:
        unit = units.get(name)
        if unit is None:
            continue
        speaker = db.session.scalar(select(Attendance.person_id).where(
            Attendance.meeting_id == meeting.id, Attendance.unit_id == unit.id))
        services.add_speech(meeting, {"unit_id": unit.id, "speaker_id": speaker, "topic": topic})
        speakers.add(speaker)
    for a in db.session.scalars(select(Attendance).where(Attendance.meeting_id == meeting.id,
                                                         Attendance.person_id.in_(speakers))):
        a.capacity = "speak"
    services.add_action_item(meeting, {"decision": "对接“三张清单”，推动群团联动，打造特色项目",
                                       "owner_unit_id": None, "due_on": date(2021, 12, 31)})
    services.add_action_item(meeting, {"decision": "携手开展庆祝中国共产党成立100周年系列活动",
                                       "owner_unit_id": units.get("复旦大学附属儿科医院").id
                                       if "复旦大学附属儿科医院" in units else None,
                                       "due_on": date(2021, 7, 1), "status": "done",
                                       "done_note": "“七一”前后联合开展系列主题党日活动",
                                       "done_on": date(2021, 7, 1)})
    _answer_slips(meeting, set())
    _held(meeting, start - timedelta(minutes=20), set(), set())


def _quarterly(alliance, units, title: str, local_start: datetime, decisions, index: int) -> None:
    start = _aware(local_start)
    meeting = services.create_meeting({
        "kind": "quarterly", "title": title, "starts_at": start, "ends_at": start + timedelta(hours=2),
        "venue": "梅陇镇社区党群服务中心", "chair_id": getattr(_person(alliance, "马健"), "id", None),
        "theme": "区域化党建季度工作交流"}, alliance_id=alliance.id, is_sample=True)
    joined = [u.id for u in units.values() if u.joined_on and u.joined_on < start.date() and u.status == "active"]
    services.invite_group(meeting, "units", unit_ids=joined)
    people = db.session.scalars(select(Attendance.person_id).where(
        Attendance.meeting_id == meeting.id).order_by(Attendance.id)).all()
    # Mixed and different each quarter: some 请假 on their reply slip, some simply absent.
    excused = {p for i, p in enumerate(people) if (i + index) % 6 == 0}
    absent = {p for i, p in enumerate(people) if (i + 2 * index) % 7 == 3} - excused
    _answer_slips(meeting, excused)
    for text, owner, due, done in decisions:
        data = {"decision": text, "owner_unit_id": units[owner].id if owner in units else None, "due_on": due}
        if done:
            data.update(status="done", done_note=done, done_on=due)
        services.add_action_item(meeting, data)
    _held(meeting, start - timedelta(minutes=15), absent, excused)


def _upcoming(alliance, units) -> None:
    today = datetime.now(LOCAL_TZ).date() + timedelta(days=14)
    start = datetime(today.year, today.month, today.day, 14, 0, tzinfo=LOCAL_TZ)
    meeting = services.create_meeting({
        "kind": "quarterly", "title": UPCOMING_TITLE, "starts_at": start, "ends_at": start + timedelta(hours=2),
        "venue": "梅陇镇社区党群服务中心", "theme": "“三张清单”项目推进交流"},
        alliance_id=alliance.id, is_sample=True)
    services.add_agenda_item(meeting, {"title": "各单位交流“三张清单”项目进展"})
    services.invite_group(meeting, "secretaries")


def load_demo_meetings(alliance) -> list[str]:
    units = _units(alliance)
    added = []
    for index, (title, local_start, decisions) in enumerate(QUARTERLY):
        if not _exists(alliance, title):
            _quarterly(alliance, units, title, local_start, decisions, index)
            added.append(title)
    if not _exists(alliance, JOINT_TITLE):
        _joint_meeting(alliance, units)
        added.append(JOINT_TITLE)
    if not _exists(alliance, UPCOMING_TITLE):
        _upcoming(alliance, units)
        added.append(UPCOMING_TITLE)
    total = db.session.scalar(select(db.func.count(Meeting.id)).where(Meeting.alliance_id == alliance.id))
    return [f"联席会议：共 {total} 次（本次新增 {len(added)} 次）"]

"""Demo data of civic practice (新时代文明实践), from seeds/000 and seeds/002.

Real, as told: the sub-centre, 中环科技园新时代文明实践益空间, 梅家弄邻里中心, the 益梅书法沙龙
team, the "写春联 送祝福" drive of the 2021 Spring Festival (15 volunteers wrote 300 in advance;
two volunteers handed out 200 at the 15 January fair; on 19 January eight teachers of 益梅书法沙龙
and two secondary-school volunteers wrote live at 梅家弄邻里中心) and the 腊八 porridge of
梅陇臻美“蚕宝向阳院” for 罗阳六居 and 上陇新村. Invented to fill the picture and marked 示例
(is_sample, and "示例" in the name): the other stations and spaces of the 71 + 6, the volunteers'
names, and a year of 2020 events (about 100 reaching over 50,000 people, as the seed says).
seeds/001 also counts 53 volunteers cultivated in 2020 "such as 百姓联络员" (培育百姓联络员等53名
志愿者): the team 百姓联络员志愿服务队 with 53 sample volunteers, added on its own (once) so an
alliance loaded before it gets it on the next ``flask demo load``.
"""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select

from alliance.civic import services as s
from alliance.civic.festivals import festival_date
from alliance.civic.models import Venue, VolunteerTeam
from alliance.core.dates import LOCAL_TZ
from alliance.core.errors import FieldErrors
from alliance.core.roles import StandIn
from alliance.extensions import db
from alliance.members.models import MemberUnit

SUB_CENTRE = "梅陇镇新时代文明实践分中心"
ZHONGHUAN_SPACE = "中环科技园新时代文明实践益空间"
MEIJIANONG = "梅家弄邻里中心"
STATIONS_TOTAL, SPACES_TOTAL = 71, 6
RANDOM_SEED = 20210115
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = "明华英芳军敏静丽强磊洋艳勇杰娟涛超霞平刚桂"
LIAISON_TEAM = "百姓联络员志愿服务队"
LIAISON_VOLUNTEERS = 53  # seeds/001: 培育百姓联络员等53名志愿者


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LOCAL_TZ)


def load_liaison_volunteers(alliance, user) -> list[str]:
    """The 53 百姓联络员 (seeds/001), once: a team and its sample volunteers."""
    if db.session.scalar(select(VolunteerTeam.id).where(
            VolunteerTeam.alliance_id == alliance.id, VolunteerTeam.name == LIAISON_TEAM)):
        return []
    team = s.save_team(user, {"name": LIAISON_TEAM, "description": "2020年培育的百姓联络员：收集社情民意、"
                              "宣传政策、联系群众（seeds/001）"})
    surnames, given = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹", "建国秀英玉兰志强春梅海燕文华桂芳"
    for n in range(LIAISON_VOLUNTEERS):
        name = surnames[n % len(surnames)] + given[(n * 3) % len(given)] + given[(n * 5 + 1) % len(given)]
        s.save_volunteer(user, {"name": f"{name}（示例）", "skills": "百姓联络员", "team_ids": [team.id]},
                         is_sample=True)
    db.session.flush()
    return [f"文明实践：{LIAISON_TEAM} {LIAISON_VOLUNTEERS} 名志愿者（示例）"]


def load_demo(alliance) -> list[str]:
    user = StandIn(role="staff", alliance_id=alliance.id, display_name="分中心（演示）")
    if db.session.scalar(select(Venue.id).where(Venue.alliance_id == alliance.id, Venue.name == SUB_CENTRE)):
        return ["文明实践演示数据已存在，未重复导入", *load_liaison_volunteers(alliance, user)]
    rng = random.Random(RANDOM_SEED)
    unit_ids = dict(db.session.execute(select(MemberUnit.name, MemberUnit.id).where(
        MemberUnit.alliance_id == alliance.id, MemberUnit.deleted_at.is_(None))).tuples().all())

    centre = s.save_venue(user, {"kind": "sub_centre", "name": SUB_CENTRE, "address": "闵行区梅陇镇"})
    spaces = [s.save_venue(user, {"kind": "public_space", "name": ZHONGHUAN_SPACE, "parent_id": centre.id,
                                  "unit_id": unit_ids.get("中环科技园"), "host_name": "中环科技园"})]
    spaces += [s.save_venue(user, {"kind": "public_space", "name": f"示例益空间{n}（示例）", "parent_id": centre.id},
                            is_sample=True) for n in range(2, SPACES_TOTAL + 1)]
    neighbourhood = s.save_venue(user, {"kind": "neighbourhood", "name": MEIJIANONG, "parent_id": centre.id,
                                        "host_name": "梅家弄社区"})
    stations = [s.save_venue(user, {"kind": "station", "name": f"{name}新时代文明实践站", "parent_id": centre.id,
                                    "host_name": name}) for name in ("罗阳六居", "上陇新村")]
    stations += [s.save_venue(user, {"kind": "station", "name": f"示例居村实践站{n:02d}（示例）",
                                     "parent_id": centre.id}, is_sample=True)
                 for n in range(len(stations) + 1, STATIONS_TOTAL + 1)]

    yimei = s.save_team(user, {"name": "益梅书法沙龙志愿服务队", "description": "书法志愿服务队（seeds/000）"})
    calligraphy = s.save_team(user, {"name": "书法志愿者团队", "description": "“写春联 送祝福”书法志愿者"})
    students = s.save_team(user, {"name": "中学生志愿者（示例）"}, is_sample=True)
    xiangyang = s.save_team(user, {"name": "梅陇臻美“蚕宝向阳院”", "description": "腊八节送暖心粥"})
    general = [s.save_team(user, {"name": f"示例志愿服务队{n}（示例）"}, is_sample=True) for n in range(1, 4)]

    def person(n: int) -> str:
        return SURNAMES[n % len(SURNAMES)] + GIVEN[(n * 7) % len(GIVEN)] + ("" if n < 40 else GIVEN[n % 11])

    # 15 calligraphy volunteers; the first eight are the 益梅书法沙龙 teachers.
    writers = [s.save_volunteer(user, {"name": f"{person(n)}（示例）", "skills": "书法",
                                       "team_ids": [calligraphy.id] + ([yimei.id] if n < 8 else [])},
                                is_sample=True) for n in range(15)]
    pupils = [s.save_volunteer(user, {"name": f"{person(20 + n)}（示例）", "skills": "书法",
                                      "team_ids": [students.id]}, is_sample=True) for n in range(2)]
    helpers = [s.save_volunteer(user, {"name": f"{person(30 + n)}（示例）", "team_ids": [general[n % 3].id]},
                                is_sample=True) for n in range(12)]

    couplets = s.save_project(user, {"name": "写春联 送祝福", "team_id": yimei.id, "festival": "spring",
                                     "description": "向实践站、益空间、邻里中心配送：书法志愿者书写春联和福字"})
    porridge = s.save_project(user, {"name": "腊八节送暖心粥", "team_id": xiangyang.id, "festival": "laba"})
    menu = [s.save_project(user, {"name": name, "team_id": general[i % 3].id, "festival": festival}, is_sample=True)
            for i, (name, festival) in enumerate([
                ("元宵猜灯谜（示例）", "lantern"), ("清明网上祭英烈（示例）", "qingming"),
                ("端午包粽子（示例）", "dragon_boat"),
                ("中秋邻里团圆会（示例）", "mid_autumn"), ("重阳敬老（示例）", "double_ninth"),
                ("垃圾分类宣传（示例）", None), ("理论宣讲（示例）", None), ("健康义诊（示例）", None)])]

    # Orders: venues ordered the couplet service, the sub-centre dispatched it (点单 → 派单 → 接单 → 评单).
    for venue in (spaces[0], neighbourhood):
        order = s.place_order(user, {"project_id": couplets.id, "venue_id": venue.id, "wanted_on": date(2021, 1, 15)})
        s.advance_order(user, order, "assign", {"team_id": yimei.id}, version=order.version)
        s.advance_order(user, order, "accept", {}, version=order.version)
        s.advance_order(user, order, "rate", {"rating": 5, "comment": "群众欢迎"}, version=order.version)

    # --- the 2021 couplet drive, as told --------------------------------------------------------
    ledger = s.create_ledger(user, {"item": "春联和福字", "project_id": couplets.id,
                                    "note": "“写春联 送祝福”：提前书写、现场派发"})
    s.add_batch(user, ledger, {"quantity": 300, "occurred_on": date(2021, 1, 12), "made_by": "15名书法志愿者",
                               "volunteer_count": 15})
    fair = s.save_event(user, {
        "title": "“迎新春”集市 写春联服务摊", "project_id": couplets.id, "venue_id": spaces[0].id,
        "starts_at": _at(date(2021, 1, 15), 11), "ends_at": _at(date(2021, 1, 15), 14),
        "organizer_kind": "team", "organizer_team_id": calligraphy.id,
        "description": "园区白领驻足在各个摊位前，写春联服务摊位人气最旺，两位书法志愿者挥毫泼墨，"
                       "当天共送出200副春联和福字。",
        "audience": 200})
    s.record_handout(user, ledger, {"quantity": 200, "event_id": fair.id, "volunteer_count": 2})
    for volunteer in writers[:2]:
        record = s.record_hours(user, {"event_id": fair.id, "volunteer_id": volunteer.id, "hours": Decimal("3")})
        s.verify_record(user, record, version=record.version, verifier="分中心")
    market = s.save_event(user, {
        "title": "“梅陇仁家·公益集市” 现场书写春联和福字", "project_id": couplets.id, "venue_id": neighbourhood.id,
        "starts_at": _at(date(2021, 1, 19), 9), "ends_at": _at(date(2021, 1, 19), 11, 30),
        "organizer_kind": "team", "organizer_team_id": yimei.id,
        "description": "镇新时代文明实践分中心、梅家弄邻里中心开展，益梅书法沙龙志愿服务队的八位老师及"
                       "两位中学生志愿者现场书写春联和福字。"})
    for volunteer in writers[:8] + pupils:
        record = s.record_hours(user, {"event_id": market.id, "volunteer_id": volunteer.id, "hours": Decimal("2.5")})
        s.verify_record(user, record, version=record.version, verifier="分中心")
    # The two writers at the fair asked for certificates of their verified hours.
    certificates = [s.certificate_for(user, volunteer, issuer=SUB_CENTRE, today=date(2021, 1, 25))
                    for volunteer in writers[:2]]

    # 腊八 porridge: the day comes from the lunar calendar (腊八 of lunar 2020 = 2021-01-20).
    laba = festival_date("laba", 2020)
    for station in stations[:2]:
        s.save_event(user, {"title": f"腊八节送暖心粥（{station.host_name}）", "project_id": porridge.id,
                            "venue_id": station.id, "starts_at": _at(laba, 9), "ends_at": _at(laba, 11),
                            "organizer_kind": "team", "organizer_team_id": xiangyang.id,
                            "description": "梅陇臻美“蚕宝向阳院”赠送腊八粥，传承公益精神。"})

    # --- a year of events (2020), invented, marked 示例 --------------------------------------
    active_stations = stations[: STATIONS_TOTAL - 9]  # nine stations stay without events: the figures list them
    venues = active_stations + spaces + [neighbourhood]
    days = sorted(rng.sample(range(366), 98))
    audience_total = 0
    for n, offset in enumerate(days):
        day = date(2020, 1, 1) + timedelta(days=offset)
        project = menu[n % len(menu)]
        if project.festival:
            day = festival_date(project.festival, 2020) if n < len(menu) else day
        audience = rng.randint(380, 800)
        audience_total += audience
        event = s.save_event(user, {
            "title": f"{project.name.removesuffix('（示例）')}（示例）", "project_id": project.id,
            "venue_id": venues[n % len(venues)].id, "starts_at": _at(day, 9 + n % 5), "ends_at": _at(day, 11 + n % 5),
            "organizer_kind": "team", "organizer_team_id": project.team_id, "audience": audience}, is_sample=True)
        for volunteer in (helpers[n % 12], helpers[(n + 5) % 12]):
            try:
                with db.session.begin_nested():
                    record = s.record_hours(user, {"event_id": event.id, "volunteer_id": volunteer.id,
                                                   "hours": Decimal("2")})
                    s.verify_record(user, record, version=record.version, verifier="分中心")
            except FieldErrors:  # an overlap with another sample event: leave it out
                pass
    db.session.flush()
    liaisons = load_liaison_volunteers(alliance, user)
    return [*liaisons, f"文明实践：1个分中心、{len(stations)}个实践站、{len(spaces)}个益空间、1个邻里中心；"
            f"“写春联 送祝福”台账 制作300、1月15日发放200；服务证明{len(certificates)}份；"
            f"2020年示例活动98场，服务{audience_total}人次"]

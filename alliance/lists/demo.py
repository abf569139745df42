"""Demo three lists from the seed articles' real concerns; projects at every stage; and the 87
projects of 2020 that seeds/001 says were compiled into a book (汇总87个项目并汇编成册).

Idempotent: categories are added where missing; the sample records only once (when the
alliance has no sample need yet); the 2020 projects only once (when it has no sample project
starting in 2020), so an alliance loaded before them gets them on the next ``flask demo load``."""
from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select

from alliance.core.roles import StandIn
from alliance.extensions import db
from alliance.lists import services
from alliance.lists.models import ListCategory, Need, Project, Resource
from alliance.members.models import MemberUnit

# (title, category, source kind, source name, unit, beneficiaries, group, urgency, wanted by, grid, description)
NEEDS = (
    ("普乐二村老旧小区加装电梯", "场地设施", "residential", "普乐二村居民区", "普乐二村居民区", 180,
     "多层住宅高龄老人", "urgent", date(2021, 6, 30), "普乐二村第3网格",
     "普乐二村是老旧小区，多层住宅无电梯，高龄老人上下楼困难；试点加装电梯，需要前期意见征询、技术评估与资金支持。"),
    ("永联村互助式养老睦邻点", "为老服务", "village", "永联村", "永联村", 60, "独居、高龄老人", "normal",
     date(2021, 9, 30), "永联村自治网格", "推进互助式养老，需要睦邻点助餐补贴、健康讲座和志愿者结对探访。"),
    ("许泾村互助养老志愿者结对", "为老服务", "village", "许泾村", "许泾村", 45, "空巢老人", "normal",
     None, "许泾村自治网格", "美丽乡村示范村建设中，希望联盟单位党员志愿者与空巢老人结对，定期上门探访。"),
    ("老年人防范电信诈骗宣传", "平安建设", "residential", "上陇新村居民区", "上陇新村居民区", 150,
     "老年居民", "urgent", date(2021, 4, 30), None,
     "居民区有老人被冒充养老金、保健品骗局诈骗，希望开展反诈宣讲，讲清常见骗局。"),
    ("学校周边上下学交通秩序", "平安建设", "unit", None, "上海市梅陇中学", 1200, "师生和家长", "urgent",
     date(2021, 3, 1), "梅陇中学周边网格", "上下学高峰校门口车辆违停、路口拥堵，需要交通疏导和家长护学岗。"),
    ("春节写春联送祝福", "文化活动", "unit", None, "梅陇镇新时代文明实践分中心", 300, "社区居民", "normal",
     date(2021, 2, 10), None, "春节前在文明实践站现场写春联、送福字，需要书法志愿者。"),
    ("幼儿园儿童健康讲座", "医疗健康", "unit", None, "闵行区梅陇中心幼儿园", 120, "幼儿家长", "normal",
     date(2021, 5, 31), None, "家长希望了解儿童常见病预防、儿童保健知识。"),
    ("南方城居民区重阳节活动场地", "场地设施", "residential", "南方城居民区", None, 150, "老年居民", "normal",
     date(2021, 10, 14), None, "重阳节敬老文艺活动需要可容纳150人的场地。"),
)
# (title, unit, kind, category, capacity, unit of capacity, description)
RESOURCES = (
    ("儿童健康知识讲座进社区", "复旦大学附属儿科医院", "service", "医疗健康", 200, "人次",
     "儿科医生为家长讲解儿童常见病预防、儿童保健与疫苗接种。"),
    ("防范电信诈骗金融知识讲座", "建设银行闵行支行", "service", "平安建设", 300, "人次",
     "银行党员志愿者为老年人讲解养老金诈骗、保健品骗局等防骗知识和金融知识。"),
    ("上海力波展示中心展厅", "上海力波", "venue", "场地设施", 150, "人",
     "可容纳150人的展示厅，可用于联席会议、主题党日、文艺活动。"),
    ("家庭医生义诊与健康讲座", "梅陇镇社区卫生服务中心", "service", "医疗健康", 200, "人次",
     "家庭医生团队到村居为老人义诊、测血压血糖，开展慢性病健康讲座。"),
    ("家长护学岗志愿者", "上海市梅陇中学", "volunteers", "平安建设", 30, "人",
     "家长志愿者在上学放学时段维护校门口交通秩序。"),
    ("书法志愿者写春联", "梅陇镇新时代文明实践分中心", "volunteers", "文化活动", 300, "副",
     "益梅书法沙龙志愿服务队15名书法志愿者，春节前写春联和福字。"),
    ("党员志愿者结对探访老人", "地铁1号线管理部第二党支部", "volunteers", "为老服务", 20, "户",
     "党员志愿者每月上门探访独居老人，陪伴聊天、代办事务。"),
    ("加装电梯技术咨询", "上海电气液压气动有限公司", "service", "场地设施", 3, "个小区",
     "工程技术人员为老旧小区加装电梯提供结构评估与方案咨询。"),
)


# seeds/001: "项目化推进党建工作，汇总87个项目并汇编成册" (2020). The titles are invented from the
# work the seed articles describe, marked 示例 (is_sample); category: (count, themes).
PROJECTS_2020_TOTAL = 87
PROJECTS_2020 = {
    "党建共建": (20, ("结对共建主题党日", "党员先锋岗创建", "支部共建“红色课堂”", "“四史”学习教育联学",
                  "党员志愿服务日", "庆祝建党100周年筹备", "红色物业共建")),
    "发展共促": (17, ("助企纾困服务", "稳就业岗位对接", "“梅陇职小二”招聘进社区", "营商政策宣讲",
                  "园区党群服务站共建", "劳动关系预警服务")),
    "文旅共享": (18, ("“人文行走 七彩梅陇”", "沪剧《相约梅家弄》展演", "公益集市", "百姓讲堂",
                  "“我在梅陇”征文", "“三家”文化活动")),
    "平安共创": (16, ("反诈宣传进社区", "校园周边交通护学岗", "规范养犬宣传", "消防安全演练",
                  "智慧安防共建", "平安指数宣传")),
    "人才共育": (16, ("青年骨干联合培养", "儿童健康讲座", "家庭教育讲座", "职业技能培训",
                  "“优青骨干”交流", "社区工作者能力提升")),
}
# Where the 2020 projects stood when the book was compiled: about half closed, the rest being
# carried out or evaluated, a few stopped (the rest of the 87 are closed).
STAGES_2020 = {"in_progress": 17, "review": 20, "stopped": 5}


def _units(alliance_id: int) -> dict[str, MemberUnit]:
    return {u.name: u for u in db.session.scalars(select(MemberUnit).where(
        MemberUnit.alliance_id == alliance_id, MemberUnit.deleted_at.is_(None)))}


def load_projects_2020(alliance, staff, units: dict[str, MemberUnit], cats: dict) -> int:
    """The 87 projects of 2020 (seeds/001), through the services: proposed, claimed, carried
    out, evaluated and (most) closed, with the people each served. Returns how many it added."""
    start, end = date(2020, 1, 1), date(2020, 12, 31)
    if db.session.scalar(select(Project.id).where(
            Project.alliance_id == alliance.id, Project.is_sample, Project.starts_on >= start,
            Project.starts_on <= end).limit(1)):
        return 0
    rng = random.Random(2020087)
    leads = sorted(units.values(), key=lambda u: u.id)
    if not leads:
        return 0
    specs = []
    for category, (count, themes) in PROJECTS_2020.items():
        titles: set[str] = set()
        while len(titles) < count:
            lead = rng.choice(leads)
            title = f"{lead.short_name or lead.name}{rng.choice(themes)}（示例）"[:100]
            if title not in titles:
                titles.add(title)
                specs.append((category, lead, title))
    stages = [stage for stage, count in STAGES_2020.items() for _ in range(count)]
    stages += ["closed"] * (len(specs) - len(stages))
    rng.shuffle(stages)
    for (category, lead, title), stage in zip(specs, stages, strict=True):
        starts = start + timedelta(days=rng.randint(0, 240))
        project = services.create_project(staff, {
            "title": title, "category_id": cats[("project", category)], "lead_unit_id": lead.id,
            "starts_on": starts, "ends_on": min(end, starts + timedelta(days=rng.randint(60, 200))),
            "description": "2020年项目化推进党建工作汇编项目（示例）。",
        }, is_sample=True)
        if stage == "stopped":
            services.transition(staff, project, "stopped", stop_reason="受疫情防控影响，年内暂停。")
            continue
        for step in ("claimed", "in_progress", "review")[:2 if stage == "in_progress" else 3]:
            services.transition(staff, project, step)
        if stage == "closed":
            served = rng.randint(30, 600)
            services.transition(staff, project, "closed", people_served=served,
                                outcome_summary=f"项目按计划完成，服务群众{served}人次。")
    db.session.flush()
    return len(specs)


def load_demo(alliance) -> list[str]:
    added = services.seed_categories(alliance.id)
    lines = [f"三张清单：类别 {added} 个已补充" if added else "三张清单：类别已齐全"]
    staff = StandIn(alliance_id=alliance.id, role="staff", display_name="梅陇镇党群办")
    units = _units(alliance.id)
    cats = {(c.kind, c.name): c.id for c in db.session.scalars(select(ListCategory).where(
        ListCategory.alliance_id == alliance.id))}
    if db.session.scalar(select(Need.id).where(Need.alliance_id == alliance.id, Need.is_sample)):
        return lines + ["三张清单：演示需求、资源、项目已存在，未改动", *_compiled(alliance, staff, units, cats)]
    needs = {}
    for (title, category, source, source_name, unit, count, group, urgency, wanted, grid, text) in NEEDS:
        needs[title] = services.create_need(staff, {
            "title": title, "category_id": cats[("need", category)], "source_kind": source,
            "source_name": source_name or unit, "beneficiary_count": count, "beneficiary_group": group,
            "urgency": urgency, "wanted_by": wanted, "grid": grid, "description": text,
        }, unit=units.get(unit) if unit else None, is_sample=True)
    resources = {}
    for title, unit, kind, category, amount, measure, text in RESOURCES:
        if unit not in units:
            continue
        resources[title] = services.create_resource(staff, {
            "title": title, "kind": kind, "category_id": cats[("need", category)],
            "capacity_amount": amount, "capacity_unit": measure, "description": text,
            "available_from": date(2021, 1, 1), "available_to": date(2021, 12, 31),
        }, unit=units[unit], is_sample=True)

    def project(title, category, lead, partners, need_titles, resource_titles, stages, **extra):
        p = services.create_project(staff, {
            "title": title, "category_id": cats[("project", category)],
            "lead_unit_id": units[lead].id if lead in units else None,
            "partner_ids": [units[u].id for u in partners if u in units],
            "need_ids": [needs[n].id for n in need_titles],
            "resource_ids": [resources[r].id for r in resource_titles if r in resources],
            "starts_on": date(2021, 1, 1), "ends_on": date(2021, 12, 31),
            "budget": extra.pop("budget", None), "released": extra.pop("released", False),
            "description": extra.pop("description", None),
        }, is_sample=True)
        for stage in stages:
            services.transition(staff, p, stage, **(extra if stage in ("closed", "stopped") else {}))
        return p

    project("春节写春联 送祝福", "文旅共享", "梅陇镇新时代文明实践分中心", ["上海力波"],
            ["春节写春联送祝福"], ["书法志愿者写春联"], ["claimed", "in_progress", "review", "closed"],
            outcome_summary="15名书法志愿者提前写好春联和福字300份，1月15日集市现场送出200份。",
            people_served=200)
    project("普乐二村加装电梯攻坚", "党建共建", "普乐二村居民区", ["上海电气液压气动有限公司"],
            ["普乐二村老旧小区加装电梯"], ["加装电梯技术咨询"], ["claimed", "in_progress"], budget="200000")
    project("反诈宣传进居民区", "平安共创", "建设银行闵行支行", [], ["老年人防范电信诈骗宣传"],
            ["防范电信诈骗金融知识讲座"], ["claimed", "in_progress", "review"])
    project("护学岗 平安校园", "平安共创", "上海市梅陇中学", [], ["学校周边上下学交通秩序"],
            ["家长护学岗志愿者"], ["claimed"])
    project("永联村 许泾村 互助养老结对", "发展共促", None, [],
            ["永联村互助式养老睦邻点", "许泾村互助养老志愿者结对"], ["党员志愿者结对探访老人"], [],
            released=True, description="发布给各成员单位认领：为两村互助养老睦邻点提供志愿者和健康讲座。")
    project("儿童健康讲座进幼儿园", "人才共育", "复旦大学附属儿科医院", [], [], ["儿童健康知识讲座进社区"],
            ["stopped"], stop_reason="与幼儿园已有的卫生保健课程重复，改由需求清单另行对接。")
    kids = needs["幼儿园儿童健康讲座"]
    if "复旦大学附属儿科医院" in units:
        services.create_claim(staff, unit=units["复旦大学附属儿科医院"], need=kids,
                              commitment="每季度派儿科医生到幼儿园开展一次儿童健康讲座。")
    if "梅陇镇社区卫生服务中心" in units:
        claim = services.create_claim(staff, unit=units["梅陇镇社区卫生服务中心"],
                                      need=needs["永联村互助式养老睦邻点"],
                                      commitment="家庭医生每月到睦邻点义诊一次。")
        services.decide_claim(staff, claim, accept=True)
    db.session.flush()
    def total(model) -> int:
        return db.session.scalar(select(db.func.count(model.id)).where(
            model.alliance_id == alliance.id, model.is_sample)) or 0
    return lines + [f"三张清单：需求 {total(Need)} 条、资源 {total(Resource)} 条、"
                    f"项目 {total(Project)} 个（各阶段均有）", *_compiled(alliance, staff, units, cats)]


def _compiled(alliance, staff, units, cats) -> list[str]:
    compiled = load_projects_2020(alliance, staff, units, cats)
    return [f"三张清单：2020年汇编项目 {compiled} 个（示例）"] if compiled else []

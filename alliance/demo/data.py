"""The demo alliance as plain data: units, their people, activities, demo accounts.

Facts come from the seed articles in /work/shared/seeds (《梅陇报》 issues), cited as
``seeds/000`` (2021-01-21 joint meeting, 写春联 fair, 腊八粥, 平安指数), ``seeds/001`` and
``seeds/002`` (the township's 2020 work report), ``seeds/003`` (2021-10-31 issue: 一网统管,
进博会 security). Everything else is invented so the product has something to show, and is
stored with ``is_sample=True``: units whose membership is not in the articles, every secretary
and liaison the articles do not name, every mobile number (1380000xxxx, handed out in order
by the loader), every activity. The loader (``alliance/demo/loader.py``) turns this into records
through the real services.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

# Used when app.config["DEMO_PASSWORD"] is not set; documented in the README and printed by
# `flask demo load`. It passes alliance.core.validators.validate_password for every demo username.
DEFAULT_DEMO_PASSWORD = "Meilong-2021"  # noqa: S105 - the published demo password (README)

# Sample mobile numbers: 1380000 followed by a four-digit sequence number. Never real people's.
SAMPLE_MOBILE_PREFIX = "1380000"

# The loader's random choices (which generic activity, which date, how many took part) come
# from random.Random(RANDOM_SEED): the demo data is the same on every machine and every run.
RANDOM_SEED = 2021

ALLIANCE = {
    "code": "meilong",
    "name": "梅陇镇区域化党建联盟",
    "short_name": "梅陇党建联盟",
    # seeds/000: the alliance's aim and way of working, as the article states them.
    "description": (
        "梅陇镇区域化党建以“凝聚 责任 共建 共赢”为目标，以联盟联席为内核，以需求为驱动，"
        "形成资源共享、优势互补、协同互益的区域化党建新格局。"
        "（演示数据：成员单位与联系人据《梅陇报》报道整理，标为示例的内容为虚构。）"
    ),
}

# The day of the joint meeting at 上海力波展示中心 where four units joined (seeds/000).
JOINT_MEETING_DAY = date(2021, 1, 21)
# The articles name the secretaries in office on that day but not when their terms began: the
# loader records that day as the start, with this note, rather than inventing a date.
KNOWN_IN_OFFICE_NOTE = "任职起始日期不详；2021年1月21日联席会报道时在任（《梅陇报》）"
# Placeholder join date for the 35 units that were members before 2021-01-21: the articles give
# none. Real units carry it with a note in their description; invented units vary it.
FIRST_BATCH = date(2018, 5, 16)
REAL_UNIT_NOTE = "加入日期为演示用示例。"


@dataclass(frozen=True)
class Holder:
    """Someone holding a role at a unit. ``started_on`` None: the unit's join date."""

    name: str
    title: str
    started_on: date | None = None
    is_sample: bool = True
    note: str | None = None


@dataclass(frozen=True)
class UnitSpec:
    name: str
    short_name: str
    category: str
    tier: str
    joined_on: date
    is_sample: bool
    secretary: Holder
    # Chronological; the last one is current (assign_role ends the previous term).
    liaisons: tuple[Holder, ...]
    past_secretaries: tuple[Holder, ...] = ()  # chronological, all before ``secretary``
    deputy: Holder | None = None
    description: str | None = None
    address: str | None = None
    # First 17 characters of an invented credit code; the loader adds the check character.
    uscc_base: str | None = None


def _real(name: str, title: str) -> Holder:
    """A secretary named in seeds/000, in office on 2021-01-21."""
    return Holder(name, title, started_on=JOINT_MEETING_DAY, is_sample=False, note=KNOWN_IN_OFFICE_NOTE)


def _new_member_description(extra: str = "") -> str:
    return f"2021年1月21日联盟联席会上作为新成员单位加入（《梅陇报》）。{extra}"


# In sort order (排序号 1..39): 常务理事单位, then 理事单位, then 成员单位.
UNITS: tuple[UnitSpec, ...] = (
    # --- 常务理事单位: the five units whose secretaries attended the 2021-01-21 meeting -------
    UnitSpec(
        "复旦大学附属儿科医院", "儿科医院", "hospital", "executive", FIRST_BATCH, False,
        secretary=_real("徐虹", "党委书记"),  # seeds/000
        liaisons=(Holder("沈佳怡", "党办主任"),),
        description="联盟常务理事单位，党委书记徐虹出席2021年1月21日联席会，医院在主题论坛发言（《梅陇报》）。"
                    + REAL_UNIT_NOTE,
    ),
    UnitSpec(
        # seeds/000 is garbled: its list of attendees repeats names and gives this company's
        # 党委书记 first as 张俊 and later as 张弋梅, while 张俊 is also given for 上海地铁维保
        # 保障有限公司工务分公司. We take 张弋梅 here and 张俊 for the metro maintenance company.
        "上海电气液压气动有限公司", "电气液压气动", "enterprise", "executive", FIRST_BATCH, False,
        secretary=_real("张弋梅", "党委书记"),
        liaisons=(Holder("陆文杰", "党群工作部干事"),),
        description="联盟常务理事单位，党委书记出席2021年1月21日联席会（《梅陇报》）。" + REAL_UNIT_NOTE,
    ),
    UnitSpec(
        # A military unit: never a credit code (DOMAIN.md); contacts are never exported unmasked.
        "空军95958部队某营", "95958部队某营", "military", "executive", FIRST_BATCH, False,
        secretary=_real("张轩", "党委书记、指导员"),  # seeds/000
        liaisons=(Holder("吕志强", "政治工作干事"),),
        description="联盟常务理事单位，党委书记、指导员张轩出席2021年1月21日联席会（《梅陇报》）。"
                    + REAL_UNIT_NOTE,
    ),
    UnitSpec(
        "建设银行闵行支行", "建行闵行支行", "bank", "executive", date(2018, 9, 20), False,
        secretary=_real("顾非非", "党委书记、行长"),  # seeds/000
        # A change of liaison in 2021 shows role history (both people invented).
        liaisons=(Holder("蒋丽萍", "办公室主任"),
                  Holder("龚怡然", "党建专员", started_on=date(2021, 7, 1))),
        description="联盟常务理事单位，党委书记、行长顾非非出席2021年1月21日联席会（《梅陇报》）。"
                    + REAL_UNIT_NOTE,
    ),
    UnitSpec(
        # See the note on 上海电气液压气动有限公司: 张俊 is this company's secretary.
        "上海地铁维保保障有限公司工务分公司", "地铁维保工务分公司", "metro", "executive",
        date(2019, 3, 12), False,
        secretary=_real("张俊", "党委书记"),
        liaisons=(Holder("韩立新", "党群工作室主任"),),
        description="联盟常务理事单位，党委书记张俊出席2021年1月21日联席会（《梅陇报》）。" + REAL_UNIT_NOTE,
    ),
    # --- 理事单位 ------------------------------------------------------------------------
    UnitSpec(
        # seeds/000: the meeting was held at 上海力波展示中心; 上海力波 joined that day and spoke
        # at the forum. The article gives only the short name, so we keep it as printed.
        "上海力波", "上海力波", "enterprise", "council", JOINT_MEETING_DAY, False,
        secretary=Holder("杜卫东", "党支部书记", started_on=date(2019, 4, 1)),
        liaisons=(Holder("方晓燕", "行政主管"),),
        description=_new_member_description("联席会在上海力波展示中心召开，上海力波在主题论坛发言。"),
    ),
    UnitSpec(
        # seeds/000: 镇招商中心 spoke at the forum among the 区域单位 of the alliance.
        "梅陇镇招商中心", "镇招商中心", "government", "council", FIRST_BATCH, False,
        secretary=Holder("黄志明", "党支部书记", started_on=date(2017, 6, 1)),
        liaisons=(Holder("邱雪莹", "综合科科员"),),
        description="在2021年1月21日联席会主题论坛发言（《梅陇报》）。" + REAL_UNIT_NOTE,
    ),
    UnitSpec(
        "梅陇镇社区卫生服务中心", "社区卫生服务中心", "hospital", "council", FIRST_BATCH, True,
        past_secretaries=(Holder("孙国平", "党支部书记", started_on=date(2014, 3, 1)),),
        secretary=Holder("钱惠芳", "党支部书记", started_on=date(2020, 4, 15)),
        liaisons=(Holder("许晨", "党办干事"),),
    ),
    UnitSpec(
        # seeds/003: 镇城运中心 runs the 一网统管 platform (1 centre, 7 处置网格, 97 自治网格).
        "梅陇镇城市运行管理中心", "镇城运中心", "government", "council", date(2020, 6, 30), True,
        secretary=Holder("范建国", "党支部书记", started_on=date(2020, 6, 1)),
        liaisons=(Holder("姚磊", "综合科科员"),),
    ),
    UnitSpec(
        "上海市梅陇中学", "梅陇中学", "school", "council", date(2018, 9, 20), True,
        past_secretaries=(Holder("潘志刚", "党支部书记", started_on=date(2015, 9, 1)),),
        secretary=Holder("戴文静", "党支部书记", started_on=date(2019, 8, 30)),
        liaisons=(Holder("吴敏", "德育主任"),),
    ),
    UnitSpec(
        # seeds/001-002: 许泾村 — 互助式养老, 美丽乡村示范村.
        "许泾村", "许泾村", "village", "council", FIRST_BATCH, True,
        past_secretaries=(Holder("陆福根", "村党总支书记", started_on=date(2012, 3, 1)),),
        secretary=Holder("朱建新", "村党总支书记", started_on=date(2018, 1, 10)),
        deputy=Holder("祁建勇", "村党总支副书记", started_on=date(2018, 1, 10)),
        liaisons=(Holder("王丽娟", "村委委员"),),
        address="闵行区梅陇镇许泾村",
    ),
    UnitSpec(
        # seeds/002: 曹行村 — 美丽乡村示范村, 2019 上海市农村社区建设试点示范村.
        "曹行村", "曹行村", "village", "council", FIRST_BATCH, True,
        secretary=Holder("曹海林", "村党总支书记", started_on=date(2016, 12, 1)),
        liaisons=(Holder("陈晓红", "村委委员"),),
        address="闵行区梅陇镇曹行村",
    ),
    UnitSpec(
        # seeds/000: 中环科技园新时代文明实践益空间 held the 2021-01-15 迎新春 fair.
        "中环科技园", "中环科技园", "enterprise", "council", date(2019, 6, 28), True,
        past_secretaries=(Holder("宋晓光", "园区联合党支部书记", started_on=date(2017, 5, 1)),),
        secretary=Holder("任志远", "园区联合党支部书记", started_on=date(2020, 10, 10)),
        liaisons=(Holder("唐诗韵", "园区党建指导员"),),
    ),
    # --- 成员单位 ------------------------------------------------------------------------
    UnitSpec(
        "伟巴斯车顶供暖系统(上海)有限公司", "伟巴斯", "enterprise", "member", JOINT_MEETING_DAY, False,
        secretary=Holder("林海涛", "党支部书记", started_on=date(2019, 7, 1)),
        liaisons=(Holder("彭雅琴", "人事行政经理"),),
        description=_new_member_description("在联席会主题论坛发言。"),
    ),
    UnitSpec(
        "地铁15号线紫竹高新区站区", "15号线紫竹高新区站区", "metro", "member", JOINT_MEETING_DAY, False,
        secretary=Holder("邵俊杰", "党支部书记", started_on=date(2020, 12, 1)),
        liaisons=(Holder("崔颖", "站区团支部书记"),),
        description=_new_member_description(),
    ),
    UnitSpec(
        "地铁1号线管理部第二党支部", "1号线第二党支部", "metro", "member", JOINT_MEETING_DAY, False,
        secretary=Holder("郑立群", "党支部书记", started_on=date(2018, 3, 1)),
        liaisons=(Holder("侯佳", "支部组织委员"),),
        description=_new_member_description(),
    ),
    UnitSpec(
        # seeds/001: 益梅小院 was upgraded into the township's 新时代文明实践分中心 in 2020.
        "梅陇镇新时代文明实践分中心", "文明实践分中心", "institution", "member", date(2020, 9, 15), True,
        secretary=Holder("夏文娟", "党支部书记", started_on=date(2020, 9, 1)),
        liaisons=(Holder("段晓莉", "项目主管"),),
    ),
    UnitSpec(
        # seeds/001: 梅陇中心幼儿园, 曹行幼儿园 — 美丽校园 in 2020.
        "闵行区梅陇中心幼儿园", "梅陇中心幼儿园", "school", "member", date(2019, 3, 12), True,
        secretary=Holder("郭慧", "党支部书记", started_on=date(2017, 9, 1)),
        liaisons=(Holder("孔令怡", "教师"),),
    ),
    UnitSpec(
        "闵行区曹行幼儿园", "曹行幼儿园", "school", "member", date(2019, 3, 12), True,
        secretary=Holder("田美华", "党支部书记", started_on=date(2018, 9, 1)),
        liaisons=(Holder("贺晴", "保教主任"),),
    ),
    UnitSpec(
        # seeds/002: 众欣产业园区 — one of the two key parks being transformed.
        "众欣产业园", "众欣产业园", "enterprise", "member", date(2019, 6, 28), True,
        secretary=Holder("董建军", "园区党总支书记", started_on=date(2018, 4, 1)),
        liaisons=(Holder("袁野", "招商服务专员"),),
    ),
    UnitSpec(
        # seeds/002: 百联南方, 锦江乐园, 中庚漫游城 — the 南方商圈 commercial cluster.
        "百联南方购物中心", "百联南方", "enterprise", "member", date(2019, 11, 5), True,
        secretary=Holder("秦丽华", "党支部书记", started_on=date(2018, 6, 1)),
        liaisons=(Holder("薛冰", "综合管理部主管"),),
    ),
    UnitSpec(
        "上海锦江乐园", "锦江乐园", "enterprise", "member", date(2019, 11, 5), True,
        secretary=Holder("雷振华", "党总支书记", started_on=date(2017, 3, 1)),
        liaisons=(Holder("汤晓东", "党群干事"),),
    ),
    UnitSpec(
        "中庚漫游城", "中庚漫游城", "enterprise", "member", date(2019, 11, 5), True,
        secretary=Holder("卢海燕", "党支部书记", started_on=date(2019, 1, 1)),
        liaisons=(Holder("蔡思远", "运营主管"),),
    ),
    UnitSpec(
        # seeds/001: 观缘文创园, shown in the township's online cultural tours.
        "观缘文创园", "观缘文创园", "enterprise", "member", date(2020, 6, 30), True,
        secretary=Holder("万晓峰", "党支部书记", started_on=date(2019, 10, 1)),
        liaisons=(Holder("严佳琪", "园区运营"),),
    ),
    UnitSpec(
        # Entirely invented company, with an invented credit code (valid check character).
        "上海陇创智能科技有限公司", "陇创智能", "enterprise", "member", date(2020, 6, 30), True,
        secretary=Holder("傅振宇", "党支部书记", started_on=date(2020, 3, 1)),
        liaisons=(Holder("尹晨曦", "行政专员"),),
        uscc_base="91310112MA1GD7Q3W",
    ),
    UnitSpec(
        # Invented 红色物业 company (seeds/001: 15 红色物业 created in 2020); invented credit code.
        "上海梅韵物业管理有限公司", "梅韵物业", "enterprise", "member", date(2020, 12, 18), True,
        secretary=Holder("谭明亮", "党支部书记", started_on=date(2020, 7, 1)),
        liaisons=(Holder("程玉兰", "项目经理"),),
        uscc_base="91310112MA1HK2R6N",
    ),
    UnitSpec(
        # seeds/000: 梅陇臻美“蚕宝向阳院” gave 腊八粥 to 罗阳六居 and 上陇新村; full name invented.
        "梅陇臻美社区服务中心", "梅陇臻美", "social_org", "member", date(2019, 11, 5), True,
        secretary=Holder("江慧敏", "党支部书记", started_on=date(2019, 5, 1)),
        liaisons=(Holder("石小燕", "社工"),),
    ),
    UnitSpec(
        "梅陇镇社会组织服务中心", "社会组织服务中心", "social_org", "member", date(2018, 9, 20), True,
        secretary=Holder("廖建平", "联合党支部书记", started_on=date(2017, 11, 1)),
        liaisons=(Holder("葛蕾", "社工"),),
    ),
    UnitSpec(
        # seeds/001-002: 永联村 — 互助式养老, 2019 上海市农村社区建设试点示范村.
        "永联村", "永联村", "village", "member", FIRST_BATCH, True,
        secretary=Holder("倪卫国", "村党总支书记", started_on=date(2015, 6, 1)),
        liaisons=(Holder("戚美玲", "妇女主任"),),
        address="闵行区梅陇镇永联村",
    ),
    UnitSpec(
        # seeds/001: 曙建村敬老院 started in 2020.
        "曙建村", "曙建村", "village", "member", FIRST_BATCH, True,
        secretary=Holder("沈国良", "村党总支书记", started_on=date(2016, 12, 1)),
        liaisons=(Holder("邹丽", "村委委员"),),
        address="闵行区梅陇镇曙建村",
    ),
    UnitSpec(
        # seeds/001: 行西 resettlement base completed in 2020.
        "行西村", "行西村", "village", "member", date(2018, 9, 20), True,
        secretary=Holder("褚金龙", "村党总支书记", started_on=date(2016, 12, 1)),
        liaisons=(Holder("舒燕", "村委委员"),),
        address="闵行区梅陇镇行西村",
    ),
    # Residential communities (居民区) named in the seeds; their membership is invented.
    UnitSpec(
        "罗阳六居居民区", "罗阳六居", "residential", "member", date(2019, 3, 12), True,  # seeds/000
        secretary=Holder("孟凡英", "居民区党总支书记", started_on=date(2017, 4, 1)),
        liaisons=(Holder("苏晓梅", "居委会副主任"),),
    ),
    UnitSpec(
        # seeds/001: the residential branches were split and re-elected in two batches in 2020;
        # this community's secretary changed then (invented people).
        "上陇新村居民区", "上陇新村", "residential", "member", date(2019, 3, 12), True,  # seeds/000
        past_secretaries=(Holder("黎建华", "居民区党总支书记", started_on=date(2014, 4, 1)),),
        secretary=Holder("柳红", "居民区党总支书记", started_on=date(2020, 11, 20)),
        liaisons=(Holder("章晓琳", "社工"),),
    ),
    UnitSpec(
        "南方城居民区", "南方城", "residential", "member", date(2019, 6, 28), True,  # seeds/001
        secretary=Holder("史建英", "居民区党总支书记", started_on=date(2018, 3, 1)),
        liaisons=(Holder("骆婷", "社工"),),
    ),
    UnitSpec(
        "华唐苑居民区", "华唐苑", "residential", "member", date(2019, 6, 28), True,  # seeds/001
        secretary=Holder("魏丽君", "居民区党支部书记", started_on=date(2019, 2, 1)),
        liaisons=(Holder("芮晓峰", "社工"),),
    ),
    UnitSpec(
        # seeds/000: 上海春城 — comprehensive public-security work finished in 2020.
        "上海春城居民区", "上海春城", "residential", "member", date(2019, 6, 28), True,
        secretary=Holder("康建荣", "居民区党总支书记", started_on=date(2017, 4, 1)),
        deputy=Holder("费晓雯", "居民区党总支副书记", started_on=date(2020, 11, 20)),
        liaisons=(Holder("车晓芸", "社工"),),
    ),
    UnitSpec(
        # seeds/001: 春申景城's residents' pact won a district award.
        "春申景城居民区", "春申景城", "residential", "member", date(2020, 6, 30), True,
        secretary=Holder("殷丽萍", "居民区党总支书记", started_on=date(2018, 5, 1)),
        deputy=Holder("卞立军", "居民区党总支副书记", started_on=date(2020, 11, 20)),
        liaisons=(Holder("聂子豪", "社工"),),
    ),
    UnitSpec(
        # seeds/001: 普乐二村 — pilot of lifts added to old buildings.
        "普乐二村居民区", "普乐二村", "residential", "member", date(2020, 6, 30), True,
        secretary=Holder("毛志红", "居民区党支部书记", started_on=date(2019, 2, 1)),
        liaisons=(Holder("詹静", "社工"),),
    ),
    UnitSpec(
        # seeds/003: 中梅苑 — voters' list posted in October 2021.
        "中梅苑居民区", "中梅苑", "residential", "member", date(2020, 12, 18), True,
        secretary=Holder("岳美娟", "居民区党总支书记", started_on=date(2018, 5, 1)),
        liaisons=(Holder("季晓东", "社工"),),
    ),
)

# Township officials named in seeds/000: they chair and speak, they are not unit secretaries,
# so they are people without a unit role.
TOWNSHIP_PEOPLE = (
    {"name": "马健", "title": "梅陇镇党委副书记", "is_party_member": True,
     "notes": "主持2021年1月21日梅陇镇区域化党建联盟联席会（《梅陇报》）。"},
    {"name": "陈冬发", "title": "梅陇镇党委副书记、镇长", "is_party_member": True,
     "notes": "在2021年1月21日联席会上讲话（《梅陇报》）；2021年10月报道中任镇党委书记。"},
)


# --- activities ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Event:
    """One dated activity of one unit. ``{secretary}`` becomes the unit's secretary as
    “党委书记徐虹”."""

    unit: str
    on: date
    kind: str
    title: str
    participants: str
    participant_count: int | None
    description: str


_MEETING_TOPIC = ("如何充分发挥区域单位党组织作用，全面围绕主责主业，精准助力梅陇发展，"
                  "携手庆祝中国共产党成立100周年")


def _meeting(unit: str, extra: str = "", *, count: int = 2) -> Event:
    """The 2021-01-21 joint meeting, as an activity of a unit that was there (seeds/000)."""
    return Event(
        unit, JOINT_MEETING_DAY, "joint_activity", "出席梅陇镇区域化党建联盟联席会",
        "{secretary}", count,
        "联席会在上海力波展示中心召开，由镇党委副书记马健主持，镇党委副书记、镇长陈冬发讲话。"
        f"联盟成员共同回顾一年来区域化党建成效，围绕“{_MEETING_TOPIC}”主题展开讨论。{extra}",
    )


# Activities grounded in the seed articles (dates and numbers as printed), then invented ones
# for the named units. Events of a unit missing from UNITS are an error in this file.
EVENTS: tuple[Event, ...] = (
    # seeds/000: 15 calligraphy volunteers wrote 300 couplets and 福 characters in advance.
    Event("梅陇镇新时代文明实践分中心", date(2021, 1, 12), "volunteer_service",
          "“写春联 送祝福”提前书写春联和福字", "书法志愿者15名", 15,
          "以“我们的节日”为主题，分中心组织书法团队、书法爱好者结合疫情防控提前书写春联和福字，"
          "共写成300副，向实践站、益空间、邻里中心等阵地配送“写春联 送祝福”服务项目。"),
    # seeds/000: the 15 January fair at the 益空间; 200 handed out that day.
    Event("中环科技园", date(2021, 1, 15), "volunteer_service",
          "“迎新春”集市 写春联 送祝福", "书法志愿者2名，园区白领", 2,
          "“迎新春”集市在中环科技园新时代文明实践益空间举行。写春联服务摊位人气最旺，"
          "两位书法志愿者挥毫泼墨，当天共送出200副春联和福字。"),
    # seeds/000: 19 January, 梅陇仁家·公益集市 at 梅家弄邻里中心.
    Event("梅陇镇新时代文明实践分中心", date(2021, 1, 19), "volunteer_service",
          "“梅陇仁家·公益集市”现场书写春联福字", "益梅书法沙龙志愿服务队老师8名，中学生志愿者2名", 10,
          "镇新时代文明实践分中心与梅家弄邻里中心开展“梅陇仁家·公益集市”，邀请益梅书法沙龙志愿服务队的"
          "八位老师及两位中学生志愿者现场书写春联和福字，将新春祝福传递给社区居民。"),
    # seeds/000: 腊八 (20 January 2021) porridge for 罗阳六居 and 上陇新村.
    Event("梅陇臻美社区服务中心", date(2021, 1, 20), "volunteer_service",
          "腊八节送暖心粥", "梅陇臻美“蚕宝向阳院”志愿者，罗阳六居、上陇新村居民", 36,
          "俗话说，过了腊八就是年。梅陇臻美“蚕宝向阳院”向罗阳六居、上陇新村小区赠送腊八粥，传承公益精神，"
          "拉近了社区与居民的距离。"),
    # seeds/000: the joint meeting, for every unit the article places there.
    _meeting("复旦大学附属儿科医院", "医院在主题论坛发言，为梅陇新一轮转型发展献计献策。"),
    _meeting("上海电气液压气动有限公司"),
    _meeting("空军95958部队某营"),
    _meeting("建设银行闵行支行"),
    _meeting("上海地铁维保保障有限公司工务分公司"),
    _meeting("上海力波", "会议在上海力波展示中心举行，上海力波当天作为新成员单位加入联盟，并在主题论坛发言。",
             count=4),
    _meeting("伟巴斯车顶供暖系统(上海)有限公司", "当天作为新成员单位加入联盟，并在主题论坛发言。"),
    _meeting("地铁15号线紫竹高新区站区", "当天作为新成员单位加入联盟。"),
    _meeting("地铁1号线管理部第二党支部", "当天作为新成员单位加入联盟。"),
    _meeting("梅陇镇招商中心", "镇招商中心在主题论坛发言。"),
    # seeds/003: 20 October, 一网统管 meeting and security for the 4th 进博会.
    Event("梅陇镇城市运行管理中心", date(2021, 10, 20), "joint_activity",
          "“一网统管”工作推进会暨第四届进博会安全保障工作会", "镇城运中心、安监所、水务站等职能部门负责人", 30,
          "会议明确深化城市运行管理格局、推进数字化赋能城市治理的重点方向，相关职能部门负责人演示"
          "“一网统管”阶段成果。梅陇构建了“1个城运中心—7个处置网格—97个自治网格”三级工作架构。"),
    # Invented (plausible) activities of the named units, grounded in the reports' themes.
    Event("复旦大学附属儿科医院", date(2021, 3, 20), "volunteer_service",
          "儿童健康义诊进社区", "儿科医生、护士志愿者，上陇新村居民", 12,
          "医院党员医生走进上陇新村居民区，为社区儿童提供生长发育评估、用药咨询和常见病义诊。"),
    Event("复旦大学附属儿科医院", date(2021, 5, 29), "joint_activity",
          "“六一”儿童健康科普讲座", "医院党员专家，梅陇中心幼儿园家长", 80,
          "结合上海市儿童友好社区示范点创建，医院专家为家长讲解儿童营养、近视防控和意外伤害预防。"),
    Event("上海电气液压气动有限公司", date(2021, 4, 16), "joint_activity",
          "结对许泾村 助力美丽乡村建设", "公司党员志愿者，许泾村村民", 25,
          "公司党委与许泾村结对，党员志愿者参与村庄清洁和河道保洁，助力美丽乡村示范村创建。"),
    Event("空军95958部队某营", date(2021, 7, 30), "visit",
          "“八一”双拥共建座谈", "营党委、镇退役军人服务站、驻地居村代表", 15,
          "建军节前夕开展军地座谈，交流双拥共建经验，深化爱国拥军模范镇创建成果。"),
    Event("空军95958部队某营", date(2021, 9, 18), "joint_activity",
          "全民国防教育日 国防知识进校园", "部队官兵，上海市梅陇中学师生", 120,
          "官兵走进上海市梅陇中学，讲授国防知识，开展队列示范，增强青少年国防意识。"),
    # seeds/000: 梅陇派出所 anti-fraud stalls in 南方商圈; “平安梅陇，你我共创” campaign.
    Event("建设银行闵行支行", date(2021, 5, 22), "volunteer_service",
          "“平安梅陇，你我共创”反诈宣传进商圈", "支行党员志愿者，梅陇派出所民警", 18,
          "支行与梅陇派出所在南方商圈摆设反诈宣传摊位，向往来群众介绍最新诈骗手段和防范方法，"
          "发放防范电信网络诈骗宣传资料。"),
    Event("建设银行闵行支行", date(2021, 3, 15), "volunteer_service",
          "“3·15”金融消费者权益保护宣传", "支行党员志愿者，社区老年居民", 40,
          "走进居民区讲解非法集资、养老诈骗的识别方法，现场解答居民的金融业务咨询。"),
    # seeds/003: security for the 4th 进博会 (5-10 November 2021).
    Event("上海地铁维保保障有限公司工务分公司", date(2021, 11, 3), "volunteer_service",
          "进博会期间轨道交通设施安全保障", "分公司党员突击队", 30,
          "第四届进博会期间，党员突击队对辖区线路设施开展加密巡检，确保运营安全。"),
    Event("地铁15号线紫竹高新区站区", date(2021, 3, 5), "volunteer_service",
          "学雷锋 文明乘车志愿服务", "站区团员青年，周边居民志愿者", 16,
          "在站内开展文明乘车引导和乘客问询服务，向周边居民宣传地铁安全乘车知识。"),
    Event("地铁1号线管理部第二党支部", date(2021, 6, 28), "party_lesson",
          "“学党史 守初心”主题党日", "支部党员", 22,
          "支部党员重温入党誓词，结合岗位实际交流党史学习体会，庆祝中国共产党成立100周年。"),
    Event("梅陇镇招商中心", date(2021, 5, 6), "joint_activity",
          "“五五购物节”梅陇商圈企业服务", "镇招商中心，南方商圈企业代表", 25,
          "依托“商服店小二”“陇商空间”平台，走访南方商圈企业，宣讲助企政策，收集企业诉求。"),
    Event("上海力波", date(2021, 4, 24), "visit",
          "“人文行走 七彩梅陇”走进上海力波展示中心", "联盟成员单位党员、社区居民", 45,
          "组织联盟成员单位党员和社区居民走进上海力波展示中心，了解企业发展历程和梅陇产业变迁。"),
    Event("上海市梅陇中学", date(2021, 9, 1), "joint_activity",
          "法治副校长“开学第一课”", "法治副校长，初一年级师生", 260,
          "镇域学校全面配置法治副校长，开学第一天为学生讲授法治课，增强青少年法治意识。"),
    Event("普乐二村居民区", date(2021, 6, 9), "other",
          "加装电梯居民协商会", "居民区党支部、业委会、物业、居民代表", 28,
          "在加装电梯试点基础上，召开居民协商会，听取各楼层居民意见，推动更多楼道达成加梯共识。"),
    Event("永联村", date(2021, 10, 14), "volunteer_service",
          "重阳节互助养老睦邻点慰问", "村党员志愿者，睦邻点老人", 35,
          "推广互助式养老模式，重阳节走访睦邻点，为老人送上重阳糕，开展健康检测。"),
)


@dataclass(frozen=True)
class Template:
    """A generic activity the loader hands out, with a date drawn from ``window``.

    ``{short}`` is the unit's short name; ``{partner}`` a residential community or village the
    loader picks. ``categories`` None: any unit. A unit whose own events already have a title
    containing ``theme`` does not get this template (no second 反诈 stall for the bank)."""

    kind: str
    title: str
    window: tuple[date, date]
    participants: str
    count: tuple[int, int]
    description: str
    categories: frozenset[str] | None = None
    theme: str | None = None


_COMMUNITY = frozenset({"residential", "village"})
_BUSINESS = frozenset({"enterprise", "bank", "metro", "hospital", "military", "school",
                       "government", "institution", "social_org"})

TEMPLATES: tuple[Template, ...] = (
    Template("party_lesson", "庆祝中国共产党成立100周年主题党课",
             (date(2021, 6, 15), date(2021, 6, 30)), "{short}党员", (12, 60),
             "结合党史学习教育讲授主题党课，党员重温入党誓词，庆祝中国共产党成立100周年。",
             theme="100周年"),
    Template("party_lesson", "党史学习教育专题学习会",
             (date(2021, 3, 1), date(2021, 5, 31)), "{short}党员", (10, 45),
             "围绕党史、新中国史、改革开放史、社会主义发展史开展专题学习，交流学习体会。",
             theme="党史"),
    Template("volunteer_service", "“我为群众办实事”志愿服务",
             (date(2021, 7, 1), date(2021, 10, 31)), "{short}党员志愿者，{partner}居民", (10, 40),
             "深入{partner}了解群众急难愁盼问题，开展便民服务，把实事办到群众心坎上。"),
    Template("visit", "走访{partner} 对接“三张清单”",
             (date(2021, 3, 1), date(2021, 9, 30)), "{short}党组织负责人、联络员，{partner}党组织", (4, 10),
             "与{partner}党组织面对面交流，对接需求清单、资源清单和项目清单，商定年度共建事项。",
             _BUSINESS),
    Template("joint_activity", "垃圾分类宣传志愿服务",
             (date(2021, 4, 1), date(2021, 11, 30)), "{short}志愿者，{partner}居民", (8, 30),
             "在{partner}定时定点投放点开展垃圾分类引导和宣传，帮助居民养成分类习惯。"),
    Template("volunteer_service", "春节前结对帮困慰问",
             (date(2021, 1, 25), date(2021, 2, 9)), "{short}党员，{partner}困难家庭", (5, 15),
             "春节前走访{partner}困难家庭，送上慰问品和新春祝福。", _BUSINESS),
    Template("volunteer_service", "元宵节猜灯谜 邻里闹元宵",
             (date(2021, 2, 26), date(2021, 2, 26)), "{short}居民、志愿者", (30, 120),
             "“我们的节日·元宵”活动，居民猜灯谜、包汤圆，共度佳节。", _COMMUNITY),
    Template("party_lesson", "清明祭扫 缅怀革命先烈",
             (date(2021, 3, 29), date(2021, 4, 3)), "{short}党员、青年", (10, 40),
             "清明节前开展网上祭扫和主题学习，缅怀革命先烈，赓续红色血脉。"),
    Template("volunteer_service", "端午包粽子 浓浓邻里情",
             (date(2021, 6, 12), date(2021, 6, 14)), "{short}居民、志愿者", (20, 80),
             "“我们的节日·端午”活动，志愿者与居民一起包粽子，为独居老人送上粽子。", _COMMUNITY),
    Template("other", "新冠疫苗接种服务保障",
             (date(2021, 4, 1), date(2021, 6, 30)), "{short}志愿者", (6, 25),
             "协助做好疫苗接种预约登记、现场引导和留观服务，动员适龄人群应接尽接。", _COMMUNITY),
    Template("joint_activity", "中秋邻里节",
             (date(2021, 9, 18), date(2021, 9, 21)), "{short}居民、共建单位志愿者", (40, 150),
             "“我们的节日·中秋”邻里节，开展做月饼、诵读经典等活动，增进邻里感情。", _COMMUNITY),
    Template("volunteer_service", "重阳节敬老慰问",
             (date(2021, 10, 12), date(2021, 10, 14)), "{short}党员志愿者，辖区老人", (15, 50),
             "重阳节走访高龄和独居老人，送上重阳糕，开展理发、测血压等为老服务。", _COMMUNITY,
             theme="重阳"),
    Template("volunteer_service", "村庄清洁行动",
             (date(2021, 3, 1), date(2021, 11, 30)), "{short}党员、村民志愿者", (15, 50),
             "开展农村人居环境整治，清理宅前屋后和河道沿岸垃圾，助力美丽乡村建设。",
             frozenset({"village"})),
    Template("other", "业委会规范化建设工作会",
             (date(2021, 3, 1), date(2021, 11, 30)), "居民区党组织、业委会、物业", (6, 15),
             "落实党建引领下业委会规范化建设，听取业委会和物业工作情况，协商解决小区治理难题。",
             frozenset({"residential"})),
    Template("volunteer_service", "进博会安全保障志愿服务",
             (date(2021, 11, 1), date(2021, 11, 10)), "{short}党员志愿者", (8, 40),
             "第四届进博会期间，志愿者参与平安巡逻和重点点位值守，守护城市运行安全。",
             theme="进博会"),
    Template("joint_activity", "“平安梅陇，你我共创”防范电信诈骗宣传",
             (date(2021, 4, 1), date(2021, 12, 15)), "{short}志愿者，梅陇派出所民警", (8, 30),
             "与梅陇派出所联合开展反诈宣传，介绍最新诈骗手段和防范方法，引导群众关注“梅陇警讯”公众号。",
             theme="平安梅陇"),
    Template("visit", "走进联盟单位参观交流",
             (date(2021, 5, 1), date(2021, 12, 10)), "{short}党员", (8, 25),
             "组织党员走进联盟成员单位参观学习，交流党建工作经验，寻找共建合作点。", _BUSINESS),
    Template("joint_activity", "“开学第一课”红色故事分享",
             (date(2021, 9, 1), date(2021, 9, 3)), "{short}师生", (60, 300),
             "结合党史学习教育为学生讲述红色故事，厚植爱党爱国情怀。", frozenset({"school"}),
             theme="开学第一课"),
    Template("volunteer_service", "健康义诊进社区",
             (date(2021, 4, 1), date(2021, 11, 30)), "{short}医务人员志愿者，{partner}居民", (8, 30),
             "在{partner}开展义诊和健康咨询，为居民测量血压血糖、讲解慢病管理知识。",
             frozenset({"hospital"}), theme="义诊"),
    Template("volunteer_service", "地铁安全知识进社区",
             (date(2021, 3, 1), date(2021, 12, 10)), "{short}党员，{partner}居民", (6, 25),
             "走进{partner}宣传安全乘车和地铁保护区知识，听取居民对出行服务的意见。",
             frozenset({"metro"})),
    Template("joint_activity", "“12·4”国家宪法日法治宣传",
             (date(2021, 12, 1), date(2021, 12, 4)), "{short}党员志愿者，{partner}居民", (8, 40),
             "在{partner}开展宪法和《民法典》宣传，发放普法资料，解答群众法律咨询。"),
    Template("joint_activity", "年度共建工作总结交流",
             (date(2021, 12, 6), date(2021, 12, 28)), "{short}党组织负责人、联络员", (3, 10),
             "回顾一年来参与联盟共建的项目和活动，梳理下一年度需求和资源，形成共建计划。"),
    Template("visit", "企业开放日",
             (date(2021, 5, 1), date(2021, 11, 30)), "{short}职工，周边居民代表", (15, 60),
             "邀请周边居民和联盟成员单位走进企业，了解企业文化和生产经营，增进企地互信。",
             frozenset({"enterprise"})),
)

# How many activities each unit gets in all (seeded events included): the units the articles
# name have more to show.
ACTIVITIES_PER_REAL_UNIT = (4, 7)
ACTIVITIES_PER_SAMPLE_UNIT = (1, 3)


# --- demo accounts -------------------------------------------------------------------------

@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    display_name: str | None  # None: the current liaison of ``unit``
    unit: str | None = None


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("admin", "admin", "演示管理员"),
    DemoAccount("staff", "staff", "党群办演示账号"),
    DemoAccount("organizer", "organizer", "会务组织演示账号"),
    DemoAccount("liaison", "liaison", None, "复旦大学附属儿科医院"),
    DemoAccount("liaison2", "liaison", None, "建设银行闵行支行"),
)

# Kept here only so tests and docs can refer to the names without repeating them.
NAMED_UNITS = tuple(spec.name for spec in UNITS if not spec.is_sample)
WELCOMED_ON_JOINT_MEETING_DAY = tuple(spec.name for spec in UNITS if spec.joined_on == JOINT_MEETING_DAY)


def _check() -> None:
    """Fail at import if the data contradicts itself (cheap, and catches editing mistakes)."""
    names = [spec.name for spec in UNITS]
    known = set(names)
    problems = [
        message for failed, message in (
            (len(names) != len(known) or len(names) != 39, "the demo alliance has 39 distinct units"),
            (len(WELCOMED_ON_JOINT_MEETING_DAY) != 4, "four units joined on 2021-01-21"),
            (any(event.unit not in known for event in EVENTS), "an event names an unknown unit"),
            (any(a.unit is not None and a.unit not in known for a in DEMO_ACCOUNTS),
             "a demo account names an unknown unit"),
        ) if failed
    ]
    if problems:
        raise RuntimeError("alliance/demo/data.py: " + "; ".join(problems))


_check()

"""Schemas of the annual report (``GET /api/v1/reports/annual``)."""
from __future__ import annotations

import marshmallow as ma

from alliance.api.schemas import BaseSchema, Date, Dict, Int, List, Nested, Str
from alliance.reports.queries import FIRST_YEAR, local_today, year_error


def _check_year(value: int) -> None:
    message = year_error(value)
    if message:
        raise ma.ValidationError(message)


class AnnualArgs(BaseSchema):
    # The document gives this year as the maximum when the app starts; the check reads the clock.
    year = Int(strict=False, required=True, validate=_check_year,
               metadata={"description": "年度（2000年至今年）；未来年份或2000年以前为422",
                         "minimum": FIRST_YEAR, "maximum": local_today().year})


class AnnualUnitFigures(BaseSchema):
    total = Int(metadata={"description": "年末成员单位数（当年12月31日前加入且未退出）"})
    joined = Int(metadata={"description": "当年加入"})
    left = Int(metadata={"description": "当年退出"})


class AnnualMeetingFigures(BaseSchema):
    held = Int(metadata={"description": "当年已召开的会议"})
    attendance_rate = ma.fields.Float(metadata={"description": "平均出席率（出席人次 / 应到人次，0–1）"})
    invited = Int()
    present = Int()


class AnnualNeedFigures(BaseSchema):
    received = Int(metadata={"description": "当年登记的需求（草稿除外）"})
    met = Int(metadata={"description": "其中已满足"})
    met_rate = ma.fields.Float()


class AnnualCategoryCount(BaseSchema):
    category_id = Int()
    name = Str()
    count = Int()


class AnnualProjectFigures(BaseSchema):
    total = Int(metadata={"description": "当年开始的项目"})
    by_stage = Dict(keys=Str(), values=Int(), metadata={"description": "按阶段：proposed 立项 … closed 结项"})
    by_category = List(Nested(AnnualCategoryCount))
    people_served = Int(metadata={"description": "已结项项目的服务人数"})


class AnnualLevelCounts(BaseSchema):
    district = Int()
    township = Int()


class AnnualRatingFigures(BaseSchema):
    total = Int(metadata={"description": "当年已确认的星级评定"})
    by_stars = Dict(keys=Str(), values=Int(), metadata={"description": "按星级：\"5\" \"4\" \"3\""})
    by_level = Nested(AnnualLevelCounts)


class AnnualOrganizationFigures(BaseSchema):
    total = Int(metadata={"description": "年末党组织数（成立日期不详的也计入）"})
    residential_branches = Int(metadata={"description": "其中居民区党支部"})


class AnnualTeamCount(BaseSchema):
    team_id = Int()
    name = Str()
    volunteers = Int()


class AnnualVenueRef(BaseSchema):
    venue_id = Int()
    name = Str()
    kind = Str()


class AnnualCivicFigures(BaseSchema):
    stations = Int(metadata={"description": "实践站（现有）"})
    spaces = Int(metadata={"description": "益空间（现有）"})
    sub_centres = Int()
    events = Int(metadata={"description": "当年文明实践活动"})
    audience = Int(metadata={"description": "受众人次"})
    volunteer_hours = ma.fields.Float(metadata={"description": "志愿服务时长（小时）"})
    volunteers = Int()
    teams = List(Nested(AnnualTeamCount))
    venues_without_event = List(Nested(AnnualVenueRef), metadata={"description": "当年没有活动的实践站和益空间"})


class AnnualHandout(BaseSchema):
    on = Date()
    quantity = Int()


class AnnualDriveFigures(BaseSchema):
    ledger_id = Int()
    name = Str()
    made = Int()
    handed_out = Int()
    volunteers = Int(metadata={"description": "制作的志愿者人数"})
    handouts = List(Nested(AnnualHandout))


class AnnualUnitCount(BaseSchema):
    unit_id = Int()
    name = Str()
    count = Int()


class AnnualActivityFigures(BaseSchema):
    total = Int()
    by_unit = List(Nested(AnnualUnitCount))


class AnnualReportSchema(BaseSchema):
    year = Int()
    units = Nested(AnnualUnitFigures)
    meetings = Nested(AnnualMeetingFigures)
    needs = Nested(AnnualNeedFigures)
    projects = Nested(AnnualProjectFigures)
    ratings = Nested(AnnualRatingFigures)
    organizations = Nested(AnnualOrganizationFigures)
    civic = Nested(AnnualCivicFigures)
    drives = List(Nested(AnnualDriveFigures))
    activities = Nested(AnnualActivityFigures)

"""/api/v1/units.xlsx|.csv and /api/v1/people.xlsx|.csv: the lists as filtered and sorted."""
from __future__ import annotations

from flask_login import current_user
from flask_smorest import Blueprint

from alliance.api import exempt_from_form_csrf
from alliance.api.schemas import Bool
from alliance.core.exports import download, record_export
from alliance.core.permissions import roles_required
from alliance.extensions import db
from alliance.members import exports
from alliance.members.queries import UnitFilters, people_list_query, unit_list_query
from alliance.members.schemas import PeopleListArgs, UnitListArgs

blp = Blueprint("members_exports_api", __name__, url_prefix="/api/v1",
                description="成员单位和人员名单导出（与列表相同的筛选和排序；手机号默认隐藏中间四位）")
exempt_from_form_csrf(blp)
FILE = {"description": "导出文件", "content": {
    t: {"schema": {"type": "string", "format": "binary"}} for t in (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "text/csv")}}


class UnitExportArgs(UnitListArgs):
    class Meta:
        exclude = ("page", "per_page")


class PeopleExportArgs(PeopleListArgs):
    full_mobiles = Bool(load_default=False,
                        metadata={"description": "true 导出完整手机号（仅工作人员；部队单位始终隐藏）"})

    class Meta:
        exclude = ("page", "per_page")


def export_units(fmt: str, args: dict):
    filters = UnitFilters(q=args.get("q"), category=args.get("category"), tier=args.get("tier"),
                          status=args.get("status"), sort=args.get("sort", "order"),
                          deleted=bool(args.get("deleted")) and current_user.is_manager)
    sheet = exports.unit_sheet(unit_list_query(current_user, filters), title="成员单位")
    record_export("MemberUnit", None, f"成员单位名单（{fmt}）", {"format": fmt, **args})
    db.session.commit()
    return download(exports.render(sheet, fmt), f"成员单位名单.{fmt}")


def export_people(fmt: str, args: dict):
    stmt = people_list_query(current_user, q=args.get("q"), sort=args.get("sort", "strokes"),
                             deleted=bool(args.get("deleted")) and current_user.is_manager)
    full = bool(args.get("full_mobiles")) and current_user.is_manager
    sheet = exports.people_sheet(stmt, current_user, title="人员", full_mobiles=full)
    record_export("Person", None, f"人员名单（{fmt}）", {"format": fmt, **args, "full_mobiles": full})
    db.session.commit()
    return download(exports.render(sheet, fmt), f"人员名单.{fmt}")


@blp.route("/units.xlsx")
@roles_required()
@blp.arguments(UnitExportArgs, location="query", as_kwargs=True)
@blp.doc(responses={200: FILE})
def units_xlsx(**args):
    """成员单位名单 Excel（列与导入模板相同）"""
    return export_units("xlsx", args)


@blp.route("/units.csv")
@roles_required()
@blp.arguments(UnitExportArgs, location="query", as_kwargs=True)
@blp.doc(responses={200: FILE})
def units_csv(**args):
    """成员单位名单 CSV（UTF-8 带 BOM）"""
    return export_units("csv", args)


@blp.route("/people.xlsx")
@roles_required()
@blp.arguments(PeopleExportArgs, location="query", as_kwargs=True)
@blp.doc(responses={200: FILE})
def people_xlsx(**args):
    """人员名单 Excel（列与导入模板相同）"""
    return export_people("xlsx", args)


@blp.route("/people.csv")
@roles_required()
@blp.arguments(PeopleExportArgs, location="query", as_kwargs=True)
@blp.doc(responses={200: FILE})
def people_csv(**args):
    """人员名单 CSV（UTF-8 带 BOM）"""
    return export_people("csv", args)

"""/api/v1/reports/annual (+ .docx, .xlsx): the year's figures, for admin, staff and organizers."""
from __future__ import annotations

from flask_login import current_user
from flask_smorest import Blueprint

from alliance.api import exempt_from_form_csrf
from alliance.core.exports import MIMETYPES
from alliance.core.permissions import roles_required
from alliance.reports import queries, services
from alliance.reports.schemas import AnnualArgs, AnnualReportSchema

blp = Blueprint("reports_api", __name__, url_prefix="/api/v1",
                description="年度工作总结：由记录统计的全年数字（管理员、党群办工作人员、会务组织者）")
exempt_from_form_csrf(blp)


def _file_response(kind: str) -> dict:
    return {"description": "文件", "content": {MIMETYPES[kind]: {"schema": {"type": "string", "format": "binary"}}}}


@blp.route("/reports/annual")
@roles_required(*queries.READERS)
@blp.arguments(AnnualArgs, location="query", as_kwargs=True)
@blp.response(200, AnnualReportSchema)
def annual_report(year):
    """某年度的全年数字：成员单位、会议、三张清单、星级评定、文明实践、物品台账、共建活动"""
    return queries.annual(current_user, year)


@blp.route("/reports/annual.docx")
@roles_required(*queries.READERS)
@blp.arguments(AnnualArgs, location="query", as_kwargs=True)
@blp.doc(responses={200: _file_response("docx")})
def annual_docx(year):
    """年度工作总结（数据）Word 文档：各项数字、与上年对比、图表"""
    return services.docx_response(current_user, year)


@blp.route("/reports/annual.xlsx")
@roles_required(*queries.READERS)
@blp.arguments(AnnualArgs, location="query", as_kwargs=True)
@blp.doc(responses={200: _file_response("xlsx")})
def annual_xlsx(year):
    """年度工作总结数据表（Excel）"""
    return services.xlsx_response(current_user, year)

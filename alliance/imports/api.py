"""/api/v1/imports/{kind}: the template, a dry run, and the all-or-nothing commit."""
from __future__ import annotations

from flask import jsonify
from flask_login import current_user
from flask_smorest import Blueprint
from flask_smorest.fields import Upload

from alliance.api import exempt_from_form_csrf
from alliance.api.schemas import BaseSchema, Bool
from alliance.core.exports import download
from alliance.core.import_runner import run_import, template_xlsx
from alliance.core.permissions import managers_only
from alliance.extensions import db
from alliance.imports.services import kind_or_404

blp = Blueprint("imports_api", __name__, url_prefix="/api/v1",
                description="批量导入（units 成员单位，people 人员及职务）："
                            "先 dry_run 预览，再提交；全部成功或全部不保存")
exempt_from_form_csrf(blp)
XLSX_RESPONSE = {"description": "导入模板", "content": {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
        "schema": {"type": "string", "format": "binary"}}}}


class ImportArgs(BaseSchema):
    dry_run = Bool(load_default=False, metadata={"description": "true 只预览，不保存"})
    update = Bool(load_default=True, metadata={"description": "false 时跳过已登记记录的修改"})


class ImportFile(BaseSchema):
    file = Upload(required=True, metadata={"description": ".xlsx 或 .csv（UTF-8 或 GB18030），不超过10MB、20000行"})


@blp.route("/imports/<kind>/template.xlsx")
@managers_only
@blp.doc(responses={200: XLSX_RESPONSE})
def get_template(kind):
    """导入模板（中文列名、下拉选项、填写说明）"""
    spec = kind_or_404(kind)
    return download(template_xlsx(spec), f"{spec.label}导入模板.xlsx")


@blp.route("/imports/<kind>", methods=["POST"])
@managers_only
@blp.arguments(ImportArgs, location="query", as_kwargs=True)
@blp.arguments(ImportFile, location="files")
@blp.doc(responses={200: {"description": "预览（dry_run=true）：计数与逐行问题"},
                    201: {"description": "已导入：计数"}})
def post_import(files, kind, dry_run=False, update=True):
    """导入：dry_run=true 预览；否则无错误时一次性保存（201），有错误时 422 且不保存任何记录"""
    spec = kind_or_404(kind)
    upload = files["file"]
    plan, counts = run_import(spec, upload.read(), upload.filename or "", alliance_id=current_user.alliance_id,
                              dry_run=dry_run, update_existing=update)
    body = {**(counts or plan.counts()), "errors": [e.as_dict() for e in plan.errors]}
    if counts is not None:
        db.session.commit()
        return jsonify(body), 201
    db.session.rollback()
    if dry_run:
        return jsonify(body), 200
    message = f"文件中有 {len(plan.errors)} 处问题，未导入任何记录"
    return jsonify({**body, "error": {"code": "invalid", "message": message,
                                      "fields": {"file": [message]}}}), 422

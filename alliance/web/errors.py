"""Error responses: a Chinese page in the UI, ``{"error": {...}}`` under /api/.

Refused accesses (``permissions.deny``) are written to the audit trail here, after the failed
request's own work has been rolled back.
"""
from __future__ import annotations

import logging

from flask import Flask, g, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError

from alliance.core.errors import STALE_MESSAGE, FieldErrors, RuleViolation, StaleRecord
from alliance.extensions import db

log = logging.getLogger(__name__)

MESSAGES = {
    400: "请求格式不正确",
    401: "请先登录",
    403: "您没有权限执行此操作",
    404: "页面或记录不存在",
    405: "不支持该请求方法",
    409: "操作与当前数据冲突",
    413: "上传的内容过大",
    415: "不支持的内容类型",
    422: "提交的内容有误",
    429: "请求过于频繁，请稍后再试",
    500: "服务器内部错误，请稍后再试",
    503: "服务暂时不可用",
}
CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
         405: "method_not_allowed", 409: "conflict", 413: "too_large",
         415: "unsupported_media_type", 422: "invalid", 429: "throttled",
         500: "server_error", 503: "unavailable"}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_json(status: int, message: str | None = None, *, code: str | None = None,
               fields: dict | None = None, headers: dict | None = None):
    """The one error shape of the API (API.md)."""
    body: dict[str, dict[str, object]] = {"error": {"code": code or CODES.get(status, "error"),
                      "message": message or MESSAGES.get(status, "请求失败")}}
    if fields:
        body["error"]["fields"] = fields
    response = jsonify(body)
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _record_refusal(status: int) -> None:
    reason = g.pop("access_denied", None)
    if reason is None:
        return
    from alliance.audit.recorder import record_event

    db.session.rollback()
    record_event("access_denied", summary=f"{status} {request.method} {request.path}：{reason}"[:200])
    db.session.commit()


# English messages webargs and plain marshmallow fields produce themselves (our own fields in
# alliance.api.schemas speak Chinese); the API answers in Chinese whatever produced them.
ENGLISH_MESSAGES = {
    "Invalid JSON body.": "请求体不是有效的 JSON",
    "Missing data for required field.": "此项为必填",
    "Unknown field.": "未知字段",
    "Field may not be null.": "此项不能为空",
    "Invalid input type.": "请求体应为 JSON 对象",
    "Invalid value.": "输入无效",
    "Invalid input.": "输入无效",
    "Not a valid integer.": "应为整数",
    "Not a valid number.": "应为数字",
    "Not a valid string.": "应为文本",
    "Not a valid boolean.": "应为 true 或 false",
    "Not a valid date.": "日期格式应为 YYYY-MM-DD",
    "Not a valid datetime.": "时间格式应为 ISO 8601",
    "Not a valid time.": "时间格式不正确",
    "Not a valid email address.": "电子邮箱格式不正确",
    "Not a valid URL.": "网址格式不正确",
    "Not a valid UUID.": "格式不正确",
    "Not a valid list.": "应为列表",
    "Not a valid tuple.": "应为列表",
    "Not a valid mapping type.": "应为对象",
    "Number too large.": "数值过大",
}
ENGLISH_PREFIXES = (
    ("Must be one of", "不是有效选项"),
    ("Must be greater", "数值超出范围"),
    ("Must be less", "数值超出范围"),
    ("Length must be", "长度不符合要求"),
    ("Shorter than", "内容过短"),
    ("Longer than", "内容过长"),
    ("String does not match", "格式不正确"),
)


def chinese_message(message: str) -> str:
    """The Chinese for a validation message; any other English one becomes a general one."""
    if message in ENGLISH_MESSAGES:
        return ENGLISH_MESSAGES[message]
    if any("\u4e00" <= ch <= "\u9fff" for ch in message):
        return message
    for prefix, chinese in ENGLISH_PREFIXES:
        if message.startswith(prefix):
            return chinese
    return "输入无效"


def flatten_messages(messages, prefix: str = "") -> dict[str, list[str]]:
    """webargs/marshmallow nest errors by location and field; the API reports flat field names."""
    flat: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            if not prefix and key in ("json", "query", "form", "files", "view_args", "path",
                                      "headers", "cookies", "querystring"):
                name = ""
            else:
                name = f"{prefix}.{key}" if prefix else str(key)
            for k, v in flatten_messages(value, name).items():
                flat.setdefault(k, []).extend(v)
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        flat[prefix or "_schema"] = list(messages)
    elif isinstance(messages, list):
        for index, item in enumerate(messages):
            for k, v in flatten_messages(item, f"{prefix}.{index}" if prefix else str(index)).items():
                flat.setdefault(k, []).extend(v)
    else:
        flat[prefix or "_schema"] = [str(messages)]
    return flat


CSRF_MESSAGE = "页面已过期或来源不明，请刷新页面后重新提交"


def handle_http_exception(error: HTTPException):
    db.session.rollback()
    status = error.code or 500
    if isinstance(error, CSRFError):
        return _csrf_refused()
    _record_refusal(status)
    if wants_json():
        headers = {}
        fields = None
        message = None
        data = getattr(error, "data", None) or {}
        if data.get("messages") or data.get("errors"):
            fields = {name: [chinese_message(m) for m in texts] for name, texts in
                      flatten_messages(data.get("errors") or data.get("messages")).items()}
            if status == 400 and fields.get("_schema") == ["请求体不是有效的 JSON"]:
                message = "请求体不是有效的 JSON"
        if data.get("message"):
            message = data["message"]
        if data.get("headers"):
            headers.update(data["headers"])
        if status == 405 and getattr(error, "valid_methods", None):
            headers["Allow"] = ", ".join(error.valid_methods)  # type: ignore[attr-defined]
        if status == 422 and not message:
            message = "提交的内容有误，请检查标出的字段"
        return error_json(status, message, fields=fields, headers=headers)
    response = render_template("errors/error.html", status=status,
                               message=MESSAGES.get(status, error.description)), status
    if status == 405 and getattr(error, "valid_methods", None):
        return response[0], status, {"Allow": ", ".join(error.valid_methods)}  # type: ignore[attr-defined]
    return response


def _csrf_refused():
    if wants_json():
        return error_json(400, CSRF_MESSAGE + "（请在 X-CSRFToken 头中提供令牌，或使用接口令牌）", code="csrf")
    return render_template("errors/error.html", status=400, message=CSRF_MESSAGE), 400


def handle_service_error(error):
    """Service errors that reach this far come from the API (UI views catch them)."""
    db.session.rollback()
    if wants_json():
        return error_json(error.status_code, error.message, code=error.code,
                          fields=getattr(error, "fields", None))
    return render_template("errors/error.html", status=error.status_code,
                           message=error.message), error.status_code


def handle_stale_data(_error):
    """SQLAlchemy found the row changed between our read and our write."""
    return handle_service_error(StaleRecord(STALE_MESSAGE))


def handle_unexpected(error: Exception):
    log.exception("unhandled error", exc_info=error)
    db.session.rollback()
    if wants_json():
        return error_json(500)
    return render_template("errors/error.html", status=500, message=MESSAGES[500]), 500


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_exception)
    for exc in (FieldErrors, StaleRecord, RuleViolation):
        app.register_error_handler(exc, handle_service_error)
    app.register_error_handler(StaleDataError, handle_stale_data)
    if not app.testing:
        app.register_error_handler(InternalServerError, handle_unexpected)
        app.register_error_handler(Exception, handle_unexpected)

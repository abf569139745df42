"""Error responses: a Chinese page in the UI, ``{"error": {...}}`` under /api/.

Refused accesses (``permissions.deny``) are written to the audit trail here, after the failed
request's own work has been rolled back.
"""
from __future__ import annotations

import json
import logging
from typing import Any

from flask import Flask, g, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError

from alliance.core.errors import STALE_MESSAGE, FieldErrors, RuleViolation, StaleRecord, duplicate_from_integrity
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
    414: "请求的网址过长",
    415: "不支持的内容类型",
    422: "提交的内容有误",
    429: "请求过于频繁，请稍后再试",
    500: "服务器内部错误，请稍后再试",
    503: "服务暂时不可用",
}
CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
         405: "method_not_allowed", 409: "conflict", 413: "too_large", 414: "uri_too_long",
         415: "unsupported_media_type", 422: "invalid", 429: "throttled",
         500: "server_error", 503: "unavailable"}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_json(status: int, message: str | None = None, *, code: str | None = None,
               fields: dict | None = None, headers: dict | None = None):
    """The one error shape of the API (API.md)."""
    body: dict[str, dict[str, Any]] = {"error": {"code": code or CODES.get(status, "error"),
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
    return session_expired_page()


def _return_to() -> str:
    """The page the refused form was on (the referrer, if it is this site's), else the path
    it was posted to."""
    from urllib.parse import urlsplit

    from alliance.core.views import safe_next

    fallback = request.path if request.path != "/login" else "/"
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc and referrer.netloc != request.host:
        return fallback
    target = referrer.path + (f"?{referrer.query}" if referrer.query else "")
    if not target or target.startswith("/login"):
        return fallback
    return safe_next(target, fallback)


def session_expired_page():
    """A post whose session or CSRF token has expired: never a bare 400 page. The login is
    shown right here (the session is gone) or a way back (the session lives, only the page's
    token is old); static/js/forms.js saved what was typed and fills it in again there."""
    from flask_login import current_user

    login_form = None
    if not current_user.is_authenticated:
        from alliance.auth.forms import LoginForm

        login_form = LoginForm(formdata=None)
    return render_template("errors/session_expired.html", login_form=login_form,
                           return_to=_return_to()), 400


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


def handle_integrity_error(error: IntegrityError):
    """A unique index met a racing twin (two identical creates at once, two current holders of
    one role): the documented 409 with the field, never a 500."""
    duplicate = duplicate_from_integrity(error)
    if duplicate is not None:
        return handle_service_error(duplicate)
    return handle_service_error(RuleViolation("与已有数据冲突，未做任何修改，请刷新后重试"))


def handle_out_of_range(_error):
    """The safety net behind the shared argument parsing: a number or text the database cannot
    take (SQLite's 64-bit bound, PostgreSQL's integer range or NUL in text) is the client's
    mistake, a 400, never a 500."""
    db.session.rollback()
    message = "请求中的数值或文本超出允许的范围"
    if wants_json():
        return error_json(400, message, code="bad_argument")
    return render_template("errors/error.html", status=400, message=message), 400


# --- requests refused before any view runs -----------------------------------------------------

# Longer request lines are refused here (gunicorn's own limit is lifted to let them reach the
# app, see gunicorn.conf.py): 414 in the API's JSON format, a Chinese page elsewhere.
MAX_URL_LENGTH = 4096
# JSON bodies: nesting deeper than this is no record of this app; Python's parser would spend
# its whole stack on 100,000 levels.
MAX_JSON_DEPTH = 32
CONTROL_MESSAGE = "请求中含有不允许的字符（NUL）"


def _json_depth_ok(text: str) -> bool:
    depth = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                return False
        elif ch in "]}":
            depth -= 1
    return True


def refuse_malformed_request():
    """Before any view: a too long URL, NUL in any query or form value (PostgreSQL refuses NUL
    in text, even in a search; other control characters are refused by the shared text cleaner,
    ``core.validators.clean_text``, where a value is stored), or a JSON body too deep or with a
    number of thousands of digits. Every area's pages and API get this by being routes."""
    if len(request.full_path) > MAX_URL_LENGTH:
        return _refuse(414, "请求的网址过长")
    sources = [request.args] + ([request.form] if request.mimetype in _FORM_TYPES else [])
    for values in sources:
        for key, value in values.items(multi=True):
            if "\x00" in key or "\x00" in value:
                # The API's bad input is a 422 with the field (API.md); a page's, a 400.
                return _refuse(422 if wants_json() else 400, CONTROL_MESSAGE,
                               fields={key[:50]: [CONTROL_MESSAGE]})
    if request.is_json and request.content_length:
        body = request.get_data(cache=True)
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return _refuse(400, "请求体不是有效的 UTF-8 文本")
        if not _json_depth_ok(text):
            return _refuse(400, f"请求体的 JSON 嵌套过深（最多{MAX_JSON_DEPTH}层）")
        try:
            json.loads(text)
        except ValueError:  # also Python's 4,300-digit limit on integers
            return _refuse(400, "请求体不是有效的 JSON，或含有过长的数字")
        except RecursionError:
            return _refuse(400, f"请求体的 JSON 嵌套过深（最多{MAX_JSON_DEPTH}层）")
    return None


_FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


def _refuse(status: int, message: str, fields: dict | None = None):
    if wants_json():
        return error_json(status, message, fields=fields)
    return render_template("errors/error.html", status=status, message=message), status


def init_app(app: Flask) -> None:
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_malformed_request)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(IntegrityError, handle_integrity_error)
    app.register_error_handler(DataError, handle_out_of_range)
    app.register_error_handler(OverflowError, handle_out_of_range)
    for exc in (FieldErrors, StaleRecord, RuleViolation):
        app.register_error_handler(exc, handle_service_error)
    app.register_error_handler(StaleDataError, handle_stale_data)
    if not app.testing:
        app.register_error_handler(InternalServerError, handle_unexpected)
        app.register_error_handler(Exception, handle_unexpected)

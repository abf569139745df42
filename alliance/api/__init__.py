"""The JSON API under /api/v1 (flask-smorest): shared Api object, schemas, health, docs.

Each area registers its own smorest blueprint (``alliance/<area>/api.py``) on ``api``.
"""
from __future__ import annotations

import http
import re
from typing import Any

from apispec import BasePlugin
from flask import Flask, g, request
from flask_login import current_user
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from werkzeug.routing import IntegerConverter

from alliance.api.schemas import ErrorSchema

# Record ids are INTEGER columns; a bigger number in a path can name no record (and SQLite
# cannot even bind one above 2**63), so it does not match the route: a 404, not a 500.
MAX_RECORD_ID = 2**31 - 1


class RecordIdConverter(IntegerConverter):
    """``<int:...>`` limited to what an INTEGER column holds (documented as ``maximum``)."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_RECORD_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


# The error responses an operation may give, documented with the {"error": ...} schema
# (flask-smorest's lazily registered component responses, named after the status).
ERROR_RESPONSES = {401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND", 409: "CONFLICT",
                   422: "UNPROCESSABLE_ENTITY", 429: "TOO_MANY_REQUESTS"}
ERROR_DESCRIPTIONS = {
    400: "请求格式不正确（如请求体不是有效的 JSON，或会话调用缺少 CSRF 令牌）",
    401: "未登录：缺少、无效或已停用的接口令牌",
    403: "无权执行此操作",
    404: "记录不存在，或不在本账号的可见范围内",
    405: "不支持该请求方法（Allow 头列出可用的方法）",
    409: "冲突：version 已过期（未做任何修改，请重新读取）、与已有记录重复（fields 标出字段），或违反业务规则",
    422: "提交的内容有误：fields 按字段名给出中文说明",
    429: "请求过于频繁（如多次使用无效令牌），请稍后再试",
    503: "服务暂时不可用",
}
WRITE_METHODS = frozenset({"post", "put", "patch", "delete"})


def api_errors(*statuses: int):
    """Document extra error statuses of a view that ``ErrorResponsesPlugin`` cannot infer,
    e.g. ``@api_errors(409)`` on a GET that can conflict. Put it under ``@blp.route``."""
    unknown = set(statuses) - set(ERROR_RESPONSES)
    if unknown:
        raise ValueError(f"no documented error response for {sorted(unknown)}")

    def decorator(view):
        view.api_errors = frozenset(getattr(view, "api_errors", ())) | frozenset(statuses)
        return view

    return decorator


class ErrorResponsesPlugin(BasePlugin):
    """Add the error responses each operation can give to the OpenAPI document:

    - 401 (and 429, a throttled bad token) unless the operation is public (``security: []``);
    - 403 when the view admits only some roles (``roles_required``) or writes (a liaison may
      write only their own unit's records);
    - 404 when the path names a record; 409 on every write (stale ``version``, duplicate, or a
      rule such as "still holds a role"); 422 when it takes arguments (flask-smorest adds it).
    """

    def __init__(self, app: Flask):
        super().__init__()
        self.app = app

    def operation_helper(self, path=None, operations=None, **kwargs):
        rule = kwargs.get("rule")
        view = self.app.view_functions.get(rule.endpoint) if rule is not None else None
        for method, operation in (operations or {}).items():
            responses = operation.setdefault("responses", {})
            statuses = set(getattr(view, "api_errors", ()))
            if operation.get("security") != []:
                statuses |= {401, 429}
                allowed = getattr(view, "allowed_roles", None)
                if method in WRITE_METHODS or (allowed is not None and allowed != _all_roles()):
                    statuses.add(403)
            if rule is not None and rule.arguments:
                statuses.add(404)
            if method in WRITE_METHODS:
                statuses.add(409)
            for status in sorted(statuses):
                responses.setdefault(status, ERROR_RESPONSES[status])


class TagNamesPlugin(BasePlugin):
    """Operations are grouped under Chinese tags (操作日志, not audit_api). flask-smorest tags
    each operation with its blueprint's name, which also names the blueprint's endpoints, so
    the name is changed in the document only: here for the operations, in ``tag`` for the
    document's list of tags."""

    def __init__(self, app: Flask):
        super().__init__()
        self.app = app
        self.names: dict[str, tuple[str, str | None]] = {}  # blueprint name -> (tag, description)

    def tag_of(self, name: str) -> tuple[str, str | None]:
        if name not in self.names:
            description = getattr(self.app.blueprints.get(name), "description", None)
            tag, text = doc_tag(name, description)
            if any(tag == used for used, _ in self.names.values()):  # two blueprints, one heading
                tag, text = name, description
            self.names[name] = (tag, text)
        return self.names[name]

    def tag(self, tag: dict) -> dict:
        name, description = self.tag_of(tag["name"])
        renamed = {**tag, "name": name, "description": description}
        return {k: v for k, v in renamed.items() if v is not None}

    def operation_helper(self, path=None, operations=None, **kwargs):
        for operation in (operations or {}).values():
            if operation.get("tags"):
                operation["tags"] = [self.tag_of(tag)[0] for tag in operation["tags"]]


def doc_tag(name: str, description: str | None) -> tuple[str, str | None]:
    """(tag, description) of a blueprint in the document: its description up to the first
    bracket or colon is the tag ("操作日志（只读）" -> "操作日志", "只读"); without one, its name."""
    text = (description or "").strip()
    head = re.split(r"[（(：:]", text, maxsplit=1)[0].strip()
    if not head:
        return name, description
    rest = text[len(head):].strip()
    if rest[:1] in "（(" and rest[-1:] in "）)" and rest.count("（") + rest.count("(") == 1:
        rest = rest[1:-1]
    elif rest[:1] in "：:":
        rest = rest[1:]
    elif rest:
        rest = text
    return head, rest.strip() or None


def _all_roles() -> frozenset:
    from alliance.auth.roles import ALL_ROLES

    return ALL_ROLES


class AllianceApi(Api):
    """flask-smorest with this product's error shape, produced by ``alliance.web.errors`` for
    the whole app (so 404s of unknown API paths get the same shape)."""

    ERROR_SCHEMA = ErrorSchema

    # The OpenAPI document is written on first use, not in create_app. flask-smorest documents a
    # blueprint as it registers it (a deepcopy of every operation, then apispec's resolution),
    # which was half of create_app's time (~0.07 s of 0.15 s, for every test's app); most apps
    # never serve /api/openapi.json. ``register_blueprint`` registers the routes at once and
    # queues the documentation; reading ``spec`` writes what is queued, in registration order,
    # so the document is the same as the eager one (tests/api/test_openapi.py reads it).
    _spec: Any = None
    _tag_names: TagNamesPlugin
    _pending_docs: list[tuple[Any, Flask, str, Any, str | None]]
    _writing_docs = False

    @property
    def spec(self):
        if self._pending_docs and not self._writing_docs:
            self._writing_docs = True
            try:
                while self._pending_docs:
                    blp, app, name, parameters, description = self._pending_docs.pop(0)
                    blp.register_views_in_doc(self, app, self._spec, name=name, parameters=parameters)
                    self._spec.tag({"name": name, "description": description})
            finally:
                self._writing_docs = False
        return self._spec

    @spec.setter
    def spec(self, value):
        self._spec = value
        self._pending_docs = []
        if value is not None:
            # apispec has no plugin hook for the list of tags: its entries are renamed on the way in.
            add_tag = value.tag
            value.tag = lambda tag: add_tag(self._tag_names.tag(tag))

    def register_blueprint(self, blp, *, parameters=None, **options):
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)
        self._pending_docs.append((blp, self._app, name, parameters, blp.description))

    def _register_responses(self):
        """flask-smorest's component responses (one per status, plus DEFAULT_ERROR), described
        in Chinese for the statuses this API gives."""
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": ERROR_DESCRIPTIONS.get(status, status.phrase)}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, self.DEFAULT_RESPONSE_CONTENT_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "其他错误（同样是 {\"error\": {...}} 格式）", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, self.DEFAULT_RESPONSE_CONTENT_TYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)

    def _init_spec(self, *, extra_plugins=None, **kwargs):
        self._tag_names = TagNamesPlugin(self._app)
        plugins = [*(extra_plugins or ()), ErrorResponsesPlugin(self._app), self._tag_names]
        super()._init_spec(extra_plugins=plugins, **kwargs)

    def _register_error_handlers(self):
        pass  # alliance.web.errors handles every HTTPException, API or not


api = AllianceApi()


def init_app(app: Flask) -> None:
    from alliance.api import docs, health
    from alliance.extensions import csrf

    api.init_app(app)
    api.register_blueprint(health.blp)
    docs.init_app(app)

    @app.before_request
    def protect_session_writes():
        """Bearer-token calls carry no ambient credential and skip CSRF; calls that ride on the
        browser session must send the CSRF token (X-CSRFToken), like any form. A session user
        is loaded before any token is looked at, so an Authorization header alone (even a
        junk one) does not waive the check: only a user who came by token (``g.token_auth``)."""
        if (request.path.startswith("/api/") and request.method not in ("GET", "HEAD", "OPTIONS")
                and current_user.is_authenticated and not g.get("token_auth")):
            csrf.protect()

    app.before_request(_idempotency_start)
    app.after_request(_idempotency_finish)


# --- Idempotency-Key: a retried create is answered, not repeated --------------------------

IDEMPOTENCY_HEADER = "Idempotency-Key"
MAX_IDEMPOTENCY_KEY = 100


def _idempotency_start():
    """A POST under /api/ with an ``Idempotency-Key`` header (any area's create) runs once per
    key and account: a retry with the same key and body gets the first answer again
    (``Idempotent-Replayed: true``); one while the first still runs gets 409; the same key with
    another body, 422. Only successful answers are kept (a refused create may be retried)."""
    import hashlib
    import json as _json

    from sqlalchemy import insert, select
    from sqlalchemy.exc import IntegrityError

    from alliance.core.request_keys import RequestKey
    from alliance.extensions import db
    from alliance.web.errors import error_json

    key = request.headers.get(IDEMPOTENCY_HEADER)
    if (key is None or request.method != "POST" or not request.path.startswith("/api/")
            or not current_user.is_authenticated):
        return None
    if not key or len(key) > MAX_IDEMPOTENCY_KEY or not key.isascii() or not key.isprintable():
        return error_json(400, f"{IDEMPOTENCY_HEADER} 应为1至{MAX_IDEMPOTENCY_KEY}个可打印的 ASCII 字符")
    digest = hashlib.sha256(request.get_data(cache=True)).hexdigest()
    fingerprint = f"{request.method} {request.path[:300]} {digest}"
    try:
        with db.engine.begin() as conn:
            row_id = conn.execute(insert(RequestKey).values(
                user_id=current_user.id, key=f"api:{key}", fingerprint=fingerprint,
                created_at=_now()).returning(RequestKey.id)).scalar_one()
    except IntegrityError:
        with db.engine.connect() as conn:
            row = conn.execute(select(RequestKey.fingerprint, RequestKey.status_code, RequestKey.body)
                               .where(RequestKey.user_id == current_user.id,
                                      RequestKey.key == f"api:{key}")).first()
        if row is None or row.fingerprint != fingerprint:
            return error_json(422, f"该 {IDEMPOTENCY_HEADER} 已用于另一请求，请换一个", code="invalid",
                              fields={IDEMPOTENCY_HEADER: ["已用于内容不同的请求"]})
        if row.status_code is None:
            return error_json(409, "相同 Idempotency-Key 的请求正在处理，请稍后重试", code="in_progress")
        from flask import Response

        replay = Response(row.body, status=row.status_code, mimetype="application/json")
        replay.headers["Idempotent-Replayed"] = "true"
        _json.loads(row.body or "null")  # stored by us: JSON
        return replay
    g.idempotency_row = row_id
    return None


def _idempotency_finish(response):
    row_id = g.pop("idempotency_row", None)
    if row_id is None:
        return response
    from sqlalchemy import delete, update

    from alliance.core.request_keys import RequestKey
    from alliance.extensions import db

    with db.engine.begin() as conn:
        if 200 <= response.status_code < 300:
            conn.execute(update(RequestKey).where(RequestKey.id == row_id).values(
                status_code=response.status_code, body=response.get_data(as_text=True)))
        else:
            conn.execute(delete(RequestKey).where(RequestKey.id == row_id))
    return response


def _now():
    from alliance.core.types import utcnow

    return utcnow()


def exempt_from_form_csrf(blp) -> None:
    """API blueprints are checked by ``protect_session_writes`` instead of CSRFProtect."""
    from alliance.extensions import csrf

    csrf.exempt(blp)

"""How Flask-Login finds the user: the database session, or a bearer token for the API."""
from __future__ import annotations

from flask import Flask, flash, g, redirect, request, session, url_for
from flask_login import AnonymousUserMixin

from alliance.auth.models import User
from alliance.auth.services import Throttled, check_throttle, user_for_token
from alliance.core.roles import RoleMixin
from alliance.extensions import db, login_manager


class Anonymous(RoleMixin, AnonymousUserMixin):
    role = None
    unit_id = None
    alliance_id = None


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录"
    login_manager.login_message_category = "warning"
    login_manager.anonymous_user = Anonymous
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(user_id: str):
        try:
            user = db.session.get(User, int(user_id))
        except (TypeError, ValueError):
            return None
        if user is None or not user.is_active or user.deleted_at is not None:
            return None
        return user

    @login_manager.request_loader
    def load_user_from_token(req):
        header = req.headers.get("Authorization", "")
        if not header.lower().startswith("bearer ") or not req.path.startswith("/api/"):
            return None
        user = user_for_token(header[7:].strip())
        if user is None:
            g.bad_token = True
        else:
            g.token_auth = True
        return user

    @login_manager.unauthorized_handler
    def unauthorized():
        from alliance.web.errors import error_json

        if request.path.startswith("/api/"):
            return _api_unauthorized(error_json)
        if getattr(session, "timed_out", False):
            flash("您长时间未操作，已自动退出，请重新登录", "info")
        else:
            flash(login_manager.login_message, login_manager.login_message_category)
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def _api_unauthorized(error_json):
    """401, and a failed token counts toward the address's throttle like a failed password."""
    from alliance.auth.models import LoginAttempt

    if g.pop("bad_token", False):
        address = request.remote_addr
        try:
            check_throttle(None, address, kind="token")  # counted apart from logins
        except Throttled as exc:
            return error_json(429, exc.message, headers={"Retry-After": str(exc.retry_after)})
        db.session.add(LoginAttempt(kind="token", username=None, ip_address=address, succeeded=False))
        db.session.commit()
        return error_json(401, "接口令牌无效或已停用")
    return error_json(401, "请先登录或提供有效的接口令牌")

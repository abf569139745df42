"""Sign in and out, one's own password, and the admins' account pages."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from alliance.audit.recorder import record_event
from alliance.auth import bp
from alliance.auth.forms import AccountForm, LoginForm, PasswordChangeForm
from alliance.auth.models import User
from alliance.auth.roles import ADMIN
from alliance.auth.services import (
    Throttled,
    authenticate,
    change_own_password,
    create_user,
    login_page_alliance_name,
    update_user,
)
from alliance.auth.sessions import end_session, end_sessions_of_user, rotate_session
from alliance.core.errors import FieldErrors, StaleRecord
from alliance.core.forms import select_choices, show_field_errors
from alliance.core.permissions import get_visible_or_404, roles_required
from alliance.core.views import safe_next
from alliance.extensions import db
from alliance.members.queries import unit_choices


def _safe_next(target: str | None) -> str:
    return safe_next(target, url_for("web.home"))


# A browser that signed in to an account carries this signed cookie: a known device, which
# strangers' failed logins against the account do not slow down (services.check_throttle).
DEVICE_COOKIE = "alliance_device"
DEVICE_COOKIE_AGE = 180 * 24 * 3600


def _device_serializer():
    from flask import current_app
    from itsdangerous import URLSafeTimedSerializer

    return URLSafeTimedSerializer(current_app.secret_key, salt="alliance-known-device")


def _is_known_device(username: str) -> bool:
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw or len(raw) > 500:
        return False
    try:
        names = _device_serializer().loads(raw, max_age=DEVICE_COOKIE_AGE)
    except Exception:  # BadSignature, SignatureExpired, garbage
        return False
    return isinstance(names, list) and username.strip().lower() in names


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("web.home"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            result = authenticate(form.username.data, form.password.data, request.remote_addr,
                                  known_device=_is_known_device(form.username.data))
        except Throttled as exc:
            form.form_errors.append(exc.message)
            status = 429
        else:
            db.session.commit()
            if result.user:
                rotate_session(session)  # a new session id at every login
                login_user(result.user)
                response = redirect(_safe_next(request.args.get("next")))
                response.set_cookie(DEVICE_COOKIE, _device_serializer().dumps([result.user.username]),
                                    max_age=DEVICE_COOKIE_AGE, httponly=True, samesite="Lax",
                                    secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))
                return response
            form.form_errors.append(result.error)
            if result.tries_left:
                form.form_errors.append(f"再输错 {result.tries_left} 次，登录将被暂时锁定"
                                        "（每次须等待更久才能再试）")
            elif result.tries_left == 0:
                form.form_errors.append("登录已被暂时锁定：请稍候再试，等待时间随失败次数加倍")
            status = 401
    return render_template("auth/login.html", form=form, alliance_name=login_page_alliance_name()), status


# What a signed-in account whose password an admin chose may still open (the API's bearer
# tokens are not held up: a script's token was issued after the holder chose a password).
PASSWORD_CHANGE_EXEMPT = frozenset({"auth.change_password", "auth.logout", "static", "bootstrap.static",
                                    "health.health"})  # the health check reads no account


@bp.before_app_request
def require_own_password():
    endpoint = request.endpoint or ""
    if endpoint in PASSWORD_CHANGE_EXEMPT or endpoint.endswith(".static"):
        return None
    if not current_user.is_authenticated or not getattr(current_user, "must_change_password", False):
        return None
    from flask import g

    if g.get("token_auth"):
        return None
    if request.path.startswith("/api/"):
        from alliance.web.errors import error_json

        return error_json(403, "请先在网页上修改管理员设置的初始密码", code="password_change_required")
    return redirect(url_for("auth.change_password"))


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    record_event("logout", record=current_user._get_current_object(),
                 summary=f"{current_user.username} 退出登录")
    db.session.commit()
    logout_user()
    end_session(session)  # deletes the session row: a copied cookie is now worthless
    flash("您已安全退出", "success")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@roles_required()
def change_password():
    form = PasswordChangeForm()
    status = 200
    if form.validate_on_submit():
        try:
            change_own_password(current_user, form.current_password.data, form.new_password.data,
                                request.remote_addr)
        except Throttled as exc:
            db.session.rollback()
            form.form_errors.append(exc.message.replace("登录", "密码验证"))
            status = 429
        except FieldErrors as exc:
            db.session.commit()  # only the failed attempt, counted for the throttle
            show_field_errors(form, exc)
        else:
            end_sessions_of_user(current_user.id)
            db.session.commit()
            rotate_session(session)
            flash("密码已修改，其他设备上的登录已失效", "success")
            return redirect(url_for("web.home"))
    return render_template("auth/change_password.html", form=form,
                           forced=current_user.must_change_password), status


@bp.route("/accounts")
@roles_required(ADMIN)
def list_accounts():
    users = db.session.scalars(
        select(User).where(User.alliance_id == current_user.alliance_id)
        .options(db.joinedload(User.unit), db.joinedload(User.person))
        .order_by(User.deleted_at.is_not(None), User.username)
    ).all()
    return render_template("auth/accounts.html", users=users)


def _account_form(user: User | None = None) -> AccountForm:
    form = AccountForm(obj=user)
    form.unit_id.choices = select_choices(unit_choices(current_user), "（不绑定）")
    return form


def _form_data(form: AccountForm) -> dict:
    return {"username": form.username.data, "display_name": form.display_name.data,
            "role": form.role.data, "unit_id": form.unit_id.data, "person_id": form.person_id.data,
            "password": form.password.data, "is_active": form.is_active.data}


def _person_label(person_id) -> str:
    from alliance.members.models import Person

    if not isinstance(person_id, int):
        return ""
    person = db.session.get(Person, person_id)
    return person.name if person is not None and person.alliance_id == current_user.alliance_id else ""


def _render_account_form(form: AccountForm, user: User | None):
    return render_template("auth/account_form.html", form=form, user=user,
                           person_label=_person_label(form.person_id.data))


@bp.route("/accounts/new", methods=["GET", "POST"])
@roles_required(ADMIN)
def create_account():
    form = _account_form()
    if form.validate_on_submit():
        try:
            data = _form_data(form)
            data.pop("is_active")  # a new account starts active; the checkbox is on the edit page
            user = create_user(data, alliance_id=current_user.alliance_id, set_by_admin=True)
        except FieldErrors as exc:
            db.session.rollback()
            show_field_errors(form, exc)
        else:
            db.session.commit()
            flash(f"已创建账号 {user.username}：本人首次登录时须修改密码", "success")
            return redirect(url_for("auth.list_accounts"))
    return _render_account_form(form, None)


@bp.route("/accounts/<int:user_id>/edit", methods=["GET", "POST"])
@roles_required(ADMIN)
def edit_account(user_id: int):
    user = get_visible_or_404(User, user_id)
    form = _account_form(user)
    if request.method == "GET":
        form.password.data = ""
    if form.validate_on_submit():
        try:
            update_user(user, _form_data(form), version=form.version.data, actor=current_user)
        except (FieldErrors, StaleRecord) as exc:
            db.session.rollback()
            if isinstance(exc, StaleRecord):
                flash(exc.message, "danger")
            else:
                show_field_errors(form, exc)
        else:
            db.session.commit()
            flash(f"已保存账号 {user.username}", "success")
            return redirect(url_for("auth.list_accounts"))
    return _render_account_form(form, user)


# --- one's own API tokens --------------------------------------------------------------------

@bp.route("/account/tokens")
@roles_required()
def list_tokens():
    from alliance.auth.services import tokens_of
    from alliance.core.types import utcnow

    return render_template("auth/tokens.html", tokens=tokens_of(current_user), now=utcnow(),
                           token_days=current_app.config["API_TOKEN_DAYS"])


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@roles_required()
def revoke_token(token_id: int):
    from alliance.auth.services import revoke_token as revoke
    from alliance.core.permissions import deny

    try:
        token = revoke(current_user, token_id)
    except LookupError:
        deny(404, f"ApiToken {token_id} 不存在或不属于本账号")
    db.session.commit()
    flash(f"已撤销令牌 {token.prefix}…", "success")
    return redirect(url_for("auth.list_tokens"))


@bp.route("/account/tokens/revoke-all", methods=["POST"])
@roles_required()
def revoke_all_tokens():
    from alliance.auth.services import revoke_all_tokens as revoke_all

    count = revoke_all(current_user)
    db.session.commit()
    flash(f"已撤销全部令牌（{count}个）", "success")
    return redirect(url_for("auth.list_tokens"))

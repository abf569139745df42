"""Accounts, sign-in, sessions and API tokens as an area of the app."""
from __future__ import annotations

from flask import Flask

from alliance.auth.jobs import JOBS
from alliance.auth.roles import ACCOUNT_ROLES, ADMIN
from alliance.core.areas import Area, NavItem


def _init_app(app: Flask) -> None:
    import alliance.auth.views  # noqa: F401 - importing it adds the routes to bp
    from alliance.api import api
    from alliance.auth import api as auth_api  # noqa: F401
    from alliance.auth import bp, cli, loaders

    loaders.init_app(app)
    app.register_blueprint(bp)
    api.register_blueprint(auth_api.blp)
    api.register_blueprint(auth_api.accounts_blp)
    app.cli.add_command(cli.users)


AREA = Area(
    name="auth",
    label="账号",
    init_app=_init_app,
    models=("alliance.auth.models",),
    nav=(NavItem("账号管理", "auth.list_accounts", frozenset({ADMIN}), order=91,
                 also_active_on=("auth.create_account", "auth.edit_account")),),
    record_types={"User": "账号"},
    field_labels={"User": {"username": "用户名", "display_name": "姓名", "role": "角色",
                           "unit_id": "单位", "is_active": "启用", "password_changed_at": "密码修改时间"}},
    code_labels={("User", "role"): ACCOUNT_ROLES},
    jobs=JOBS,
)

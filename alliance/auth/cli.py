"""``flask users create``, ``token``, ``tokens`` and ``revoke-token`` (API.md)."""
from __future__ import annotations

import sys

import click
from sqlalchemy import select

from alliance.audit.context import Actor, acting_as
from alliance.auth.models import User
from alliance.auth.roles import ACCOUNT_ROLES
from alliance.auth.services import create_user, issue_token, normalize_username
from alliance.core.errors import FieldErrors
from alliance.extensions import db
from alliance.members.cli import resolve_alliance

CLI_ACTOR = Actor(user_id=None, name="cli", source="cli")


@click.group(help="管理账号 / manage accounts")
def users():
    pass


@users.command("create")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(ACCOUNT_ROLES.codes))
@click.option("--unit", "unit_id", type=int, help="成员单位编号（联络员必填）")
@click.option("--name", "display_name", help="显示的姓名，默认同用户名")
@click.option("--alliance", "alliance_code", help="联盟代码；只有一个联盟时可省略")
@click.option("--password-stdin", is_flag=True, help="从标准输入读取密码")
def create_command(username, role, unit_id, display_name, alliance_code, password_stdin):
    """Create an account."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("密码", hide_input=True, confirmation_prompt=True)
    alliance = resolve_alliance(alliance_code)
    with acting_as(CLI_ACTOR):
        try:
            user = create_user(
                {"username": username, "display_name": display_name or username, "role": role,
                 "unit_id": unit_id, "password": password},
                alliance_id=alliance.id,
            )
        except FieldErrors as exc:
            db.session.rollback()
            for field, messages in exc.fields.items():
                click.echo(f"{field}: {'；'.join(messages)}", err=True)
            raise click.exceptions.Exit(1) from None
        db.session.commit()
    click.echo(f"已创建账号 {user.username}（{user.role_label}，{alliance.name}）")


@users.command("token")
@click.argument("username")
@click.option("--name", default="命令行创建", help="令牌用途说明")
def token_command(username, name):
    """Print a new API token for USERNAME (the last line of output)."""
    user = db.session.scalar(select(User).where(User.username == normalize_username(username),
                                                User.deleted_at.is_(None)))
    if user is None:
        click.echo(f"没有账号 {username}", err=True)
        raise click.exceptions.Exit(1)
    with acting_as(CLI_ACTOR):
        raw = issue_token(user, name)
        db.session.commit()
    click.echo("接口令牌只显示这一次，请妥善保存：")
    click.echo(raw)


def _user_or_exit(username: str) -> User:
    user = db.session.scalar(select(User).where(User.username == normalize_username(username),
                                                User.deleted_at.is_(None)))
    if user is None:
        click.echo(f"没有账号 {username}", err=True)
        raise click.exceptions.Exit(1)
    return user


@users.command("tokens")
@click.argument("username")
def tokens_command(username):
    """List USERNAME's API tokens: id, prefix, created, last used, expiry, state."""
    from alliance.auth.services import tokens_of
    from alliance.core.types import utcnow

    user = _user_or_exit(username)
    now = utcnow()
    click.echo("编号\t开头\t创建时间\t最近使用\t到期时间\t状态\t用途")
    for token in tokens_of(user):
        state = "已撤销" if token.revoked_at else ("有效" if token.is_usable(now) else "已过期")
        click.echo("\t".join(str(v) for v in (
            token.id, token.prefix, f"{token.created_at:%Y-%m-%d %H:%M}",
            f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "从未使用",
            f"{token.expires_at:%Y-%m-%d}" if token.expires_at else "—", state, token.name)))


@users.command("revoke-token")
@click.argument("username")
@click.argument("token_id", required=False, type=int)
@click.option("--all", "revoke_all", is_flag=True, help="撤销该账号的全部令牌")
def revoke_token_command(username, token_id, revoke_all):
    """Revoke USERNAME's token TOKEN_ID (see `flask users tokens`), or all with --all."""
    from alliance.auth.services import revoke_all_tokens, revoke_token

    user = _user_or_exit(username)
    if not revoke_all and token_id is None:
        click.echo("请给出令牌编号，或使用 --all", err=True)
        raise click.exceptions.Exit(2)
    with acting_as(CLI_ACTOR):
        if revoke_all:
            count = revoke_all_tokens(user, reason="命令行撤销")
            db.session.commit()
            click.echo(f"已撤销 {user.username} 的全部令牌（{count}个）")
            return
        try:
            token = revoke_token(user, token_id)
        except LookupError:
            click.echo(f"{user.username} 没有编号为 {token_id} 的令牌", err=True)
            raise click.exceptions.Exit(1) from None
        db.session.commit()
    click.echo(f"已撤销令牌 {token.prefix}…")

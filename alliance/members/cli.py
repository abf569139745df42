"""``flask alliances create`` and the helper other commands use to pick an alliance."""
from __future__ import annotations

import click
from sqlalchemy import select

from alliance.audit.context import Actor, acting_as
from alliance.extensions import db
from alliance.members.models import Alliance


def resolve_alliance(code: str | None) -> Alliance:
    """The alliance named by ``code``, or the only one there is."""
    live = select(Alliance).where(Alliance.deleted_at.is_(None))
    if code:
        alliance = db.session.scalar(live.where(Alliance.code == code))
        if alliance is None:
            raise click.ClickException(f"没有代码为 {code} 的联盟")
        return alliance
    alliances = db.session.scalars(live.limit(2)).all()
    if len(alliances) == 1:
        return alliances[0]
    if not alliances:
        raise click.ClickException("还没有联盟：先运行 flask alliances create CODE NAME 或 flask demo load")
    raise click.ClickException("有多个联盟，请用 --alliance 指定联盟代码")


@click.group(help="管理联盟 / manage alliances")
def alliances():
    pass


@alliances.command("create")
@click.argument("code")
@click.argument("name")
def create_alliance(code, name):
    """Create an alliance with a short CODE (e.g. meilong) and its full NAME."""
    if db.session.scalar(select(Alliance.id).where((Alliance.code == code) | (Alliance.name == name))):
        raise click.ClickException("已有同代码或同名的联盟")
    with acting_as(Actor(user_id=None, name="cli", source="cli")):
        db.session.add(Alliance(code=code[:30], name=name[:100]))
        db.session.commit()
    click.echo(f"已创建联盟 {name}（{code}）")


@alliances.command("list")
def list_alliances():
    for alliance in db.session.scalars(select(Alliance).order_by(Alliance.id)):
        click.echo(f"{alliance.id}\t{alliance.code}\t{alliance.name}")

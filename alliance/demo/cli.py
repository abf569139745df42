from __future__ import annotations

import click


@click.group(help="演示数据 / demo data")
def demo():
    pass


@demo.command("load")
def load_command():
    """Load the demo alliance (idempotent) and print the demo accounts."""
    from sqlalchemy.exc import IntegrityError

    from alliance.core.errors import FieldErrors
    from alliance.demo.loader import DemoLoadError, load_demo

    try:
        lines = load_demo()
    except DemoLoadError as exc:
        raise click.ClickException(str(exc)) from None
    except FieldErrors as exc:  # a rule of the register refused the demo data: nothing was saved
        detail = "；".join(f"{field}: {'、'.join(messages)}" for field, messages in exc.fields.items())
        raise click.ClickException(f"演示数据未载入（已回滚）：{exc.message}（{detail}）") from None
    except IntegrityError:  # another `flask demo load` got there first
        raise click.ClickException("演示数据未载入（已回滚）：与数据库中已有的记录冲突，"
                                   "可能另一个进程正在载入；请稍后再运行一次") from None
    for line in lines:
        click.echo(line)

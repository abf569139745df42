from __future__ import annotations

import click


@click.group(help="演示数据 / demo data")
def demo():
    pass


@demo.command("load")
def load_command():
    """Load the demo alliance (idempotent)."""
    from alliance.demo.loader import load_demo

    for line in load_demo():
        click.echo(line)

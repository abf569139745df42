"""``flask demo load``: the Meilong alliance from the seed articles, for trying the product."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from alliance.demo.cli import demo

    app.cli.add_command(demo)

"""``flask demo load`` as an area of the app."""
from __future__ import annotations

from flask import Flask

from alliance.core.areas import Area


def _init_app(app: Flask) -> None:
    from alliance.demo.cli import demo

    app.cli.add_command(demo)


AREA = Area(name="demo", label="演示数据", init_app=_init_app)

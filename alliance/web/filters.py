"""Jinja filters: Chinese dates, masked numbers, labels."""
from __future__ import annotations

from flask import Flask

from alliance.core.dates import format_date_zh, format_datetime_zh
from alliance.core.validators import mask_mobile


def init_app(app: Flask) -> None:
    app.add_template_filter(format_date_zh, "date_zh")
    app.add_template_filter(format_datetime_zh, "datetime_zh")
    app.add_template_filter(mask_mobile, "mask_mobile")

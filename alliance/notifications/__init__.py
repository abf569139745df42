"""站内提醒 and e-mail digests: reminders the areas' rules find due (``Area.reminders``),
written once per account per occasion, shown in the navbar bell and sent as a daily digest."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("notifications", __name__)

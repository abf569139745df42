"""新时代文明实践: venues, the service menu and its orders, events, volunteers and their hours,
item ledgers of drives (couplets, porridge) and certificates of service hours."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("civic", __name__)

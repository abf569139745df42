"""Spreadsheet imports: templates, preview and all-or-nothing commit for every registered kind."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("imports", __name__)

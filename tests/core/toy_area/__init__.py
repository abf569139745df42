"""A toy area used only in subprocesses by tests/core/test_areas.py and test_scheduler.py.

It is never imported by the test process itself: its table would join the shared metadata and
the migration test (models == migrations) would see a table no migration creates."""
from flask import Blueprint

bp = Blueprint("toy", __name__)

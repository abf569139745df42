"""gunicorn.conf.py: the worker hides its start-up objects from the garbage collector (issue 7)."""
from __future__ import annotations

import gc
import runpy
from pathlib import Path

CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


def test_a_ready_worker_freezes_what_it_loaded():
    settings = runpy.run_path(str(CONF))
    assert settings["limit_request_line"] == 0
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    try:
        settings["post_worker_init"](None)
        # The app and everything imported so far (this test session's modules) are frozen:
        # a full collection no longer walks them.
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()

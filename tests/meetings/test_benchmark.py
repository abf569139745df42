"""benchmarks/meetings.py still runs on tiny sizes (so it cannot rot) and its counts hold."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"


def test_meetings_benchmark_runs_with_constant_query_counts(capsys, app):
    sys.path.insert(0, str(BENCH))
    try:
        spec = importlib.util.spec_from_file_location("meetings_bench", BENCH / "meetings.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
        from flask.globals import _cv_app

        token = _cv_app.set(None)  # the script makes its own apps
        try:
            status = module.main(["--invitees", "30", "--small", "5", "--warmup", "0", "--repeat", "1"])
        finally:
            _cv_app.reset(token)
    finally:
        sys.path.remove(str(BENCH))
        sys.modules.pop("meetings_bench", None)
    out = capsys.readouterr().out
    assert "query counts constant: yes" in out, out
    assert status == 0

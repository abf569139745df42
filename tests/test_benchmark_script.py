"""The benchmark script (benchmarks/register_pages.py) still runs, on tiny sizes, so it can't rot.

It builds its own temporary SQLite database whatever ``--db`` says: it needs an empty one.
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "register_pages.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("register_pages", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


def test_prints_times_and_constant_query_counts(bench, capsys):
    # Page 3 of the unit list (50 a page) must have rows in both runs: more than 100 units.
    status = bench.main(["--units", "110", "--people", "300", "--small-units", "101",
                         "--small-people", "200", "--warmup", "0", "--repeat", "1"])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "query counts constant: yes" in out
    for label, _, _ in bench.PAGES:
        assert label in out


def test_exits_non_zero_when_a_count_grows(bench, monkeypatch, capsys):
    def fake_run(args, units, people):
        per_row = units  # as if a page issued one query per unit
        return {label: bench.Measurement(1.0, 2.0, 5 if label != "GET /units" else per_row,
                                         ["SELECT 1"]) for label, _, _ in bench.PAGES}, "fake"

    monkeypatch.setattr(bench, "run", fake_run)
    assert bench.main(["--repeat", "1"]) == 1
    out = capsys.readouterr().out
    assert "query counts constant: no" in out
    assert "GET /units: statements of the last request" in out


def test_refuses_too_few_units_for_page_three(bench):
    with pytest.raises(SystemExit):
        bench.main(["--units", "20", "--people", "200"])

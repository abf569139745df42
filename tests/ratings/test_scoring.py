"""Worked examples of the one score computation (scoring.compute)."""
from __future__ import annotations

import copy

import pytest

from alliance.ratings.scoring import DEFAULT_DEFINITION, compute, max_total

D = DEFAULT_DEFINITION
ITEMS = [i["code"] for d in D["dimensions"] for i in d["items"]]  # 9 items, 100 points


def full(**changes) -> dict:
    points = {i["code"]: i["max_points"] for d in D["dimensions"] for i in d["items"]}
    points.update(changes)
    return points


def test_the_default_rubric_is_out_of_100_points():
    assert max_total(D) == 100


@pytest.mark.parametrize(("total", "stars"), [
    (100, 5), (90, 5), (89, 4), (80, 4), (79, 3), (70, 3), (69, None), (0, None)])
def test_thresholds_give_the_highest_star_reached(total, stars):
    # Take points off the 15-point items first, then the others: base == total.
    points = full()
    deficit = 100 - total
    for code in ITEMS:
        cut = min(deficit, points[code])
        points[code] -= cut
        deficit -= cut
    result = compute(D, points)
    assert (result.total, result.stars) == (total, stars)


def test_worked_example_bonus_limit_and_by_dimension():
    # 85 points of items (D3-1 at 5 of 15, D1-1 at 5 of 10... ) plus bonuses 3 + 3 limited to 5.
    points = full(**{"D3-1": 5, "D1-1": 10, "D2-1": 10, "D4-2": 10, "D3-2": 10})  # 100-10-5 = 85
    points.update({"B1": 3, "B2": 3})
    result = compute(D, points)
    assert result.base == 85
    assert result.bonus == 5  # 6 claimed, limit 5
    assert result.total == 90 and result.stars == 5 and result.nominable
    assert result.by_dimension == {"D1": 20, "D2": 30, "D3": 15, "D4": 20}


def test_a_bonus_item_counts_at_most_its_own_maximum():
    result = compute(D, full(**{"D1-1": 0, "B1": 50}))  # 90 + 3 (B1 max 3)
    assert (result.bonus, result.total) == (3, 93)


def test_any_veto_caps_the_total_and_the_stars():
    result = compute(D, {**full(), "B1": 3, "V2": 1})
    assert result.vetoed and result.total == 59 and result.stars is None and not result.nominable
    assert result.base == 100  # the points are kept; only the total is capped


def test_the_strictest_veto_applies():
    definition = copy.deepcopy(D)
    definition["vetoes"][0]["cap"] = 75
    definition["vetoes"][1]["cap"] = 40
    assert compute(definition, {**full(), "V1": 1}).total == 75
    assert compute(definition, {**full(), "V1": 1}).stars == 3
    assert compute(definition, {**full(), "V1": 1, "V2": 1}).total == 40


def test_an_unset_veto_does_not_cap():
    result = compute(D, {**full(), "V1": 0, "V2": None})
    assert not result.vetoed and result.total == 100


def test_only_district_stars_are_nominable():
    assert not compute(D, full(**{"D3-1": 0})).nominable  # 85: four stars, township level
    assert compute(D, full()).nominable


def test_points_outside_an_item_range_count_within_it():
    # Services refuse these; the computation still never exceeds the maximum or goes negative.
    result = compute(D, full(**{"D1-1": 99, "D1-2": -5}))
    assert result.by_dimension["D1"] == 10

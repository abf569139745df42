from __future__ import annotations

from datetime import date

import pytest

from alliance.audit.context import acting_as
from alliance.extensions import db
from alliance.ratings import services
from alliance.ratings.scoring import DEFAULT_DEFINITION
from tests.factories import SETUP

SCORE_ITEMS = [i for d in DEFAULT_DEFINITION["dimensions"] for i in d["items"]]


def answers(total_off: int = 0, *, key: str = "note", **extra) -> list[dict]:
    """Every scored item at its maximum minus ``total_off`` points (taken from the first items)."""
    out = []
    for item in SCORE_ITEMS:
        cut = min(total_off, item["max_points"])
        total_off -= cut
        out.append({"item_code": item["code"], "points": item["max_points"] - cut, key: "台账"})
    out += [{"item_code": code, "points": points} for code, points in extra.items()]
    return out


class Ratings:
    def __init__(self, world):
        self.world = world
        with acting_as(SETUP):
            self.org_a = services.create_organization(
                {"name": "儿科医院党委", "kind": "committee", "unit_id": world.unit_a.id,
                 "member_count": 120, "founded_on": date(1990, 7, 1)}, alliance_id=world.alliance.id)
            self.org_b = services.create_organization(
                {"name": "建行闵行支行党委", "kind": "committee", "unit_id": world.unit_b.id},
                alliance_id=world.alliance.id)
            self.rubric = services.create_rubric({"year": 2021}, alliance_id=world.alliance.id)
            db.session.commit()

    def rating(self, org=None, stage="self_assessing", off=0, **extra):
        """A rating of ``org`` (default A) driven to ``stage`` through the services."""
        org = org or self.org_a
        with acting_as(SETUP):
            rating = services.start_rating(org, 2021)
            if stage != "started":
                services.save_self_assessment(rating, answers(off, **extra), version=rating.version)
            if stage in ("submitted", "reviewed", "in_notice", "confirmed"):
                services.submit(rating, version=rating.version)
            if stage in ("reviewed", "in_notice", "confirmed"):
                services.save_review(rating, answers(off, key="comment", **extra),
                                     version=rating.version, finish=True)
            if stage in ("in_notice", "confirmed"):
                services.publish_notice(rating, version=rating.version, starts_on=date(2021, 12, 1))
            if stage == "confirmed":
                services.confirm(rating, version=rating.version, today=date(2021, 12, 10))
            db.session.commit()
        return rating


@pytest.fixture
def ratings(world):
    return Ratings(world)

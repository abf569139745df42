from __future__ import annotations

from datetime import date

import pytest

from tests.factories import make_unit


@pytest.fixture
def alliance_units(world):
    """Three more units in the world's alliance with orders, tiers and join dates."""
    make_unit(world.alliance, "梅陇中学", category="school", sort_order=1, joined_on=date(2019, 5, 1))
    make_unit(world.alliance, "上海力波", category="enterprise", sort_order=3, joined_on=date(2021, 1, 21))
    from alliance.extensions import db
    from alliance.members import services

    services.update_unit(world.unit_b, {"tier": "executive", "sort_order": 2}, version=world.unit_b.version)
    db.session.commit()

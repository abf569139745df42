"""Units through the pages: create with a wrong credit code, correct it, find it."""
from __future__ import annotations

from alliance.members.models import MemberUnit
from tests.factories import VALID_USCC


def _form(**overrides):
    data = {"name": "上海力波", "category": "enterprise", "uscc": "", "tier": "", "status": "active",
            "joined_on": "2021-01-21", "left_on": "", "sort_order": "", "short_name": "",
            "address": "", "phone": "", "grid": "", "description": ""}
    data.update(overrides)
    return data


def test_wrong_credit_code_is_refused_next_to_the_field(world, sign_in, db):
    client = sign_in(world.staff)
    response = client.post("/units/new", data=_form(uscc="91310112MA1GBUG23X"))
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "统一社会信用代码校验位不正确" in body
    assert db.session.query(MemberUnit).filter_by(name="上海力波").count() == 0

    response = client.post("/units/new", data=_form(uscc=VALID_USCC[1]))
    assert response.status_code == 302
    unit = db.session.query(MemberUnit).filter_by(name="上海力波").one()
    assert unit.uscc == VALID_USCC[1]

    listing = client.get("/units?q=力波").get_data(as_text=True)
    assert "上海力波" in listing
    assert "建设银行" not in listing


def test_duplicate_name_is_refused(world, sign_in):
    client = sign_in(world.staff)
    response = client.post("/units/new", data=_form(name=world.unit_a.name))
    assert response.status_code == 200
    assert "本联盟已有名为" in response.get_data(as_text=True)

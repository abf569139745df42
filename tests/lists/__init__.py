"""Helpers of the three lists' tests."""
from __future__ import annotations

from datetime import date

from alliance.audit.context import acting_as
from alliance.extensions import db
from alliance.lists import services
from alliance.lists.models import ListCategory
from tests.factories import SETUP


def category(alliance_id: int, name: str) -> ListCategory:
    return db.session.query(ListCategory).filter_by(alliance_id=alliance_id, name=name).one()


def make_need(user, unit=None, *, title="普乐二村加装电梯意见征询", category_name="场地设施",
              submit=True, **fields):
    data = {"title": title, "category_id": category(user.alliance_id, category_name).id,
            "source_kind": "residential", "source_name": "普乐二村居民区", **fields}
    with acting_as(SETUP):
        need = services.create_need(user, data, unit=unit, submit=submit)
        db.session.commit()
    return need


def make_resource(user, unit, *, title="儿童健康知识讲座", category_name="医疗健康", offer=True, **fields):
    data = {"title": title, "kind": "service", "category_id": category(user.alliance_id, category_name).id,
            **fields}
    with acting_as(SETUP):
        resource = services.create_resource(user, data, unit=unit, offer=offer)
        db.session.commit()
    return resource


def make_project(user, *, title="普乐二村加装电梯共建项目", category_name="党建共建", **fields):
    data = {"title": title, "category_id": category(user.alliance_id, category_name).id, **fields}
    with acting_as(SETUP):
        project = services.create_project(user, data)
        db.session.commit()
    return project


def seed(alliance_id: int) -> None:
    with acting_as(SETUP):
        services.seed_categories(alliance_id)
        db.session.commit()


TODAY = date(2026, 12, 3)

"""The lists' API items are dumped by the compiled paths (issue 7: Decimal budget, nested units,
the overdue Method and lists of references no longer take marshmallow's field-by-field path),
with marshmallow's exact output."""
from datetime import UTC, date, datetime
from decimal import Decimal

import marshmallow as ma

from alliance.api import dumping
from alliance.api.schemas import dump_tuple
from alliance.lists import queries
from alliance.lists.queries import NeedRefRow, TransitionRow, UnitRefRow
from alliance.lists.schemas import NeedSchema, ProjectSchema

AT = datetime(2021, 1, 21, 9, 30, tzinfo=UTC)


def _project(**changes):
    values = dict.fromkeys(dump_tuple(ProjectSchema)._fields)
    values |= {"title": "写春联", "category_id": 1, "lead_unit_id": 7, "budget": Decimal("1234.5"),
               "starts_on": date(2021, 1, 12), "released": True, "id": 3, "version": 2, "created_at": AT,
               "updated_at": AT, "lead_unit": UnitRefRow(7, "上海力波"), "partners": [UnitRefRow(8, "伟巴斯")],
               "needs": [NeedRefRow(4, "送福", "open")], "resources": [], "category_name": "文化",
               "stage": "claimed", "stage_label": "已认领",
               "transitions": [TransitionRow("proposed", "claimed", "认领", "党群办", AT, None)], **changes}
    return queries._project_item()(**values)


def test_project_items_take_the_positional_dump_with_marshmallows_output():
    schema = ProjectSchema()
    assert dumping._compiled_rows(schema) is not None
    items = [_project(), _project(id=4, budget=None, lead_unit=None, partners=[])]
    fast = dumping.serialize(schema, items, True)
    assert fast == ma.Schema._serialize(schema, items, many=True)
    assert fast[0]["budget"] == "1234.50" and fast[1]["budget"] is None
    assert fast[0]["lead_unit"] == {"id": 7, "name": "上海力波"} and fast[1]["lead_unit"] is None
    assert fast[0]["transitions"][0]["occurred_at"] == AT.isoformat()


def test_a_need_item_is_given_to_its_overdue_method():
    schema = NeedSchema()
    values = dict.fromkeys(dump_tuple(NeedSchema)._fields) | {"id": 1, "status": "open", "wanted_by": date(2000, 1, 1)}
    late = queries._need_item()(**values)
    fresh = late._replace(wanted_by=None)
    fast = dumping.serialize(schema, [late, fresh], True)
    assert fast == ma.Schema._serialize(schema, [late, fresh], many=True)
    assert [item["overdue"] for item in fast] == [True, False]

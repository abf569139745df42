"""The unit picker: a select box of every unit while there are few, search-as-you-type past
``UNIT_SELECT_MAX`` (issue 7: 2,000 options cost ~12 ms a page), scoped like every unit read."""
from __future__ import annotations

import re

from alliance.members import queries
from tests.activities import make_activity


def _names(response) -> list[str]:
    assert response.status_code == 200, response.json
    return [item["name"] for item in response.json["items"]]


def test_the_picker_finds_units_by_name_and_pinyin_initials(world, api_as):
    api = api_as(world.staff)
    assert _names(api.get("/api/v1/unit-picker?q=儿科")) == [world.unit_a.name]
    assert _names(api.get("/api/v1/unit-picker?q=jsyh")) == [world.unit_b.name]
    everything = api.get("/api/v1/unit-picker").json["items"]
    assert {i["name"] for i in everything} == {world.unit_a.name, world.unit_b.name}
    assert {i["title"] for i in everything} == {"医院", "金融机构"}
    assert _names(api.get("/api/v1/unit-picker?q=虹桥")) == []  # another alliance's unit
    assert _names(api.get("/api/v1/unit-picker?limit=1")) == [everything[0]["name"]]


def test_a_liaison_picks_only_their_own_unit(world, api_as):
    api = api_as(world.liaison_a)
    assert _names(api.get("/api/v1/unit-picker")) == [world.unit_a.name]
    assert _names(api.get("/api/v1/unit-picker?q=jsyh")) == []


def test_bad_picker_arguments_are_field_errors(world, api_as):
    response = api_as(world.staff).get("/api/v1/unit-picker?limit=500&q=" + "字" * 51)
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {"limit", "q"}


def test_choices_if_few_reads_one_more_than_it_shows(world):
    assert [name for _, name in queries.unit_choices_if_few(world.staff, 2)] == \
        [name for _, name in queries.unit_choices(world.staff)]
    assert queries.unit_choices_if_few(world.staff, 1) is None


def test_past_the_bound_the_activity_filter_is_a_picker(world, sign_in, monkeypatch):
    make_activity(world.unit_a, title="党课甲")
    make_activity(world.unit_b, title="走访乙")
    client = sign_in(world.staff)
    few = client.get("/activities").get_data(as_text=True)
    assert 'id="filter-unit"' in few and 'id="filter-unit-picker"' not in few

    monkeypatch.setattr(queries, "UNIT_SELECT_MAX", 1)
    page = client.get(f"/activities?unit_id={world.unit_b.id}").get_data(as_text=True)
    assert 'id="filter-unit"' not in page
    picker = re.search(r'<div[^>]*id="filter-unit-picker".*?</div>', page, re.S).group(0)
    assert f'name="unit_id" value="{world.unit_b.id}"' in picker
    assert f'value="{world.unit_b.name}"' in picker  # the chosen unit's name, to read and change
    assert "走访乙" in page and "党课甲" not in page
    assert "js/people-picker.js" in page
    assert "<th>单位</th>" in page  # the list still says whose activity each row is
    # Another alliance's unit id gives no name away.
    other = client.get(f"/activities?unit_id={world.other_unit.id}").get_data(as_text=True)
    assert world.other_unit.name not in other

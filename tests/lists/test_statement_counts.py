"""The three lists' main pages and API lists read the same SQL statements for one row as for
many: nothing is loaded per row (benchmarks/speed_areas/lists.py measures them at size)."""
from __future__ import annotations

import pytest

from alliance.audit.context import acting_as
from alliance.extensions import db
from alliance.lists import services
from tests.factories import SETUP
from tests.lists import make_need, make_project, make_resource

PAGES = ("/needs", "/resources", "/projects/board", "/claims")
API_LISTS = ("/api/v1/needs", "/api/v1/resources", "/api/v1/projects", "/api/v1/claims")


def _add_rows(world, n: int) -> None:
    """A need (claimed by unit B), a resource and a released project led by unit A with a
    partner, the need and the resource linked and one stage change (claims go to the project
    too): every relation a list row shows."""
    need = make_need(world.staff, world.unit_a, title=f"加装电梯意见征询{n}")
    resource = make_resource(world.staff, world.unit_a, title=f"儿童健康知识讲座{n}")
    project = make_project(world.staff, title=f"加装电梯共建项目{n}", lead_unit_id=world.unit_a.id,
                           released=True, partner_ids=[world.unit_b.id], need_ids=[need.id],
                           resource_ids=[resource.id])
    with acting_as(SETUP):
        services.create_claim(world.staff, unit=world.unit_b, commitment="安排志愿者上门服务", need=need)
        services.create_claim(world.staff, unit=world.unit_b, commitment="提供场地", project=project)
        services.transition(world.staff, project, "claimed")
        db.session.commit()


def _counts(get, paths) -> dict[str, tuple[int, list[str]]]:
    return {path: get(path) for path in paths}


@pytest.fixture
def measured(lw, sign_in, api_as, count_queries):
    web, api = sign_in(lw.staff), api_as(lw.staff)

    def get(path):
        client = api if path.startswith("/api/") else web
        client.get(path)  # the account and the token read once, like any later request
        with count_queries() as counter:
            response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return counter.count, counter.statements

    return get


def test_the_pages_read_the_same_statements_for_one_row_or_many(lw, measured):
    _add_rows(lw, 0)
    one = _counts(measured, PAGES)
    for n in range(1, 5):
        _add_rows(lw, n)
    many = _counts(measured, PAGES)
    for path in PAGES:
        assert many[path][0] == one[path][0], (path, many[path][1])


def test_the_api_lists_read_the_same_statements_for_one_row_or_many(lw, measured, api_as):
    """The project list dumps each project's stage changes: loaded with the page, not one
    query per project."""
    _add_rows(lw, 0)
    one = _counts(measured, API_LISTS)
    for n in range(1, 5):
        _add_rows(lw, n)
    many = _counts(measured, API_LISTS)
    for path in API_LISTS:
        assert many[path][0] == one[path][0], (path, many[path][1])
    project = api_as(lw.staff).get("/api/v1/projects").get_json()["items"][0]
    assert [t["to_stage"] for t in project["transitions"]] == ["claimed"]
    assert project["partners"][0]["name"] == lw.unit_b.name and project["needs"][0]["status"] == "open"
    assert project["lead_unit"]["name"] == lw.unit_a.name and project["resources"][0]["title"]


def test_an_api_list_item_is_what_its_own_page_returns(lw, api_as):
    """The API lists read rows, not ORM records: each item still dumps exactly as the record's
    own endpoint does (references in their orders, times, labels, the unit and category)."""
    _add_rows(lw, 0)
    _add_rows(lw, 1)
    api = api_as(lw.staff)
    for kind in ("needs", "resources", "projects"):
        listed = api.get(f"/api/v1/{kind}").get_json()["items"]
        assert len(listed) == 2
        for item in listed:
            assert item == api.get(f"/api/v1/{kind}/{item['id']}").get_json(), kind

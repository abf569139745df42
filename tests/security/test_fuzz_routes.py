"""Hostile input at every list and form route of every registered area, UI and API: no 500.

Routes are discovered from ``app.url_map``, so a new area gets this test by being registered.
Path ids are filled with real records of the route-matrix world; the query string, form and
JSON body get random integers, dates, text with NUL and control characters, and deep JSON.
"""
from __future__ import annotations

import json
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_route_matrix import IGNORED_ENDPOINTS, matrix_world  # noqa: F401 (fixture)

NAMES = ("q", "page", "per_page", "unit_id", "person_id", "date_from", "date_to", "actor", "sort",
         "kind", "name", "mobile", "title", "started_on", "occurred_on", "version", "role",
         "category", "username", "password", "deleted", "next")
texts = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)
nasty = st.sampled_from(["\x00", "a\x00b", "\x1b[0m", "\u202e", "\u200b", "%00", "9" * 40, "1e20",
                         "-1", "0", "9999-12-31", "0001-01-01", "2021-02-30", "' OR 1=1 --"])
values = st.one_of(st.integers(min_value=-(10**30), max_value=10**30).map(str), st.dates().map(str),
                   texts, nasty)
params = st.dictionaries(st.sampled_from(NAMES), values, max_size=5)


def _deep(depth: int) -> str:
    return "[" * depth + "]" * depth


json_bodies = st.one_of(
    st.dictionaries(st.sampled_from(NAMES), st.one_of(
        st.integers(min_value=-(10**40), max_value=10**40), st.dates().map(str), texts, nasty,
        st.booleans(), st.none(), st.lists(st.integers(), max_size=3)), max_size=6).map(json.dumps),
    st.integers(min_value=2, max_value=60).map(_deep),
    st.just('{"name": ' + "9" * 5000 + "}"),
)


def _routes(app, ids):
    """(method, url) of every route, with path arguments filled by real ids."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in IGNORED_ENDPOINTS or "static" in rule.endpoint:
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(ids.get(m.group(1), 1)), rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            if path in ("/logout", "/account/tokens/revoke-all", "/api/v1/tokens") and method != "GET":
                continue  # would end the fuzzing client's own session or tokens
            found.append((method, path))
    return found


def test_no_route_answers_500(matrix_world, sign_in, api_as, app):  # noqa: F811
    world, ids = matrix_world
    routes = _routes(app, ids)
    assert len(routes) > 40
    page = sign_in(world.staff)
    api = api_as(world.staff)
    liaison_api = api_as(world.liaison_a)
    liaison_page = sign_in(world.liaison_a)

    @settings(max_examples=3, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(query=params, form=params, body=json_bodies, as_liaison=st.booleans())
    def check(method, path, query, form, body, as_liaison):
        is_api = path.startswith("/api/")
        client = (liaison_api if as_liaison else api).client if is_api else (
            liaison_page if as_liaison else page)
        kwargs = {"query_string": query}
        if is_api:
            kwargs["headers"] = (liaison_api if as_liaison else api).headers
            if method in ("POST", "PATCH", "PUT"):
                kwargs.update(data=body, content_type="application/json")
        elif method == "POST":
            kwargs["data"] = form
        response = client.open(path, method=method, **kwargs)
        assert response.status_code < 500, (method, path, query, form, body[:200],
                                            response.get_data(as_text=True)[:500])

    for method, path in routes:
        check(method, path)

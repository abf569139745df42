"""Test helpers as fixtures: signing in, API calls with tokens, counting queries."""
from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from tests.factories import PASSWORD


def login(client, user, password: str = PASSWORD):
    """Sign in through the real login form; returns the response."""
    response = client.post("/login", data={"username": user.username, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def unit_form_data(unit=None, **overrides) -> dict:
    """Everything a browser posts from the unit form (empty strings for empty inputs)."""
    fields = ("name", "short_name", "category", "uscc", "tier", "status", "joined_on", "left_on",
              "sort_order", "address", "phone", "grid", "description")
    data = dict.fromkeys(fields, "")
    data.update(status="active")
    if unit is not None:
        for field in fields:
            value = getattr(unit, field)
            data[field] = "" if value is None else str(value)
        data["version"] = str(unit.version)
    data.update({k: str(v) for k, v in overrides.items()})
    return data


def csrf_token(response) -> str:
    """The CSRF token of the first form on a page."""
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                      r'name="csrf_token" value="([^"]+)"', response.get_data(as_text=True))
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


@pytest.fixture
def sign_in(app):
    """``sign_in(user)`` returns a test client signed in as ``user``."""

    def _sign_in(user, password: str = PASSWORD):
        client = app.test_client()
        login(client, user, password)
        return client

    return _sign_in


class ApiClient:
    """A test client that sends a bearer token and JSON."""

    def __init__(self, client, token: str | None):
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def _call(self, method, url, json=None, **kwargs):
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return getattr(self.client, method)(url, json=json, headers=headers, **kwargs)

    def get(self, url, **kw):
        return self._call("get", url, **kw)

    def post(self, url, json=None, **kw):
        return self._call("post", url, json=json, **kw)

    def patch(self, url, json=None, **kw):
        return self._call("patch", url, json=json, **kw)

    def put(self, url, json=None, **kw):
        return self._call("put", url, json=json, **kw)

    def delete(self, url, **kw):
        return self._call("delete", url, **kw)


@pytest.fixture
def api_as(app):
    """``api_as(user)`` returns an ApiClient with a fresh token for ``user`` (None: anonymous)."""
    from alliance.audit.context import acting_as
    from alliance.auth.services import issue_token
    from alliance.extensions import db
    from tests.factories import SETUP

    def _api_as(user):
        token = None
        if user is not None:
            with acting_as(SETUP):
                token = issue_token(user, "test")
                db.session.commit()
        return ApiClient(app.test_client(), token)

    return _api_as


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """``with count_queries() as counter: ...`` counts SQL statements sent to the database."""
    from alliance.extensions import db

    @contextmanager
    def _count():
        counter = QueryCounter()

        def before(conn, cursor, statement, *args):
            counter.statements.append(statement)

        engine = db.engine
        event.listen(engine, "before_cursor_execute", before)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", before)

    return _count

"""Every route, every role: who gets what. A route added to the app without a row here fails
``test_every_route_has_a_row``, so nobody forgets to decide (and test) who may use it.

Rows give the status for: anonymous, the liaison of the record's unit, the liaison of another
unit, organizer, staff, admin. The ids in the paths are real records of unit A (``matrix_world``;
``{other_...}`` names real records of unit B), so the other unit's liaison asks for records that
exist. Requests are built so that, mostly, none of them changes data: writes carry a stale
version (409) or a body that fails validation after the permission checks.

Whether the data changed is checked too, for every request: the database's rows are compared
before and after (bookkeeping tables apart: sessions, login attempts, tokens, the audit trail).
A row says which roles' requests change data with ``changes="n n n n y y"`` (same order as
the statuses; by default nobody's does); any change is undone right after, so one database
serves the whole matrix.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date

import pytest

ROLES = ("anonymous", "liaison_own", "liaison_other", "organizer", "staff", "admin")
IGNORED_ENDPOINTS = {"static", "bootstrap.static", "swagger_dist.static"}


@dataclass
class Case:
    expected: str  # six statuses, in ROLES order
    data: dict | None = None  # form data (UI) or JSON (API)
    files: bool = False  # send a multipart upload with one text file
    fresh_client: bool = False  # the request ends the session (logout)
    changes: str | None = None  # six "y"/"n", in ROLES order: does the request change data?
    statuses: dict = field(init=False)
    changed: dict = field(init=False)

    def __post_init__(self):
        statuses = self.expected.split()
        marks = (self.changes or " ".join("n" * len(ROLES))).split()
        assert len(statuses) == len(ROLES) and len(marks) == len(ROLES), f"six values: {self}"
        assert set(marks) <= {"y", "n"}, f"changes are y or n: {self}"
        self.statuses = dict(zip(ROLES, (int(s) for s in statuses), strict=True))
        self.changed = dict(zip(ROLES, (m == "y" for m in marks), strict=True))


STALE = {"version": "0"}
UNIT_FORM = {"name": "甲", "category": "bank", "status": "active", "version": "0"}

MATRIX: dict[tuple[str, str], Case] = {
    # pages: anonymous go to the login page; liaisons see their own unit's records only
    ("GET", "/"): Case("302 200 200 200 200 200"),
    ("GET", "/login"): Case("200 302 302 302 302 302"),
    ("POST", "/login"): Case("200 302 302 302 302 302", {"username": "", "password": ""}),
    ("POST", "/logout"): Case("302 302 302 302 302 302", fresh_client=True),
    ("GET", "/account/password"): Case("302 200 200 200 200 200"),
    ("POST", "/account/password"): Case("302 200 200 200 200 200", {"current_password": ""}),
    ("GET", "/accounts"): Case("302 403 403 403 403 200"),
    ("GET", "/accounts/new"): Case("302 403 403 403 403 200"),
    ("POST", "/accounts/new"): Case("302 403 403 403 403 200", {"username": ""}),
    ("GET", "/accounts/{user_id}/edit"): Case("302 403 403 403 403 200"),
    ("POST", "/accounts/{user_id}/edit"): Case("302 403 403 403 403 200", {"display_name": ""}),
    ("GET", "/units"): Case("302 200 200 200 200 200"),
    ("GET", "/units/new"): Case("302 403 403 403 200 200"),
    ("POST", "/units/new"): Case("302 403 403 403 200 200", {"name": ""}),
    ("GET", "/units/{unit_id}"): Case("302 200 404 200 200 200"),
    ("GET", "/units/{unit_id}/edit"): Case("302 200 404 403 200 200"),
    ("POST", "/units/{unit_id}/edit"): Case("302 200 404 403 200 200", UNIT_FORM),
    ("POST", "/units/{unit_id}/delete"): Case("302 403 403 403 302 302", STALE),
    ("POST", "/units/{unit_id}/restore"): Case("302 403 403 403 302 302", STALE),
    ("GET", "/units/{unit_id}/roles/new"): Case("302 200 404 403 200 200"),
    ("POST", "/units/{unit_id}/roles/new"): Case("302 200 404 403 200 200", {"role": "secretary"}),
    ("POST", "/roles/{role_id}/end"): Case("302 302 404 403 302 302", {"ended_on": "", **STALE}),
    ("POST", "/roles/{role_id}/delete"): Case("302 403 403 403 302 302", STALE),
    ("GET", "/people"): Case("302 200 200 200 200 200"),
    ("GET", "/people/new"): Case("302 403 403 403 200 200"),
    ("POST", "/people/new"): Case("302 403 403 403 200 200", {"name": ""}),
    ("GET", "/people/{person_id}"): Case("302 200 404 200 200 200"),
    ("GET", "/people/{person_id}/edit"): Case("302 200 404 403 200 200"),
    ("POST", "/people/{person_id}/edit"): Case("302 200 404 403 200 200", {"name": "", **STALE}),
    ("POST", "/people/{person_id}/delete"): Case("302 403 403 403 302 302", STALE),
    ("POST", "/people/{person_id}/restore"): Case("302 403 403 403 302 302", STALE),
    ("GET", "/activities"): Case("302 200 200 200 200 200"),
    ("GET", "/activities/new"): Case("302 200 200 403 200 200"),
    ("POST", "/activities/new"): Case("302 200 200 403 200 200", {"title": ""}),
    ("GET", "/activities/{activity_id}"): Case("302 200 404 200 200 200"),
    ("GET", "/activities/{activity_id}/edit"): Case("302 200 404 403 200 200"),
    ("POST", "/activities/{activity_id}/edit"): Case("302 200 404 403 200 200", {"title": "", **STALE}),
    ("POST", "/activities/{activity_id}/delete"): Case("302 302 404 403 302 302", STALE),
    ("POST", "/activities/{activity_id}/restore"): Case("302 403 403 403 302 302", STALE),
    ("GET", "/activities/{activity_id}/photos/{photo_id}"): Case("302 200 404 200 200 200"),
    ("POST", "/activities/{activity_id}/photos/{photo_id}/delete"): Case("302 302 404 403 302 302", STALE),
    ("GET", "/audit"): Case("302 403 403 403 200 200"),
    # API documentation is public; the API itself answers 401/403/404 as API.md says
    ("GET", "/api/openapi.json"): Case("200 200 200 200 200 200"),
    ("GET", "/api/docs"): Case("200 200 200 200 200 200"),
    ("GET", "/api/v1/health"): Case("200 200 200 200 200 200"),
    ("GET", "/api/v1/audit"): Case("401 403 403 403 200 200"),
    ("GET", "/api/v1/units"): Case("401 200 200 200 200 200"),
    ("POST", "/api/v1/units"): Case("401 403 403 403 409 409", {"name": "{unit_name}", "category": "hospital"}),
    ("GET", "/api/v1/units/{unit_id}"): Case("401 200 404 200 200 200"),
    ("PATCH", "/api/v1/units/{unit_id}"): Case("401 409 404 403 409 409", {"version": 0}),
    ("DELETE", "/api/v1/units/{unit_id}?version=0"): Case("401 403 403 403 409 409"),
    ("POST", "/api/v1/units/{unit_id}/restore?version=0"): Case("401 403 403 403 409 409"),
    ("GET", "/api/v1/units/{unit_id}/roles"): Case("401 200 404 200 200 200"),
    # a real person of another unit: the own liaison may not name them (422, nothing changes);
    # staff and admin appoint them
    ("POST", "/api/v1/units/{unit_id}/roles"): Case("401 422 404 403 201 201",
                                                    {"role": "head", "person_id": "{other_person_id}",
                                                     "started_on": "2021-01-01"},
                                                    changes="n n n n y y"),
    ("PATCH", "/api/v1/units/{unit_id}/roles/{role_id}"): Case("401 409 404 403 409 409", {"version": 0}),
    ("DELETE", "/api/v1/units/{unit_id}/roles/{role_id}?version=0"): Case("401 403 403 403 409 409"),
    ("GET", "/api/v1/people"): Case("401 200 200 200 200 200"),
    ("POST", "/api/v1/people"): Case("401 403 403 403 409 409", {"name": "甲", "mobile": "{mobile}"}),
    ("GET", "/api/v1/people/{person_id}"): Case("401 200 404 200 200 200"),
    ("PATCH", "/api/v1/people/{person_id}"): Case("401 409 404 403 409 409", {"version": 0}),
    ("DELETE", "/api/v1/people/{person_id}?version=0"): Case("401 403 403 403 409 409"),
    ("POST", "/api/v1/people/{person_id}/restore?version=0"): Case("401 403 403 403 409 409"),
    ("GET", "/api/v1/activities"): Case("401 200 200 200 200 200"),
    ("POST", "/api/v1/activities"): Case("401 422 422 403 422 422", {"title": ""}),
    ("GET", "/api/v1/activities/{activity_id}"): Case("401 200 404 200 200 200"),
    ("PATCH", "/api/v1/activities/{activity_id}"): Case("401 409 404 403 409 409", {"version": 0}),
    ("DELETE", "/api/v1/activities/{activity_id}?version=0"): Case("401 409 404 403 409 409"),
    ("POST", "/api/v1/activities/{activity_id}/restore?version=0"): Case("401 403 403 403 409 409"),
    ("POST", "/api/v1/activities/{activity_id}/photos"): Case("401 422 404 403 422 422", files=True),
    ("GET", "/api/v1/activities/{activity_id}/photos/{photo_id}"): Case("401 200 404 200 200 200"),
    ("DELETE", "/api/v1/activities/{activity_id}/photos/{photo_id}?version=0"): Case("401 409 404 403 409 409"),
    # register import and export (issue 12): only managers import; every role exports what it sees
    ("GET", "/imports"): Case("302 403 403 403 200 200"),
    ("GET", "/imports/{kind}/template.xlsx"): Case("302 403 403 403 200 200"),
    ("GET", "/imports/{kind}"): Case("302 403 403 403 200 200"),
    ("POST", "/imports/{kind}"): Case("302 403 403 403 200 200", {"file": ""}),
    ("POST", "/imports/{kind}/commit"): Case("302 403 403 403 302 302", {"sha256": "0" * 64}),
    ("GET", "/api/v1/imports/{kind}/template.xlsx"): Case("401 403 403 403 200 200"),
    ("POST", "/api/v1/imports/{kind}"): Case("401 403 403 403 422 422", files=True),
    ("GET", "/api/v1/units.xlsx"): Case("401 200 200 200 200 200"),
    ("GET", "/api/v1/units.csv"): Case("401 200 200 200 200 200"),
    ("GET", "/api/v1/people.xlsx"): Case("401 200 200 200 200 200"),
    ("GET", "/api/v1/people.csv"): Case("401 200 200 200 200 200"),
}
# Path arguments that are words, not record ids: {kind} stands for <kind>, not <int:kind>.
TEXT_ARGUMENTS = {"kind"}


def _rule_key(method: str, path: str) -> tuple[str, str]:
    """('GET', '/units/<int:unit_id>') for a matrix key like ('GET', '/units/{unit_id}?x=1')."""
    import re

    path = path.split("?")[0]
    return method, re.sub(r"\{(\w+)\}",
                          lambda m: f"<{m[1]}>" if m[1] in TEXT_ARGUMENTS else f"<int:{m[1]}>", path)


def test_every_route_has_a_row(app):
    routes = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules() if rule.endpoint not in IGNORED_ENDPOINTS
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    covered = {_rule_key(method, path) for method, path in MATRIX}
    assert routes - covered == set(), "routes without a row in MATRIX"
    assert covered - routes == set(), "rows for routes that no longer exist"


@pytest.fixture
def matrix_world(world):
    """The world, plus a person with a role, an activity and a photo at unit A."""
    from PIL import Image

    from alliance.activities import services as activities
    from alliance.audit.context import acting_as
    from alliance.extensions import db
    from alliance.members import services as members
    from tests.factories import SETUP, make_person

    person = make_person(world.alliance, "徐虹", mobile="13800138000")
    other_person = make_person(world.alliance, "周敏", mobile="13900139000")
    with acting_as(SETUP):
        role = members.assign_role(world.unit_a, person, {"role": "secretary", "started_on": date(2020, 1, 1)})
        other_role = members.assign_role(world.unit_b, other_person,
                                         {"role": "secretary", "started_on": date(2020, 1, 1)})
        image = io.BytesIO()
        Image.new("RGB", (40, 30), "red").save(image, "JPEG")
        image.seek(0)
        from werkzeug.datastructures import FileStorage

        photo_file = FileStorage(image, filename="photo.jpg", content_type="image/jpeg")
        activity = activities.create_activity(
            {"occurred_on": date(2021, 1, 15), "kind": "volunteer_service", "title": "写春联 送祝福"},
            unit=world.unit_a, photos=[photo_file])
        db.session.commit()
    photo = activity.photos[0]
    return world, {
        "unit_id": world.unit_a.id, "person_id": person.id, "role_id": role.id,
        "user_id": world.liaison_a.id, "activity_id": activity.id, "photo_id": photo.id,
        "unit_name": world.unit_a.name, "mobile": person.mobile, "kind": "units",
        # records of unit B (the other liaison's own), for rows that name another unit's record
        "other_unit_id": world.unit_b.id, "other_person_id": other_person.id,
        "other_role_id": other_role.id,
    }


def _clients(world, sign_in, api_as):
    users = {"liaison_own": world.liaison_a, "liaison_other": world.liaison_b,
             "organizer": world.organizer, "staff": world.staff, "admin": world.admin}
    pages = {role: sign_in(user) for role, user in users.items()}
    apis = {role: api_as(user) for role, user in users.items()}
    return users, pages, apis


def _send(client, method, url, case, *, api: bool):
    kwargs = {}
    if case.files:
        kwargs["data"] = {"photos": (io.BytesIO(b"not an image"), "notes.txt")}
        kwargs["content_type"] = "multipart/form-data"
    elif case.data is not None:
        kwargs["json" if api else "data"] = case.data
    return getattr(client, method.lower())(url, **kwargs)


def _fill(value, ids):
    if isinstance(value, str):
        filled = value.format(**ids)
        # "{person_id}" alone stands for the integer id (JSON), not its text
        return ids[value[1:-1]] if value.startswith("{") and value[1:-1] in ids and \
            isinstance(ids[value[1:-1]], int) else filled
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


# Bookkeeping that any request may write: who is signed in, failed logins, token use, the trail.
UNWATCHED_TABLES = {"web_sessions", "login_attempts", "api_tokens", "audit_entries"}


def _watched_tables():
    from alliance.extensions import db

    return [t for t in db.metadata.sorted_tables if t.name not in UNWATCHED_TABLES]


def _snapshot(db) -> dict[str, dict[tuple, dict]]:
    """Every row of every watched table, by primary key."""
    rows = {}
    with db.engine.connect() as conn:
        for table in _watched_tables():
            key = [c.name for c in table.primary_key.columns]
            rows[table.name] = {tuple(r[k] for k in key): dict(r)
                                for r in conn.execute(table.select()).mappings()}
    return rows


def _differences(before, after) -> list[str]:
    found = []
    for name in before:
        old, new = before[name], after[name]
        found += [f"{name} {k} added" for k in new.keys() - old.keys()]
        found += [f"{name} {k} removed" for k in old.keys() - new.keys()]
        found += [f"{name} {k} changed: " + ", ".join(c for c in old[k] if old[k][c] != new[k][c])
                  for k in old.keys() & new.keys() if old[k] != new[k]]
    return found


def _restore(db, before, after) -> None:
    """Put back the rows a request changed (new ones out, old ones back as they were)."""
    tables = {t.name: t for t in _watched_tables()}
    order = [t.name for t in _watched_tables()]
    with db.engine.begin() as conn:
        for name in reversed(order):
            table = tables[name]
            pk = list(table.primary_key.columns)
            for key in after[name].keys() - before[name].keys():
                conn.execute(table.delete().where(*(c == v for c, v in zip(pk, key, strict=True))))
        for name in order:
            table = tables[name]
            pk = list(table.primary_key.columns)
            for key, row in before[name].items():
                if key not in after[name]:
                    conn.execute(table.insert().values(**row))
                elif after[name][key] != row:
                    conn.execute(table.update().where(*(c == v for c, v in zip(pk, key, strict=True)))
                                 .values(**row))
    db.session.expire_all()


def test_route_matrix(matrix_world, sign_in, api_as, app, db):
    world, ids = matrix_world
    users, pages, apis = _clients(world, sign_in, api_as)
    anonymous_page, anonymous_api = app.test_client(), api_as(None)
    failures = []
    for (method, path), case in MATRIX.items():
        url = path.format(**ids)
        filled = Case(case.expected, _fill(case.data, ids), case.files, case.fresh_client, case.changes)
        is_api = url.startswith("/api/v1/")
        for role in ROLES:
            if role == "anonymous":
                client = anonymous_api if is_api else anonymous_page
            elif case.fresh_client:
                client = sign_in(users[role])
            else:
                client = apis[role] if is_api else pages[role]
            before = _snapshot(db)
            response = _send(client, method, url, filled, api=is_api)
            after = _snapshot(db)
            expected = case.statuses[role]
            if response.status_code != expected:
                failures.append(f"{method} {url} as {role}: {response.status_code}, expected {expected}")
            changes = _differences(before, after)
            if bool(changes) != case.changed[role]:
                failures.append(f"{method} {url} as {role}: " + (
                    f"changed data ({'; '.join(changes)}), expected no change" if changes
                    else "changed nothing, expected a change"))
            if changes:
                _restore(db, before, after)
    assert not failures, "\n".join(failures)


def test_the_matrix_notices_a_write_that_goes_through(matrix_world, sign_in, db):
    """The change check itself bites: a write that succeeds where the row says "no change"."""
    world, ids = matrix_world
    client = sign_in(world.staff)
    before = _snapshot(db)
    response = client.post(f"/units/{ids['unit_id']}/delete", data={"version": "1"})
    assert response.status_code == 302
    after = _snapshot(db)
    assert any(d.startswith(f"member_units ({ids['unit_id']},) changed: ") and "deleted_at" in d
               for d in _differences(before, after))
    _restore(db, before, after)
    assert _differences(before, _snapshot(db)) == []

"""Property-based test of the whole API: schemathesis generates requests from our own OpenAPI
document (valid and invalid ones) and checks every answer with all its checks: never a server
error, and status codes, content types, headers and bodies as the document promises.

It runs in process against an app on its own migrated database (a SQLite file, or a throwaway
PostgreSQL database with ``--db=postgresql``), seeded with an alliance, units, people, roles
and three accounts whose bearer tokens authenticate the calls: the whole API is run once as
staff, once as an organizer and once as the liaison of the first unit. The staff run has every
phase, including schemathesis' coverage phase (every boundary and invalid value the document
defines, whatever ``max_examples`` says: most of the run's time); the organizer and liaison runs
fuzz only (their concern is what a role may see and do, not the document's boundaries, which
staff already walks). As the liaison, every answer is also checked to hold no record of
another unit (a unit, a person without a role in the liaison's unit, or anything
whose ``unit_id`` is another unit's).

``schemathesis.pytest.from_fixture`` fails on pytest 9, so the schema is loaded at import time
(``from_wsgi``) from an app that only serves the document; the calls go to the seeded app
(``call_and_validate(app=...)``), built by a module fixture.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import secrets
from dataclasses import dataclass, field
from datetime import date

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import strategies as st
from schemathesis.config import SchemathesisConfig

from alliance import create_app
from alliance.api import MAX_RECORD_ID
from tests.databases import throwaway_postgres

# The accounts' bearer tokens, made up here so that schemathesis knows them: it sends one as
# the document's bearerAuth, and knows when a negative case leaves it out on purpose.
TOKENS = {role: "alt_" + secrets.token_urlsafe(32) for role in ("staff", "organizer", "liaison")}
TOKEN = TOKENS["staff"]  # also reads records' current versions

# Every check runs. One is widened: a write whose body fits the document may still break a rule
# the document cannot state (left_on needs status "left", a USCC check character, a person_id
# that exists, an e-mail address that can receive mail...): a 422 naming the fields. Reads get
# no such allowance: any query the document admits must work.
_ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "429"]
# An invalid request may also be refused as too long (a query string of thousands of drawn
# values): 414, with the API's JSON error, is a rejection like the rest.
_REJECTED = ["400", "401", "403", "404", "405", "406", "409", "414", "415", "422", "428", "429"]


def _config(token: str, coverage: bool = True) -> SchemathesisConfig:
    return SchemathesisConfig.from_dict({
        "phases": {"coverage": {"enabled": coverage}},
        "auth": {"openapi": {"bearerAuth": {"bearer": token}}},
        "checks": {"positive_data_acceptance": {"expected-statuses": _ACCEPTED},
                   "negative_data_rejection": {"expected-statuses": _REJECTED}},
        "operations": [{
            "include-method": ["POST", "PATCH", "PUT", "DELETE"],
            "checks": {"positive_data_acceptance": {"expected-statuses": [*_ACCEPTED, "422"]}},
        }],
    })


# The document does not depend on the database; this app never opens a connection.
_document_app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": "sqlite://"})
schemas = {role: schemathesis.openapi.from_wsgi("/api/openapi.json", _document_app,
                                                config=_config(token, coverage=role == "staff"))
           for role, token in TOKENS.items()}


@dataclass
class Target:
    app: object
    # Seeded path parameters, as consistent sets (a role with its own unit): "live" ones for
    # reads and edits, "scratch" ones for deletes and restores (so that deleting does not empty
    # the register the other operations work on).
    live: list[dict[str, int]] = field(default_factory=list)
    scratch: list[dict[str, int]] = field(default_factory=list)
    person_ids: list[int] = field(default_factory=list)
    liaison_unit_id: int = 0
    # (role, method, path) -> the statuses answered: read by the last test of the module
    answered: dict[tuple[str, str, str], set[int]] = field(default_factory=dict)


_target: Target | None = None  # set by the fixture; read by the hook while cases are drawn


def _migrate(url: str) -> None:
    from flask_migrate import upgrade

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        from alliance.extensions import db

        db.engine.dispose()


def _seed(target: Target) -> None:
    from alliance.audit.context import acting_as
    from alliance.auth.models import ApiToken, hash_token
    from alliance.extensions import db
    from alliance.members import services as members
    from tests import factories

    with target.app.app_context():
        alliance = factories.make_alliance()
        units = [
            factories.make_unit(alliance, "复旦大学附属儿科医院", category="hospital",
                                uscc=factories.VALID_USCC[0], tier="executive"),
            factories.make_unit(alliance, "建设银行闵行支行", category="bank", tier="council"),
            factories.make_unit(alliance, "梅陇镇社区卫生服务中心", category="institution"),
        ]
        spare_units = [factories.make_unit(alliance, "待删除的单位甲"),
                       factories.make_unit(alliance, "待删除的单位乙", uscc=factories.VALID_USCC[1])]
        people = [factories.make_person(alliance, name, mobile=mobile)
                  for name, mobile in (("张伟", "13800000001"), ("王芳", "13800000002"),
                                       ("丁一", None), ("刘洋", None))]
        spare_people = [factories.make_person(alliance, "赵六", mobile="13800000006"),
                        factories.make_person(alliance, "孙七")]
        with acting_as(factories.SETUP):
            roles = [members.assign_role(unit, person, {"role": role, "started_on": date(2021, 3, 1)})
                     for unit, person, role in ((units[0], people[0], "secretary"),
                                                (units[0], people[2], "liaison"),
                                                (units[1], people[1], "head"),
                                                (units[2], people[3], "deputy_secretary"))]
            db.session.commit()
        users = {"staff": factories.make_user(alliance, "staff", "staff"),
                 "organizer": factories.make_user(alliance, "organizer", "organizer"),
                 "liaison": factories.make_user(alliance, "liaison", "liaison_a", unit=units[0])}
        other = factories.make_alliance("hongqiao", "虹桥镇区域化党建联盟")
        factories.make_unit(other, "虹桥某单位")
        with acting_as(factories.SETUP):  # what issue_token stores, for a token known in advance
            for role, token in TOKENS.items():
                db.session.add(ApiToken(user_id=users[role].id, name="schemathesis", prefix=token[:12],
                                        token_hash=hash_token(token)))
            db.session.commit()
        target.liaison_unit_id = units[0].id
        target.live = ([{"unit_id": u.id} for u in units] + [{"person_id": p.id} for p in people]
                       + [{"unit_id": r.unit_id, "role_id": r.id} for r in roles[:3]])
        target.scratch = ([{"unit_id": u.id} for u in spare_units]
                          + [{"person_id": p.id} for p in spare_people]
                          + [{"unit_id": roles[3].unit_id, "role_id": roles[3].id}])
        target.person_ids = [p.id for p in people]
        db.session.remove()


@pytest.fixture(scope="module")
def target(backend, tmp_path_factory):
    """The seeded app on its own migrated database, dropped afterwards."""
    global _target
    with contextlib.ExitStack() as stack:
        if backend == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('schemathesis') / 'api.db'}"
        else:
            url = stack.enter_context(throwaway_postgres("alliance_st"))
        _migrate(url)
        # The three runs share this app and each sends invalid tokens on purpose (the ignored-auth
        # check); the bad-token throttle (tests/auth) would answer 429 after a few dozen of them.
        app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url,
                                     "UPLOAD_FOLDER": str(tmp_path_factory.mktemp("uploads")),
                                     "TOKEN_FREE_FAILURES_PER_ADDRESS": 100_000})
        _target = Target(app=app)
        _seed(_target)
        try:
            yield _target
        finally:
            _target = None
            with app.app_context():
                from alliance.extensions import db

                db.session.remove()
                db.engine.dispose()


def _removes(operation) -> bool:
    return operation.method.upper() == "DELETE" or operation.path.endswith("/restore")


def _seeded_records_too(context, path_parameters):
    """Random integers almost never name a record: half the time, use seeded ones, so that
    reads, edits, deletes and restores of real records run too."""
    if _target is None or not isinstance(path_parameters, dict) or not path_parameters:
        return st.just(path_parameters)
    # Only when the document allows the drawn ids: a negative case must stay invalid.
    if not all(type(v) is int and 0 <= v <= MAX_RECORD_ID for v in path_parameters.values()):
        return st.just(path_parameters)
    pool = _target.scratch if _removes(context.operation) else _target.live
    matching = [ids for ids in pool if ids.keys() == path_parameters.keys()]
    if not matching:
        return st.just(path_parameters)
    return st.one_of(st.just(path_parameters), st.sampled_from(matching).map(dict))


def _coin(case, salt: str) -> bool:
    """A stable coin flip per case (a hypothesis replay must send the same request)."""
    raw = json.dumps([salt, case.path_parameters, case.query, case.body], sort_keys=True, default=str)
    return hashlib.sha256(raw.encode()).digest()[0] % 2 == 0


def _point_at_real_records(case) -> None:
    """A random ``version`` is nearly always stale (409) and a random ``person_id`` names nobody
    (422). For half the cases that carry one, send the record's current version / a seeded
    person, so the edit, delete, restore and appointment paths themselves run. Only valid
    integers are replaced (schemathesis re-checks a changed case anyway)."""
    body = case.body if isinstance(case.body, dict) else None
    query = case.query if isinstance(case.query, dict) else None
    def fits(value) -> bool:  # a value the document allows: a negative case must stay invalid
        return type(value) is int and 0 <= value <= MAX_RECORD_ID

    if body and fits(body.get("person_id")) and _coin(case, "person"):
        body["person_id"] = _target.person_ids[body["person_id"] % len(_target.person_ids)]
    holder = next((c for c in (body, query) if c and fits(c.get("version"))), None)
    if holder is None or not _coin(case, "version"):
        return
    path = case.formatted_path.removesuffix("/restore")
    response = _target.app.test_client().get(path, headers={"Authorization": f"Bearer {TOKEN}"})
    if response.status_code == 200 and isinstance(response.json, dict) and "version" in response.json:
        holder["version"] = response.json["version"]


for _schema in schemas.values():
    _schema.hook("flatmap_path_parameters")(_seeded_records_too)


def _records(body) -> list[dict]:
    """The records an answer carries: a list's items, or the one record."""
    if isinstance(body, dict) and isinstance(body.get("items"), list):
        return [r for r in body["items"] if isinstance(r, dict)]
    if isinstance(body, list):
        return [r for r in body if isinstance(r, dict)]
    return [body] if isinstance(body, dict) and "id" in body else []


def _with_unit_ids(value):
    if isinstance(value, dict):
        if "unit_id" in value:
            yield value
        for item in value.values():
            yield from _with_unit_ids(item)
    elif isinstance(value, list):
        for item in value:
            yield from _with_unit_ids(item)


def others_records_seen_by_liaison(case, response, unit_id: int) -> list[str]:
    """What of another unit a liaison of ``unit_id`` received (nothing, or the test fails)."""
    from sqlalchemy import select

    from alliance.extensions import db
    from alliance.members.models import UnitRole

    # schemathesis' Response: headers keyed in lower case, each a list; json() a method
    content_type = " ".join(response.headers.get("content-type", []))
    if response.status_code >= 300 or "json" not in content_type:
        return []
    body = response.json()
    found = [f"{case.operation.path}: unit_id {r['unit_id']} in {r}" for r in _with_unit_ids(body)
             if r["unit_id"] not in (None, unit_id)]
    path = case.operation.path
    if path in ("/api/v1/units", "/api/v1/units/{unit_id}", "/api/v1/units/{unit_id}/restore"):
        found += [f"{path}: unit {r['id']}" for r in _records(body) if r.get("id") != unit_id]
    if path.startswith("/api/v1/people"):
        with _target.app.app_context():
            own = set(db.session.scalars(select(UnitRole.person_id).where(UnitRole.unit_id == unit_id)))
            db.session.remove()
        found += [f"{path}: person {r['id']} has no role in unit {unit_id}"
                  for r in _records(body) if r.get("id") not in own]
    return found


def _keep_tokens_live(target) -> None:
    """A run may revoke its own token (DELETE /api/v1/tokens...): every later call would be a
    401 and test nothing. Un-revoke the seeded tokens after such a call."""
    from sqlalchemy import update

    from alliance.auth.models import ApiToken
    from alliance.extensions import db

    with target.app.app_context():
        db.session.execute(update(ApiToken).where(ApiToken.name == "schemathesis")
                           .values(revoked_at=None))
        db.session.commit()
        db.session.remove()


def _call(case, target, role: str):
    _point_at_real_records(case)
    try:
        response = case.call_and_validate(app=target.app)
    finally:
        if case.method.upper() == "DELETE" and case.operation.path.startswith("/api/v1/tokens"):
            _keep_tokens_live(target)
    key = (role, case.method.upper(), case.operation.path)
    target.answered.setdefault(key, set()).add(response.status_code)
    return response


_SETTINGS = {"deadline": None, "derandomize": True, "database": None,
             "suppress_health_check": list(HealthCheck)}


@schemas["staff"].parametrize()
@hypothesis.settings(max_examples=25, **_SETTINGS)
def test_api_has_no_server_error_and_matches_its_document(case, target):
    _call(case, target, "staff")


# An organizer only reads (every write answers 403, which the route matrix proves route by
# route): the organizer run draws fewer examples than staff.
@schemas["organizer"].parametrize()
@hypothesis.settings(max_examples=10, **_SETTINGS)
def test_api_as_an_organizer(case, target):
    _call(case, target, "organizer")


@schemas["liaison"].parametrize()
@hypothesis.settings(max_examples=8, **_SETTINGS)
def test_api_as_a_liaison_never_shows_another_units_record(case, target):
    response = _call(case, target, "liaison")
    leaked = others_records_seen_by_liaison(case, response, target.liaison_unit_id)
    assert not leaked, "a liaison received another unit's records:\n" + "\n".join(leaked)


def test_every_read_was_answered_as_its_role(target):
    """The checks above see something only if the calls were authenticated: a read that only
    ever answered 401 (a revoked or unknown token) checked nothing. Runs last (file order)."""
    reads = {key: statuses for key, statuses in target.answered.items() if key[1] == "GET"}
    if not reads:
        pytest.skip("no schemathesis read ran in this session (selected out)")
    blind = sorted(f"{role} GET {path}" for (role, _, path), statuses in reads.items()
                   if statuses <= {401})
    assert not blind, "these reads were never authenticated:\n" + "\n".join(blind)

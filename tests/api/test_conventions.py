"""The public conventions of docs API.md: health, the OpenAPI document and its viewer, the error
shape with Chinese messages, optimistic locking, duplicates, paging, sorting, scoping, tokens,
the audit trail of API writes and CSRF for session calls. Runs on both databases (``--db``)."""
from __future__ import annotations

import re

import jsonschema_rs
import pytest
from sqlalchemy import func, select

from alliance.members.models import MemberUnit
from tests import factories
from tests.factories import PASSWORD, VALID_USCC
from tests.helpers import csrf_token

CJK = re.compile(r"[\u4e00-\u9fff]")


def _error(response, status: int) -> dict:
    """The error body of API.md, checked: JSON, {"error": {"code", "message"}}, Chinese."""
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.is_json, response.content_type
    error = response.json["error"]
    assert set(error) <= {"code", "message", "fields"}
    assert isinstance(error["code"], str) and error["code"]
    assert CJK.search(error["message"]), error["message"]
    for name, messages in error.get("fields", {}).items():
        assert messages and all(CJK.search(m) for m in messages), (name, messages)
    return error


def _unit_count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(MemberUnit))


def _new_unit(**fields) -> dict:
    return {"name": "梅陇镇新增单位", "category": "enterprise", **fields}


# --- health, document, viewer ------------------------------------------------------------

def test_health_needs_no_auth(client):
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


@pytest.fixture
def document(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200 and response.is_json
    return response.json


def test_the_document_written_on_first_use_is_the_one_written_at_start(document, app, monkeypatch):
    """create_app defers the documentation of each blueprint (AllianceApi.spec, issue 7); an app
    documenting each blueprint as it registers it, flask-smorest's way, serves the same bytes."""
    import json

    import flask_smorest

    from alliance import create_app
    from alliance.api import AllianceApi, api

    monkeypatch.setattr(AllianceApi, "register_blueprint", flask_smorest.Api.register_blueprint)
    eager = create_app("testing", {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                                   "UPLOAD_FOLDER": app.config["UPLOAD_FOLDER"]})
    assert api._pending_docs == []
    served = eager.test_client().get("/api/openapi.json").get_json()
    assert json.dumps(served, ensure_ascii=False) == json.dumps(document, ensure_ascii=False)
    assert len(document["paths"]) > 50


def test_openapi_document_is_valid_openapi_3_0_3(document):
    from schemathesis.specs.openapi.definitions import OPENAPI_30

    assert document["openapi"] == "3.0.3"
    errors = [str(e) for e in jsonschema_rs.Draft4Validator(OPENAPI_30).iter_errors(document)]
    assert not errors, errors[:5]


def _flask_to_openapi(rule: str) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def test_openapi_document_lists_every_api_route(app, document):
    documented = {(path, method.upper()) for path, item in document["paths"].items()
                  for method in item if method != "parameters"}
    routes = {(_flask_to_openapi(rule.rule), method)
              for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1/")
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes, "no /api/v1 routes?"
    assert routes - documented == set()


def test_openapi_document_declares_bearer_auth(document):
    assert document["components"]["securitySchemes"]["bearerAuth"] == {"type": "http",
                                                                       "scheme": "bearer"}
    assert document["security"] == [{"bearerAuth": []}]
    assert document["paths"]["/api/v1/health"]["get"]["security"] == []


def _response_schema(document, response: dict) -> dict:
    if "$ref" in response:
        response = document["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    return response["content"]["application/json"]["schema"]


def test_openapi_document_describes_error_responses(document):
    error = document["components"]["schemas"]["Error"]
    assert error["properties"]["error"]["$ref"].endswith("/ErrorDetail")
    assert set(document["components"]["schemas"]["ErrorDetail"]["properties"]) == {
        "code", "message", "fields"}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            expected = set()
            if operation.get("security") != []:
                expected |= {"401"}
            if "{" in path:
                expected |= {"404"}
            if method in ("post", "patch", "put", "delete"):
                expected |= {"403", "409"}
            if operation.get("requestBody") or any(p["in"] == "query"
                                                   for p in operation.get("parameters", [])):
                expected |= {"422"}
            responses = operation["responses"]
            assert expected <= set(responses), (method, path, expected - set(responses))
            for status in expected | {"default"}:
                schema = _response_schema(document, responses[status])
                assert schema == {"$ref": "#/components/schemas/Error"}, (method, path, status)


def test_openapi_document_states_limits(document):
    units = document["paths"]["/api/v1/units"]["get"]["parameters"]
    per_page = next(p for p in units if p["name"] == "per_page")
    assert per_page["schema"]["maximum"] == 200
    unit_id = document["paths"]["/api/v1/units/{unit_id}"]["parameters"][0]
    assert unit_id["schema"]["maximum"] == 2**31 - 1
    category = document["components"]["schemas"]["Unit"]["properties"]["category"]
    assert "hospital" in category["enum"]
    assert "403" in document["paths"]["/api/v1/audit"]["get"]["responses"]  # managers only
    assert "403" not in document["paths"]["/api/v1/units"]["get"]["responses"]  # every role


def test_docs_page_is_swagger_ui_served_locally(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assets = re.findall(r'<(?:script|link)\b[^>]*?\b(?:src|href)="([^"]+)"', page)
    assert assets, page
    for url in assets:
        assert url.startswith("/") and not url.startswith("//"), url
        assert client.get(url).status_code == 200, url
    assert "/swagger-ui-dist/swagger-ui-bundle.js" in assets
    spec_url = re.search(r'data-spec-url="([^"]+)"', page).group(1)
    assert spec_url == "/api/openapi.json"


# --- auth and the error shape --------------------------------------------------------------

def test_no_token_is_401(world, api_as):
    error = _error(api_as(None).get("/api/v1/units"), 401)
    assert error["code"] == "unauthorized"


def test_bad_token_is_401(world, client):
    response = client.get("/api/v1/units", headers={"Authorization": "Bearer alt_not-a-real-token"})
    assert "令牌" in _error(response, 401)["message"]


def test_role_not_allowed_is_403(world, api_as, db):
    before = _unit_count(db)
    response = api_as(world.organizer).post("/api/v1/units", json=_new_unit())
    assert _error(response, 403)["code"] == "forbidden"
    assert _unit_count(db) == before


def test_unknown_api_path_is_json_404(world, api_as):
    for path in ("/api/v1/nothing-here", "/api/nope", "/api/v1/units/99999999999999999999"):
        assert _error(api_as(world.staff).get(path), 404)["code"] == "not_found"


def test_wrong_method_is_405_with_allow_header(world, api_as):
    response = api_as(world.staff).put("/api/v1/units", json={})
    _error(response, 405)
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}


@pytest.mark.parametrize("body, field", [
    ({"category": "enterprise"}, "name"),
    (_new_unit(name="单" * 101), "name"),
    (_new_unit(category="spaceship"), "category"),
    (_new_unit(sort_order="abc"), "sort_order"),
    (_new_unit(sort_order=2.5), "sort_order"),
    (_new_unit(sort_order=True), "sort_order"),
    (_new_unit(sort_order=2**40), "sort_order"),
    (_new_unit(joined_on="2021-02-30"), "joined_on"),
    (_new_unit(joined_on="20210201"), "joined_on"),
    (_new_unit(uscc=VALID_USCC[1][:-1] + ("H" if VALID_USCC[1][-1] != "H" else "J")), "uscc"),
    (_new_unit(name="有\x00控制字符"), "name"),
    (_new_unit(favourite_colour="red"), "favourite_colour"),
], ids=["missing-name", "name-101", "unknown-category", "int-abc", "int-2.5", "int-true",
        "int-huge", "bad-date", "basic-date", "uscc-check", "nul", "unknown-field"])
def test_invalid_unit_is_422_with_chinese_field_messages(world, api_as, db, body, field):
    before = _unit_count(db)
    error = _error(api_as(world.staff).post("/api/v1/units", json=body), 422)
    assert error["code"] == "invalid"
    assert field in error["fields"], error
    assert _unit_count(db) == before


def test_unknown_field_message(world, api_as):
    error = _error(api_as(world.staff).post("/api/v1/units", json=_new_unit(extra=1)), 422)
    assert error["fields"]["extra"] == ["未知字段"]


def test_uscc_check_character_message(world, api_as):
    bad = VALID_USCC[1][:-1] + ("H" if VALID_USCC[1][-1] != "H" else "J")
    error = _error(api_as(world.staff).post("/api/v1/units", json=_new_unit(uscc=bad)), 422)
    assert "校验位" in error["fields"]["uscc"][0]


@pytest.mark.parametrize("data, content_type, status", [
    ("{not json", "application/json", 400),
    ("[1, 2]", "application/json", 422),
    ("", "application/json", 422),
])
def test_malformed_bodies_get_chinese_errors(world, api_as, db, data, content_type, status):
    before = _unit_count(db)
    response = api_as(world.staff).client.post(
        "/api/v1/units", data=data, content_type=content_type,
        headers=api_as(world.staff).headers)
    _error(response, status)
    assert _unit_count(db) == before


def test_booleans_are_strict_in_json_and_words_in_query(world, api_as):
    api = api_as(world.staff)
    error = _error(api.post("/api/v1/people", json={"name": "丁一", "is_party_member": 1}), 422)
    assert "is_party_member" in error["fields"]
    assert api.get("/api/v1/units?deleted=true").status_code == 200
    assert "deleted" in _error(api.get("/api/v1/units?deleted=yes"), 422)["fields"]


def test_text_with_nul_in_a_search_is_422_not_500(world, api_as):
    response = api_as(world.staff).get("/api/v1/units", query_string={"q": "医院\x00"})
    assert "q" in _error(response, 422)["fields"]


# --- conflicts -----------------------------------------------------------------------------

def test_duplicate_name_is_409_with_fields(world, api_as, db):
    before = _unit_count(db)
    response = api_as(world.staff).post("/api/v1/units", json=_new_unit(name=world.unit_a.name))
    error = _error(response, 409)
    assert error["code"] == "duplicate" and "name" in error["fields"]
    assert _unit_count(db) == before


def test_duplicate_uscc_is_409_with_fields(world, api_as):
    response = api_as(world.staff).post("/api/v1/units", json=_new_unit(uscc=VALID_USCC[0]))
    assert "uscc" in _error(response, 409)["fields"]


def test_stale_version_is_409_and_changes_nothing(world, api_as):
    api = api_as(world.staff)
    url = f"/api/v1/units/{world.unit_a.id}"
    before = api.get(url).json
    response = api.patch(url, json={"version": before["version"] - 1 if before["version"] > 1 else 99,
                                    "short_name": "新简称", "tier": "member"})
    assert _error(response, 409)["code"] == "stale"
    assert api.get(url).json == before

    fresh = api.patch(url, json={"version": before["version"], "short_name": "儿科医院"})
    assert fresh.status_code == 200
    assert fresh.json["short_name"] == "儿科医院" and fresh.json["version"] == before["version"] + 1


def test_patch_without_version_is_422(world, api_as):
    response = api_as(world.staff).patch(f"/api/v1/units/{world.unit_a.id}", json={"short_name": "x"})
    assert "version" in _error(response, 422)["fields"]


# --- lists ---------------------------------------------------------------------------------

def test_list_envelope_and_paging(world, api_as):
    api = api_as(world.staff)
    body = api.get("/api/v1/units?per_page=1&page=2").json
    assert set(body) == {"items", "total", "page", "per_page"}
    assert body["total"] == 2 and body["page"] == 2 and body["per_page"] == 1
    assert len(body["items"]) == 1
    for key in ("id", "version", "created_at", "updated_at"):
        assert key in body["items"][0]
    assert api.get("/api/v1/units").json["per_page"] == 50


@pytest.mark.parametrize("per_page", ["500", "201", "0", "abc"])
def test_per_page_over_the_limit_is_422(world, api_as, per_page):
    response = api_as(world.staff).get(f"/api/v1/units?per_page={per_page}")
    assert "per_page" in _error(response, 422)["fields"]


def test_people_sort_by_strokes_and_by_pinyin(world, api_as):
    for name in ("张伟", "王芳", "刘洋", "丁一"):
        factories.make_person(world.alliance, name)
    api = api_as(world.staff)

    def names(sort):
        response = api.get(f"/api/v1/people?sort={sort}")
        assert response.status_code == 200
        return [p["name"] for p in response.json["items"]]

    assert names("strokes") == ["丁一", "王芳", "刘洋", "张伟"]  # 丁2 王4 刘6 张7 strokes
    assert names("pinyin") == ["丁一", "刘洋", "王芳", "张伟"]  # ding liu wang zhang
    assert "sort" in _error(api.get("/api/v1/people?sort=height"), 422)["fields"]


# --- a liaison's scope ---------------------------------------------------------------------

def test_liaison_gets_404_for_another_units_record(world, api_as):
    api = api_as(world.liaison_a)
    assert _error(api.get(f"/api/v1/units/{world.unit_b.id}"), 404)["code"] == "not_found"
    response = api.patch(f"/api/v1/units/{world.unit_b.id}", json={"version": 1, "short_name": "x"})
    _error(response, 404)
    assert [u["id"] for u in api.get("/api/v1/units").json["items"]] == [world.unit_a.id]


def test_liaison_patch_of_own_unit_ignores_register_fields(world, api_as):
    api = api_as(world.liaison_a)
    url = f"/api/v1/units/{world.unit_a.id}"
    before = api.get(url).json
    response = api.patch(url, json={"version": before["version"], "short_name": "儿科医院",
                                    "phone": "021-64931990", "tier": "executive",
                                    "category": "bank", "name": "改名的医院"})
    assert response.status_code == 200, response.json
    after = response.json
    assert after["short_name"] == "儿科医院" and after["phone"] == "021-64931990"
    for field in ("tier", "category", "name"):
        assert after[field] == before[field], field


# --- tokens, audit, CSRF ---------------------------------------------------------------------

def test_token_write_is_in_the_audit_trail_as_api(world, api_as):
    api = api_as(world.staff)
    created = api.post("/api/v1/units", json=_new_unit(name="接口新增的单位"))
    assert created.status_code == 201, created.json
    unit_id = created.json["id"]
    audit = api.get(f"/api/v1/audit?source=api&record_type=MemberUnit&record_id={unit_id}")
    assert audit.status_code == 200
    entries = audit.json["items"]
    assert [(e["action"], e["source"], e["actor_name"]) for e in entries] == [
        ("create", "api", world.staff.username)]


@pytest.fixture
def csrf_app(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield app
    app.config["WTF_CSRF_ENABLED"] = False


def _session_client(app, user):
    client = app.test_client()
    token = csrf_token(client.get("/login"))
    response = client.post("/login", data={"username": user.username, "password": PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 302
    return client, csrf_token(client.get("/units"))


def test_session_api_writes_need_the_csrf_token(world, csrf_app, db):
    client, token = _session_client(csrf_app, world.staff)
    before = _unit_count(db)
    refused = client.post("/api/v1/units", json=_new_unit())
    assert _error(refused, 400)["code"] == "csrf"
    # An Authorization header that authenticates nobody does not waive the check either.
    junk = client.post("/api/v1/units", json=_new_unit(),
                       headers={"Authorization": "Bearer alt_junk"})
    assert _error(junk, 400)["code"] == "csrf"
    assert _unit_count(db) == before
    assert client.get("/api/v1/units").status_code == 200  # reads need no token
    accepted = client.post("/api/v1/units", json=_new_unit(), headers={"X-CSRFToken": token})
    assert accepted.status_code == 201, accepted.json


def test_bearer_token_writes_need_no_csrf_token(world, csrf_app, api_as):
    response = api_as(world.staff).post("/api/v1/units", json=_new_unit(name="令牌新增的单位"))
    assert response.status_code == 201, response.json

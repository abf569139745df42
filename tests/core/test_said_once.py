"""Rules said once (issue 6, item 4): the role predicates, text search, column lengths, the
liaison's fields, and the layering of api.py over views.py. Each test reads the code or the
running forms, so a second copy of a rule, or a drifted length, fails here."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from wtforms.validators import Length

import alliance
from alliance.core.fields import TEXT_LIMIT, max_length
from alliance.core.roles import ALL_ROLES, EDITORS, MANAGERS, READERS_OF_ALL, StandIn

PACKAGE = Path(alliance.__file__).parent
SOURCES = sorted(p for p in PACKAGE.rglob("*.py"))


def _source(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("role", sorted(ALL_ROLES))
def test_role_predicates_follow_the_role_sets(role):
    user = StandIn(role=role, alliance_id=1)
    assert user.is_manager == (role in MANAGERS)
    assert user.is_editor == (role in EDITORS)
    assert user.reads_all_units == (role in READERS_OF_ALL)
    assert user.is_liaison == (role == "liaison")


def test_accounts_and_the_anonymous_user_answer_the_same_predicates(app):
    from alliance.auth.loaders import Anonymous
    from alliance.auth.models import User

    anonymous = Anonymous()
    assert not (anonymous.is_manager or anonymous.is_editor or anonymous.reads_all_units or anonymous.is_liaison)
    assert User(role="staff").is_manager and not User(role="organizer").is_editor
    assert User(role="organizer").reads_all_units and User(role="liaison").is_editor


def test_no_module_restates_a_role_rule():
    """``user.role in MANAGERS`` (or EDITORS, READERS_OF_ALL) is ``user.is_manager`` (``is_editor``,
    ``reads_all_units``); ``roles_required(*MANAGERS)`` is ``managers_only``."""
    restated = re.compile(r"\.role (not )?in (MANAGERS|EDITORS|READERS_OF_ALL)\b|roles_required\(\*MANAGERS\)"
                          r"|roles_required\(\*MANAGERS, (LIAISON|\"liaison\")\)")
    found = [f"{p.relative_to(PACKAGE)}:{n}" for p in SOURCES for n, line in enumerate(_source(p).splitlines(), 1)
             if restated.search(line) and p.name != "roles.py"
             and line.strip() != "return roles_required(*MANAGERS)(view)"]  # managers_only itself
    assert found == []


def test_text_search_has_one_definition():
    """Every substring search goes through ``core.search.contains`` (literal %, _)."""
    found = [f"{p.relative_to(PACKAGE)}" for p in SOURCES
             if "autoescape=True" in _source(p) and p.relative_to(PACKAGE).as_posix() != "core/search.py"
             and ".contains(" in _source(p)]
    assert found == []
    assert not [p for p in SOURCES if re.search(r"^def _like\(", _source(p), re.M)]


def test_no_api_module_imports_from_views():
    """The API and the pages share services, queries and access helpers, never each other."""
    offenders = []
    for path in SOURCES:
        if path.name != "api.py" and not path.name.endswith("_api.py"):
            continue
        for node in ast.walk(ast.parse(_source(path))):
            names = ([node.module or ""] if isinstance(node, ast.ImportFrom)
                     else [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            offenders += [f"{path.relative_to(PACKAGE)} imports {n}" for n in names if n.split(".")[-1] == "views"]
    assert offenders == []


def _length_validators(form):
    return {name: [v.max for v in field.validators if isinstance(v, Length)]
            for name, field in form._fields.items()}


def test_member_forms_take_their_lengths_from_the_columns(app):
    from alliance.members.forms import LiaisonUnitForm, PersonForm, RoleForm, UnitForm
    from alliance.members.models import MemberUnit, Person, UnitRole

    with app.test_request_context():
        checked = 0
        for form, model, renamed in ((UnitForm(), MemberUnit, {}), (PersonForm(), Person, {}),
                                     (RoleForm(), UnitRole, {"new_name": Person.name, "new_mobile": Person.mobile})):
            for name, maxima in _length_validators(form).items():
                attribute = renamed.get(name) or getattr(model, name, None)
                if not maxima or attribute is None or name == "uscc":  # uscc: raw input, normalised to 18
                    continue
                assert maxima == [max_length(attribute)], f"{type(form).__name__}.{name}"
                checked += 1
        assert checked >= 12
        assert max_length(MemberUnit.description) == TEXT_LIMIT and max_length(MemberUnit.name) == 100

        liaison = LiaisonUnitForm()
        assert set(liaison._fields) - {"version", "submit", "csrf_token"} == MemberUnit.__liaison_editable__


def test_the_service_checks_the_same_lengths(app):
    from alliance.members.models import MemberUnit
    from alliance.members.services import LIAISON_UNIT_FIELDS, UNIT_TEXT_FIELDS

    assert {f: n for f, n, _required, _label in UNIT_TEXT_FIELDS}["name"] == max_length(MemberUnit.name)
    assert LIAISON_UNIT_FIELDS is MemberUnit.__liaison_editable__

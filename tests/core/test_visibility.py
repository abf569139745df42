"""Visibility policies, tested from the registered models (issue 6 item 1).

Every model with ``alliance_id`` must declare ``__visibility__``. Then, on the demo alliance
(every area's demo step runs) plus a new, empty unit C with its own liaison: through the policy
and through every GET route of the app, UI and API, the liaison of C sees no record of another
unit. A new area is covered by registering itself and giving its demo step some records."""
from __future__ import annotations

import contextlib
import re
from datetime import date

import pytest
from flask import url_for
from sqlalchemy import String, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import MANYTOONE
from werkzeug.routing import BuildError

from alliance.activities import services as activities
from alliance.activities.models import Activity
from alliance.audit.context import acting_as
from alliance.civic import photos as civic_photos
from alliance.civic.models import CivicEvent
from alliance.core.permissions import scoped
from alliance.core.visibility import Policy, policy_of
from alliance.extensions import db as _db
from alliance.members import services as members
from alliance.members.models import Alliance, MemberUnit, UnitRole
from alliance.ratings import scoring
from alliance.ratings.evidence import add_evidence
from alliance.ratings.models import Rating
from tests import factories
from tests.activities import image_bytes, upload


def _alliance_models():
    return sorted((m.class_ for m in _db.Model.registry.mappers
                   if "alliance_id" in m.class_.__table__.c), key=lambda c: c.__name__)


def test_every_model_with_alliance_id_declares_a_policy(app):
    missing = [m.__name__ for m in _alliance_models() if not isinstance(policy_of(m), Policy)]
    assert missing == [], f"declare __visibility__ on {missing} (see alliance/core/visibility.py)"


@pytest.fixture
def demo_world(app, runner, db):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    alliance = db.session.scalars(select(Alliance)).first()
    with acting_as(factories.SETUP):  # the demo has no photos; one each, of other units
        activity = db.session.scalars(select(Activity)).first()
        activities.add_photos(activity, [upload(image_bytes(), "合影.jpg")])
        civic_photos.add_photos(_db.session.scalars(select(CivicEvent)).first(),
                                [upload(image_bytes(), "现场.jpg")])
        rating = _db.session.scalars(select(Rating).where(Rating.status == "self_assessing")).first()
        add_evidence(rating, next(iter(scoring.items_of(rating.rubric.definition))),
                     upload(b"%PDF-1.4 minutes", "学习记录.pdf"))
        db.session.commit()
    unit_c = factories.make_unit(alliance, "空白测试单位")
    liaison_c = factories.make_user(alliance, "liaison", "liaison_c", unit=unit_c)
    return alliance, unit_c, liaison_c


def _others(model, unit_c) -> list:
    """Every row of ``model`` that is not unit C itself (unit C has nothing else)."""
    rows = db_rows(model)
    return [r for r in rows if not (isinstance(r, MemberUnit) and r.id == unit_c.id)]


def db_rows(model) -> list:
    stmt = select(model)
    if hasattr(model, "deleted_at"):
        stmt = stmt.where(model.deleted_at.is_(None))
    return _db.session.scalars(stmt).all()


def test_a_liaison_sees_nothing_of_other_units_through_the_policy(demo_world):
    """Beyond the rows a policy makes public by design (a rubric, a released project)."""
    _, unit_c, liaison_c = demo_world
    for model in _alliance_models():
        others = _others(model, unit_c)
        assert others, f"the demo has no {model.__name__}: give the area's demo step some records"
        public = set(_db.session.scalars(select(model.id).where(policy_of(model).public_clause(model))))
        seen = _db.session.scalars(scoped(select(model), model, liaison_c)).all()
        assert {r.id for r in seen} & {r.id for r in others} - public == set(), model.__name__


def _get_rules(app):
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and rule.endpoint not in ("static", "bootstrap.static"):
            yield rule


def _hidden(model, user) -> list:
    """Rows of ``model`` the policy hides from ``user``."""
    seen = set(_db.session.scalars(scoped(select(model.id), model, user)))
    return [r for r in db_rows(model) if r.id not in seen]


def _owners(record, depth: int = 2) -> set[str]:
    """The record's name and those of what it belongs to (many-to-one, two steps): a published
    rating shows its organization and the organization's unit."""
    names = {str(record)}
    if depth:
        for rel in sa_inspect(type(record)).relationships:
            if rel.direction is MANYTOONE:
                owner = getattr(record, rel.key)
                if owner is not None:
                    names |= _owners(owner, depth - 1)
    return names


def _texts_of_hidden(user) -> set[str]:
    """The names of records hidden from ``user``, less those a record they may see carries in one
    of its texts or shows as its owner (``_owners``): the public venue 中环科技园新时代文明实践益空间
    names its host unit, 中环科技园;
    the public service menu says what the couplet ledger counts, 春联和福字."""
    texts, public = set(), set()
    for model in _alliance_models():
        seen = set(_db.session.scalars(scoped(select(model.id), model, user)))
        strings = [c.key for c in model.__table__.c if isinstance(c.type, String)]
        for record in db_rows(model):
            text = str(record)
            if record.id in seen:
                public.update(v for v in (getattr(record, k, None) for k in strings) if isinstance(v, str))
                public.update(_owners(record))
            elif len(text) >= 4 and not text.startswith("<"):
                texts.add(text)
    return {t for t in texts if not any(t in p for p in public)}


def test_a_liaison_sees_nothing_of_other_units_through_any_get_route(demo_world, app, sign_in,
                                                                     api_as):
    alliance, unit_c, liaison_c = demo_world
    # A person of another unit also holds a role at C: C's liaison may see them, not their
    # other roles (issue 6: "through a person's page or the people list").
    # (a unit no public text names, so that its name on the page is a leak)
    hidden_names = _texts_of_hidden(liaison_c)
    role_elsewhere = next(r for r in _db.session.scalars(select(UnitRole).where(
        UnitRole.unit_id != unit_c.id, UnitRole.ended_on.is_(None)).order_by(UnitRole.id))
        if str(r.unit) in hidden_names)
    with acting_as(factories.SETUP):
        members.assign_role(unit_c, role_elsewhere.person, {"role": "deputy_secretary", "started_on": date(2021, 1, 1)})
        _db.session.commit()
    others = _texts_of_hidden(liaison_c)
    assert str(role_elsewhere.unit) in others
    # Per model its first, middle and last hidden row: every route is asked for ids that are
    # surely another unit's, whatever the route's record type (all of them: 15 minutes).
    all_ids = sorted({i for m in _alliance_models() for i in _sample(sorted(r.id for r in _hidden(m, liaison_c)))})
    web, api = sign_in(liaison_c), api_as(liaison_c)
    checked = 0
    for rule in _get_rules(app):
        client = api if rule.rule.startswith("/api") else web
        args = list(rule.arguments)
        if not args:
            with app.test_request_context():
                url = url_for(rule.endpoint)
            urls = [url, url + "?q=" if "?" not in url else url]
        elif len(args) <= 2 and all(rule._converters[a].__class__.__name__ != "PathConverter"
                                    for a in args):
            urls = []
            for record_id in all_ids:
                # a route whose arguments are not ids does not build
                with app.test_request_context(), contextlib.suppress(BuildError):
                    urls.append(url_for(rule.endpoint, **dict.fromkeys(args, record_id)))
        else:
            continue
        for url in urls:
            response = client.get(url)
            body = response.get_data(as_text=True) if response.mimetype.startswith(
                ("text/", "application/json")) else ""
            if response.status_code == 200:
                leaked = [t for t in others if t in body]
                assert leaked == [], f"{url} shows {leaked[:3]}"
            elif rule.arguments and unit_c.id not in _ids_in(url):
                assert response.status_code in (404, 403, 302, 405), \
                    f"{url} answered {response.status_code}"
            checked += 1
    assert checked > 50


def _sample(ids: list[int]) -> list[int]:
    return [ids[0], ids[len(ids) // 2], ids[-1]] if ids else []


def _ids_in(url: str) -> set[int]:
    return {int(n) for n in re.findall(r"/(\d+)", url)}

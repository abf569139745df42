from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
from werkzeug.exceptions import Forbidden, NotFound

from alliance.audit.context import acting_as
from alliance.civic import services as s
from alliance.civic.models import Certificate, ItemLedger, LedgerEntry
from alliance.core.errors import DuplicateRecord, FieldErrors, RuleViolation
from alliance.extensions import db
from tests.civic.conftest import at
from tests.factories import SETUP


def _commit(fn):
    with acting_as(SETUP):
        result = fn()
        db.session.commit()
    return result


# --- ledger --------------------------------------------------------------------------------

def test_ledger_counts_made_handed_out_and_stock(world, civic):
    _commit(lambda: s.add_batch(world.staff, civic.ledger_a, {"quantity": 300, "made_by": "15名书法志愿者"}))
    _commit(lambda: s.record_handout(world.staff, civic.ledger_a, {"quantity": 200, "event_id": civic.event_a.id}))
    assert s.ledger_totals(civic.ledger_a.id) == {"made": 300, "handed_out": 200, "in_stock": 100}
    assert db.session.get(ItemLedger, civic.ledger_a.id).in_stock == 100


def test_handout_beyond_stock_is_refused_and_changes_nothing(world, civic):
    _commit(lambda: s.add_batch(world.staff, civic.ledger_a, {"quantity": 10}))
    with pytest.raises(FieldErrors) as exc, acting_as(SETUP):
        s.record_handout(world.staff, civic.ledger_a, {"quantity": 11, "event_id": civic.event_a.id})
    db.session.rollback()
    assert "库存不足：现有10件" in exc.value.fields["quantity"][0]
    assert s.ledger_totals(civic.ledger_a.id)["in_stock"] == 10
    assert db.session.query(LedgerEntry).filter_by(kind="handout").count() == 0


def test_two_concurrent_handouts_never_take_stock_below_zero(app, world, civic):
    """Two threads, each on its own connection, hand out 100 of a stock of 150 at once."""
    _commit(lambda: s.add_batch(world.staff, civic.ledger_a, {"quantity": 150}))
    ledger_id, event_id, staff_id = civic.ledger_a.id, civic.event_a.id, world.staff.id
    barrier = threading.Barrier(2)
    outcomes = []

    def hand_out():
        from alliance.auth.models import User
        with app.app_context():
            try:
                user = db.session.get(User, staff_id)
                ledger = db.session.get(ItemLedger, ledger_id)
                barrier.wait(timeout=10)
                with acting_as(SETUP):
                    s.record_handout(user, ledger, {"quantity": 100, "event_id": event_id})
                    db.session.commit()
                outcomes.append("ok")
            except FieldErrors:
                db.session.rollback()
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=hand_out) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    db.session.expire_all()
    assert sorted(outcomes) == ["ok", "refused"]
    assert s.ledger_totals(ledger_id) == {"made": 150, "handed_out": 100, "in_stock": 50}
    assert db.session.get(ItemLedger, ledger_id).in_stock == 50


def test_liaison_records_batches_only_on_their_units_ledger(world, civic):
    _commit(lambda: s.add_batch(world.liaison_a, civic.ledger_a, {"quantity": 5}))
    with pytest.raises(NotFound):
        s.add_batch(world.liaison_b, civic.ledger_a, {"quantity": 5})
    db.session.rollback()
    ledger_b = _commit(lambda: s.create_ledger(world.liaison_b, {"item": "腊八粥", "unit_id": world.unit_a.id}))
    assert ledger_b.unit_id == world.unit_b.id  # a smuggled unit is ignored for a liaison
    _commit(lambda: s.add_batch(world.liaison_b, ledger_b, {"quantity": 50}))
    with pytest.raises(NotFound):  # liaison B may not hand out at unit A's event
        s.record_handout(world.liaison_b, ledger_b, {"quantity": 1, "event_id": civic.event_a.id})


# --- events and hours -------------------------------------------------------------------------

def test_event_that_ends_before_it_starts_is_refused(world, civic):
    with pytest.raises(FieldErrors) as exc:
        s.save_event(world.staff, {"title": "倒着的活动", "venue_id": civic.station_a.id,
                                   "starts_at": at("2021-01-19", "10:00"), "ends_at": at("2021-01-19", "09:00")})
    assert exc.value.fields["ends_at"] == ["结束时间应晚于开始时间"]


def test_liaison_records_events_only_at_own_units_venues(world, civic):
    data = {"title": "站内活动", "starts_at": at("2021-02-01", "09:00"), "ends_at": at("2021-02-01", "10:00")}
    event = _commit(lambda: s.save_event(world.liaison_a, {**data, "venue_id": civic.station_a.id}))
    assert event.unit_id == world.unit_a.id
    with pytest.raises(NotFound):
        s.save_event(world.liaison_a, {**data, "venue_id": civic.space_b.id})


def test_hours_may_not_exceed_the_event(world, civic):
    with pytest.raises(FieldErrors) as exc:
        s.record_hours(world.staff, {"event_id": civic.event_a.id, "volunteer_id": civic.volunteer.id,
                                     "hours": Decimal("3.5")})
    assert exc.value.fields["hours"] == ["服务时长不能超过活动时长（3.0小时）"]
    record = _commit(lambda: s.record_hours(world.staff, {"event_id": civic.event_a.id,
                                                          "volunteer_id": civic.volunteer.id, "hours": Decimal("3")}))
    assert record.status == "entered" and record.hours == Decimal("3.0")


def test_volunteer_cannot_serve_in_two_overlapping_events(world, civic):
    _commit(lambda: s.record_hours(world.staff, {"event_id": civic.event_a.id, "volunteer_id": civic.volunteer.id,
                                                 "hours": Decimal("2")}))
    with pytest.raises(FieldErrors) as exc:
        s.record_hours(world.staff, {"event_id": civic.event_b.id, "volunteer_id": civic.volunteer.id,
                                     "hours": Decimal("1")})
    assert "同一时间已在“写春联”服务" in exc.value.fields["volunteer_id"][0]
    with pytest.raises(DuplicateRecord):
        s.record_hours(world.staff, {"event_id": civic.event_a.id, "volunteer_id": civic.volunteer.id,
                                     "hours": Decimal("1")})


def test_bad_hours_are_refused(world, civic):
    for bad, message in [("0", "服务时长应大于0"), ("abc", "服务时长应为数字，如 2 或 1.5"),
                         ("1.25", "服务时长最多保留一位小数")]:
        with pytest.raises(FieldErrors) as exc:
            s.record_hours(world.staff, {"event_id": civic.event_a.id, "volunteer_id": civic.volunteer.id,
                                         "hours": bad})
        assert exc.value.fields["hours"] == [message]


def test_liaison_names_only_volunteers_of_own_teams(world, civic):
    outsider = _commit(lambda: s.save_volunteer(world.staff, {"name": "乙队员", "team_ids": [civic.team_b.id]}))
    with pytest.raises(NotFound):
        s.record_hours(world.liaison_a, {"event_id": civic.event_a.id, "volunteer_id": outsider.id,
                                         "hours": Decimal("1")})


def test_liaison_of_another_unit_cannot_record_or_verify_hours(world, civic):
    with pytest.raises(NotFound):
        s.record_hours(world.liaison_b, {"event_id": civic.event_a.id, "volunteer_id": civic.volunteer.id,
                                         "hours": Decimal("1")})
    record = _commit(lambda: s.record_hours(world.liaison_a, {
        "event_id": civic.event_a.id, "volunteer_id": civic.volunteer.id, "hours": Decimal("1")}))
    with pytest.raises(NotFound):
        s.verify_record(world.liaison_b, record, version=record.version, verifier="乙")
    _commit(lambda: s.verify_record(world.liaison_a, record, version=record.version, verifier="甲"))
    assert record.status == "verified"
    with pytest.raises(RuleViolation):
        s.verify_record(world.liaison_a, record, version=record.version, verifier="甲")


# --- volunteers -------------------------------------------------------------------------------

def test_same_name_and_mobile_is_a_duplicate(world, civic):
    with pytest.raises(DuplicateRecord) as exc:
        s.save_volunteer(world.staff, {"name": "王书法", "mobile": "139-0000-1111"})
    assert exc.value.fields["mobile"] == ["已有同名同手机号码的志愿者，请勿重复登记"]
    other = _commit(lambda: s.save_volunteer(world.staff, {"name": "王书法", "mobile": "13900002222"}))
    assert other.volunteer_no != civic.volunteer.volunteer_no


def test_liaison_puts_volunteers_only_in_own_teams(world, civic):
    with pytest.raises(NotFound):
        s.save_volunteer(world.liaison_b, {"name": "李", "team_ids": [civic.team_a.id]})
    with pytest.raises(FieldErrors):
        s.save_volunteer(world.liaison_b, {"name": "李", "team_ids": []})


# --- orders -----------------------------------------------------------------------------------

def test_order_flow_takes_only_allowed_steps(world, civic):
    order = _commit(lambda: s.place_order(world.liaison_b, {"project_id": civic.project.id,
                                                            "venue_id": civic.space_b.id}))
    assert order.status == "ordered"
    with pytest.raises(RuleViolation):  # 评单 before 派单
        s.advance_order(world.liaison_b, order, "rate", {"rating": 5}, version=order.version)
    with pytest.raises(Forbidden):  # only the sub-centre assigns
        s.advance_order(world.liaison_b, order, "assign", {"team_id": civic.team_a.id}, version=order.version)
    db.session.rollback()
    _commit(lambda: s.advance_order(world.staff, order, "assign", {"team_id": civic.team_a.id}, version=order.version))
    with pytest.raises(NotFound):  # team A belongs to unit A: B cannot accept for it
        s.advance_order(world.liaison_b, order, "accept", {}, version=order.version)
    _commit(lambda: s.advance_order(world.liaison_a, order, "accept", {}, version=order.version))
    with pytest.raises(RuleViolation):
        s.advance_order(world.staff, order, "cancel", {}, version=order.version)
    db.session.rollback()
    _commit(lambda: s.advance_order(world.liaison_b, order, "rate", {"rating": 5, "comment": "很好"},
                                    version=order.version))
    assert (order.status, order.rating) == ("rated", 5)
    with pytest.raises(NotFound):
        s.place_order(world.liaison_a, {"project_id": civic.project.id, "venue_id": civic.space_b.id})


# --- certificates -----------------------------------------------------------------------------

def test_certificate_only_for_verified_hours_and_numbers_never_reused(world, civic):
    record = _commit(lambda: s.record_hours(world.staff, {"event_id": civic.event_a.id,
                                                          "volunteer_id": civic.volunteer.id, "hours": Decimal("2.5")}))
    with pytest.raises(RuleViolation):
        s.certificate_for(world.staff, civic.volunteer, issuer="分中心", today=date(2021, 2, 1))
    _commit(lambda: s.verify_record(world.staff, record, version=record.version, verifier="staff"))
    first = _commit(lambda: s.certificate_for(world.staff, civic.volunteer, issuer="分中心", today=date(2021, 2, 1)))
    assert first.number == "WMSJ2021-00001" and first.hours == Decimal("2.5")
    again = _commit(lambda: s.certificate_for(world.staff, civic.volunteer, issuer="分中心", today=date(2021, 2, 1)))
    assert again.id == first.id  # same hours: the same certificate
    # The certificate is revoked (soft-deleted); its number is never handed out again.
    _commit(lambda: s.soft_delete(first))
    second = _commit(lambda: s.certificate_for(world.staff, civic.volunteer, issuer="分中心", today=date(2021, 2, 1)))
    assert second.number == "WMSJ2021-00002"
    numbers = [c.number for c in db.session.query(Certificate).all()]
    assert len(numbers) == len(set(numbers)) == 2

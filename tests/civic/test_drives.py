"""The drives on the civic figures page (queries.drive_summaries, read as plain rows): each
visible ledger's live batches and hand-outs, the totals the ledgers' ORM sums give, where each
hand-out went, and a liaison sees their own unit's ledgers only."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from alliance.audit.context import acting_as
from alliance.civic import queries
from alliance.civic import services as s
from alliance.civic.models import ItemLedger
from alliance.core.records import soft_delete
from alliance.extensions import db
from tests.factories import SETUP


def test_drive_summaries_sum_live_entries_and_keep_to_the_scope(world, civic, sign_in):
    staff = world.staff
    with acting_as(SETUP):
        ledger_b = s.create_ledger(staff, {"item": "腊八粥", "unit_id": world.unit_b.id})
        s.add_batch(staff, civic.ledger_a, {"quantity": 300, "occurred_on": date(2021, 1, 10),
                                            "made_by": "书法志愿者", "volunteer_count": 15})
        gone = s.add_batch(staff, civic.ledger_a, {"quantity": 50, "occurred_on": date(2021, 1, 11)})
        s.record_handout(staff, civic.ledger_a, {"quantity": 200, "event_id": civic.event_a.id,
                                                 "volunteer_count": 2})
        db.session.flush()
        soft_delete(gone)
        db.session.commit()
    summaries = queries.drive_summaries(staff)
    assert [(d.ledger_id, d.item) for d in summaries] == [(civic.ledger_a.id, "春联和福字"), (ledger_b.id, "腊八粥")]
    drive, empty = summaries
    assert (drive.made, drive.handed_out, drive.in_stock, drive.volunteers) == (300, 200, 100, 17)
    assert [(b.quantity, b.occurred_on, b.made_by) for b in drive.batches] == [(300, date(2021, 1, 10), "书法志愿者")]
    assert [(h.quantity, h.occurred_on, h.event_title, h.venue_name) for h in drive.handouts] == [
        (200, date(2021, 1, 15), "写春联", "甲实践站")]
    assert (empty.made, empty.handed_out, empty.in_stock, empty.batches, empty.handouts) == (0, 0, 0, [], [])
    # The same totals as the ledgers' ORM sums (with_totals).
    orm = queries.with_totals(db.session.scalars(select(ItemLedger).order_by(ItemLedger.id)).all())
    assert [(d.made, d.handed_out, d.in_stock) for d in summaries] == [
        (ledger.made, ledger.handed_out, ledger.in_stock_computed) for ledger in orm]
    assert [d.ledger_id for d in queries.drive_summaries(world.liaison_a)] == [civic.ledger_a.id]
    assert [d.ledger_id for d in queries.drive_summaries(world.liaison_b)] == [ledger_b.id]
    page = sign_in(world.organizer).get("/civic?year=2021").get_data(as_text=True)
    assert "制作 300 · 发放 200 · 库存 100 · 参与志愿者 17 人次" in page
    assert "在 甲实践站（写春联）发放 200" in page
    page = sign_in(world.liaison_b).get("/civic?year=2021").get_data(as_text=True)
    assert "腊八粥" in page and "春联和福字" not in page

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from alliance.civic import queries
from alliance.civic.models import CivicEvent, ItemLedger, LedgerEntry, ServiceRecord, Venue
from alliance.members.models import Alliance
from tests.demo.test_demo_load import load


def test_demo_tells_the_2021_couplet_drive_and_a_year_of_events(runner, db):
    output = load(runner)
    assert "文明实践" in output
    alliance = db.session.scalar(select(Alliance).where(Alliance.code == "meilong"))
    kinds = dict(db.session.execute(select(Venue.kind, func.count()).where(Venue.alliance_id == alliance.id)
                                    .group_by(Venue.kind)).all())
    assert kinds == {"sub_centre": 1, "station": 71, "public_space": 6, "neighbourhood": 1}
    invented = db.session.scalars(select(Venue).where(Venue.is_sample.is_(True))).all()
    assert invented and all("示例" in v.name for v in invented)

    ledger = db.session.scalar(select(ItemLedger).where(ItemLedger.item == "春联和福字"))
    entries = db.session.scalars(select(LedgerEntry).where(LedgerEntry.ledger_id == ledger.id)
                                 .order_by(LedgerEntry.occurred_on)).all()
    made = sum(e.quantity for e in entries if e.kind == "made")
    before_19 = sum(e.quantity for e in entries if e.kind == "handout" and e.occurred_on < date(2021, 1, 19))
    assert (made, before_19) == (300, 200)
    assert [(e.kind, e.occurred_on, e.quantity, e.volunteer_count) for e in entries] == [
        ("made", date(2021, 1, 12), 300, 15), ("handout", date(2021, 1, 15), 200, 2)]
    assert entries[1].event.venue.name == "中环科技园新时代文明实践益空间"

    market = db.session.scalar(select(CivicEvent).where(CivicEvent.title.contains("梅陇仁家")))
    assert market.venue.name == "梅家弄邻里中心"
    assert market.starts_at.astimezone(queries.LOCAL_TZ).date() == date(2021, 1, 19)
    assert db.session.scalar(select(func.count()).where(ServiceRecord.event_id == market.id)) == 10
    laba = db.session.scalars(select(CivicEvent).where(CivicEvent.title.contains("腊八"))).all()
    assert {e.starts_at.astimezone(queries.LOCAL_TZ).date() for e in laba} == {date(2021, 1, 20)}

    from alliance.core.roles import StandIn
    staff = StandIn(role="staff", alliance_id=alliance.id)
    figures = queries.figures(staff, 2020)
    assert 90 <= figures.events <= 110 and figures.audience > 50_000
    assert len(figures.stations) == 71 and len(figures.idle_stations) == 9

    assert "已存在" in load(runner)  # idempotent
    assert db.session.scalar(select(func.count()).select_from(Venue)) == 79

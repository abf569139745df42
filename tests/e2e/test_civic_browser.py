"""On a phone (390 × 844): a liaison records a hand-out of couplets at the 15 January fair and
sees the stock fall, on the event page and on the ledger."""
from __future__ import annotations

from datetime import date

from playwright.sync_api import expect
from sqlalchemy import select


def _seed_drive(live_server) -> tuple[int, int]:
    from alliance.audit.context import acting_as
    from alliance.auth.models import User
    from alliance.civic import services as s
    from alliance.extensions import db
    from tests.civic.conftest import at
    from tests.factories import SETUP

    with live_server.app_context(), acting_as(SETUP):
        staff = db.session.scalar(select(User).where(User.username == "staff"))
        liaison = db.session.scalar(select(User).where(User.username == "liaison_a"))
        centre = s.save_venue(staff, {"kind": "sub_centre", "name": "梅陇镇新时代文明实践分中心"})
        space = s.save_venue(staff, {"kind": "public_space", "name": "中环科技园新时代文明实践益空间",
                                     "parent_id": centre.id, "unit_id": liaison.unit_id})
        event = s.save_event(staff, {"title": "“迎新春”集市 写春联服务摊", "venue_id": space.id,
                                     "starts_at": at("2021-01-15", "11:00"), "ends_at": at("2021-01-15", "14:00")})
        ledger = s.create_ledger(staff, {"item": "春联和福字", "unit_id": liaison.unit_id})
        s.add_batch(staff, ledger, {"quantity": 300, "occurred_on": date(2021, 1, 12), "made_by": "15名书法志愿者"})
        s.record_handout(staff, ledger, {"quantity": 200, "event_id": event.id})
        db.session.commit()
        ids = event.id, ledger.id
        db.session.remove()
    return ids


def test_liaison_records_a_handout_on_a_phone_and_the_stock_falls(phone, live_server, live_world, log_in):
    event_id, ledger_id = _seed_drive(live_server)
    log_in(phone, live_world.liaison_a)
    phone.goto(f"/civic/events/{event_id}")
    form = phone.locator(f"#handout-form-{ledger_id}")
    expect(form.locator(f"#stock-{ledger_id}")).to_have_text("库存 100")
    form.get_by_label("发放数量").fill("30")
    form.get_by_label("发放志愿者人数").fill("2")
    form.get_by_role("button", name="登记发放").tap()

    expect(phone.get_by_role("alert")).to_contain_text("已登记发放")
    expect(phone.locator(f"#stock-{ledger_id}")).to_have_text("库存 70")
    # More than is left: refused with the reason, the stock unchanged.
    phone.locator(f"#quantity-{ledger_id}").fill("71")
    phone.locator(f"#handout-submit-{ledger_id}").tap()
    # at the field, and listed in the error summary at the top of the form
    expect(phone.get_by_text("库存不足：现有70件，不能发放71件", exact=True)).to_be_visible()
    expect(phone.locator("[data-error-summary]")).to_contain_text("发放数量：库存不足：现有70件，不能发放71件")

    phone.goto(f"/civic/ledgers/{ledger_id}")
    expect(phone.locator("#ledger-made")).to_have_text("300")
    expect(phone.locator("#ledger-handed-out")).to_have_text("230")
    expect(phone.locator("#ledger-in-stock")).to_have_text("70")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the ledger page scrolls sideways on a phone ({width}px)"

"""Civic records at unit A for the route matrix: a venue, team, volunteer (with verified hours),
project, order, event with a photo, service record and ledger."""
from __future__ import annotations

import io
from decimal import Decimal

from alliance.audit.context import acting_as
from alliance.extensions import db
from tests.civic.conftest import at
from tests.factories import SETUP


def make_civic_records(world) -> dict:
    from PIL import Image
    from werkzeug.datastructures import FileStorage

    from alliance.civic import photos
    from alliance.civic import services as s

    staff = world.staff
    with acting_as(SETUP):
        centre = s.save_venue(staff, {"kind": "sub_centre", "name": "矩阵分中心"})
        venue = s.save_venue(staff, {"kind": "station", "name": "矩阵实践站", "parent_id": centre.id,
                                     "unit_id": world.unit_a.id})
        team = s.save_team(staff, {"name": "矩阵服务队", "unit_id": world.unit_a.id})
        project = s.save_project(staff, {"name": "矩阵项目", "team_id": team.id, "festival": "laba"})
        volunteer = s.save_volunteer(staff, {"name": "矩阵志愿者", "team_ids": [team.id]})
        order = s.place_order(staff, {"project_id": project.id, "venue_id": venue.id})
        event = s.save_event(staff, {"title": "矩阵活动", "venue_id": venue.id, "project_id": project.id,
                                     "starts_at": at("2021-01-20", "08:00"), "ends_at": at("2021-01-20", "11:00")})
        record = s.record_hours(staff, {"event_id": event.id, "volunteer_id": volunteer.id, "hours": Decimal("2")})
        s.verify_record(staff, record, version=record.version, verifier="staff")
        ledger = s.create_ledger(staff, {"item": "腊八粥", "unit_id": world.unit_a.id})
        s.add_batch(staff, ledger, {"quantity": 10})
        image = io.BytesIO()
        Image.new("RGB", (40, 30), "blue").save(image, "JPEG")
        image.seek(0)
        photo = photos.add_photos(event, [FileStorage(image, filename="laba.jpg", content_type="image/jpeg")])[0]
        db.session.commit()
    return {"venue_id": venue.id, "team_id": team.id, "project_id": project.id, "volunteer_id": volunteer.id,
            "order_id": order.id, "event_id": event.id, "record_id": record.id, "ledger_id": ledger.id,
            "event_photo_id": photo.id}

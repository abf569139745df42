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
STRING_PARAMS = ("signin_key", "feed_secret", "kind", "unsubscribe_token")  # path parts that are not record ids
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
    ("GET", "/api/v1/accounts"): Case("401 403 403 403 403 200"),
    ("POST", "/api/v1/accounts"): Case("401 403 403 403 403 422", {"username": ""}),
    ("GET", "/api/v1/accounts/{user_id}"): Case("401 403 403 403 403 200"),
    ("PATCH", "/api/v1/accounts/{user_id}"): Case("401 403 403 403 403 409", {"version": 0}),
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
    ("GET", "/people/{person_id}/appoint"): Case("302 302 404 403 302 302"),
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
    ("GET", "/api/v1/unit-picker?q=er"): Case("401 200 200 200 200 200"),
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
    # civic practice (alliance/civic): liaisons record at their own unit's venues, teams and ledgers
    ("GET", "/civic"): Case("302 200 200 200 200 200"),
    ("GET", "/civic/export.xlsx"): Case("302 200 200 200 200 200"),
    ("GET", "/civic/venues"): Case("302 200 200 200 200 200"),
    ("GET", "/civic/menu"): Case("302 200 200 200 200 200"),
    ("POST", "/civic/menu"): Case("302 200 200 403 200 200", {"project_id": ""}),
    ("POST", "/civic/orders/{order_id}/action"): Case("302 302 404 403 302 302", {"action": "accept", **STALE}),
    ("GET", "/civic/events"): Case("302 200 200 200 200 200"),
    ("GET", "/civic/events/new"): Case("302 200 200 403 200 200"),
    ("POST", "/civic/events/new"): Case("302 200 200 403 200 200", {"title": ""}),
    ("GET", "/civic/events/{event_id}"): Case("302 200 404 200 200 200"),
    ("POST", "/civic/events/{event_id}/hours"): Case("302 302 404 403 302 302", {"hours": ""}),
    ("POST", "/civic/events/{event_id}/photos"): Case("302 302 404 403 302 302", files=True),
    ("GET", "/civic/events/{event_id}/photos/{event_photo_id}"): Case("302 200 404 200 200 200"),
    ("POST", "/civic/records/{record_id}/verify"): Case("302 302 404 403 302 302", STALE),
    ("GET", "/civic/hours"): Case("302 200 200 200 200 200"),
    ("GET", "/civic/volunteers"): Case("302 200 200 200 200 200"),
    ("POST", "/civic/volunteers"): Case("302 200 200 403 200 200", {"name": ""}),
    ("GET", "/civic/volunteers/{volunteer_id}/certificate.pdf"): Case("302 200 404 200 200 200",
        changes="n y n y y y"),  # the first download registers the certificate number
    ("GET", "/civic/ledgers"): Case("302 200 200 200 200 200"),
    ("POST", "/civic/ledgers"): Case("302 200 200 403 200 200", {"item": ""}),
    ("GET", "/civic/ledgers/{ledger_id}"): Case("302 200 404 200 200 200"),
    ("POST", "/civic/ledgers/{ledger_id}/batches"): Case("302 200 404 403 200 200", {"quantity": ""}),
    ("POST", "/civic/ledgers/{ledger_id}/handouts"): Case("302 200 404 403 200 200", {"quantity": ""}),
    ("GET", "/api/v1/venues"): Case("401 200 200 200 200 200"),
    ("POST", "/api/v1/venues"): Case("401 403 403 403 422 422", {"name": ""}),
    ("GET", "/api/v1/venues/{venue_id}"): Case("401 200 200 200 200 200"),
    ("GET", "/api/v1/volunteer-teams"): Case("401 200 200 200 200 200"),
    ("POST", "/api/v1/volunteer-teams"): Case("401 403 403 403 422 422", {"name": ""}),
    ("GET", "/api/v1/volunteer-teams/{team_id}"): Case("401 200 200 200 200 200"),
    ("GET", "/api/v1/volunteers"): Case("401 200 200 200 200 200"),
    ("POST", "/api/v1/volunteers"): Case("401 422 422 403 422 422", {"name": ""}),
    ("GET", "/api/v1/volunteers/{volunteer_id}"): Case("401 200 404 200 200 200"),
    ("GET", "/api/v1/volunteers/{volunteer_id}/certificate.pdf"): Case("401 200 404 200 200 200",
        changes="n y n y y y"),  # the first download registers the certificate number
    ("GET", "/api/v1/service-projects"): Case("401 200 200 200 200 200"),
    ("POST", "/api/v1/service-projects"): Case("401 403 403 403 422 422", {"name": ""}),
    ("GET", "/api/v1/service-projects/{project_id}"): Case("401 200 200 200 200 200"),
    ("GET", "/api/v1/service-festivals?year=2022"): Case("401 200 200 200 200 200"),
    ("GET", "/api/v1/service-orders"): Case("401 200 200 200 200 200"),
    ("POST", "/api/v1/service-orders"): Case("401 422 422 403 422 422", {"project_id": 999999}),
    ("GET", "/api/v1/service-orders/{order_id}"): Case("401 200 404 200 200 200"),
    ("POST", "/api/v1/service-orders/{order_id}/actions"): Case("401 409 404 403 409 409", {"action": "accept",
                                                                                            "version": 0}),
    ("GET", "/api/v1/civic-events"): Case("401 200 200 200 200 200"),
    ("POST", "/api/v1/civic-events"): Case("401 422 422 403 422 422", {"title": ""}),
    ("GET", "/api/v1/civic-events/{event_id}"): Case("401 200 404 200 200 200"),
    ("PATCH", "/api/v1/civic-events/{event_id}"): Case("401 409 404 403 409 409", {"version": 0}),
    ("DELETE", "/api/v1/civic-events/{event_id}?version=0"): Case("401 409 404 403 409 409"),
    ("POST", "/api/v1/civic-events/{event_id}/photos"): Case("401 422 404 403 422 422", files=True),
    ("GET", "/api/v1/service-records"): Case("401 200 200 200 200 200"),
    ("POST", "/api/v1/service-records"): Case("401 422 422 403 422 422", {"hours": 0}),
    ("GET", "/api/v1/service-records/{record_id}"): Case("401 200 404 200 200 200"),
    ("POST", "/api/v1/service-records/{record_id}/verify?version=0"): Case("401 409 404 403 409 409"),
    ("GET", "/api/v1/item-ledgers"): Case("401 200 200 200 200 200"),
    ("POST", "/api/v1/item-ledgers"): Case("401 422 422 403 422 422", {"item": ""}),
    ("GET", "/api/v1/item-ledgers/{ledger_id}"): Case("401 200 404 200 200 200"),
    ("POST", "/api/v1/item-ledgers/{ledger_id}/batches"): Case("401 422 404 403 422 422",
                                                              {"quantity": 1, "occurred_on": "2099-01-01"}),
    ("POST", "/api/v1/item-ledgers/{ledger_id}/handouts"): Case("401 422 404 403 422 422",
                                                               {"quantity": 1000000, "event_id": 1}),
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
    # meetings (issue 8): a meeting that invited unit A; unit B's liaison gets 404
    ("GET", "/meetings"): Case("302 200 200 200 200 200"),
    ("GET", "/meetings/new"): Case("302 403 403 403 200 200"),
    ("POST", "/meetings/new"): Case("302 403 403 403 200 200", {"title": ""}),
    ("GET", "/meetings/{meeting_id}"): Case("302 200 404 200 200 200"),
    ("GET", "/meetings/{meeting_id}/edit"): Case("302 403 403 403 200 200"),
    ("GET", "/meetings/{meeting_id}/arrange"): Case("302 403 403 403 200 200"),
    ("POST", "/meetings/{meeting_id}/edit"): Case("302 403 403 403 200 200", {"title": "", **STALE}),
    ("POST", "/meetings/{meeting_id}/delete"): Case("302 403 403 403 302 302", STALE),
    ("POST", "/meetings/{meeting_id}/agenda"): Case("302 403 403 403 302 302", {"title": ""}),
    ("POST", "/meetings/{meeting_id}/speeches"): Case("302 403 403 403 302 302", {"topic": ""}),
    ("POST", "/meetings/{meeting_id}/admissions"): Case("302 403 403 403 302 302", {"unit_id": ""}),
    ("POST", "/meetings/{meeting_id}/action-items"): Case("302 403 403 403 302 302", {"decision": ""}),
    ("POST", "/meetings/{meeting_id}/action-items/{item_id}/done"): Case("302 403 403 403 302 302", STALE),
    ("POST", "/meetings/{meeting_id}/invite"): Case("302 403 403 403 302 302", {"person_id": ""}),
    ("POST", "/meetings/{meeting_id}/invite-group"): Case("302 403 403 403 302 302", {"group": ""}),
    ("GET", "/meetings/{meeting_id}/attendance"): Case("302 200 404 200 200 200"),
    ("POST", "/meetings/{meeting_id}/attendance/{attendance_id}/mark"): Case("302 403 403 403 302 302",
                                                                              {"status": "present", **STALE}),
    ("GET", "/meetings/{meeting_id}/reply-slips/{slip_id}"): Case("302 200 404 403 200 200"),
    ("POST", "/meetings/{meeting_id}/reply-slips/{slip_id}"): Case("302 200 404 403 200 200", STALE),
    ("GET", "/meetings/{meeting_id}/notice.docx"): Case("302 403 403 200 200 200"),
    ("GET", "/meetings/{meeting_id}/minutes.docx"): Case("302 403 403 200 200 200"),
    ("GET", "/meetings/{meeting_id}/qr"): Case("302 403 403 200 200 200"),
    ("GET", "/s/{signin_key}"): Case("200 200 200 200 200 200"),
    ("POST", "/s/{signin_key}"): Case("200 200 200 200 200 200", {"name": "", "last4": ""}),  # closed: 2021
    ("GET", "/meetings/calendar"): Case("302 200 200 200 200 200"),
    ("POST", "/meetings/calendar"): Case("302 400 400 400 400 400", {"action": ""}),
    ("GET", "/calendar/{feed_secret}.ics"): Case("200 200 200 200 200 200"),
    # reminders (issue 14): a notification of unit A's liaison; another account's id is a 404
    ("GET", "/notifications"): Case("302 200 200 200 200 200"),
    ("POST", "/notifications/{notification_id}/read"): Case("302 302 404 404 404 404",
                                                           changes="n y n n n n"),
    ("POST", "/notifications/read-all"): Case("302 302 302 302 302 302", changes="n y n n n n"),
    ("GET", "/notifications/preferences"): Case("302 200 200 200 200 200"),
    ("POST", "/notifications/preferences"): Case("302 422 422 422 422 422", {"email": "不是邮箱"}),
    ("GET", "/notifications/unsubscribe/{unsubscribe_token}"): Case("200 200 200 200 200 200"),
    ("POST", "/notifications/unsubscribe/{unsubscribe_token}"): Case("200 200 200 200 200 200",
                                                                    changes="y y y y y y"),
    ("GET", "/api/v1/notifications"): Case("401 200 200 200 200 200"),
    ("POST", "/api/v1/notifications/{notification_id}/read"): Case("401 200 404 404 404 404",
                                                                  changes="n y n n n n"),
    ("GET", "/api/v1/meetings"): Case("401 200 200 200 200 200"),
    ("POST", "/api/v1/meetings"): Case("401 403 403 403 422 422", {"title": ""}),
    ("GET", "/api/v1/meetings/{meeting_id}"): Case("401 200 404 200 200 200"),
    ("PATCH", "/api/v1/meetings/{meeting_id}"): Case("401 403 403 403 409 409", {"version": 0}),
    ("DELETE", "/api/v1/meetings/{meeting_id}?version=0"): Case("401 403 403 403 409 409"),
    ("POST", "/api/v1/meetings/{meeting_id}/agenda"): Case("401 403 403 403 422 422", {"title": ""}),
    ("POST", "/api/v1/meetings/{meeting_id}/speeches"): Case("401 403 403 403 422 422", {"topic": ""}),
    ("POST", "/api/v1/meetings/{meeting_id}/admissions"): Case("401 403 403 403 422 422", {}),
    ("POST", "/api/v1/meetings/{meeting_id}/action-items"): Case("401 403 403 403 422 422", {"decision": ""}),
    ("PATCH", "/api/v1/meetings/{meeting_id}/action-items/{item_id}"): Case("401 403 403 403 409 409", {"version": 0}),
    ("GET", "/api/v1/meetings/{meeting_id}/attendance"): Case("401 200 404 200 200 200"),
    ("POST", "/api/v1/meetings/{meeting_id}/attendance"): Case("401 403 403 403 422 422", {"person_id": 999999}),
    ("PATCH", "/api/v1/meetings/{meeting_id}/attendance"): Case("401 403 403 403 422 422",
                                                                 {"person_id": 999999, "status": "present"}),
    ("POST", "/api/v1/meetings/{meeting_id}/invitations"): Case("401 403 403 403 422 422", {"group": "x"}),
    ("GET", "/api/v1/meetings/{meeting_id}/reply-slips"): Case("401 200 404 200 200 200"),
    ("PUT", "/api/v1/meetings/{meeting_id}/reply-slips/{slip_id}"): Case(
        "401 409 404 403 409 409", {"answers": [{"person_id": 1, "reply": "coming"}], "version": 0}),
    ("GET", "/api/v1/meetings/{meeting_id}/roster.xlsx?sort=age"): Case("401 403 403 422 422 422"),
    ("GET", "/api/v1/meetings/{meeting_id}/roster.pdf?sort=age"): Case("401 403 403 422 422 422"),
    ("GET", "/api/v1/meetings/{meeting_id}/roster.csv?sort=age"): Case("401 403 403 422 422 422"),
    ("GET", "/api/v1/meetings.ics"): Case("401 200 200 200 200 200"),
    ("GET", "/api/v1/meetings/{meeting_id}.ics"): Case("401 200 404 200 200 200"),
    ("GET", "/api/v1/people-picker?q=xu"): Case("401 200 200 200 200 200"),
    # --- ratings (星级党组织评定): liaisons fill in their own unit's organizations only ---
    ("GET", "/ratings"): Case("302 200 200 200 200 200"),
    ("GET", "/ratings/cycle"): Case("302 200 200 200 200 200"),
    ("GET", "/ratings/notice"): Case("302 200 200 200 200 200"),
    ("GET", "/ratings/{rating_id}"): Case("302 200 404 200 200 200"),
    ("POST", "/ratings/{rating_id}/self-assessment"): Case("302 302 404 403 302 302", STALE),
    ("POST", "/ratings/{rating_id}/review"): Case("302 403 403 403 302 302", STALE),
    ("POST", "/ratings/{rating_id}/notice"): Case("302 403 403 403 302 302", STALE),
    ("POST", "/ratings/{rating_id}/confirm"): Case("302 403 403 403 302 302", STALE),
    ("POST", "/ratings/{rating_id}/nominate"): Case("302 403 403 403 302 302", STALE),
    ("POST", "/ratings/{rating_id}/return"): Case("302 403 403 403 302 302", STALE),
    ("POST", "/ratings/{rating_id}/district-decision"): Case("302 403 403 403 302 302", STALE),
    ("POST", "/ratings/{rating_id}/objections"): Case("302 403 403 403 302 302", {"raised_by": ""}),
    ("POST", "/ratings/{rating_id}/objections/{objection_id}/answer"): Case("302 403 403 403 302 302", STALE),
    ("POST", "/ratings/{rating_id}/evidence"): Case("302 422 404 403 422 422", files=True),
    ("GET", "/ratings/{rating_id}/evidence/{evidence_id}"): Case("302 200 404 200 200 200"),
    ("GET", "/organizations"): Case("302 200 200 200 200 200"),
    ("GET", "/organizations/{organization_id}"): Case("302 200 404 200 200 200"),
    ("POST", "/organizations/{organization_id}/ratings"): Case("302 302 404 403 302 302", {"year": ""}),
    ("GET", "/rubrics"): Case("302 200 200 200 200 200"),
    ("POST", "/rubrics/new"): Case("302 403 403 403 302 302", {"year": ""}),
    ("GET", "/rubrics/{rubric_id}"): Case("302 200 200 200 200 200"),
    ("POST", "/rubrics/{rubric_id}"): Case("302 403 403 403 422 422", STALE),
    ("GET", "/api/v1/organizations"): Case("401 200 200 200 200 200"),
    ("POST", "/api/v1/organizations"): Case("401 403 403 403 422 422", {"name": ""}),
    ("GET", "/api/v1/organizations/{organization_id}"): Case("401 200 404 200 200 200"),
    ("PATCH", "/api/v1/organizations/{organization_id}"): Case("401 403 403 403 409 409", {"version": 0}),
    ("DELETE", "/api/v1/organizations/{organization_id}?version=0"): Case("401 403 403 403 409 409"),
    ("POST", "/api/v1/organizations/{organization_id}/secretaries"): Case("401 403 403 403 422 422", {}),
    ("GET", "/api/v1/rubrics"): Case("401 200 200 200 200 200"),
    ("POST", "/api/v1/rubrics"): Case("401 403 403 403 422 422", {}),
    ("GET", "/api/v1/rubrics/{rubric_id}"): Case("401 200 200 200 200 200"),
    ("PATCH", "/api/v1/rubrics/{rubric_id}"): Case("401 403 403 403 409 409", {"version": 0}),
    ("GET", "/api/v1/ratings"): Case("401 200 200 200 200 200"),
    ("POST", "/api/v1/ratings"): Case("401 422 422 403 422 422", {"year": 2019}),
    ("GET", "/api/v1/ratings/{rating_id}"): Case("401 200 404 200 200 200"),
    ("POST", "/api/v1/ratings/{rating_id}/self-assessment"): Case("401 409 404 403 409 409", {"version": 0,
                                                                                              "items": []}),
    ("POST", "/api/v1/ratings/{rating_id}/submit"): Case("401 409 404 403 409 409", {"version": 0}),
    ("POST", "/api/v1/ratings/{rating_id}/review"): Case("401 403 403 403 409 409", {"version": 0}),
    ("POST", "/api/v1/ratings/{rating_id}/notice"): Case("401 403 403 403 409 409", {"version": 0}),
    ("POST", "/api/v1/ratings/{rating_id}/confirm"): Case("401 403 403 403 409 409", {"version": 0}),
    ("POST", "/api/v1/ratings/{rating_id}/return"): Case("401 403 403 403 409 409", {"version": 0, "reason": "x"}),
    ("POST", "/api/v1/ratings/{rating_id}/nominate"): Case("401 403 403 403 409 409", {"version": 0}),
    ("POST", "/api/v1/ratings/{rating_id}/district-decision"): Case("401 403 403 403 409 409", {"version": 0,
                                                                                                "approved": True}),
    ("POST", "/api/v1/ratings/{rating_id}/objections"): Case("401 403 403 403 422 422", {}),
    ("POST", "/api/v1/ratings/{rating_id}/objections/{objection_id}/answer"): Case("401 403 403 403 409 409",
                                                                                   {"version": 0, "answer": "x"}),
    ("POST", "/api/v1/ratings/{rating_id}/evidence"): Case("401 422 422 403 422 422", files=True),
    ("GET", "/api/v1/ratings/{rating_id}/evidence/{evidence_id}"): Case("401 200 404 200 200 200"),
    ("GET", "/api/v1/reports/ratings?year=2020"): Case("401 200 200 200 200 200"),
    ("GET", "/api/v1/reports/ratings/casebook.docx?year=2020"): Case("401 200 200 200 200 200"),
    ("GET", "/api/v1/reports/ratings/notice.xlsx?year=2020"): Case("401 200 200 200 200 200"),
    ("GET", "/api/v1/reports/ratings/notice.pdf?year=2020"): Case("401 200 200 200 200 200"),
    # lists (三张清单): records of unit A are drafts / unreleased, so another unit's liaison gets 404
    ("GET", "/projects/board"): Case("302 200 200 200 200 200"),
    ("GET", "/needs"): Case("302 200 200 200 200 200"),
    ("GET", "/needs/new"): Case("302 200 200 403 200 200"),
    ("POST", "/needs/new"): Case("302 200 200 403 200 200", {"title": ""}),
    ("GET", "/needs/{need_id}"): Case("302 200 404 200 200 200"),
    ("GET", "/needs/{need_id}/edit"): Case("302 200 404 403 200 200"),
    ("POST", "/needs/{need_id}/edit"): Case("302 200 404 403 200 200", {"title": "", **STALE}),
    ("POST", "/needs/{need_id}/submit"): Case("302 302 404 403 302 302", STALE),
    ("POST", "/needs/{need_id}/cancel"): Case("302 302 404 403 302 302", STALE),
    ("POST", "/needs/{target_id}/claim"): Case("302 302 404 403 302 302", {"commitment": ""}),
    ("GET", "/resources"): Case("302 200 200 200 200 200"),
    ("GET", "/resources/new"): Case("302 200 200 403 200 200"),
    ("POST", "/resources/new"): Case("302 200 200 403 200 200", {"title": ""}),
    ("GET", "/resources/{resource_id}"): Case("302 200 404 200 200 200"),
    ("GET", "/resources/{resource_id}/edit"): Case("302 200 404 403 200 200"),
    ("POST", "/resources/{resource_id}/edit"): Case("302 200 404 403 200 200", {"title": "", **STALE}),
    ("POST", "/resources/{resource_id}/offer"): Case("302 302 404 403 302 302", STALE),
    ("POST", "/resources/{resource_id}/withdraw"): Case("302 302 404 403 302 302", STALE),
    ("GET", "/projects/new"): Case("302 403 403 403 200 200"),
    ("POST", "/projects/new"): Case("302 403 403 403 200 200", {"title": ""}),
    ("GET", "/projects/{project_id}"): Case("302 200 404 200 200 200"),
    ("GET", "/projects/{project_id}/edit"): Case("302 403 403 403 200 200"),
    ("POST", "/projects/{project_id}/edit"): Case("302 403 403 403 200 200", {"title": "", **STALE}),
    ("POST", "/projects/{project_id}/transition"): Case("302 403 404 403 302 302",
                                                        {"to_stage": "stopped", **STALE}),
    ("POST", "/projects/{target_id}/claim"): Case("302 302 404 403 302 302", {"commitment": ""}),
    ("GET", "/claims"): Case("302 200 200 200 200 200"),
    ("POST", "/claims/{claim_id}/decide"): Case("302 403 403 403 302 302", STALE),
    ("POST", "/claims/{claim_id}/withdraw"): Case("302 302 404 403 302 302", STALE),
    ("GET", "/lists/figures"): Case("302 200 200 200 200 200"),
    ("GET", "/lists/three-lists.xlsx"): Case("302 200 200 200 200 200"),
    # the annual report: it counts every unit's records, so readers of all units only (issue 14)
    ("GET", "/reports/annual?year=2020"): Case("302 403 403 200 200 200"),
    ("GET", "/api/v1/reports/annual?year=2020"): Case("401 403 403 200 200 200"),
    ("GET", "/api/v1/reports/annual.docx?year=2020"): Case("401 403 403 200 200 200"),
    ("GET", "/api/v1/reports/annual.xlsx?year=2020"): Case("401 403 403 200 200 200"),
    ("GET", "/api/v1/list-categories"): Case("401 200 200 200 200 200"),
    ("POST", "/api/v1/list-categories"): Case("401 403 403 403 422 422", {"kind": "need", "name": ""}),
    ("GET", "/api/v1/needs"): Case("401 200 200 200 200 200"),
    ("POST", "/api/v1/needs"): Case("401 422 422 403 422 422", {"title": ""}),
    ("GET", "/api/v1/needs/{need_id}"): Case("401 200 404 200 200 200"),
    ("PATCH", "/api/v1/needs/{need_id}"): Case("401 409 404 403 409 409", {"version": 0}),
    ("DELETE", "/api/v1/needs/{need_id}?version=0"): Case("401 409 404 403 409 409"),
    ("POST", "/api/v1/needs/{need_id}/submit?version=0"): Case("401 409 404 403 409 409"),
    ("POST", "/api/v1/needs/{need_id}/cancel?version=0"): Case("401 409 404 403 409 409"),
    ("GET", "/api/v1/needs/{need_id}/suggestions"): Case("401 200 404 200 200 200"),
    ("GET", "/api/v1/resources"): Case("401 200 200 200 200 200"),
    ("POST", "/api/v1/resources"): Case("401 422 422 403 422 422", {"title": ""}),
    ("GET", "/api/v1/resources/{resource_id}"): Case("401 200 404 200 200 200"),
    ("PATCH", "/api/v1/resources/{resource_id}"): Case("401 409 404 403 409 409", {"version": 0}),
    ("POST", "/api/v1/resources/{resource_id}/offer?version=0"): Case("401 409 404 403 409 409"),
    ("POST", "/api/v1/resources/{resource_id}/withdraw?version=0"): Case("401 409 404 403 409 409"),
    ("GET", "/api/v1/resources/{resource_id}/suggestions"): Case("401 200 404 200 200 200"),
    ("GET", "/api/v1/projects"): Case("401 200 200 200 200 200"),
    ("POST", "/api/v1/projects"): Case("401 403 403 403 422 422", {"title": ""}),
    ("GET", "/api/v1/projects/{project_id}"): Case("401 200 404 200 200 200"),
    ("PATCH", "/api/v1/projects/{project_id}"): Case("401 403 403 403 409 409", {"version": 0}),
    ("POST", "/api/v1/projects/{project_id}/transitions"): Case("401 403 404 403 409 409",
                                                                {"to_stage": "stopped", "version": 0}),
    ("GET", "/api/v1/claims"): Case("401 200 200 200 200 200"),
    ("POST", "/api/v1/claims"): Case("401 422 422 403 422 422", {"commitment": ""}),
    ("GET", "/api/v1/claims/{claim_id}"): Case("401 200 404 200 200 200"),
    ("POST", "/api/v1/claims/{claim_id}/decision"): Case("401 403 403 403 409 409", {"accept": True, "version": 0}),
    ("POST", "/api/v1/claims/{claim_id}/withdraw?version=0"): Case("401 409 404 403 409 409"),
    ("GET", "/api/v1/reports/three-lists.xlsx"): Case("401 200 200 200 200 200"),
    # hardening: one's own API tokens (ids no one owns answer 404; the revoke-all rows come
    # last, as they end the tokens the API rows above use)
    ("GET", "/account/tokens"): Case("302 200 200 200 200 200"),
    ("POST", "/account/tokens/{token_id}/revoke"): Case("302 404 404 404 404 404", {}),
    ("GET", "/api/v1/tokens"): Case("401 200 200 200 200 200"),
    ("DELETE", "/api/v1/tokens/{token_id}"): Case("401 404 404 404 404 404"),
    ("DELETE", "/api/v1/tokens"): Case("401 200 200 200 200 200"),
    ("POST", "/account/tokens/revoke-all"): Case("302 302 302 302 302 302", {}),
}


def _rule_key(method: str, path: str) -> tuple[str, str]:
    """('GET', '/units/<int:unit_id>') for a matrix key like ('GET', '/units/{unit_id}?x=1')."""
    import re

    path = path.split("?")[0]
    path = re.sub(r"\{(" + "|".join(STRING_PARAMS) + r")\}", r"<\1>", path)
    return method, re.sub(r"\{(\w+)\}", r"<int:\1>", path)


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
        ratings_ids = _ratings_world(world)
    photo = activity.photos[0]
    from tests.civic.world import make_civic_records

    civic_ids = make_civic_records(world)  # civic practice
    meeting_ids = _matrix_meeting(world, person)
    lists_ids = _lists_records(world)
    notification_ids = _notification_records(world)
    return world, {**civic_ids, **meeting_ids, **lists_ids, **notification_ids,
        "unit_id": world.unit_a.id, "person_id": person.id, "role_id": role.id,
        "user_id": world.liaison_a.id, "activity_id": activity.id, "photo_id": photo.id,
        "unit_name": world.unit_a.name, "mobile": person.mobile, "kind": "units", **ratings_ids,
        "token_id": 999999,  # hardening: a token nobody owns
        # records of unit B (the other liaison's own), for rows that name another unit's record
        "other_unit_id": world.unit_b.id, "other_person_id": other_person.id,
        "other_role_id": other_role.id,
    }


def _notification_records(world) -> dict:
    """reminders (issue 14): an unread notification of unit A's liaison, and its unsubscribe link."""
    from alliance.extensions import db
    from alliance.notifications.models import Notification
    from alliance.notifications.services import unsubscribe_token

    note = Notification(user_id=world.liaison_a.id, kind="need_overdue", occasion="need:1", title="需求逾期",
                        body="", url="/needs")
    db.session.add(note)
    db.session.commit()
    return {"notification_id": note.id, "unsubscribe_token": unsubscribe_token(world.liaison_a.id, "need_overdue")}


def _matrix_meeting(world, person) -> dict:
    """meetings (issue 8): a meeting of 2021 (sign-in closed) that invited unit A's secretary."""
    from datetime import datetime, timedelta

    from sqlalchemy import select

    from alliance.audit.context import acting_as
    from alliance.core.dates import LOCAL_TZ
    from alliance.extensions import db
    from alliance.meetings import services as meetings
    from alliance.meetings.models import ReplySlip
    from tests.factories import SETUP

    start = datetime(2021, 1, 21, 14, tzinfo=LOCAL_TZ)
    with acting_as(SETUP):
        meeting = meetings.create_meeting({"kind": "joint", "title": "联席会", "starts_at": start,
                                           "ends_at": start + timedelta(hours=2)},
                                          alliance_id=world.alliance.id)
        attendance = meetings.invite_person(meeting, person.id)
        item = meetings.add_action_item(meeting, {"decision": "对接三张清单"})
        secret = meetings.issue_calendar_feed(world.liaison_a)
        db.session.commit()
    slip = db.session.scalar(select(ReplySlip).where(ReplySlip.meeting_id == meeting.id))
    return {"meeting_id": meeting.id, "attendance_id": attendance.id, "item_id": item.id,
            "slip_id": slip.id, "signin_key": meeting.signin_key, "feed_secret": secret}
def _ratings_world(world) -> dict:
    """Ratings area: an organization of unit A, a 2021 rubric, its rating being self-assessed
    (not public) and an objection on it."""
    from alliance.extensions import db
    from alliance.ratings import services as ratings
    from alliance.ratings.models import RatingObjection

    organization = ratings.create_organization(
        {"name": "儿科医院党委", "kind": "committee", "unit_id": world.unit_a.id},
        alliance_id=world.alliance.id)
    rubric = ratings.create_rubric({"year": 2021}, alliance_id=world.alliance.id)
    rating = ratings.start_rating(organization, 2021)
    objection = RatingObjection(alliance_id=world.alliance.id, rating_id=rating.id, raised_by="群众",
                                raised_on=date(2021, 12, 1), content="异议")
    db.session.add(objection)
    from werkzeug.datastructures import FileStorage

    from alliance.ratings.evidence import add_evidence

    evidence = add_evidence(rating, "D1-1", FileStorage(io.BytesIO(b"%PDF-1.4 minutes"), filename="学习记录.pdf"))
    db.session.commit()
    return {"organization_id": organization.id, "rubric_id": rubric.id, "rating_id": rating.id,
            "objection_id": objection.id, "evidence_id": evidence.id}
def _lists_records(world) -> dict:
    """Lists area: a draft need, a draft resource, an unreleased project led by unit A, and a
    pending claim of unit A on an open need of unit B."""
    from tests.lists import make_need, make_project, make_resource, seed

    seed(world.alliance.id)
    need = make_need(world.liaison_a, world.unit_a, submit=False)
    resource = make_resource(world.liaison_a, world.unit_a, offer=False)
    project = make_project(world.staff, lead_unit_id=world.unit_a.id)
    open_need = make_need(world.liaison_b, world.unit_b, title="许泾村互助养老")
    from alliance.audit.context import acting_as
    from alliance.extensions import db
    from alliance.lists import services as lists
    from tests.factories import SETUP

    with acting_as(SETUP):
        claim = lists.create_claim(world.liaison_a, unit=world.unit_a, commitment="每周两次上门",
                                   need=open_need)
        db.session.commit()
    return {"need_id": need.id, "resource_id": resource.id, "project_id": project.id,
            "claim_id": claim.id, "target_id": need.id}


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

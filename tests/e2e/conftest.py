"""Browser tests: Playwright (pytest-playwright) driving Debian's chromium against a live server.

* Every test in this folder is marked ``e2e`` (``-m "not e2e"`` leaves them out).
* Without ``/usr/bin/chromium`` (``CHROMIUM_PATH`` to change it) the tests are skipped, with the
  reason; with ``CI=true`` or ``ALLIANCE_E2E=1`` they fail instead. ``ALLIANCE_E2E=0`` skips them.
  Never ``playwright install``: the driver is in the wheel, the browser comes from apt.
* ``live_server``: a fresh app (``create_app("testing")`` with CSRF on, as in production) on this
  test's own copy of the migrated database (``database_url``: a copy of the SQLite template, or
  the PostgreSQL throwaway database), served by Werkzeug in a thread. It has its own app object
  and never shares the test's app context; use ``live_server.app_context()`` to look at the data.
* ``live_world``: accounts and units seeded through the factories in the live app; plain values
  (usernames, ids, names), so nothing is bound to a closed session.
* ``page`` (desktop, 1280 × 720) and ``phone`` (390 × 844, touch, mobile viewport), both zh-CN,
  Asia/Shanghai, ``base_url`` = the live server (``page.goto("/units")``). ``log_in(page, user)``
  signs in through the login form.
* Every browser context is watched: a request to any host other than the live server (the
  deployments sit on intranets with no CDN), a failed asset, a console error (CSP refusals
  included), an uncaught script error, or a server exception fails the test.
* Each page leaves a full-page screenshot in the test's ``tmp_path`` (``desktop.png``,
  ``phone.png``); its path is in the test report's user properties.
"""
from __future__ import annotations

import os
import re
import threading
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from tests import factories

HERE = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}
TIMEOUT_MS = 10_000  # actions and assertions; a local page that takes longer is a failure
_GUARD = pytest.StashKey["BrowserGuard"]()


# --- marking, skipping -----------------------------------------------------------------------

@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(config, items):
    # This hook sees the whole session's items, not only this folder's.
    for item in items:
        if HERE in Path(item.path).parents:
            item.add_marker(pytest.mark.e2e)


def _browser_unavailable() -> tuple[str, bool] | None:
    """(reason, must fail) when the browser tests cannot run here, else None."""
    switch = os.environ.get("ALLIANCE_E2E", "").strip()
    if switch == "0":
        return "browser tests switched off (ALLIANCE_E2E=0)", False
    if Path(CHROMIUM).exists():
        return None
    reason = (f"no browser: {CHROMIUM} is missing (apt-get install -y chromium fonts-noto-cjk; "
              "never `playwright install`)")
    if os.environ.get("CI", "").lower() == "true":
        return reason + "; CI=true makes the browser tests mandatory", True
    if switch == "1":
        return reason + "; ALLIANCE_E2E=1 asks for the browser tests", True
    return reason, False


def pytest_runtest_setup(item):
    # Runs after the skip marks are honoured, before any fixture launches the browser.
    problem = _browser_unavailable()
    if problem:
        reason, must_fail = problem
        if must_fail:
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield  # a test that failed by itself is reported as it is
    guard = item.stash.get(_GUARD, None)
    if guard is not None:
        guard.check()
    return result


# --- the live server -------------------------------------------------------------------------

@dataclass
class LiveServer:
    url: str
    app: object
    errors: list[str] = field(default_factory=list)  # tracebacks of exceptions in views

    @property
    def netloc(self) -> str:
        return urlsplit(self.url).netloc

    def app_context(self):
        """The live app's context, to read or seed data from the test (not the server) thread."""
        return self.app.app_context()


@pytest.fixture
def live_server(database_url, tmp_path):
    from flask import got_request_exception
    from werkzeug.serving import make_server

    from alliance import create_app
    from alliance.extensions import db

    app = create_app("testing", {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "WTF_CSRF_ENABLED": True,  # a real browser posts real tokens
    })
    server = make_server("127.0.0.1", 0, app, threaded=True)
    live = LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=app)

    def record(sender, exception, **extra):
        live.errors.append("".join(traceback.format_exception(exception)))

    got_request_exception.connect(record, app)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield live
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        got_request_exception.disconnect(record, app)
        with app.app_context():  # before database_url truncates (PostgreSQL) or is deleted
            db.session.remove()
            db.engine.dispose()


@dataclass(frozen=True)
class UnitRef:
    id: int
    name: str


@dataclass(frozen=True)
class LiveWorld:
    """What ``live_world`` seeded: usernames (all with ``password``) and units."""

    alliance_name: str
    unit_a: UnitRef
    unit_b: UnitRef
    other_unit: UnitRef  # in another alliance: must never show
    admin: str
    staff: str
    organizer: str
    liaison_a: str  # liaison of unit_a
    liaison_b: str  # liaison of unit_b
    password: str = factories.PASSWORD


@pytest.fixture
def live_world(live_server) -> LiveWorld:
    """Like the ``world`` fixture, seeded in the live app. Unit A's credit code is not
    VALID_USCC[0], so tests may enter that one (91310112MA1GBUG23E) for a new unit."""
    from alliance.extensions import db

    with live_server.app_context():
        alliance = factories.make_alliance()
        unit_a = factories.make_unit(alliance, "复旦大学附属儿科医院", category="hospital",
                                     uscc=factories.VALID_USCC[1])
        unit_b = factories.make_unit(alliance, "建设银行闵行支行", category="bank")
        other = factories.make_alliance("hongqiao", "虹桥镇区域化党建联盟")
        other_unit = factories.make_unit(other, "虹桥某单位")
        for role in ("admin", "staff", "organizer"):
            factories.make_user(alliance, role, role)
        factories.make_user(alliance, "liaison", "liaison_a", unit=unit_a)
        factories.make_user(alliance, "liaison", "liaison_b", unit=unit_b)
        factories.make_user(other, "admin", "other_admin")
        world = LiveWorld(
            alliance_name=alliance.name,
            unit_a=UnitRef(unit_a.id, unit_a.name), unit_b=UnitRef(unit_b.id, unit_b.name),
            other_unit=UnitRef(other_unit.id, other_unit.name),
            admin="admin", staff="staff", organizer="organizer",
            liaison_a="liaison_a", liaison_b="liaison_b")
        db.session.remove()
    return world


# --- the browser -----------------------------------------------------------------------------

class BrowserGuard:
    """Watches browser contexts; ``check()`` fails the test on anything off-site or broken."""

    def __init__(self, server: LiveServer):
        self.server = server
        self.contexts: list = []
        self.offsite: list[str] = []
        self.failed_assets: list[str] = []
        self.console_errors: list[str] = []
        self.script_errors: list[str] = []

    def watch(self, context) -> None:
        self.contexts.append(context)
        context.on("request", self._on_request)
        context.on("response", self._on_response)
        context.on("console", self._on_console)
        context.on("weberror", self._on_script_error)

    def _is_local(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in ("data", "blob", "about") or parts.netloc == self.server.netloc

    def _on_request(self, request) -> None:
        if not self._is_local(request.url):
            self.offsite.append(f"{request.method} {request.url} ({request.resource_type})")

    def _on_response(self, response) -> None:
        # A page may answer 4xx on purpose (a refused form); its assets may not.
        if (response.status >= 400 and response.request.resource_type != "document"
                and self._is_local(response.url)):
            self.failed_assets.append(f"{response.status} {response.url}")

    def _on_console(self, message) -> None:
        # "Failed to load resource" duplicates _on_response (and covers intended 4xx pages).
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.console_errors.append(message.text)

    def _on_script_error(self, web_error) -> None:
        self.script_errors.append(str(web_error.error))

    def _flush_events(self) -> None:
        """A round trip to each page so that events already sent by the browser are handled."""
        for context in self.contexts:
            for page in context.pages:
                try:
                    page.evaluate("0")
                except PlaywrightError:
                    pass

    def check(self) -> None:
        self._flush_events()
        problems = [
            ("requests to hosts other than the live server (no CDN on an intranet)", self.offsite),
            ("assets that failed to load", self.failed_assets),
            ("console errors (CSP refusals included)", self.console_errors),
            ("uncaught script errors", self.script_errors),
            ("exceptions in the server", self.server.errors),
        ]
        found = [f"{title}:\n" + "\n".join(f"  {item}" for item in items)
                 for title, items in problems if items]
        if found:
            pytest.fail("The browser saw problems:\n" + "\n".join(found), pytrace=False)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM}


@pytest.fixture
def browser_context_args(browser_context_args, live_server):
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai",
            "base_url": live_server.url}


@pytest.fixture
def browser_guard(live_server, request) -> BrowserGuard:
    guard = BrowserGuard(live_server)
    request.node.stash[_GUARD] = guard
    return guard


@pytest.fixture
def new_context(new_context, browser_guard):
    """pytest-playwright's context factory, with every context watched by the guard."""

    def _new_context(**kwargs):
        context = new_context(**kwargs)
        context.set_default_timeout(TIMEOUT_MS)
        browser_guard.watch(context)
        return context

    return _new_context


def _screenshot(page, path: Path, request) -> None:
    try:
        page.screenshot(path=path, full_page=True)
    except PlaywrightError:
        return  # the page is gone; the test's own failure says why
    request.node.user_properties.append(("screenshot", str(path)))


@pytest.fixture
def page(context, tmp_path, request):
    """A desktop page (1280 × 720); leaves ``desktop.png`` in tmp_path."""
    page = context.new_page()
    yield page
    _screenshot(page, tmp_path / "desktop.png", request)


@pytest.fixture
def phone(new_context, tmp_path, request):
    """A page in a phone-sized window (390 × 844, touch); leaves ``phone.png`` in tmp_path."""
    page = new_context(**PHONE).new_page()
    yield page
    _screenshot(page, tmp_path / "phone.png", request)


@pytest.fixture(autouse=True)
def _expect_timeout():
    expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture
def log_in():
    """``log_in(page, username)``: sign in through the login form and wait to leave it."""

    def _log_in(page, username: str, password: str = factories.PASSWORD):
        page.goto("/login")
        page.get_by_label("用户名", exact=True).fill(username)
        page.get_by_label("密码", exact=True).fill(password)
        page.get_by_role("button", name="登录", exact=True).click()
        expect(page).not_to_have_url(re.compile(r"/login(\?|$)"))
        # The URL changes when the next page starts; its scripts (Bootstrap's collapse, the
        # pickers) are there only once it has loaded: a tap before that does nothing.
        page.wait_for_load_state("load")
        return page

    return _log_in

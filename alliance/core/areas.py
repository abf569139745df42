"""One place to register an area.

Each area (``alliance/<area>/``) declares what it brings in its own ``area.py``::

    AREA = Area(
        name="meetings",
        label="联席会议",
        init_app=_init_app,                 # blueprints (web + API), CLI commands, filters
        models=("alliance.meetings.models",),
        nav=(NavItem("联席会议", "meetings.list_meetings", also_active_on=("meetings.",)),),
        record_types={"Meeting": "会议"},
        field_labels={"Meeting": {"title": "标题", ...}},
        code_labels={("Meeting", "status"): MEETING_STATUSES},
        # the change log (audit/display.py) finds foreign keys, dates and a name column itself:
        references={"Meeting": {"minutes_by": "Person"}},  # ids that no foreign key declares
        record_names={"Meeting": "title"},  # the column that names a record (default: name, title...)
        hidden_fields={"Meeting": frozenset({"signin_key"})},  # internal fields never shown
        jobs={"meeting_reminders": Job(send_reminders, timedelta(hours=1))},
        reminders=(ReminderRule("meeting_tomorrow", "会议提醒", meetings_tomorrow),),
        home_panels=(HomePanel("meetings.upcoming", "meetings/_panel.html", upcoming_for),),
        demo=load_demo_meetings,            # called with the demo alliance, in area order
    )

``create_app`` walks ``app.config["AREAS"]`` (module paths such as ``"alliance.meetings"``),
imports ``<path>.area`` and registers its ``AREA``. ``core/`` and ``audit/`` import no area:
they read what was registered through :func:`registry`.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from importlib import import_module
from typing import Any, NamedTuple

from flask import Flask, current_app, request, url_for

EXTENSION_KEY = "alliance.areas"


@dataclass(frozen=True)
class NavItem:
    """An entry of the navigation bar (shown only to ``roles``, or to every signed-in role)."""

    label: str
    endpoint: str
    roles: frozenset[str] | None = None
    also_active_on: tuple[str, ...] = ()  # endpoints (or "blueprint." prefixes) under this item
    order: int = 100  # lower comes first

    @property
    def url(self) -> str:
        return url_for(self.endpoint)

    @property
    def is_active(self) -> bool:
        endpoint = request.endpoint or ""
        return endpoint == self.endpoint or any(endpoint.startswith(p) for p in self.also_active_on)


@dataclass(frozen=True)
class Job:
    """A scheduled job: ``function()`` commits once at its end and returns something printable."""

    function: Callable[[], Any]
    interval: timedelta


@dataclass(frozen=True)
class HomePanel:
    """A panel of the home page (workbench). ``context(user)`` returns the template's variables,
    or None when the panel has nothing to show that user."""

    name: str
    template: str
    context: Callable[[Any], Mapping[str, Any] | None]
    roles: frozenset[str] | None = None
    order: int = 100


class Reminder(NamedTuple):
    """One reminder a rule finds due: for one account, on one occasion (the occasion key makes
    it once only: ``notifications`` keeps (account, kind, occasion) unique)."""

    user_id: int
    occasion: str  # e.g. "meeting:12" or "action:7:overdue"
    title: str  # Chinese, shown in the bell and the e-mail
    body: str
    url: str  # a path such as /meetings/12


@dataclass(frozen=True)
class ReminderRule:
    """A kind of reminder an area brings: ``function(now)`` yields the :class:`Reminder` due at
    ``now`` (an aware UTC datetime); it reads with a bounded number of queries and writes nothing."""

    kind: str  # stable code, e.g. "meeting_tomorrow"
    label: str  # Chinese, e.g. "会议前一天提醒" (preferences page, unsubscribe)
    function: Callable[[datetime], Iterable[Reminder]]


@dataclass(frozen=True)
class Area:
    """What one area brings to the app; see the module docstring."""

    name: str
    label: str = ""
    init_app: Callable[[Flask], None] | None = None
    models: tuple[str, ...] = ()
    nav: tuple[NavItem, ...] = ()
    record_types: Mapping[str, str] = field(default_factory=dict)
    field_labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    code_labels: Mapping[tuple[str, str], Any] = field(default_factory=dict)
    # How the change log shows fields (alliance/audit/display.py). Foreign keys are found in the
    # models; ``references`` adds or overrides {record type: {field: referenced record type}}.
    references: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    record_names: Mapping[str, str] = field(default_factory=dict)  # {record type: column}
    hidden_fields: Mapping[str, frozenset[str]] = field(default_factory=dict)  # internal fields
    jobs: Mapping[str, Job] = field(default_factory=dict)
    home_panels: tuple[HomePanel, ...] = ()
    demo: Callable[..., Any] | None = None
    import_kinds: tuple[Any, ...] = ()  # core.import_runner.ImportKind: spreadsheets it accepts
    reminders: tuple[ReminderRule, ...] = ()  # kinds of reminder (alliance/notifications)
    # Figures every page shows about the signed-in account (the bell's unread count): {name:
    # function() -> a scalar subquery correlated to ``User.id``}. The session's query reads
    # them with the account, so a page pays no statement for them (alliance/auth/sessions.py).
    account_figures: Mapping[str, Callable[[], Any]] = field(default_factory=dict)


class Registry:
    """The areas of one app, in registration order, and what they declare merged."""

    def __init__(self, areas: Iterable[Area] = ()):
        self.areas: list[Area] = []
        for area in areas:
            self.add(area)

    def add(self, area: Area) -> None:
        if any(a.name == area.name for a in self.areas):
            raise ValueError(f"area {area.name!r} registered twice")
        for name in area.jobs:
            if name in self.jobs:
                raise ValueError(f"job {name!r} of area {area.name!r} is already registered")
        for rule in area.reminders:
            if rule.kind in self.reminders:
                raise ValueError(f"reminder {rule.kind!r} of area {area.name!r} is already registered")
        self.areas.append(area)

    @property
    def nav(self) -> list[NavItem]:
        return sorted((item for a in self.areas for item in a.nav), key=lambda i: i.order)

    @property
    def record_types(self) -> dict[str, str]:
        return {k: v for a in self.areas for k, v in a.record_types.items()}

    @property
    def field_labels(self) -> dict[str, dict[str, str]]:
        merged: dict[str, dict[str, str]] = {}
        for area in self.areas:
            for record_type, labels in area.field_labels.items():
                merged.setdefault(record_type, {}).update(labels)
        return merged

    @property
    def code_labels(self) -> dict[tuple[str, str], Any]:
        return {k: v for a in self.areas for k, v in a.code_labels.items()}

    @property
    def references(self) -> dict[str, dict[str, str]]:
        merged: dict[str, dict[str, str]] = {}
        for area in self.areas:
            for record_type, fields in area.references.items():
                merged.setdefault(record_type, {}).update(fields)
        return merged

    @property
    def record_names(self) -> dict[str, str]:
        return {k: v for a in self.areas for k, v in a.record_names.items()}

    @property
    def hidden_fields(self) -> dict[str, frozenset[str]]:
        merged: dict[str, frozenset[str]] = {}
        for area in self.areas:
            for record_type, fields in area.hidden_fields.items():
                merged[record_type] = merged.get(record_type, frozenset()) | fields
        return merged

    @property
    def jobs(self) -> dict[str, Job]:
        return {k: v for a in self.areas for k, v in a.jobs.items()}

    @property
    def home_panels(self) -> list[HomePanel]:
        return sorted((p for a in self.areas for p in a.home_panels), key=lambda p: p.order)

    @property
    def import_kinds(self) -> dict[str, Any]:
        return {kind.name: kind for a in self.areas for kind in a.import_kinds}

    @property
    def reminders(self) -> dict[str, ReminderRule]:
        return {rule.kind: rule for a in self.areas for rule in a.reminders}

    @property
    def account_figures(self) -> dict[str, Callable[[], Any]]:
        return {k: v for a in self.areas for k, v in a.account_figures.items()}

    @property
    def demo_steps(self) -> list[tuple[str, Callable[..., Any]]]:
        return [(a.name, a.demo) for a in self.areas if a.demo is not None]


def load_area(path: str) -> Area:
    """The ``AREA`` declared in ``<path>.area`` (importing it imports the area's models)."""
    module = import_module(f"{path}.area")
    area = module.AREA
    for models in area.models:
        import_module(models)
    return area


def register_areas(app: Flask, paths: Iterable[str]) -> Registry:
    """Import and register each area, then let it hook itself into the app."""
    registry = Registry(load_area(path) for path in paths)
    app.extensions[EXTENSION_KEY] = registry
    with app.app_context():  # so what an area builds at registration can read the registry
        for area in registry.areas:
            if area.init_app is not None:
                area.init_app(app)
    return registry


def registry(app: Flask | None = None) -> Registry:
    """The areas of ``app`` (default: the current app)."""
    return (app or current_app).extensions[EXTENSION_KEY]

"""Imports every model so the metadata (Alembic, tests) sees all tables."""
from alliance.activities.models import Activity, ActivityPhoto  # noqa: F401
from alliance.audit.models import AuditEntry  # noqa: F401
from alliance.auth.models import ApiToken, LoginAttempt, User, WebSession  # noqa: F401
from alliance.members.models import Alliance, MemberUnit, Person, UnitRole  # noqa: F401

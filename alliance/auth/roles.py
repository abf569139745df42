"""The account roles live in :mod:`alliance.core.roles` (core imports no area); kept for imports."""
from alliance.core.roles import (ACCOUNT_ROLES, ADMIN, ALL_ROLES, LIAISON, MANAGERS,  # noqa: F401
                                 ORGANIZER, READERS_OF_ALL, STAFF)

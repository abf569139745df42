"""The account roles live in :mod:`alliance.core.roles` (core imports no area); kept for imports."""
from alliance.core.roles import (  # noqa: F401
                                 ACCOUNT_ROLES,
                                 ADMIN,
                                 ALL_ROLES,
                                 LIAISON,
                                 MANAGERS,
                                 ORGANIZER,
                                 READERS_OF_ALL,
                                 STAFF,
)

"""Configuration classes, chosen by ``ALLIANCE_CONFIG`` (development, testing, production).

Every setting can be overridden from the environment; nothing secret lives in this folder.
"""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("ALLIANCE_INSTANCE_DIR", BASE_DIR / "instance"))


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _development_secret_key() -> str:
    """Create a random key once and keep it in ``instance/`` so restarts keep sessions valid."""
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


class DefaultConfig:
    """Settings shared by every environment."""

    # The areas of the app, in order (menus, jobs, demo steps follow it); see alliance/core/areas.py.
    AREAS: tuple[str, ...] = (
        "alliance.auth",
        "alliance.members",
        "alliance.activities",
        "alliance.imports",
        "alliance.civic",
        "alliance.meetings",
        "alliance.ratings",
        "alliance.lists",
        "alliance.reports",
        "alliance.audit",
        "alliance.notifications",
        "alliance.backup",
        "alliance.demo",
    )

    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'alliance.db'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    # SQLite waits this long (seconds) for another gunicorn worker's write lock.
    SQLITE_BUSY_TIMEOUT = int(os.environ.get("SQLITE_BUSY_TIMEOUT", "15"))

    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER", str(INSTANCE_DIR / "uploads"))
    MAX_CONTENT_LENGTH = 9 * 5 * 1024 * 1024 + 1024 * 1024  # nine photos of 5 MB, plus the form
    PHOTO_MAX_BYTES = 5 * 1024 * 1024
    DOCUMENT_MAX_BYTES = 10 * 1024 * 1024  # meeting files, rating evidence (alliance/core/uploads.py)
    # Images are refused from their header beyond these, before a pixel is decoded (Pillow's own
    # bomb limit is 89 million pixels); phone (12 MP) and camera photos up to 40 MP pass.
    UPLOAD_MAX_PIXELS = 40_000_000
    UPLOAD_MAX_DECODED_BYTES = 160 * 1024 * 1024
    UPLOAD_MAX_PIXELS_PER_REQUEST = 200_000_000  # all images of one request: bounds its work
    PHOTOS_PER_ACTIVITY = 9

    # Sessions live in the database (see alliance/auth/sessions.py).
    SESSION_COOKIE_NAME = "alliance_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    SESSION_IDLE_TIMEOUT = timedelta(minutes=int(os.environ.get("SESSION_IDLE_MINUTES", "30")))
    # However active, a session ends this long after login (hardening, issue #3).
    SESSION_MAX_AGE = timedelta(hours=int(os.environ.get("SESSION_MAX_HOURS", "12")))
    # API tokens expire this many days after they are issued.
    API_TOKEN_DAYS = int(os.environ.get("API_TOKEN_DAYS", "90"))
    REMEMBER_COOKIE_HTTPONLY = True

    # Login throttling, counted in the database so it holds across workers: after the free
    # failures each further one doubles the wait (2 s, 4 s, ... up to LOGIN_MAX_DELAY); see
    # alliance/auth/services.py check_throttle.
    LOGIN_THROTTLE_WINDOW = timedelta(minutes=15)
    LOGIN_FREE_FAILURES_PER_PAIR = 3  # one account from one address
    LOGIN_FREE_FAILURES_PER_ACCOUNT = 10  # from unknown places only
    LOGIN_FREE_FAILURES_PER_ADDRESS = 30  # all accounts, from unknown places only
    TOKEN_FREE_FAILURES_PER_ADDRESS = 10  # bad API tokens, counted apart from logins
    LOGIN_MAX_DELAY = timedelta(minutes=15)
    KNOWN_ADDRESS_PERIOD = timedelta(days=30)
    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 - an algorithm name

    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the (idle-limited) session
    WTF_I18N_ENABLED = False  # use WTForms' own Chinese messages (Meta.locales), no Babel needed

    BOOTSTRAP_SERVE_LOCAL = True

    API_TITLE = "联盟通 Alliance 接口"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api"
    OPENAPI_JSON_PATH = "openapi.json"
    API_SPEC_OPTIONS = {
        "info": {"description": "区域化党建联盟管理系统接口。认证：浏览器会话或 `Authorization: Bearer <token>`。"},
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}
        },
        "security": [{"bearerAuth": []}],
    }

    # Reminders and e-mail digests (alliance/notifications; README "Reminders, e-mail digests and
    # backups"). No MAIL_SERVER: reminders show in the bell only. The settings are checked when
    # the app starts (a malformed one fails create_app).
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = os.environ.get("MAIL_PORT", "")  # default 25, 587 with TLS, 465 with SSL
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "false")  # STARTTLS
    MAIL_USE_SSL = os.environ.get("MAIL_USE_SSL", "false")  # SMTPS
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "联盟通 <noreply@localhost>")
    MAIL_TIMEOUT = os.environ.get("MAIL_TIMEOUT", "30")
    SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:5000")  # links in e-mails
    # The jobs' clock, fixed (ISO 8601) for rehearsals and tests; unset: the real time.
    NOTIFICATIONS_NOW = os.environ.get("NOTIFICATIONS_NOW")
    # Self-assessments of a rating year are due on this day (MM-DD) of that year.
    RATING_SELF_ASSESSMENT_DUE = os.environ.get("RATING_SELF_ASSESSMENT_DUE", "12-20")
    # Backups (alliance/backup): `flask backup create`, and the daily job keeps the newest BACKUP_KEEP.
    BACKUP_DIR = os.environ.get("BACKUP_DIR", str(INSTANCE_DIR / "backups"))
    BACKUP_KEEP = int(os.environ.get("BACKUP_KEEP", "14"))

    IS_PRODUCTION = False
    SCHEDULER_ENABLED = _env_bool("SCHEDULER_ENABLED", False)
    DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD")  # None: demo accounts get the documented default


class DevelopmentConfig(DefaultConfig):
    DEBUG = False  # served by gunicorn even in development; use `flask run --debug` for the debugger


class TestingConfig(DefaultConfig):
    TESTING = True
    SECRET_KEY = "testing-only-not-secret"  # noqa: S105 - the test config only
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    # Tests that exercise CSRF switch it back on; most post forms through the test client.
    WTF_CSRF_ENABLED = False
    # Hashing cost is not under test in most tests; the auth tests check scrypt explicitly.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # noqa: S105 - an algorithm name


class ProductionConfig(DefaultConfig):
    IS_PRODUCTION = True
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)
    PREFERRED_URL_SCHEME = "https"


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def load_config(name: str | None = None) -> type[DefaultConfig]:
    """Return the config class named by ``name`` or ``ALLIANCE_CONFIG`` (default: development)."""
    name = name or os.environ.get("ALLIANCE_CONFIG", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"ALLIANCE_CONFIG must be one of {', '.join(CONFIGS)}, not {name!r}") from None


def resolve_secret_key(config: type[DefaultConfig]) -> str:
    """SECRET_KEY from the environment; required in production, generated in development."""
    key = os.environ.get("SECRET_KEY") or getattr(config, "SECRET_KEY", None)
    if key:
        return key
    if config is ProductionConfig:
        raise RuntimeError("SECRET_KEY must be set in production (ALLIANCE_CONFIG=production)")
    return _development_secret_key()

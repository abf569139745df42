"""联盟通 Alliance: the application factory."""
from __future__ import annotations

from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from config import load_config, resolve_secret_key

PROJECT_DIR = Path(__file__).resolve().parent.parent


def create_app(config_name: str | None = None, test_config: dict | None = None) -> Flask:
    """Build the app: config, extensions, blueprints, CLI commands, error pages."""
    app = Flask(
        __name__,
        instance_path=str(_instance_dir()),
        template_folder=str(PROJECT_DIR / "templates"),
        static_folder=str(PROJECT_DIR / "static"),
    )
    config_class = load_config(config_name)
    app.config.from_object(config_class)
    app.config["SECRET_KEY"] = resolve_secret_key(config_class)
    if test_config:
        app.config.update(test_config)
    _configure_database(app)
    _trust_proxies(app)

    from alliance.api import RecordIdConverter

    # Before any route exists: every <int:...> id is bounded by the INTEGER column (404 beyond).
    app.url_map.converters["int"] = RecordIdConverter

    from alliance import api, web
    from alliance.core import scheduler
    from alliance.core.areas import register_areas
    from alliance.extensions import bootstrap, csrf, db, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_DIR / "migrations"))
    csrf.init_app(app)
    bootstrap.init_app(app)
    login_manager.init_app(app)

    import alliance.audit.recorder  # noqa: F401  (the flush hook that writes the audit trail)
    from alliance.auth.sessions import DatabaseSessionInterface

    app.session_interface = DatabaseSessionInterface()
    api.init_app(app)
    register_areas(app, app.config["AREAS"])
    web.init_app(app)
    scheduler.init_app(app)
    return app


def _instance_dir() -> Path:
    from config import INSTANCE_DIR

    return INSTANCE_DIR


def _configure_database(app: Flask) -> None:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}))
    if uri.startswith("sqlite"):
        # pysqlite's timeout is SQLite's busy timeout: wait for another worker's write lock.
        options["connect_args"] = {"timeout": app.config["SQLITE_BUSY_TIMEOUT"],
                                   **options.get("connect_args", {})}
        if uri.startswith("sqlite:///") and uri != "sqlite://":
            Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    elif uri.startswith("postgresql://"):
        uri = uri.replace("postgresql://", "postgresql+psycopg://", 1)  # psycopg 3, not psycopg2
    app.config["SQLALCHEMY_DATABASE_URI"] = uri
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def _trust_proxies(app: Flask) -> None:
    """Behind nginx, the client address arrives in X-Forwarded-For; trust only as many hops as
    configured (TRUSTED_PROXIES), or an attacker could forge their address."""
    import os

    hops = int(os.environ.get("TRUSTED_PROXIES", app.config.get("TRUSTED_PROXIES", 0)) or 0)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]


"""fieldapp: the phone app of Vietnam's power-distribution field teams."""

import os

from flask import Flask

from fieldapp.config import Config
from fieldapp.extensions import babel, compress, csrf, db, htmx, login_manager, migrate
from fieldapp.json_provider import OrjsonProvider
from fieldapp.urls import IdConverter


def create_app(config: type | dict | None = None) -> Flask:
    """Build the app: config, extensions, blueprints, CLI."""
    app = Flask(__name__, instance_path=os.environ.get("FIELDAPP_INSTANCE") or None)
    app.url_map.converters["int"] = IdConverter
    app.config.from_object(Config)
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)
    os.makedirs(app.instance_path, exist_ok=True)
    _default_database(app)
    app.json = OrjsonProvider(app)  # unsorted keys, a tenth of the json module's cost

    db.init_app(app)
    # Batch mode lets later migrations alter tables on SQLite too.
    migrate.init_app(
        app,
        db,
        directory=os.path.join(os.path.dirname(app.root_path), "migrations"),
        render_as_batch=True,
    )
    login_manager.init_app(app)
    babel.init_app(app)
    csrf.init_app(app)
    htmx.init_app(app)
    compress.init_app(app)

    from fieldapp import auth, models, reconnect, screens, security  # noqa: F401  (models: tables)
    from fieldapp.admin import bp as admin_bp
    from fieldapp.api import bp as api_bp
    from fieldapp.cli import register_cli
    from fieldapp.pwa import bp as pwa_bp
    from fieldapp.reports import bp as reports_bp
    from fieldapp.settings import bp as settings_bp

    auth.init_app(app)  # sessions, their expiry, limited sign-in
    security.init_app(app)  # response headers (CSP), no phone numbers in logs
    reconnect.init_app(app)  # a dropped database connection: the request runs again, once
    app.register_blueprint(api_bp)
    screens.init_app(app)  # the HTML pages: auth, tickets, desk, board, errors
    app.register_blueprint(reports_bp)
    app.register_blueprint(pwa_bp)  # /sw.js
    app.register_blueprint(settings_bp)
    app.register_blueprint(admin_bp)
    register_cli(app)
    return app


def _default_database(app: Flask) -> None:
    """Unset DATABASE_URL → a SQLite file in the instance folder, tuned for several processes."""
    uri = app.config.get("SQLALCHEMY_DATABASE_URI")
    if not uri:
        uri = "sqlite:///" + os.path.join(app.instance_path, "fieldapp.db")
        app.config["SQLALCHEMY_DATABASE_URI"] = uri
    if uri.startswith("sqlite"):
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options["connect_args"] = {"timeout": 30}
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options

"""PeerPath: trains new peer mentors and certifies them as ready to be matched."""

from __future__ import annotations

from typing import Any

from flask import Flask

from .config import PROJECT_ROOT, Config
from .course import ContentError, load_course
from .templating import Environment

__version__ = "0.1.0"


class PeerPath(Flask):
    jinja_environment = Environment


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: settings, extensions, the course (loaded once), blueprints."""
    app = PeerPath(
        __name__,
        instance_relative_config=True,
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.from_mapping(Config(app.instance_path).as_dict())
    if test_config:
        app.config.from_mapping(test_config)

    try:
        app.extensions["course"] = load_course(app.config["CONTENT_DIR"], app.config["QUIZZES_DIR"])
    except ContentError as error:
        # An author's mistake, not a crash: print their file and line, never a traceback.
        raise SystemExit(f"PeerPath cannot start: the course content has problems.\n{error}") from None

    from . import assets, cli, compression, database, fragments, preview, rate_limits, security, templating, urls  # noqa: F401  (rate_limits registers its storage)
    from .extensions import csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    database.init_app(app)
    cli.init_app(app)
    preview.init_app(app)
    security.init_app(app)
    assets.init_app(app)
    compression.init_app(app)

    from .admin import bp as admin_bp
    from .admin.forms import ROLE_LABELS
    from .api import bp as api_bp
    from .audit import ACTIONS
    from .auth import bp as auth_bp
    from .author import bp as author_bp
    from .certification.status import STATUS_LABELS
    from .coordinate import bp as coordinate_bp
    from .learn import bp as learn_bp
    from .site import bp as site_bp
    from .verify import bp as verify_bp

    app.jinja_env.globals["status_labels"] = STATUS_LABELS
    app.jinja_env.globals["role_labels"] = ROLE_LABELS
    app.jinja_env.globals["audit_actions"] = ACTIONS

    @app.context_processor
    def content_version() -> dict:
        return {"course_version": app.extensions["course"].version}

    app.register_blueprint(site_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(learn_bp)
    app.register_blueprint(verify_bp)
    app.register_blueprint(coordinate_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(author_bp)
    app.register_blueprint(admin_bp)
    templating.install(app)
    fragments.install(app)
    urls.install(app)  # after the blueprints, which may add URL defaults
    return app

"""PeerPath: trains new peer mentors and certifies them as ready to be matched."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from .config import PROJECT_ROOT, Config
from .course import ContentError, load_course
from .course.errors import display_path
from .course.identity import example_problem as example_identity_problem
from .course.procedure import example_problem
from .web.templating import Environment

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
    _refuse_the_examples(app)

    from . import database
    from .extensions import csrf, db, limiter, login_manager, migrate
    from .ops import cli
    from .web import assets, compression, converters, fragments, preview, rate_limits, security, templating  # noqa: F401  (rate_limits registers its storage)

    converters.install(app)
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
    templating.install(app)
    fragments.install(app)
    for blueprint in _blueprints():
        app.register_blueprint(blueprint)
    # Templates copy the globals when they load (templating.Environment): none may come later.
    templating.freeze_globals(app)
    return app


def _refuse_the_examples(app: Flask) -> None:
    """A server must not tell trainees to ring the shipped example's made-up safeguarding lead, nor
    print a made-up organisation and signatory on certificates. Debug, tests and the demo
    (``PEERPATH_DEMO=1``: ``make run``, ``make bench``) may."""
    if app.debug or app.testing or app.config["DEMO"]:
        return
    program_path = display_path(Path(app.config["CONTENT_DIR"]) / "program.yaml")
    program = app.extensions["course"].program
    for refusal in (
        example_problem(program.safeguarding, program_path),
        example_identity_problem(program.identity, program_path),
    ):
        if refusal:
            raise SystemExit(f"PeerPath cannot start: {refusal}")


def _blueprints() -> tuple:
    from .admin import bp as admin
    from .api import bp as api
    from .auth import bp as auth
    from .author_pages import bp as author
    from .coordinate import bp as coordinate
    from .learn import bp as learn
    from .site import bp as site
    from .verify import bp as verify

    return (site, auth, learn, verify, coordinate, api, author, admin)

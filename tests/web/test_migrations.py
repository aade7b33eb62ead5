"""Migrations build the schema from empty on the database in use, match the models, and
re-running them on an up-to-date database changes nothing."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import Migrate
from sqlalchemy import inspect, select, text

from app.extensions import db
from app.models import User, is_search_object

from ..conftest import forget_schema


# SQLAlchemy cannot reflect SQLite's expression indexes (lower(name)); it says so and compares the rest.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index")
def test_migrations_from_empty_to_head_match_the_models_and_rerun_as_a_no_op(make_app):
    app = make_app()
    runner = app.test_cli_runner()
    forget_schema()  # other tests must not assume the tables this test drops
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        assert inspect(db.engine).get_table_names() == []

        assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
        head = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config()).get_current_head()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"include_name": lambda name, type_, _: not is_search_object(name)}
            )
            assert context.get_current_revision() == head
            assert compare_metadata(context, db.metadata) == []  # the migrations build exactly the models

        db.session.add(User(email="kept@example.org", name="Kept", password_hash="x"))
        db.session.commit()
        assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
        with db.engine.connect() as connection:
            assert MigrationContext.configure(connection).get_current_revision() == head
        assert db.session.scalars(select(User.email)).all() == ["kept@example.org"]

        db.session.remove()
        db.engine.dispose()
    assert isinstance(app.extensions["migrate"].migrate, Migrate)

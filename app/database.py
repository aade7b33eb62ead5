"""Database connection settings that depend on which engine is behind ``DATABASE_URL``."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import event
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from .extensions import db

SQLITE_CACHE_KIB = 32 * 1024  # per connection


def init_app(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _configure_sqlite)


def _configure_sqlite(dbapi_connection, _record) -> None:
    # WAL lets several gunicorn workers read while one writes; the busy timeout makes a
    # writer wait for the lock instead of failing; SQLite leaves foreign keys off by default.
    # synchronous=NORMAL is WAL's recommended setting: a commit survives any process crash
    # (the crash test kills workers mid-request); only a power cut may lose the last moments.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Erased data is overwritten, not left in free pages of the file (security review F19):
    # some SQLite builds default to it, not all.
    cursor.execute("PRAGMA secure_delete=ON")
    # SQLite's default page cache is small for the coordinator list's search, which joins users,
    # standings and the search index (docs/performance.md). The cache grows only as pages are read.
    cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    cursor.close()


def core_rows(statement, **params) -> list:
    """Run a Core SELECT on the session's connection and transaction, skipping the ORM's
    execution layer. The busiest pages pair this with statements built once (``functools.cache``)
    and bound by name: building SQL expressions per request cost more than running them."""
    return db.session.connection().execute(statement, params).all()


def insert_ignoring_duplicates(model, values: dict, unique: list[str], where=None):
    """An INSERT that does nothing when a row with the same ``unique`` columns exists.

    Concurrent requests (two tabs, a double click) may record the same fact at once; the
    database's own conflict handling keeps exactly one row without a read-then-write race.
    ``where`` names the condition of a partial unique index.
    """
    return (
        dialect_insert(model)
        .values(**values)
        .on_conflict_do_nothing(index_elements=unique, index_where=where)
    )


def upsert(model, values: dict | list[dict], unique: list[str], update: list[str]):
    """An INSERT (of one row or many) that updates ``update`` columns where ``unique`` columns match."""
    statement = dialect_insert(model).values(values)
    return statement.on_conflict_do_update(
        index_elements=unique, set_={column: statement.excluded[column] for column in update}
    )


def dialect_insert(model):
    """The INSERT construct of the database in use, which knows ON CONFLICT."""
    if db.engine.dialect.name == "postgresql":
        return postgresql_insert(model)
    return sqlite_insert(model)

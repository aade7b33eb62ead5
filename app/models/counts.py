"""How many active (not deactivated) accounts each role has, kept by the database itself.

The coordinator list shows how many trainees match. Unfiltered, that was a ``count(*)`` over
every active trainee: at 10,000 trainees a quarter of the page's work, growing with every
registration. Triggers on ``users`` keep this table in step in the same transaction as the
change (an insert, a deactivation, a role change, a delete), so the count is one row read.

The triggers are created beside ``users`` by ``create_all`` (the listener below) and by
migration 0012 from the same statements. As with the search index (``search.py``), a later
migration that rebuilds ``users`` on SQLite ("move and copy") drops them with the old table
and must create them again with ``TRIGGER_DDL``. ``TRUNCATE users`` fires no row triggers:
truncate this table with it.
"""

from __future__ import annotations

from sqlalchemy import Integer, String, event
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base
from .user import User


class UserCount(Base):
    __tablename__ = "user_counts"

    role: Mapped[str] = mapped_column(String(20), primary_key=True)
    active: Mapped[int] = mapped_column(Integer, default=0)


TRIGGER_DDL = {
    "sqlite": [
        "CREATE TRIGGER user_counts_insert AFTER INSERT ON users WHEN new.deactivated_at IS NULL BEGIN "
        "INSERT INTO user_counts (role, active) VALUES (new.role, 1) "
        "ON CONFLICT (role) DO UPDATE SET active = active + 1; END",
        "CREATE TRIGGER user_counts_delete AFTER DELETE ON users WHEN old.deactivated_at IS NULL BEGIN "
        "UPDATE user_counts SET active = active - 1 WHERE role = old.role; END",
        "CREATE TRIGGER user_counts_update AFTER UPDATE OF role, deactivated_at ON users BEGIN "
        "UPDATE user_counts SET active = active - 1 WHERE role = old.role AND old.deactivated_at IS NULL; "
        "INSERT INTO user_counts (role, active) SELECT new.role, 1 WHERE new.deactivated_at IS NULL "
        "ON CONFLICT (role) DO UPDATE SET active = active + 1; END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION user_counts_follow() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN "
        "IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.deactivated_at IS NULL THEN "
        "UPDATE user_counts SET active = active - 1 WHERE role = OLD.role; "
        "END IF; "
        "IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.deactivated_at IS NULL THEN "
        "INSERT INTO user_counts (role, active) VALUES (NEW.role, 1) "
        "ON CONFLICT (role) DO UPDATE SET active = user_counts.active + 1; "
        "END IF; "
        "RETURN NULL; "
        "END $$",
        "CREATE TRIGGER user_counts_follow AFTER INSERT OR DELETE OR UPDATE OF role, deactivated_at "
        "ON users FOR EACH ROW EXECUTE FUNCTION user_counts_follow()",
    ],
}
# Counts what is there when the triggers arrive (nothing, after create_all).
RECOUNT = (
    "INSERT INTO user_counts (role, active) "
    "SELECT role, count(*) FROM users WHERE deactivated_at IS NULL GROUP BY role"
)


@event.listens_for(Base.metadata, "after_create")
def _keep_counts(_metadata, connection, tables=(), **_kw) -> None:
    """After ``create_all`` made ``users``: the triggers name it and ``user_counts``, so they
    wait until every table exists."""
    if User.__table__ not in tables:
        return
    for statement in [*TRIGGER_DDL.get(connection.dialect.name, ()), RECOUNT]:
        connection.exec_driver_sql(statement)

"""The safeguarding history the database itself protects: certification decisions and requirement
records can be added to, never changed or deleted, whatever code (or person with a SQL prompt
through the app's account) tries; corrections and voids are new rows. Erasing a person (deleting
their account) still removes their rows: a deletion is refused only while the person exists.
TRUNCATE is refused on PostgreSQL (SQLite has none). The audit log's own triggers are in
``audit.py``; its TRUNCATE guard is here.

Shared with migration 0018, which creates the same triggers on existing databases.
"""

from __future__ import annotations

from sqlalchemy import DDL, event

from .audit import AuditEntry
from .certification import CertificationEvent
from .requirement import RequirementRecord

PROTECTED = {
    "certification_events": "certification decisions are append-only: void a decision instead",
    "requirement_records": "requirement records are append-only: record a correction instead",
}


def _actor_erased(dialect: str, table: str) -> str:
    """The one update allowed: certification_events.actor_id set to NULL, all else unchanged,
    because the staff member it named has been erased (requirement records keep a bare id)."""
    if table != "certification_events":
        return "false" if dialect == "postgresql" else "0"
    if dialect == "sqlite":
        columns = (
            "id",
            "user_id",
            "kind",
            "reason",
            "at",
            "module_versions",
            "content_version",
            "certificate_id",
            "voids_id",
        )
        same = " AND ".join(f"new.{c} IS old.{c}" for c in columns)
        return (
            f"new.actor_id IS NULL AND old.actor_id IS NOT NULL AND {same} "
            f"AND NOT EXISTS (SELECT 1 FROM users WHERE users.id = old.actor_id)"
        )
    return (
        "NEW.actor_id IS NULL AND OLD.actor_id IS NOT NULL "
        "AND to_jsonb(NEW) - 'actor_id' = to_jsonb(OLD) - 'actor_id' "
        "AND NOT EXISTS (SELECT 1 FROM users WHERE users.id = OLD.actor_id)"
    )


def append_only_ddl(table: str, message: str) -> dict[str, list[str]]:
    return {
        "sqlite": [
            # An erased staff member's name leaves their decisions (the foreign key's SET NULL
            # on actor_id, once their account is gone); nothing else may change.
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
            f"WHEN NOT ({_actor_erased('sqlite', table)}) "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END",
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
            f"WHEN EXISTS (SELECT 1 FROM users WHERE users.id = old.user_id) "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END",
        ],
        "postgresql": [
            f"CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger AS $$ BEGIN "
            f"IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM users WHERE users.id = OLD.user_id) "
            f"THEN RETURN OLD; END IF; "
            f"IF TG_OP = 'UPDATE' AND {_actor_erased('postgresql', table)} THEN RETURN NEW; END IF; "
            f"RAISE EXCEPTION '{message}'; END; $$ LANGUAGE plpgsql",
            f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()",
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_append_only()",
        ],
    }


# The audit log refuses TRUNCATE too (its row triggers, since migration 0006, cover the rest).
AUDIT_TRUNCATE = {
    "postgresql": [
        "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()"
    ]
}

for _model in (CertificationEvent, RequirementRecord):
    for _dialect, _statements in append_only_ddl(
        _model.__tablename__, PROTECTED[_model.__tablename__]
    ).items():
        for _statement in _statements:
            event.listen(_model.__table__, "after_create", DDL(_statement).execute_if(dialect=_dialect))
for _statement in AUDIT_TRUNCATE["postgresql"]:
    event.listen(AuditEntry.__table__, "after_create", DDL(_statement).execute_if(dialect="postgresql"))

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


def append_only_ddl(table: str, message: str) -> dict[str, list[str]]:
    return {
        "sqlite": [
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END",
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
            f"WHEN EXISTS (SELECT 1 FROM users WHERE users.id = old.user_id) "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END",
        ],
        "postgresql": [
            f"CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger AS $$ BEGIN "
            f"IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM users WHERE users.id = OLD.user_id) "
            f"THEN RETURN OLD; END IF; RAISE EXCEPTION '{message}'; END; $$ LANGUAGE plpgsql",
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

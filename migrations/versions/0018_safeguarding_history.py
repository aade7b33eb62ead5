"""the safeguarding history: corrections and voids, protected by the database; markers that
outlive an erasure, and refused registrations

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 05:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

MESSAGES = {
    "certification_events": "certification decisions are append-only: void a decision instead",
    "requirement_records": "requirement records are append-only: record a correction instead",
}


# Written out here rather than imported, so this migration keeps meaning what it meant when
# application code changes. app/models/append_only.py creates the same triggers for create_all.
def _actor_erased(dialect: str, table: str) -> str:
    """The one update allowed: certification_events.actor_id set to NULL, all else unchanged,
    because the staff member it named has been erased (requirement records keep a bare id)."""
    if table != "certification_events":
        return "false" if dialect == "postgresql" else "0"
    if dialect == "sqlite":
        columns = ("id", "user_id", "kind", "reason", "at", "module_versions", "content_version",
                   "certificate_id", "voids_id")
        same = " AND ".join(f"new.{c} IS old.{c}" for c in columns)
        return (f"new.actor_id IS NULL AND old.actor_id IS NOT NULL AND {same} "
                f"AND NOT EXISTS (SELECT 1 FROM users WHERE users.id = old.actor_id)")
    return ("NEW.actor_id IS NULL AND OLD.actor_id IS NOT NULL "
            "AND to_jsonb(NEW) - 'actor_id' = to_jsonb(OLD) - 'actor_id' "
            "AND NOT EXISTS (SELECT 1 FROM users WHERE users.id = OLD.actor_id)")


def _triggers(table: str, message: str) -> dict[str, list[str]]:
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


AUDIT_TRUNCATE = (
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()"
)


def _drop_triggers(dialect: str, table: str) -> list[str]:
    if dialect == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {table}_no_update", f"DROP TRIGGER IF EXISTS {table}_no_delete"]
    return [
        f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
        f"DROP TRIGGER IF EXISTS {table}_no_change ON {table}",
        f"DROP FUNCTION IF EXISTS {table}_append_only()",
    ]


def upgrade():
    dialect = op.get_bind().dialect.name
    # Columns are added, never a table rebuilt: SQLite keeps every trigger on these tables.
    op.add_column('requirement_records', sa.Column('corrects_id', sa.Integer(), nullable=True))
    op.add_column('requirement_records', sa.Column('voided', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column('requirement_records', sa.Column('reason', sa.Text(), nullable=True))
    op.create_index('ix_requirement_records_corrects_id', 'requirement_records', ['corrects_id'], unique=False)
    op.add_column('certification_events', sa.Column('voids_id', sa.Integer(), nullable=True))
    op.create_index('ix_certification_events_voids_id', 'certification_events', ['voids_id'], unique=False)
    for table, message in MESSAGES.items():
        for statement in _triggers(table, message)[dialect]:
            op.execute(statement)
    if dialect == "postgresql":
        op.execute(AUDIT_TRUNCATE)
    op.create_table('safeguarding_markers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email_hash', sa.String(length=64), nullable=False),
    sa.Column('decision', sa.String(length=20), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('keep_until', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_safeguarding_markers'))
    )
    op.create_index('ix_safeguarding_markers_email_hash', 'safeguarding_markers', ['email_hash'], unique=False)
    op.create_index('ix_safeguarding_markers_keep_until', 'safeguarding_markers', ['keep_until'], unique=False)
    op.create_table('refused_registrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('marker_id', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(length=20), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refused_registrations'))
    )
    op.create_index('ix_refused_registrations_at', 'refused_registrations', ['at'], unique=False)


def downgrade():
    op.drop_index('ix_refused_registrations_at', table_name='refused_registrations')
    op.drop_table('refused_registrations')
    op.drop_index('ix_safeguarding_markers_keep_until', table_name='safeguarding_markers')
    op.drop_index('ix_safeguarding_markers_email_hash', table_name='safeguarding_markers')
    op.drop_table('safeguarding_markers')
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
    for table in MESSAGES:
        for statement in _drop_triggers(dialect, table):
            op.execute(statement)
    op.drop_index('ix_certification_events_voids_id', table_name='certification_events')
    op.drop_column('certification_events', 'voids_id')
    op.drop_index('ix_requirement_records_corrects_id', table_name='requirement_records')
    op.drop_column('requirement_records', 'reason')
    op.drop_column('requirement_records', 'voided')
    op.drop_column('requirement_records', 'corrects_id')

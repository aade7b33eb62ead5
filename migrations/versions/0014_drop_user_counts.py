"""drop user_counts and its triggers: the coordinator list counts on the users index instead

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 02:30:00

"""
from importlib.util import module_from_spec, spec_from_file_location
from pathlib import Path

from alembic import op

# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

DROP_TRIGGERS = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS user_counts_update",
        "DROP TRIGGER IF EXISTS user_counts_delete",
        "DROP TRIGGER IF EXISTS user_counts_insert",
    ],
    "postgresql": [
        "DROP TRIGGER IF EXISTS user_counts_follow ON users",
        "DROP FUNCTION IF EXISTS user_counts_follow()",
    ],
}


def upgrade():
    for statement in DROP_TRIGGERS[op.get_bind().dialect.name]:
        op.execute(statement)
    op.drop_table('user_counts')


def downgrade():
    # Migration 0012 as it was: it creates the table, fills it and adds the triggers.
    path = Path(__file__).with_name("0012_user_counts.py")
    spec = spec_from_file_location("migration_0012_user_counts", path)
    migration = module_from_spec(spec)
    spec.loader.exec_module(migration)
    migration.upgrade()

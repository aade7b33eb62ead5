"""active accounts per role, kept by triggers, for the coordinator list's total

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 09:30:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

# Written out here rather than imported, so this migration keeps meaning what it meant when
# application code changes. app/models/counts.py creates the same objects for create_all.
TRIGGERS = {
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
DROP_TRIGGERS = {
    "sqlite": [
        "DROP TRIGGER user_counts_update",
        "DROP TRIGGER user_counts_delete",
        "DROP TRIGGER user_counts_insert",
    ],
    "postgresql": ["DROP TRIGGER user_counts_follow ON users", "DROP FUNCTION user_counts_follow()"],
}


def upgrade():
    op.create_table(
        'user_counts',
        sa.Column('role', sa.String(length=20), nullable=False),
        sa.Column('active', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('role', name=op.f('pk_user_counts')),
    )
    op.execute(
        "INSERT INTO user_counts (role, active) "
        "SELECT role, count(*) FROM users WHERE deactivated_at IS NULL GROUP BY role"
    )
    for statement in TRIGGERS[op.get_bind().dialect.name]:
        op.execute(statement)


def downgrade():
    for statement in DROP_TRIGGERS[op.get_bind().dialect.name]:
        op.execute(statement)
    op.drop_table('user_counts')

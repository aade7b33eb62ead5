"""substring search over trainees' names and emails

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-24 06:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

# Written out here rather than imported, so this migration keeps meaning what it meant when
# application code changes. app/models/search.py creates the same objects for create_all.
UPGRADE = {
    "sqlite": [
        "CREATE VIRTUAL TABLE user_search USING fts5("
        "name, email, content='users', content_rowid='id', tokenize='trigram')",
        "CREATE TRIGGER user_search_insert AFTER INSERT ON users BEGIN "
        "INSERT INTO user_search(rowid, name, email) VALUES (new.id, new.name, new.email); END",
        "CREATE TRIGGER user_search_delete AFTER DELETE ON users BEGIN "
        "INSERT INTO user_search(user_search, rowid, name, email) "
        "VALUES ('delete', old.id, old.name, old.email); END",
        "CREATE TRIGGER user_search_update AFTER UPDATE OF name, email ON users BEGIN "
        "INSERT INTO user_search(user_search, rowid, name, email) "
        "VALUES ('delete', old.id, old.name, old.email); "
        "INSERT INTO user_search(rowid, name, email) VALUES (new.id, new.name, new.email); END",
        "INSERT INTO user_search(user_search) VALUES ('rebuild')",
    ],
    "postgresql": [
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        "CREATE INDEX ix_users_name_trgm ON users USING gin (lower(name) gin_trgm_ops)",
        "CREATE INDEX ix_users_email_trgm ON users USING gin (email gin_trgm_ops)",
    ],
}
DOWNGRADE = {
    "sqlite": [
        "DROP TRIGGER user_search_update",
        "DROP TRIGGER user_search_delete",
        "DROP TRIGGER user_search_insert",
        "DROP TABLE user_search",
    ],
    # The extension stays: other databases' objects may use it.
    "postgresql": ["DROP INDEX ix_users_email_trgm", "DROP INDEX ix_users_name_trgm"],
}


def upgrade():
    for statement in UPGRADE[op.get_bind().dialect.name]:
        op.execute(statement)


def downgrade():
    for statement in DOWNGRADE[op.get_bind().dialect.name]:
        op.execute(statement)

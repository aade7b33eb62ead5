"""A substring index over trainees' names and emails, so the coordinator list's search does not
read every account. SQLite: an FTS5 table with the trigram tokenizer, kept in step with ``users``
by triggers. PostgreSQL: one pg_trgm GIN index over active trainees' name and email together
(``searchable_text``), which serves ``LIKE '%…%'`` on that expression directly.

Neither is a model: they are created beside ``users`` (by ``create_all`` through these DDL events,
and by migrations 0011 and 0015 from the same statements) and left out of schema comparisons.

A later migration that rebuilds ``users`` on SQLite (``batch_alter_table`` in "move and copy"
mode) drops its triggers with the old table: such a migration must create them again.
"""

from __future__ import annotations

from sqlalchemy import DDL, event, func, literal_column

from .user import User

# Name and email in one text, as the PostgreSQL index holds it. The newline keeps a search from
# matching across the two: a search box cannot type one. Written as SQL (not a bound value) so
# the planner sees the index's own expression.
SEARCH_EXPRESSION = "(lower(name) || chr(10) || email)"


def searchable_text():
    """``SEARCH_EXPRESSION`` as the query writes it, for ``LIKE`` on PostgreSQL."""
    return func.lower(User.name).concat(literal_column("chr(10)")).concat(User.email)


SEARCH_DDL = {
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
        f"CREATE INDEX ix_users_search_trgm ON users USING gin ({SEARCH_EXPRESSION} gin_trgm_ops) "
        "WHERE role = 'trainee' AND deactivated_at IS NULL",
    ],
}
DROP_DDL = {"sqlite": ["DROP TABLE IF EXISTS user_search"], "postgresql": []}

# Trigrams need three characters; a shorter search reads every name, as before.
SHORTEST_INDEXED = 3


def is_search_object(name: str | None) -> bool:
    """Whether a table or index is part of the search index (for schema comparisons)."""
    return bool(name) and (name.startswith("user_search") or name.endswith("_trgm"))


for _dialect, _statements in SEARCH_DDL.items():
    for _statement in _statements:
        event.listen(User.__table__, "after_create", DDL(_statement).execute_if(dialect=_dialect))
for _dialect, _statements in DROP_DDL.items():
    for _statement in _statements:
        event.listen(User.__table__, "after_drop", DDL(_statement).execute_if(dialect=_dialect))

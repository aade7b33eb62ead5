"""Flask-Limiter counters kept in the app's own database, so every gunicorn worker and every
host counts the same failed logins; Redis (``RATELIMIT_STORAGE_URI=redis://…``) does the same job
where one is at hand. Registered with the ``limits`` library under the scheme ``peerpath-db``.

A fixed window per key: the first hit opens it for ``expiry`` seconds; later hits add to it
until it closes. One atomic upsert per hit, so simultaneous guesses cannot slip past the count.
"""

from __future__ import annotations

import time

from limits.storage import Storage
from sqlalchemy import case, delete, select
from sqlalchemy.exc import SQLAlchemyError

from ..database import dialect_insert
from ..extensions import db
from ..models import RateLimitCounter

# Expired counters are dropped now and then, so the table holds only the last hour or so.
_CLEAN_EVERY = 200


class DatabaseStorage(Storage):
    STORAGE_SCHEME = ["peerpath-db"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self._hits_since_cleaning = 0

    @property
    def base_exceptions(self):
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add ``amount`` and return the new count, in one statement. A negative amount is a refund
        (app/auth/throttle.py counts an attempt before judging it): it never takes a new window
        below zero."""
        now = time.time()
        expired = RateLimitCounter.expires_at <= now
        fresh = max(amount, 0)
        statement = (
            dialect_insert(RateLimitCounter)
            .values(key=key, hits=fresh, expires_at=now + expiry)
            .on_conflict_do_update(
                index_elements=["key"],
                set_={
                    "hits": case((expired, fresh), else_=RateLimitCounter.hits + amount),
                    "expires_at": case((expired, now + expiry), else_=RateLimitCounter.expires_at),
                },
            )
            .returning(RateLimitCounter.hits)
        )
        # Its own short transaction: a count must stick whatever the request does afterwards.
        with db.engine.begin() as connection:
            hits = connection.execute(statement).scalar_one()
            self._hits_since_cleaning += 1
            if self._hits_since_cleaning >= _CLEAN_EVERY:
                self._hits_since_cleaning = 0
                connection.execute(delete(RateLimitCounter).where(RateLimitCounter.expires_at < now))
        return hits

    def get(self, key: str) -> int:
        with db.engine.connect() as connection:
            hits = connection.execute(
                select(RateLimitCounter.hits).where(
                    RateLimitCounter.key == key, RateLimitCounter.expires_at > time.time()
                )
            ).scalar()
        return hits or 0

    def get_expiry(self, key: str) -> float:
        with db.engine.connect() as connection:
            expires = connection.execute(
                select(RateLimitCounter.expires_at).where(RateLimitCounter.key == key)
            ).scalar()
        return expires if expires is not None else time.time()

    def check(self) -> bool:
        try:
            with db.engine.connect() as connection:
                connection.execute(select(1))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        with db.engine.begin() as connection:
            return connection.execute(delete(RateLimitCounter)).rowcount

    def clear(self, key: str) -> None:
        with db.engine.begin() as connection:
            connection.execute(delete(RateLimitCounter).where(RateLimitCounter.key == key))

"""API tokens: shown once when created, stored only as a SHA-256 hash; each may expire and may be
limited to cohorts, which limits everything it reads."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import insert, or_, select, update

from ..extensions import db
from ..models import ApiToken, Cohort, api_token_cohorts, utcnow
from ..people import audit
from .feed import Scope

# "Last used" is shown to the day; writing it at most hourly keeps reads from writing.
LAST_USED_GRAIN = timedelta(hours=1)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    name: str,
    actor_id: int | None,
    cohort_ids: list[int] | None = None,
    expires_at: datetime | None = None,
) -> tuple[ApiToken, str]:
    """A new token and its secret (shown once); ``actor_id`` None means the command line;
    ``cohort_ids`` None means every cohort."""
    secret = "pp_" + secrets.token_urlsafe(32)
    token = ApiToken(
        name=name.strip(),
        token_hash=hash_token(secret),
        created_at=utcnow(),
        expires_at=expires_at,
        limited_to_cohorts=cohort_ids is not None,
    )
    db.session.add(token)
    db.session.flush()
    if cohort_ids:
        db.session.execute(
            insert(api_token_cohorts), [{"token_id": token.id, "cohort_id": c} for c in cohort_ids]
        )
    limits = {"cohorts": cohort_ids} if cohort_ids else {}
    if expires_at:
        limits["expires_at"] = expires_at.isoformat()
    audit.record("api_token.created", "api_token", token.id, actor_id, name=token.name, **limits)
    return token, secret


def find_active(secret: str, now: datetime) -> ApiToken | None:
    """The token with this secret if it is neither revoked nor expired."""
    return db.session.scalar(
        select(ApiToken).where(
            ApiToken.token_hash == hash_token(secret),
            ApiToken.revoked_at.is_(None),
            or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > now),
        )
    )


def mark_used(token: ApiToken, now: datetime) -> bool:
    """Note the token's use (hourly at most); True when there is something to commit."""
    if token.last_used_at is not None and token.last_used_at > now - LAST_USED_GRAIN:
        return False
    token.last_used_at = now
    return True


def scope_of(token: ApiToken) -> Scope:
    if not token.limited_to_cohorts:
        return Scope()
    ids = db.session.scalars(
        select(api_token_cohorts.c.cohort_id).where(api_token_cohorts.c.token_id == token.id)
    )
    return Scope(frozenset(ids))


def cohort_names(token_ids: list[int]) -> dict[int, list[str]]:
    """The cohorts each limited token may read, by name."""
    rows = db.session.execute(
        select(api_token_cohorts.c.token_id, Cohort.name)
        .join(Cohort, Cohort.id == api_token_cohorts.c.cohort_id)
        .where(api_token_cohorts.c.token_id.in_(token_ids))
        .order_by(Cohort.name)
    )
    names: dict[int, list[str]] = {}
    for token_id, name in rows:
        names.setdefault(token_id, []).append(name)
    return names


def revoke_token(token_id: int, actor_id: int | None) -> bool:
    revoked = db.session.execute(
        update(ApiToken)
        .where(ApiToken.id == token_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .returning(ApiToken.name)
    ).scalar()
    if revoked is None:
        return False
    audit.record("api_token.revoked", "api_token", token_id, actor_id, name=revoked)
    return True


def all_tokens() -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).order_by(ApiToken.revoked_at.is_not(None), ApiToken.id)))

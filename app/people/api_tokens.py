"""API tokens: shown once when created, stored only as a SHA-256 hash."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select, update

from ..extensions import db
from ..models import ApiToken, utcnow
from . import audit


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(name: str, actor_id: int | None) -> tuple[ApiToken, str]:
    """A new token and its secret (shown once); ``actor_id`` None means the command line."""
    secret = "pp_" + secrets.token_urlsafe(32)
    token = ApiToken(name=name.strip(), token_hash=hash_token(secret), created_at=utcnow())
    db.session.add(token)
    db.session.flush()
    audit.record("api_token.created", "api_token", token.id, actor_id, name=token.name)
    return token, secret


def find_active(secret: str) -> ApiToken | None:
    return db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == hash_token(secret), ApiToken.revoked_at.is_(None))
    )


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

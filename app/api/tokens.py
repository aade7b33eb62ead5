"""API tokens: shown once when created, stored only as a SHA-256 hash."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select, update

from ..extensions import db
from ..models import ApiToken, utcnow


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(name: str) -> tuple[ApiToken, str]:
    secret = "pp_" + secrets.token_urlsafe(32)
    token = ApiToken(name=name.strip(), token_hash=hash_token(secret), created_at=utcnow())
    db.session.add(token)
    db.session.flush()
    return token, secret


def find_active(secret: str) -> ApiToken | None:
    return db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == hash_token(secret), ApiToken.revoked_at.is_(None))
    )


def revoke_token(token_id: int) -> bool:
    result = db.session.execute(
        update(ApiToken)
        .where(ApiToken.id == token_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return result.rowcount == 1

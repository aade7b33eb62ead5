"""Password-reset links: signed, expiring, and spent as soon as the password changes.

The token carries the user id and a fingerprint of the current password hash. Setting a new
password changes the hash, so a used link (or any older link) stops matching: single use
without storing tokens. The update itself is conditional on the old hash, so two requests
racing with one link cannot both succeed.
"""

from __future__ import annotations

import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select, update

from ..extensions import db
from ..models import User, normalise_email
from ..models.user import hash_password

_SALT = "peerpath-password-reset"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def _fingerprint(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:32]


def make_token(user: User) -> str:
    return _serializer().dumps({"user": user.id, "password": _fingerprint(user.password_hash)})


def user_for_token(token: str) -> User | None:
    """The active user this unexpired, unused link belongs to, or None."""
    try:
        payload = _serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("user"), int):
        return None
    user = db.session.get(User, payload["user"])
    if user is None or not user.is_active or _fingerprint(user.password_hash) != payload.get("password"):
        return None
    return user


def reset_password(user: User, new_password: str) -> bool:
    """Set the new password if nobody used this link first; signs every session out."""
    result = db.session.execute(
        update(User)
        .where(User.id == user.id, User.password_hash == user.password_hash)
        .values(password_hash=hash_password(new_password), session_version=User.session_version + 1)
        .returning(User.id)
        .execution_options(synchronize_session=False)
    )
    return result.scalar() is not None


def active_user_by_email(email: str) -> User | None:
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    return user if user is not None and user.is_active else None

"""Links emailed to a person that let them choose a password: signed, expiring, spent by use.

A reset link and an invitation carry the user id and a fingerprint of the current password hash.
Setting a password changes the hash, so a used link (or any older one) stops matching: single use
without storing tokens. The update itself is conditional on the old hash, so two requests racing
with one link cannot both succeed. Each kind of link signs with its own salt, so a reset link
cannot be replayed as an invitation or the other way round.
"""

from __future__ import annotations

import hashlib

from flask import current_app, has_request_context, request
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, update

from ..extensions import db
from ..models import User, utcnow
from ..models.user import hash_password

LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]"}


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _fingerprint(password_hash: str) -> str:
    return hashlib.sha256((password_hash or "").encode()).hexdigest()[:32]


def make_token(user: User, salt: str) -> str:
    return _serializer(salt).dumps({"user": user.id, "password": _fingerprint(user.password_hash)})


def user_for_token(token: str, salt: str, max_age: int) -> User | None:
    """The active user this unexpired, unused link belongs to, or None."""
    try:
        payload = _serializer(salt).loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("user"), int):
        return None
    user = db.session.get(User, payload["user"])
    if user is None or not user.is_active or _fingerprint(user.password_hash) != payload.get("password"):
        return None
    return user


def set_password_once(user: User, new_password: str) -> bool:
    """Set the new password if nobody used this link first; signs every session out. Following
    a link sent to the address proves the person reads it, so the email counts as confirmed."""
    result = db.session.execute(
        update(User)
        .where(User.id == user.id, User.password_hash == user.password_hash)
        .values(
            password_hash=hash_password(new_password),
            session_version=User.session_version + 1,
            email_verified_at=func.coalesce(User.email_verified_at, utcnow()),
        )
        .returning(User.id)
        .execution_options(synchronize_session=False)
    )
    return result.scalar() is not None


def public_url(path: str) -> str | None:
    """The site's own address for a link in an email: ``PUBLIC_URL``, or on this machine the
    request's host. Elsewhere None: the Host header is the sender's to choose (F1)."""
    if current_app.config["PUBLIC_URL"]:
        return current_app.config["PUBLIC_URL"] + path
    if not has_request_context():
        return None
    if request.host.rsplit(":", 1)[0] in LOCAL_HOSTS or request.host in LOCAL_HOSTS:
        return request.host_url.rstrip("/") + path
    return None

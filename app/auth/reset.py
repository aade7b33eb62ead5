"""Password-reset links: signed, expiring, and spent as soon as the password changes (the token
code is shared with invitations: people/password_links.py)."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..models import User, normalise_email
from ..people import password_links

_SALT = "peerpath-password-reset"


def make_token(user: User) -> str:
    return password_links.make_token(user, _SALT)


def user_for_token(token: str) -> User | None:
    """The active user this unexpired, unused link belongs to, or None."""
    return password_links.user_for_token(token, _SALT, current_app.config["PASSWORD_RESET_MAX_AGE"])


def reset_password(user: User, new_password: str) -> bool:
    """Set the new password if nobody used this link first; signs every session out."""
    return password_links.set_password_once(user, new_password)


def active_user_by_email(email: str) -> User | None:
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    return user if user is not None and user.is_active else None

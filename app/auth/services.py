"""Account rules shared by the web forms and the command line."""

from __future__ import annotations

from functools import cache
from urllib.parse import urlsplit

from flask import current_app, g, session
from flask_login import login_user
from sqlalchemy import bindparam, select, update

from ..database import core_rows
from ..extensions import db
from ..models import Cohort, Role, SignedInUser, User, normalise_email, utcnow
from ..models.user import hash_password
from . import throttle

# Checked when the email is unknown, so a failed login takes as long either way and the
# response time does not reveal which addresses have accounts.
_DUMMY_HASH = hash_password("not-a-real-password-at-all")


def create_user(
    email: str, name: str, password: str, role: Role = Role.TRAINEE, verified: bool = True
) -> User:
    """Add a user to the session (flushed, not committed). Staff who create an account vouch for
    its email; a self-registration passes ``verified=False`` until its link is followed."""
    user = User(
        email=normalise_email(email),
        name=name.strip(),
        role=role.value,
        email_verified_at=utcnow() if verified else None,
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user these credentials belong to, or None; same work whether or not the email exists."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        User(password_hash=_DUMMY_HASH).check_password(password)
        return None
    if not user.check_password(password):
        return None
    if user.password_needs_upgrade():
        user.set_password(password)  # an older scrypt hash becomes Argon2id (the view commits)
    return user


def start_session(user, remember: bool = False) -> None:
    """Log in after every check passed: a fresh CSRF token for the signed-in session (I5), and
    this browser becomes a known device for the login throttle (see throttle.py)."""
    renew_csrf_token()
    login_user(user, remember=remember)
    throttle.trust_this_device(user.email)


def renew_csrf_token() -> None:
    """The next form gets a new CSRF token: one known before a login or logout is useless after."""
    session.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
    g.pop("csrf_token", None)


def end_sessions(user_id: int) -> None:
    """Every session and remember-me cookie of the account stops working: the cookie's id carries
    the session version, and the loader accepts only the current one (F4)."""
    db.session.execute(
        update(User)
        .where(User.id == user_id)
        .values(session_version=User.session_version + 1)
        .execution_options(synchronize_session=False)
    )


def change_password(user: User, new_password: str) -> None:
    """Set a new password and sign out every other session holding the old cookie."""
    user.set_password(new_password)
    user.session_version += 1


def load_user_from_cookie_id(cookie_id: str) -> SignedInUser | None:
    """Flask-Login's loader: the id is ``<user id>.<session version>``. A deactivated account or
    an older session version (the password changed since) signs the session out."""
    user_id, _, version = cookie_id.partition(".")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    row = core_rows(_signed_in_user(), id=int(user_id), version=int(version))
    return SignedInUser(*row[0]) if row else None


@cache
def _signed_in_user():
    """Built once: every signed-in request runs it."""
    return select(*(User.__table__.c[name] for name in SignedInUser.__dataclass_fields__)).where(
        User.id == bindparam("id"),
        User.session_version == bindparam("version"),
        User.deactivated_at.is_(None),
    )


def cohort_for_invite(code: str) -> Cohort | None:
    """The cohort whose current invite link this is, while the link is open (before its end)."""
    cohort = db.session.scalar(select(Cohort).where(Cohort.invite_code == code))
    if cohort is not None and cohort.invite_expires_at is not None and utcnow() >= cohort.invite_expires_at:
        return None
    return cohort


def safe_next(target: str | None) -> str | None:
    """Accept a ``next=`` target only if it stays on this site (a path, not a URL) and could be a
    header (no control characters: a CR or LF would break the redirect, F12)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(ord(character) < 32 or ord(character) == 127 for character in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None

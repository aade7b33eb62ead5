"""Registration that proves the email: the link a new account is sent, and what an attempt to
register an address that already has an account sends its owner instead.

The link is signed and carries the user id and the address, so it stops working if the address
changes; following it sets ``email_verified_at`` once (a conditional update), so a second use
only finds the email confirmed already. It expires after ``MAX_AGE``.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select, update

from ..extensions import db
from ..models import User, normalise_email, utcnow
from ..models.user import hash_password
from ..people import audit
from ..people.invitations import organisation
from ..people.mail import send_email
from ..people.password_links import public_url
from .services import create_user

_SALT = "peerpath-email-verification"
MAX_AGE = timedelta(hours=48)

# The signed session remembers the address just registered, for the "check your email" page.
SENT_TO = "confirm_email_sent_to"

# What following a link found.
VERIFIED, ALREADY, INVALID = "verified", "already", "invalid"


def registration_mode() -> str:
    return current_app.extensions["course"].program.registration


def needs_verification(user: User) -> bool:
    """An account that has not proved its email may not log in, unless the programme lets anyone
    register and start at once."""
    return user.email_verified_at is None and registration_mode() != "open"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def make_token(user: User) -> str:
    return _serializer().dumps({"user": user.id, "email": user.email})


def follow(token: str) -> tuple[str, User | None]:
    """Confirm the email this link was sent to (flushed, with its audit entry)."""
    try:
        payload = _serializer().loads(token, max_age=int(MAX_AGE.total_seconds()))
    except (SignatureExpired, BadSignature):
        return INVALID, None
    user = db.session.get(User, payload.get("user")) if isinstance(payload, dict) else None
    if user is None or not user.is_active or user.email != payload.get("email"):
        return INVALID, None
    done = db.session.execute(
        update(User)
        .where(User.id == user.id, User.email_verified_at.is_(None))
        .values(email_verified_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if not done:
        return ALREADY, user
    audit.record("account.email_verified", "user", user.id, user.id)
    return VERIFIED, user


def register(email: str, name: str, password: str, cohort_id: int | None) -> None:
    """Create the unconfirmed account and email its link; for an address that has an account,
    email its owner instead, after the same password hash, so neither the page nor its timing
    says which it was (flushed; the caller commits)."""
    existing = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if existing is not None:
        hash_password(password)
        if existing.is_active:
            send_already_registered(existing)
        return
    user = create_user(email, name, password, verified=False)
    user.cohort_id = cohort_id
    send_link(user)


def unverified_user(email: str) -> User | None:
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None or not user.is_active or user.email_verified_at is not None:
        return None
    return user


def send_link(user: User) -> None:
    """Queue the email with the link that confirms the address (the caller commits)."""
    hours = int(MAX_AGE.total_seconds()) // 3600
    link = public_url(url_for("auth.verify_email", token=make_token(user)))
    send_email(
        user.email,
        "Confirm your email for PeerPath",
        f"Hello {user.name},\n\n"
        f"Thank you for registering to train with {organisation()}. Confirm that this is your "
        f"email address by following this link within {hours} hours:\n\n{link}\n\n"
        "Then log in with the password you chose. If you did not register, ignore this email: "
        "nothing happens without the link.\n",
    )


def send_already_registered(user: User) -> None:
    """Someone registered with an address that has an account: its owner hears of it by email,
    the person at the form reads the same answer as for a new address."""
    login = public_url(url_for("auth.login"))
    reset = public_url(url_for("auth.request_reset"))
    confirm = ""
    if user.email_verified_at is None:
        link = public_url(url_for("auth.verify_email", token=make_token(user)))
        confirm = f"Your email is not confirmed yet. Confirm it here first:\n\n{link}\n\n"
    send_email(
        user.email,
        "Someone tried to register with your email on PeerPath",
        f"Hello {user.name},\n\n"
        "Someone tried to create a new PeerPath account with this email address, which already "
        "has an account. If it was you, log in instead:\n\n"
        f"{login}\n\n{confirm}"
        f"If you have forgotten your password, reset it here:\n\n{reset}\n\n"
        "If it was not you, you can ignore this email: your account has not changed.\n",
    )

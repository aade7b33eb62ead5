"""Invitations: an email that lets a person a coordinator added choose their password.

The link is a password link (people/password_links.py) with its own salt: it expires after
``MAX_AGE`` and is spent once a password is set, since that changes the hash it fingerprints.
Accepting it also proves the person reads the address, so the account counts as verified.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, has_request_context, url_for

from ..models import User, utcnow
from . import password_links
from .mail import send_email

SALT = "peerpath-invitation"
MAX_AGE = timedelta(days=7)


class NoPublicAddress(RuntimeError):
    """No link can be built: ``PUBLIC_URL`` is unset and the request is not from this machine."""


def user_for_token(token: str) -> User | None:
    """The active person this unexpired, unused invitation belongs to, or None."""
    return password_links.user_for_token(token, SALT, int(MAX_AGE.total_seconds()))


def _link(user: User) -> str:
    token = password_links.make_token(user, SALT)
    if has_request_context():
        path = url_for("auth.accept_invitation", token=token)
    else:  # an import from the command line: the path alone, the address comes from PUBLIC_URL
        path = current_app.url_map.bind("localhost").build("auth.accept_invitation", {"token": token})
    link = password_links.public_url(path)
    if link is None:
        raise NoPublicAddress("set PUBLIC_URL so invitation emails can carry a link to this site")
    return link


def organisation() -> str:
    """The programme's name as its emails give it (``programme:`` in program.yaml)."""
    return current_app.extensions["course"].program.identity.name


def send_invitation(user: User) -> None:
    """Queue the invitation email (the caller commits) and note when it went."""
    now = utcnow()
    expires = now + MAX_AGE
    name = organisation()
    send_email(
        user.email,
        f"Your invitation to train with {name}",
        f"Hello {user.name},\n\n"
        f"You are invited to train as a volunteer mentor with {name}. PeerPath is where mentors "
        "train before they are matched with a young person: short reading, quizzes and practice "
        "conversations, at your own pace.\n\n"
        f"Choose your password here to start:\n\n{_link(user)}\n\n"
        f"The link works once and expires on {expires:%d %B %Y at %H:%M} UTC. If it has expired, "
        "ask your coordinator for a new invitation. If you were not expecting this email, "
        "you can ignore it.\n",
    )
    user.invited_at = now

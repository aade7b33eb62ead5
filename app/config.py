"""Settings, read from the environment once, in ``create_app``; nothing else reads it."""

from __future__ import annotations

import os
import secrets
from datetime import date
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Config:
    """Production-safe defaults, overridden by environment variables."""

    def __init__(self, instance_path: str, environ: os._Environ | dict = os.environ):
        instance = Path(instance_path)
        # The default SQLite file and the secret key live here: create it even when SECRET_KEY is
        # set, so ``flask db upgrade`` works on a fresh clone.
        instance.mkdir(parents=True, exist_ok=True)
        self.SECRET_KEY = environ.get("SECRET_KEY") or _instance_secret_key(instance)
        self.SQLALCHEMY_DATABASE_URI = environ.get("DATABASE_URL") or f"sqlite:///{instance / 'peerpath.db'}"
        self.CONTENT_DIR, self.QUIZZES_DIR = content_dirs(environ)
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        self.MAX_CONTENT_LENGTH = 256 * 1024
        # Set TRUST_PROXY=1 when a reverse proxy terminates HTTPS and sets X-Forwarded-Proto.
        # Login throttling is counted in the app's database (shared by every worker and host);
        # redis://… works too.
        self.RATELIMIT_STORAGE_URI = environ.get("RATELIMIT_STORAGE_URI", "peerpath-db://")
        self.RATELIMIT_HEADERS_ENABLED = True
        self.TRUST_PROXY = environ.get("TRUST_PROXY", "").lower() in ("1", "true", "yes")
        # The demo (make run, make bench) may run on the shipped example safeguarding procedure.
        self.DEMO = environ.get("PEERPATH_DEMO", "").lower() in ("1", "true", "yes")
        # Email (password resets). Without MAIL_SERVER, messages go to the console and the outbox table.
        self.MAIL_SERVER = environ.get("MAIL_SERVER", "")
        self.MAIL_PORT = int(environ.get("MAIL_PORT") or 587)
        self.MAIL_SECURITY = environ.get("MAIL_SECURITY", "starttls").lower()  # starttls | ssl | none
        self.MAIL_USERNAME = environ.get("MAIL_USERNAME", "")
        self.MAIL_PASSWORD = environ.get("MAIL_PASSWORD", "")
        self.MAIL_FROM = environ.get("MAIL_FROM", "PeerPath <no-reply@localhost>")
        # The site's address for links in emails, e.g. https://peerpath.example.org; without it the
        # request's Host header is used, which a stranger can forge, so set it on a server.
        self.PUBLIC_URL = environ.get("PUBLIC_URL", "").rstrip("/")
        # Host names this site answers to (Flask refuses any other Host header with 400), e.g.
        # "peerpath.example.org"; unset, every host is accepted, as on a developer's machine.
        hosts = [h.strip() for h in environ.get("PEERPATH_TRUSTED_HOSTS", "").split(",") if h.strip()]
        self.TRUSTED_HOSTS = hosts or None
        self.PASSWORD_RESET_MAX_AGE = int(environ.get("PASSWORD_RESET_MAX_AGE") or 3600)  # seconds
        self.WTF_CSRF_TIME_LIMIT = None  # a trainee may read a section for hours before saving
        # Staff (coordinators, safeguarding leads, admins) must set up a second factor (TOTP) before
        # reaching any staff page; until the optional grace date (inclusive) they are only reminded.
        # Keys the hashes that keep erased, revoked mentors from registering again unnoticed;
        # set it apart from SECRET_KEY so rotating that key does not forget them.
        self.SAFEGUARDING_MARKER_KEY = environ.get("PEERPATH_SAFEGUARDING_MARKER_KEY") or self.SECRET_KEY
        self.SECOND_FACTOR_REQUIRED = environ.get("PEERPATH_SECOND_FACTOR_REQUIRED", "").lower() in (
            "1",
            "true",
            "yes",
        )
        self.SECOND_FACTOR_GRACE_UNTIL = grace_date(environ.get("PEERPATH_SECOND_FACTOR_GRACE_UNTIL", ""))

    def as_dict(self) -> dict:
        return {key: value for key, value in vars(self).items() if key.isupper()}


def grace_date(value: str | date | None) -> date | None:
    """``PEERPATH_SECOND_FACTOR_GRACE_UNTIL``: an ISO date (2027-03-31) or empty for none."""
    if isinstance(value, date) or not value:
        return value or None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(
            f"PEERPATH_SECOND_FACTOR_GRACE_UNTIL must be a date such as 2027-03-31, not {value!r}"
        ) from None


def content_dirs(environ: os._Environ | dict = os.environ) -> tuple[Path, Path]:
    """Where the course is read from; ``content check`` needs this without building the app."""
    return (
        Path(environ.get("CONTENT_DIR") or PROJECT_ROOT / "content"),
        Path(environ.get("QUIZZES_DIR") or PROJECT_ROOT / "quizzes"),
    )


def _instance_secret_key(instance: Path) -> str:
    """A key kept in ``instance/secret_key`` so every worker on this host signs alike.

    Hosts that serve together must share ``SECRET_KEY`` through the environment instead.
    """
    instance.mkdir(parents=True, exist_ok=True)
    key_file = instance / "secret_key"
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        key = secrets.token_hex(32)
        handle.write(key)
    return key

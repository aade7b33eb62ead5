"""People who use PeerPath: trainees, coordinators and admins."""

from __future__ import annotations

import enum
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, func, true
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash

from .base import Base, UTCDateTime, utcnow


class Role(enum.StrEnum):
    TRAINEE = "trainee"
    COORDINATOR = "coordinator"
    # A coordinator who also owns safeguarding decisions: signs off where the programme asks for a
    # lead, and marks mentors "do not re-engage".
    SAFEGUARDING_LEAD = "safeguarding_lead"
    AUTHOR = "author"
    ADMIN = "admin"


ROLE_LABELS = {
    Role.TRAINEE.value: "Trainee",
    Role.COORDINATOR.value: "Coordinator",
    Role.SAFEGUARDING_LEAD.value: "Safeguarding lead",
    Role.AUTHOR.value: "Author",
    Role.ADMIN.value: "Admin",
}


class RoleChecks:
    role: str

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.COORDINATOR.value, Role.SAFEGUARDING_LEAD.value, Role.ADMIN.value)

    @property
    def is_safeguarding_lead(self) -> bool:
        return self.role in (Role.SAFEGUARDING_LEAD.value, Role.ADMIN.value)

    @property
    def is_author(self) -> bool:
        return self.role in (Role.AUTHOR.value, Role.ADMIN.value)


class User(RoleChecks, UserMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default=Role.TRAINEE.value)
    # Part of the login cookie's id: bumping it signs every other session out.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id", ondelete="SET NULL"), index=True)
    # Time on task: gaps between learning actions, each capped, summed as they happen.
    seconds_on_task: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_activity_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # Set by every learning action; the stored standing is recomputed before lists read it.
    standing_stale: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true(), index=True)
    # Set by an admin: the person can no longer log in, and every session they hold ends.
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The matching system's own id for this person, set by a coordinator or an import.
    external_id: Mapped[str | None] = mapped_column(String(100), index=True, unique=True)
    # When the person proved they own the email (followed the link emailed to them, or accepted an
    # invitation); None until then. Accounts from before this column were taken as proven.
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When a coordinator (an import or the invite form) last emailed an invitation to set a password.
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When what matching systems read about the account itself last changed (deactivated or
    # reactivated, external id): with the standing's dates, what ``since`` reads.
    account_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    def set_password(self, password: str) -> None:
        self.password_hash = hash_password(password)

    def check_password(self, password: str) -> bool:
        """Argon2id hashes, and the werkzeug scrypt hashes stored before them (I1)."""
        stored = self.password_hash or ""
        if stored.startswith("$argon2"):
            try:
                return _HASHER.verify(stored, password)
            except (VerificationError, InvalidHashError):
                return False
        try:
            return check_password_hash(stored, password)
        except ValueError:  # not a hash werkzeug knows
            return False

    def password_needs_upgrade(self) -> bool:
        """True for an older scheme or weaker parameters: rehash after the next right password."""
        stored = self.password_hash or ""
        if not stored.startswith("$argon2"):
            return True
        try:
            return _HASHER.check_needs_rehash(stored)
        except InvalidHashError:
            return True

    def get_id(self) -> str:
        return f"{self.id}.{self.session_version}"

    @property
    def is_active(self) -> bool:
        """Flask-Login refuses to log in an inactive user."""
        return self.deactivated_at is None


@dataclass(frozen=True, eq=False)
class SignedInUser(RoleChecks, UserMixin):
    """The account behind a session, read once per request as a read-only snapshot: ``current_user``.

    Reading these columns costs about half as much as building an ORM ``User``, and every
    signed-in request pays it. A view that changes the account loads the ``User`` itself."""

    id: int
    email: str
    name: str
    role: str
    session_version: int
    last_activity_at: datetime | None
    seconds_on_task: int
    created_at: datetime  # where a never-active trainee's idle gap starts (the dashboard's reminders)

    def get_id(self) -> str:
        return f"{self.id}.{self.session_version}"


# The coordinator list reads active trainees by role and sorts by name, email or last activity:
# with these partial indexes it reads one page from an index instead of sorting every trainee,
# and counts them from the index alone.
_ACTIVE = User.deactivated_at.is_(None)
# The id ends each index because it breaks ties in the list's order (SQLite would add it anyway).
for _name, _column in (
    ("ix_users_active_role_name", func.lower(User.name)),
    ("ix_users_active_role_email", User.email),
    ("ix_users_active_role_activity", func.coalesce(User.last_activity_at, User.created_at)),
):
    Index(_name, User.role, _column, User.id, sqlite_where=_ACTIVE, postgresql_where=_ACTIVE)


# Argon2id with OWASP's parameters (Password Storage Cheat Sheet): 19 MiB, 2 passes, 1 lane.
_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def normalise_email(email: str) -> str:
    """The form an email is stored and compared in: trimmed, Unicode NFKC and case-folded (so
    full-width letters, ligatures and case variants are the same address, I7), and "i" followed
    by a combining dot above (what "İ" folds to) written as the plain "i" it looks like."""
    text = unicodedata.normalize("NFKC", email.strip())
    return unicodedata.normalize("NFKC", text.casefold()).replace("i\u0307", "i")


# Scripts whose letters copy Latin ones (Cyrillic "а", Greek "ο"): an email part mixing them with
# Latin is refused at registration. A short, stdlib-only check (Unicode character names), not the
# full Unicode confusables table (UTS #39).
_LATIN_LOOKALIKES = {"CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE"}


def mixed_script_email(email: str) -> bool:
    """True if the local part or a domain label mixes Latin letters with look-alike scripts."""
    local, _, domain = normalise_email(email).rpartition("@")
    for part in (local, *domain.split(".")):
        scripts = {
            unicodedata.name(character, "UNKNOWN").split()[0] for character in part if character.isalpha()
        }
        if "LATIN" in scripts and scripts & _LATIN_LOOKALIKES:
            return True
    return False

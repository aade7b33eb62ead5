"""The join key with a matching system: its own id for a mentor, set by a coordinator or an
import. Unique; a change is audited and reported to matching systems like any other."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import User, utcnow
from ..people import audit

LONGEST = 100


class ExternalIdTaken(Exception):
    def __init__(self, external_id: str, holder: User):
        super().__init__(f"{external_id!r} is already {holder.name}'s external id.")
        self.holder = holder


def problem_with(value: str) -> str | None:
    """Why ``value`` cannot be an external id, or None (empty clears it)."""
    if len(value) > LONGEST:
        return f"An external id has at most {LONGEST} characters."
    if any(not character.isprintable() for character in value):
        return "An external id cannot contain tabs, line breaks or other control characters."
    return None


def set_external_id(user: User, value: str, actor_id: int | None) -> bool:
    """Set (or with "" clear) the user's external id; False when it is already that."""
    new = value.strip() or None
    if new == user.external_id:
        return False
    if new is not None:
        holder = db.session.scalar(select(User).where(User.external_id == new, User.id != user.id))
        if holder is not None:
            raise ExternalIdTaken(new, holder)
    audit.record("account.external_id_set", "user", user.id, actor_id, old=user.external_id, new=new)
    user.external_id = new
    user.account_changed_at = utcnow()
    return True

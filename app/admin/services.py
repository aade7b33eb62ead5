"""Account changes an admin makes; each is written to the audit log in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, or_, select, update

from ..extensions import db
from ..models import Role, User, utcnow
from ..people import audit
from ..people.roster import like_escaped
from ..practice.replies import rebuild_review_queue

PAGE_SIZE = 50


class RefusedChange(Exception):
    """A change that would leave the site without a way in, e.g. an admin demoting themselves."""


@dataclass(frozen=True)
class UserFilter:
    q: str = ""
    role: str = ""
    state: str = ""  # "", "active" or "deactivated"
    page: int = 1


def user_page(filters: UserFilter) -> tuple[list[User], int]:
    query = select(User)
    if filters.q:
        # Searched as text: a typed % or _ is not a wildcard (security review I6).
        pattern = f"%{like_escaped(filters.q.lower())}%"
        query = query.where(
            or_(func.lower(User.name).like(pattern, escape="\\"), User.email.like(pattern, escape="\\"))
        )
    if filters.role:
        query = query.where(User.role == filters.role)
    if filters.state == "active":
        query = query.where(User.deactivated_at.is_(None))
    elif filters.state == "deactivated":
        query = query.where(User.deactivated_at.is_not(None))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    users = db.session.scalars(
        query.order_by(func.lower(User.name), User.id).limit(PAGE_SIZE).offset((filters.page - 1) * PAGE_SIZE)
    ).all()
    return list(users), total


def change_role(user: User, role: Role, actor: User) -> bool:
    """Give the account a new role; False if it already had it."""
    if user.id == actor.id:
        raise RefusedChange("You cannot change your own role; ask another admin.")
    if user.role == role.value:
        return False
    old = user.role
    # Only if the role is still what this admin saw: of simultaneous changes, one is recorded.
    changed = db.session.execute(
        update(User)
        .where(User.id == user.id, User.role == old)
        .values(role=role.value)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not changed:
        return False
    db.session.refresh(user)
    audit.record("account.role_changed", "user", user.id, actor.id, old=old, new=role.value)
    _requeue(user)
    return True


def deactivate(user: User, actor: User, reason: str) -> None:
    """Stop the person logging in and end every session they hold."""
    if user.id == actor.id:
        raise RefusedChange("You cannot deactivate your own account.")
    if not user.is_active:
        raise RefusedChange(f"{user.name}'s account is already deactivated.")
    user.deactivated_at = user.account_changed_at = utcnow()
    user.session_version += 1
    audit.record("account.deactivated", "user", user.id, actor.id, reason=reason)
    _requeue(user)


def reactivate(user: User, actor: User, reason: str) -> None:
    if user.is_active:
        raise RefusedChange(f"{user.name}'s account is active.")
    user.deactivated_at = None
    user.account_changed_at = utcnow()
    audit.record("account.reactivated", "user", user.id, actor.id, reason=reason)
    _requeue(user)


def _requeue(user: User) -> None:
    """Coordinators' reply queue holds active trainees' replies only (practice.replies)."""
    db.session.flush()
    rebuild_review_queue(current_app.extensions["course"], user.id)

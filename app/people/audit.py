"""Append to the audit log and read it back; the log itself refuses edits (see models.audit)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ..extensions import db
from ..models import AuditEntry, User, utcnow

# What each action means, for the admin's log page; an action not listed here cannot be recorded.
ACTIONS = {
    "certification.sign_off": "Signed off as ready to be matched",
    "certification.revoke": "Revoked certification",
    "certification.reinstate": "Reinstated certification",
    "certification.do_not_reengage": "Marked a mentor “do not re-engage”",
    "safeguarding.registration_refused": "Refused a registration with a marked email",
    "requirement.recorded": "Recorded a requirement met outside PeerPath",
    "requirement.corrected": "Corrected a requirement record",
    "requirement.voided": "Voided a requirement record made in error",
    "practice.reply_scored": "Scored a trainee's typed role-play reply on the rubric",
    "practice.observed": "Recorded observed practice, scored on the rubric",
    "practice.acknowledged": "Confirmed reading the programme's safeguarding procedure",
    "certification.void": "Voided a certification decision made in error",
    "session.attendance": "Took attendance at a live session",
    "session.changed": "Changed a live session",
    "session.cancelled": "Cancelled a live session",
    "mail.retried": "Queued failed email again",
    "account.role_changed": "Changed role",
    "account.deactivated": "Deactivated account",
    "account.reactivated": "Reactivated account",
    "account.deleted": "Deleted account and its records",
    "account.password_reset": "Reset password by email link",
    "account.email_verified": "Confirmed their email by the emailed link",
    "account.invitation_accepted": "Accepted an invitation and chose a password",
    "account.second_factor_enrolled": "Set up two-step login (an authenticator app)",
    "account.second_factor_removed": "Turned off two-step login",
    "account.second_factor_reset": "Reset two-step login (a lost device)",
    "account.recovery_codes_renewed": "Made new two-step login recovery codes",
    "account.recovery_code_used": "Logged in with a two-step login recovery code",
    "api_token.created": "Created API token",
    "api_token.revoked": "Revoked API token",
    "account.external_id_set": "Set the matching system's external id",
    "webhook.created": "Registered a webhook endpoint",
    "webhook.enabled": "Resumed a webhook endpoint",
    "webhook.disabled": "Paused a webhook endpoint",
    "people.imported": "Imported trainees and their history from a CSV file",
    "cohort.trainee_moved": "Moved a trainee to another cohort",
    "cohort.invite_rotated": "Replaced a cohort's invite link (the old one stops working)",
    "cohort.invite_end_set": "Set the day a cohort's invite link stops working",
}

PAGE_SIZE = 50


def record(action: str, subject_type: str, subject_id: int, actor_id: int | None, **details) -> AuditEntry:
    """Add an entry to the session; it commits with the change it describes, or not at all."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    entry = AuditEntry(
        at=utcnow(),
        actor_id=actor_id,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        details=details,
    )
    db.session.add(entry)
    return entry


@dataclass(frozen=True)
class LogLine:
    entry: AuditEntry
    actor: str  # a name, "command line", or "deleted account #n"
    subject: str


def _thing(subject_type: str, subject_id: int) -> str:
    return {
        "api_token": "API token",
        "session": "live session",
        "webhook": "webhook endpoint",
        "marker": "safeguarding marker",
        "outbox": "email",
    }.get(subject_type, subject_type) + f" #{subject_id}"


def page_of_entries(
    page: int, action: str = "", subject: tuple[str, int] | None = None
) -> tuple[list[LogLine], int]:
    """Newest first, with the names of the people involved (three queries whatever the page size)."""
    query = select(AuditEntry)
    if action:
        query = query.where(AuditEntry.action == action)
    if subject:
        query = query.where(AuditEntry.subject_type == subject[0], AuditEntry.subject_id == subject[1])
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    entries = db.session.scalars(
        query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    user_ids = {e.actor_id for e in entries if e.actor_id} | {
        e.subject_id for e in entries if e.subject_type == "user"
    }
    names = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(user_ids))).all())

    def person(user_id: int | None) -> str:
        if user_id is None:
            return "command line"
        return names.get(user_id, f"deleted account #{user_id}")

    lines = [
        LogLine(
            entry=e,
            actor=person(e.actor_id),
            subject=person(e.subject_id)
            if e.subject_type == "user"
            else _thing(e.subject_type, e.subject_id),
        )
        for e in entries
    ]
    return lines, total

"""Data-protection requests: everything PeerPath holds about one person, exported or deleted."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, inspect, or_, select

from ..extensions import db
from ..models import (
    AuditEntry,
    CertificationEvent,
    Cohort,
    OutboxMessage,
    QuizAttempt,
    Reflection,
    RemovedMentor,
    Role,
    ScenarioRun,
    ScenarioStep,
    SectionView,
    Standing,
    User,
    WithdrawnCertificate,
    utcnow,
)
from . import audit, safeguarding_markers

# Never exported: a password hash helps nobody and an attacker a little.
_SECRET_COLUMNS = {"password_hash", "session_version"}


def _as_dict(row) -> dict[str, Any]:
    values = {}
    for column in inspect(row).mapper.column_attrs:
        if column.key in _SECRET_COLUMNS:
            continue
        value = getattr(row, column.key)
        values[column.key] = value.isoformat() if isinstance(value, datetime) else value
    return values


def _rows(model, *criteria) -> list[dict[str, Any]]:
    return [_as_dict(row) for row in db.session.scalars(select(model).where(*criteria).order_by(model.id))]


def export_user(user: User) -> dict[str, Any]:
    """One person's records as plain JSON-ready data, keyed by what they are."""
    runs = _rows(ScenarioRun, ScenarioRun.user_id == user.id)
    steps = _rows(ScenarioStep, ScenarioStep.run_id.in_([run["id"] for run in runs]))
    for run in runs:
        run["steps"] = [step for step in steps if step["run_id"] == run["id"]]
    standing = db.session.get(Standing, user.id)
    cohort = db.session.get(Cohort, user.cohort_id) if user.cohort_id else None
    return {
        "exported_at": utcnow().isoformat(),
        "account": _as_dict(user) | {"cohort": cohort.name if cohort else None},
        "sections_read": _rows(SectionView, SectionView.user_id == user.id),
        "reflections": _rows(Reflection, Reflection.user_id == user.id),
        "quiz_attempts": _rows(QuizAttempt, QuizAttempt.user_id == user.id),
        "role_play_runs": runs,
        "certification_standing": _as_dict(standing) if standing else None,
        "certification_events": _rows(CertificationEvent, CertificationEvent.user_id == user.id),
        "decisions_made_as_staff": _rows(CertificationEvent, CertificationEvent.actor_id == user.id),
        "audit_log": _rows(
            AuditEntry,
            or_(
                AuditEntry.actor_id == user.id,
                (AuditEntry.subject_type == "user") & (AuditEntry.subject_id == user.id),
            ),
        ),
        "emails_in_outbox": _rows(OutboxMessage, OutboxMessage.recipient == user.email),
    }


def delete_user(user: User, marker_years: int = 10) -> int:
    """Remove the person and every record about them; returns how many certificates were withdrawn.

    Their certificates' public pages keep answering "revoked" through the withdrawn list, which
    holds only the random certificate ids; a trainee leaves a tombstone for matching systems
    (their id, external id and cohort, nothing that names them); a revoked or "do not re-engage"
    one leaves a keyed hash of their email for ``marker_years`` (safeguarding_markers.py). The audit log keeps its entries (ids, no name or email)
    and gains one for the deletion.
    """
    certificates = list(
        db.session.scalars(
            select(CertificationEvent.certificate_id).where(
                CertificationEvent.user_id == user.id, CertificationEvent.certificate_id.is_not(None)
            )
        )
    )
    db.session.add_all(WithdrawnCertificate(certificate_id=c, withdrawn_at=utcnow()) for c in certificates)
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.recipient == user.email))
    if user.role == Role.TRAINEE.value:  # matching systems must hear they are gone
        db.session.add(RemovedMentor(user_id=user.id, external_id=user.external_id, cohort_id=user.cohort_id))
    decision = safeguarding_markers.decision_to_keep(user.id)
    if decision:  # a revoked or "do not re-engage" mentor cannot come back unnoticed
        safeguarding_markers.leave_marker(user.email, decision, marker_years, utcnow())
    user_id = user.id
    db.session.expunge(user)
    # Rows that name the user go by the database's ON DELETE CASCADE (staff decisions they made
    # keep the decision and lose the name: SET NULL).
    db.session.execute(delete(User).where(User.id == user_id))
    audit.record("account.deleted", "user", user_id, None, certificates_withdrawn=len(certificates))
    return len(certificates)

"""Data-protection requests: everything PeerPath holds about one person, exported or deleted."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, inspect, or_, select

from ..extensions import db
from ..models import (
    AuditEntry,
    CertificationEvent,
    Cohort,
    CohortFollower,
    EmailOptOut,
    Notification,
    OutboxMessage,
    PublishedMentorState,
    QuizAttempt,
    RateLimitCounter,
    ReadingPosition,
    RecoveryCode,
    Reflection,
    RemovedMentor,
    ReplyAwaitingReview,
    ReplyScore,
    RequirementRecord,
    Role,
    RushedSection,
    ScenarioRun,
    ScenarioStep,
    SecondFactor,
    SectionView,
    SessionSignup,
    Standing,
    TrainingSession,
    User,
    WebhookDelivery,
    WithdrawnCertificate,
    current_requirement_records,
    utcnow,
)
from . import audit, safeguarding_markers

# Never exported (table.column): a password hash or a second factor's secret helps nobody and an
# attacker a little; the session counter and the recovery codes' salts and hashes mean nothing.
SECRET_COLUMNS = {
    "users.password_hash",
    "users.session_version",
    "second_factors.secret",
    "recovery_codes.salt",
    "recovery_codes.code_hash",
}


def _as_dict(row) -> dict[str, Any]:
    values = {}
    mapper = inspect(row).mapper
    for column in mapper.column_attrs:
        if f"{mapper.local_table.name}.{column.key}" in SECRET_COLUMNS:
            continue
        value = getattr(row, column.key)
        values[column.key] = value.isoformat() if isinstance(value, datetime) else value
    return values


def _rows(model, *criteria) -> list[dict[str, Any]]:
    order = inspect(model).primary_key
    return [_as_dict(row) for row in db.session.scalars(select(model).where(*criteria).order_by(*order))]


def export_user(user: User) -> dict[str, Any]:
    """One person's records as plain JSON-ready data, keyed by what they are."""
    runs = _rows(ScenarioRun, ScenarioRun.user_id == user.id)
    steps = _rows(ScenarioStep, ScenarioStep.run_id.in_([run["id"] for run in runs]))
    for run in runs:
        run["steps"] = [step for step in steps if step["run_id"] == run["id"]]
    standing = db.session.get(Standing, user.id)
    cohort = db.session.get(Cohort, user.cohort_id) if user.cohort_id else None
    requirement_records = _requirement_records(user.id)
    signups = _signups(user.id)
    second_factor = db.session.get(SecondFactor, user.id)
    return {
        "exported_at": utcnow().isoformat(),
        "account": _as_dict(user) | {"cohort": cohort.name if cohort else None},
        "sections_read": _rows(SectionView, SectionView.user_id == user.id),
        "reflections": _rows(Reflection, Reflection.user_id == user.id),
        "quiz_attempts": _rows(QuizAttempt, QuizAttempt.user_id == user.id),
        "role_play_runs": runs,
        "reply_scores": _rows(ReplyScore, ReplyScore.user_id == user.id),
        "replies_awaiting_review": _rows(ReplyAwaitingReview, ReplyAwaitingReview.user_id == user.id),
        "reply_scores_given_as_staff": _rows(ReplyScore, ReplyScore.scored_by == user.id),
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
        "notifications_sent": _rows(Notification, Notification.user_id == user.id),
        "notifications_about_them": _rows(Notification, Notification.about_user_id == user.id),
        "email_opt_outs": _rows(EmailOptOut, EmailOptOut.user_id == user.id),
        "cohorts_followed": _rows(CohortFollower, CohortFollower.user_id == user.id),
        "requirement_records": requirement_records,
        "requirement_records_made_as_staff": _rows(
            RequirementRecord, RequirementRecord.recorded_by == user.id
        ),
        "session_signups": signups,
        "attendance_taken_as_staff": _rows(SessionSignup, SessionSignup.attendance_by == user.id),
        "training_sessions_created": _rows(TrainingSession, TrainingSession.created_by == user.id),
        "reading_position": _rows(ReadingPosition, ReadingPosition.user_id == user.id),
        "sections_left_too_soon": _rows(RushedSection, RushedSection.user_id == user.id),
        # When two-step login was set up and the recovery codes' dates; never the secret or codes.
        "second_factor": _as_dict(second_factor) if second_factor else None,
        "recovery_codes": _rows(RecoveryCode, RecoveryCode.user_id == user.id),
        "sent_to_matching_systems": _rows(WebhookDelivery, WebhookDelivery.mentor_id == user.id),
        "last_published_to_matching_systems": _rows(
            PublishedMentorState, PublishedMentorState.user_id == user.id
        ),
        "throttling_counters": [
            {"key": counter.key, "hits": counter.hits, "expires_at": counter.expires_at}
            for counter in _rate_limit_counters(user.email)
        ],
    }


def _requirement_records(user_id: int) -> list[dict[str, Any]]:
    """Their requirement records, superseded and voided ones too, each marked current or not."""
    current = set(
        db.session.scalars(
            select(RequirementRecord.id).where(
                RequirementRecord.user_id == user_id, current_requirement_records()
            )
        )
    )
    records = _rows(RequirementRecord, RequirementRecord.user_id == user_id)
    for record in records:
        record["current"] = record["id"] in current
    return records


def _signups(user_id: int) -> list[dict[str, Any]]:
    """Their live-session sign-ups and attendance, with each session's title and start."""
    signups = _rows(SessionSignup, SessionSignup.user_id == user_id)
    sessions = {
        session.id: session
        for session in db.session.scalars(
            select(TrainingSession).where(TrainingSession.id.in_([s["session_id"] for s in signups]))
        )
    }
    for signup in signups:
        session = sessions[signup["session_id"]]
        signup["session"] = {"title": session.title, "starts_at": session.starts_at.isoformat()}
    return signups


def _rate_limit_counters(email: str) -> list[RateLimitCounter]:
    """Throttling counters whose key names this email (failed logins, reset requests), and not
    another address that merely contains it (``bob@x.org`` is not ``jbob@x.org``)."""
    email = email.lower()
    whole = re.compile(r"(?<![\w.%+\-])" + re.escape(email) + r"(?![\w.\-])")
    candidates = db.session.scalars(
        select(RateLimitCounter)
        .where(func.lower(RateLimitCounter.key).contains(email, autoescape=True))
        .order_by(RateLimitCounter.key)
    )
    return [counter for counter in candidates if whole.search(counter.key.lower())]


def delete_user(user: User, marker_years: int = 10) -> int:
    """Remove the person and every record about them; returns how many certificates were withdrawn.

    Their certificates' public pages keep answering "revoked" through the withdrawn list, which
    holds only the random certificate ids; a trainee leaves a tombstone for matching systems
    (their id, external id and cohort, nothing that names them); a revoked or "do not re-engage"
    one leaves a keyed hash of their email for ``marker_years`` (safeguarding_markers.py). The audit log keeps its entries (ids, no name or email)
    and gains one for the deletion. Throttling counters keyed by their email and webhook
    deliveries about them go too; records they made as staff about others stay (a bare id).
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
    # Throttling counters keyed by the email, and what webhooks sent about them (name, email):
    # no foreign key takes these with the account. The tombstone below tells matching systems.
    keys = [counter.key for counter in _rate_limit_counters(user.email)]
    if keys:
        db.session.execute(delete(RateLimitCounter).where(RateLimitCounter.key.in_(keys)))
    db.session.execute(delete(WebhookDelivery).where(WebhookDelivery.mentor_id == user.id))
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

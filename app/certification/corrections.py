"""Putting the safeguarding history right without rewriting it: a requirement record is
corrected (a new record naming the one it replaces) or voided, and a decision made in error is
voided. Both rows stay and both are shown; status reads the current ones. Every correction has a
reason and is audited."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, select

from ..extensions import db
from ..models import CertificationEvent, RequirementRecord, utcnow
from ..people import audit
from .standings import mark_stale


class Refused(Exception):
    """The correction cannot be made; the message says why, for the person who tried."""


def _current_record(user_id: int, record_id: int) -> RequirementRecord:
    record = db.session.get(RequirementRecord, record_id)
    if record is None or record.user_id != user_id:
        raise Refused("There is no such record for this mentor.")
    replaced = db.session.scalar(select(exists().where(RequirementRecord.corrects_id == record.id)))
    if record.voided or replaced:
        raise Refused("That record has already been corrected or voided; correct the current one.")
    return record


def correct_requirement(
    user_id: int, record_id: int, completed_on: datetime, hours: float | None, reason: str, actor_id: int
) -> RequirementRecord:
    """Replace a record's date (and hours) with the right ones; the old record stays, marked."""
    old = _current_record(user_id, record_id)
    was = old.completed_on.date().isoformat()
    return _supersede(
        old,
        reason,
        actor_id,
        "requirement.corrected",
        completed_on=completed_on,
        hours=hours,
        note=old.note,
        # What the date does not change: an observation's observer and scores, the procedure
        # version a trainee acknowledged.
        observer=old.observer,
        scores=old.scores,
        version=old.version,
        audit_details={"was": was, "now": completed_on.date().isoformat()},
    )


def void_requirement(user_id: int, record_id: int, reason: str, actor_id: int) -> RequirementRecord:
    """Withdraw a record made in error (the wrong person, a step that did not happen)."""
    old = _current_record(user_id, record_id)
    return _supersede(old, reason, actor_id, "requirement.voided", completed_on=old.completed_on, voided=True)


def _supersede(old: RequirementRecord, reason: str, actor_id: int, action: str, audit_details=None, **fields):
    """A new record naming the one it replaces (a correction, or with ``voided`` a void); audited."""
    record = RequirementRecord(
        user_id=old.user_id,
        requirement_id=old.requirement_id,
        recorded_by=actor_id,
        recorded_at=utcnow(),
        corrects_id=old.id,
        reason=reason,
        **fields,
    )
    db.session.add(record)
    db.session.flush()
    audit.record(
        action,
        "user",
        old.user_id,
        actor_id,
        requirement=old.requirement_id,
        record=old.id,
        reason=reason,
        **(audit_details or {}),
    )
    mark_stale([old.user_id])
    return record


def void_decision(user_id: int, event_id: int, reason: str, actor_id: int) -> CertificationEvent:
    """Withdraw a sign-off, revocation or reinstatement made in error; status forgets it."""
    decision = db.session.get(CertificationEvent, event_id)
    if decision is None or decision.user_id != user_id or decision.kind == "void":
        raise Refused("There is no such decision for this mentor.")
    if db.session.scalar(select(exists().where(CertificationEvent.voids_id == decision.id))):
        raise Refused("That decision has already been voided.")
    void = CertificationEvent(
        user_id=user_id, actor_id=actor_id, kind="void", reason=reason, at=utcnow(), voids_id=decision.id
    )
    db.session.add(void)
    db.session.flush()
    audit.record(
        "certification.void",
        "user",
        user_id,
        actor_id,
        decision=decision.kind,
        event=decision.id,
        reason=reason,
    )
    mark_stale([user_id])
    return void

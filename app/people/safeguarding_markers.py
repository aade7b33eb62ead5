"""Erasure that keeps the safeguarding trail: when a revoked or "do not re-engage" mentor is
erased, a keyed hash of their email stays for the retention period, and a new registration with
that email is refused with a neutral message and shown to coordinators."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select

from ..extensions import db
from ..models import (
    CertificationEvent,
    RefusedRegistration,
    SafeguardingMarker,
    normalise_email,
    standing_decisions,
)
from . import audit


def email_hash(email: str) -> str:
    key = current_app.config["SAFEGUARDING_MARKER_KEY"].encode()
    return hmac.new(key, normalise_email(email).encode(), hashlib.sha256).hexdigest()


def decision_to_keep(user_id: int) -> str | None:
    """ "do_not_reengage" or "revoked" when the person's decisions in force call for a marker."""
    kinds = list(
        db.session.scalars(
            select(CertificationEvent.kind)
            .where(CertificationEvent.user_id == user_id, standing_decisions())
            .order_by(CertificationEvent.at, CertificationEvent.id)
        )
    )
    if "do_not_reengage" in kinds:
        return "do_not_reengage"
    blocking = [kind for kind in kinds if kind in ("revoke", "reinstate")]
    return "revoked" if blocking and blocking[-1] == "revoke" else None


def leave_marker(email: str, decision: str, years: int, now: datetime) -> SafeguardingMarker:
    marker = SafeguardingMarker(
        email_hash=email_hash(email),
        decision=decision,
        recorded_at=now,
        keep_until=now + timedelta(days=365 * years),
    )
    db.session.add(marker)
    return marker


def refuse_registration(email: str, now: datetime) -> bool:
    """True when the email belongs to a marked, erased mentor: the attempt is recorded for
    coordinators (no email, no name) and audited."""
    marker = db.session.scalars(
        select(SafeguardingMarker)
        .where(SafeguardingMarker.email_hash == email_hash(email), SafeguardingMarker.keep_until > now)
        .order_by(SafeguardingMarker.id.desc())
    ).first()
    if marker is None:
        return False
    refusal = RefusedRegistration(at=now, marker_id=marker.id, decision=marker.decision)
    db.session.add(refusal)
    db.session.flush()
    audit.record("safeguarding.registration_refused", "marker", marker.id, None, decision=marker.decision)
    return True


def recent_refusals(since: datetime) -> list[RefusedRegistration]:
    return list(
        db.session.scalars(
            select(RefusedRegistration)
            .where(RefusedRegistration.at >= since)
            .order_by(RefusedRegistration.at.desc())
        )
    )


def purge_expired(now: datetime) -> int:
    """Delete markers past their retention period; returns how many."""
    return db.session.execute(delete(SafeguardingMarker).where(SafeguardingMarker.keep_until <= now)).rowcount

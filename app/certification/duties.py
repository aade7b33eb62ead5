"""Who may make a safeguarding decision about a mentor, by the program's ``duties:``."""

from __future__ import annotations

from sqlalchemy import select

from ..course.model import Program
from ..extensions import db
from ..models import CertificationEvent, RequirementRecord, current_requirement_records, standing_decisions


def screening_recorders(user_id: int) -> set[int]:
    """The staff whose records of this mentor's screening and live training count now."""
    return set(
        db.session.scalars(
            select(RequirementRecord.recorded_by).where(
                RequirementRecord.user_id == user_id,
                RequirementRecord.recorded_by.is_not(None),
                current_requirement_records(),
            )
        )
    )


def sign_off_refusal(program: Program, actor, mentor_id: int) -> str | None:
    """Why ``actor`` may not sign this mentor off, or None when they may."""
    if program.duties.sign_off_by_safeguarding_lead_only and not actor.is_safeguarding_lead:
        return "This programme leaves sign-off to a safeguarding lead."
    if program.duties.sign_off_not_by_screening_recorder and actor.id in screening_recorders(mentor_id):
        return (
            "You recorded part of this mentor's screening or live training, so another coordinator or the "
            "safeguarding lead signs them off (four eyes)."
        )
    return None


def marked_do_not_reengage(user_id: int) -> CertificationEvent | None:
    """The "do not re-engage" decision in force for this mentor, if any."""
    return db.session.scalars(
        select(CertificationEvent).where(
            CertificationEvent.user_id == user_id,
            CertificationEvent.kind == "do_not_reengage",
            standing_decisions(),
        )
    ).first()

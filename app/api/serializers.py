"""What the matching API says about a mentor, as JSON-ready dictionaries."""

from __future__ import annotations

from datetime import datetime

from ..certification.status import Records, competency_scores, recorded_requirements
from ..course import Course


def mentor(row, course: Course, records: Records, now: datetime) -> dict:
    """One roster row: status, dates, cohort, a 0-100 score per competency, recorded requirements."""
    return {
        "id": row.id,
        "name": row.name,
        "email": row.email,
        "status": row.status,
        "certified_at": iso(row.certified_at),
        "expires_at": iso(row.expires_at),
        "cohort": row.cohort,
        "competencies": competency_scores(course, records),
        "requirements": recorded_requirements(course, records, now),
    }


def iso(value: datetime | None) -> str | None:
    """UTC times as ISO 8601 with a Z, to the second."""
    return value.isoformat(timespec="seconds").replace("+00:00", "Z") if value else None

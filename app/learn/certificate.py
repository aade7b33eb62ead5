"""The evidence a certificate carries for a funder or a safeguarding lead: what the mentor
completed, on which version of the course, for how long, and which recorded steps were done.
Everything comes from the checklist and the sign-off, so the certificate says what the rules
counted, never a figure worked out another way."""

from __future__ import annotations

import math
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import select

from ..certification.checklist import recorded_requirements
from ..certification.facts import Standing
from ..certification.records import load_records
from ..certification.status import standing
from ..course import Course
from ..extensions import db
from ..models import CertificationEvent


class ModuleDone(NamedTuple):
    title: str
    version: int | None  # the module's version the sign-off recorded


class LiveHours(NamedTuple):
    title: str
    hours: float
    required: float


class Evidence(NamedTuple):
    standing: Standing
    modules: tuple[ModuleDone, ...]
    roleplays: tuple[str, ...]  # titles of the required role-plays passed
    content_version: str | None  # the course as it was at the sign-off
    online_minutes: int
    live: LiveHours | None  # only when the programme counts live sessions in hours
    completed: tuple[str, ...]  # titles of the steps staff recorded as done (screening and the like)
    prior_certifier: str | None  # an imported certificate: who certified the mentor before


def certificate_evidence(course: Course, user_id: int, now: datetime) -> Evidence:
    """A trainee's standing and what their certificate shows of it (one read of their records)."""
    records = load_records([user_id])[user_id]
    now_standing = standing(course.program, course, records, now)
    event = _sign_off(now_standing.certificate_id)
    done = [item for item in now_standing.requirements if item.done]
    hours = recorded_requirements(course, records, now)
    live = next((r for r in course.program.requirements if r.from_sessions and r.id in hours), None)
    return Evidence(
        standing=now_standing,
        modules=_modules(course, event.module_versions if event else None),
        roleplays=tuple(
            course.scenario_by_id[item.target].title
            for item in done
            if item.kind == "scenario" and item.target in course.scenario_by_id
        ),
        content_version=event.content_version if event else None,
        online_minutes=math.floor(records.minutes_on_task),
        live=LiveHours(live.title, hours[live.id]["hours"], live.hours) if live else None,
        completed=tuple(item.title for item in done if item.kind == "recorded"),
        prior_certifier=event.prior_certifier if event else None,
    )


def _sign_off(certificate_id: str | None) -> CertificationEvent | None:
    if certificate_id is None:
        return None
    return db.session.scalar(
        select(CertificationEvent).where(CertificationEvent.certificate_id == certificate_id)
    )


def _modules(course: Course, versions: dict | None) -> tuple[ModuleDone, ...]:
    """The modules the sign-off was earned on, in the course's order; one since removed from the
    course keeps its id, so the certificate still says what was done."""
    if not versions:
        return ()
    order = {module.id: index for index, module in enumerate(course.modules)}
    return tuple(
        ModuleDone(
            course.module_by_id[module_id].title if module_id in course.module_by_id else module_id,
            version,
        )
        for module_id, version in sorted(versions.items(), key=lambda kv: order.get(kv[0], len(order)))
    )

"""A trainee's certification standing: a pure function of the program, the course, their
records and the time. Nothing here reads the database or the clock.

States: not_started → in_training → awaiting_review (when sign-off is required) →
certified → renewal_due → expired; revoked from any state until reinstated.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from ..course.model import Course, Program
from .checklist import (
    PracticeSummary,
    add_months,
    in_force,
    practice_summary,
    quiz_passes,
    recorded_requirements,
    requirements,
)
from .facts import (
    STATUS_LABELS,
    VALID,
    Event,
    QuizResult,
    Records,
    Requirement,
    RequirementRecord,
    ReviewedReply,
    ScenarioResult,
    Standing,
    Status,
)

__all__ = [  # the names other packages take from here
    "STATUS_LABELS",
    "VALID",
    "Event",
    "PracticeSummary",
    "QuizResult",
    "Records",
    "Requirement",
    "RequirementRecord",
    "ReviewedReply",
    "ScenarioResult",
    "Standing",
    "Status",
    "add_months",
    "competency_scores",
    "practice_summary",
    "quiz_passes",
    "recorded_requirements",
    "requirements",
    "standing",
]


def standing(program: Program, course: Course, records: Records, now: datetime) -> Standing:
    """Where the trainee stands right now."""
    items = requirements(program, course, records, now)
    met = all(item.done for item in items)
    sign_offs = [e for e in records.events if e.kind == "sign_off"]
    last_signoff = sign_offs[-1] if sign_offs else None
    checklist = items + ((_sign_off_item(last_signoff),) if program.sign_off else ())
    revoked = _revoked(records.events)
    start, versions, certificate_id = _certification_start(program, records, items, met, last_signoff)
    prior = last_signoff is not None and last_signoff.prior and start == last_signoff.at
    if start is None:
        if revoked:
            return Standing(Status.REVOKED, checklist)
        if met:
            return Standing(Status.AWAITING_REVIEW if program.sign_off else Status.CERTIFIED, checklist)
        active = (
            records.sections_read
            or records.quiz_results
            or records.scenario_results
            or records.minutes_on_task
        )
        return Standing(Status.IN_TRAINING if active else Status.NOT_STARTED, checklist)
    return _certified(
        program, course, records, now, items, checklist, start, versions, certificate_id, revoked, prior
    )


def _sign_off_item(last_signoff: Event | None) -> Requirement:
    return Requirement(
        "sign_off",
        "",
        "Sign-off by your coordinator",
        last_signoff is not None,
        "signed off" if last_signoff else "after everything above is done",
        last_signoff.at if last_signoff else None,
    )


def _certification_start(program, records, items, met, last_signoff):
    """When the current certificate started, the module versions it was earned on, and its id."""
    if program.sign_off or (last_signoff is not None and last_signoff.prior and not met):
        # A certification imported from before PeerPath starts a certificate whether or not the
        # programme asks for sign-off: it stands for training done elsewhere.
        if last_signoff is None:
            return None, {}, None
        return last_signoff.at, dict(last_signoff.module_versions), last_signoff.certificate_id
    start = max((i.done_at for i in items if i.done_at), default=None) if met else None
    # Earned on the versions the trainee's first qualifying quiz passes were taken against.
    versions = {}
    for m in program.modules:
        passes = [
            r for r in records.quiz_results if r.quiz_id == m.quiz_id and quiz_passes(r, m.quiz_pass_mark)
        ]
        if passes:
            versions[m.module_id] = min(passes, key=lambda r: r.at).module_version
    return start, versions, None


def _certified(
    program, course, records, now, items, checklist, start, versions, certificate_id, revoked, prior
):
    """The standing of a trainee who was certified at ``start``: valid, due for renewal, expired.
    ``prior``: the certificate was imported, earned before PeerPath."""
    validity = timedelta(days=program.validity_days)
    window = timedelta(days=program.renewal_window_days)
    cycle_start = start
    while True:
        expires = cycle_start + validity
        opens = expires - window
        renewed_at = _all_quizzes_passed_between(program, records, opens, expires) if window else None
        if renewed_at is None or renewed_at > now:
            break
        cycle_start = renewed_at
    # A step added to the program after this certificate was issued binds it from its renewal.
    grandfathered = {r.id for r in program.requirements if r.applies_from and r.applies_from > cycle_start}
    recorded = [item for item in items if item.kind == "recorded" and item.target not in grandfathered]
    # A changed safeguarding procedure asks certified mentors to acknowledge it again; they stay
    # valid meanwhile (renewal due), as they did know the procedure it replaces.
    reacknowledge = _stale_acknowledgements(program, records, recorded)
    if prior and cycle_start == start:
        # What PeerPath itself assesses could not have been done before it: until the first
        # renewal it is asked for (renewal due), and binds as usual from then on.
        reacknowledge.update(_assessed_in_peerpath(program, recorded))
    recorded = [item for item in recorded if item.target not in reacknowledge]
    if any(not item.done for item in recorded):
        expires = min(expires, now)  # a screening or training record missing or lapsed: not valid now
    # A screening record that lapses before the certificate would end cuts it short, and opens the
    # renewal window as early before that day as before the certificate's own end.
    lapsing = tuple(item.title for item in recorded if item.expires_at and item.expires_at < expires)
    expires = min([expires, *(item.expires_at for item in recorded if item.expires_at)])
    if window:
        opens = min(opens, expires - window)
    changed = _changed_modules(program, course, records, versions)
    details = dict(
        certified_at=start,
        expires_at=expires,
        renewal_opens_at=opens if window else None,
        renewal_modules=changed,
        lapsing_requirements=lapsing,
        renewal_requirements=tuple(reacknowledge.values()),
        certificate_id=certificate_id,
    )
    if revoked:
        return Standing(Status.REVOKED, checklist, **details)
    if now >= expires:
        repassed = _all_quizzes_passed_between(program, records, expires, now)
        if repassed is not None and program.sign_off:
            return Standing(Status.AWAITING_REVIEW, checklist, **details)
        return Standing(Status.EXPIRED, checklist, **details)
    if changed or reacknowledge or (window and now >= opens):
        return Standing(Status.RENEWAL_DUE, checklist, **details)
    return Standing(Status.CERTIFIED, checklist, **details)


def _stale_acknowledgements(program: Program, records: Records, recorded) -> dict[str, str]:
    """Acknowledgement items undone only because the procedure changed since: id -> title."""
    kinds = {r.id: r.kind for r in program.requirements}
    acknowledged = {r.requirement_id for r in records.requirement_records}
    return {
        item.target: item.title
        for item in recorded
        if not item.done and kinds.get(item.target) == "acknowledge" and item.target in acknowledged
    }


def _assessed_in_peerpath(program: Program, recorded) -> dict[str, str]:
    """Undone items PeerPath assesses itself (an acknowledgement, a rubric-scored observation)."""
    assessed = {r.id for r in program.requirements if r.kind == "acknowledge" or r.rubric}
    return {item.target: item.title for item in recorded if not item.done and item.target in assessed}


def _changed_modules(program: Program, course: Course, records: Records, versions: dict) -> tuple[str, ...]:
    """Modules raised in version since the certificate, not yet passed again on the new version."""
    return tuple(
        m.module_id
        for m in program.modules
        if m.quiz_id is not None  # a new version of a local module without a quiz asks nothing again
        and course.module_by_id[m.module_id].version > versions.get(m.module_id, 0)
        and not any(
            r.quiz_id == m.quiz_id
            and quiz_passes(r, m.quiz_pass_mark)
            and r.module_version >= course.module_by_id[m.module_id].version
            for r in records.quiz_results
        )
    )


def _revoked(events: tuple[Event, ...]) -> bool:
    """Revoked and not reinstated since, or marked "do not re-engage" (which only a void lifts)."""
    if any(e.kind == "do_not_reengage" for e in events):
        return True
    decisions = [e.kind for e in events if e.kind in ("revoke", "reinstate")]
    return bool(decisions) and decisions[-1] == "revoke"


def _all_quizzes_passed_between(
    program: Program, records: Records, start: datetime, end: datetime
) -> datetime | None:
    """When every required quiz had been passed again within [start, end], or None."""
    latest = []
    for required in in_force(program.modules, end):
        if required.quiz_id is None:  # a local module without a quiz has nothing to pass again
            continue
        passes = [
            r.at
            for r in records.quiz_results
            if r.quiz_id == required.quiz_id
            and quiz_passes(r, required.quiz_pass_mark)
            and start <= r.at <= end
        ]
        if not passes:
            return None
        latest.append(min(passes))
    return max(latest) if latest else None


def competency_scores(course: Course, records: Records) -> dict[str, int]:
    """0-100 per module: the mean of the best quiz score and the best score of each of its role-plays."""
    scores = {}
    for module in course.modules:
        parts = []
        quiz = course.quiz_for_module.get(module.id)
        if quiz:
            parts.append(max((r.score for r in records.quiz_results if r.quiz_id == quiz.id), default=0))
        for scenario in course.scenarios_for_module.get(module.id, ()):
            parts.append(
                max((r.score for r in records.scenario_results if r.scenario_id == scenario.id), default=0)
            )
        scores[module.id] = math.floor(sum(parts) / len(parts)) if parts else 0
    return scores

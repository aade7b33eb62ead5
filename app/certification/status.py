"""A trainee's certification standing: a pure function of the program, the course, their
records and the time. Nothing here reads the database or the clock.

States: not_started → in_training → awaiting_review (when sign-off is required) →
certified → renewal_due → expired; revoked from any state until reinstated.
"""

from __future__ import annotations

import calendar
import enum
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import NamedTuple

from ..course.model import Course, Program, ProgramRequirement


class Status(enum.StrEnum):
    NOT_STARTED = "not_started"
    IN_TRAINING = "in_training"
    AWAITING_REVIEW = "awaiting_review"
    CERTIFIED = "certified"
    RENEWAL_DUE = "renewal_due"
    EXPIRED = "expired"
    REVOKED = "revoked"


STATUS_LABELS = {
    Status.NOT_STARTED: "Not started",
    Status.IN_TRAINING: "In training",
    Status.AWAITING_REVIEW: "Awaiting review",
    Status.CERTIFIED: "Certified: ready to be matched",
    Status.RENEWAL_DUE: "Certified: renewal due",
    Status.EXPIRED: "Expired",
    Status.REVOKED: "Revoked",
}

# Statuses in which a mentor may be matched: the certificate is valid.
VALID = frozenset({Status.CERTIFIED, Status.RENEWAL_DUE})


class QuizResult(NamedTuple):
    quiz_id: str
    module_version: int
    score: int
    passed: bool  # by the quiz's own rules, critical questions included
    at: datetime


class ScenarioResult(NamedTuple):
    scenario_id: str
    score: int
    at: datetime
    passed: bool = True  # False when a critical choice failed the run, whatever its score


class RequirementRecord(NamedTuple):
    """A coordinator's record that something outside PeerPath was done (no results, no documents)."""

    requirement_id: str
    on: datetime  # the day it was cleared, or the day of the training session (midnight UTC)
    hours: float | None = None


class Event(NamedTuple):
    """A person's decision, from the append-only certification log."""

    kind: str  # "sign_off" | "revoke" | "reinstate"
    at: datetime
    module_versions: Mapping[str, int] = MappingProxyType({})  # sign_off: what it was earned on
    certificate_id: str | None = None


@dataclass(frozen=True)
class Records:
    """Everything about one trainee that certification depends on."""

    sections_read: Mapping[tuple[str, str], datetime] = field(default_factory=dict)
    quiz_results: tuple[QuizResult, ...] = ()
    scenario_results: tuple[ScenarioResult, ...] = ()
    minutes_on_task: float = 0.0
    events: tuple[Event, ...] = ()  # oldest first
    requirement_records: tuple[RequirementRecord, ...] = ()
    sessions_attended: tuple[tuple[datetime, float], ...] = ()  # (start, hours) of live sessions attended


class Requirement(NamedTuple):
    kind: str  # "sections" | "quiz" | "scenario" | "time" | "recorded" | "sign_off"
    target: str  # module, quiz, scenario or recorded-requirement id; "" for time and sign-off
    title: str
    done: bool
    progress: str
    done_at: datetime | None = None
    expires_at: datetime | None = None  # recorded requirements that lapse, e.g. a background check


@dataclass(frozen=True)
class Standing:
    status: Status
    requirements: tuple[Requirement, ...]
    certified_at: datetime | None = None
    expires_at: datetime | None = None
    renewal_opens_at: datetime | None = None
    renewal_modules: tuple[str, ...] = ()  # modules changed since certification, to revisit
    certificate_id: str | None = None

    @property
    def valid(self) -> bool:
        return self.status in VALID

    @property
    def done_count(self) -> int:
        return sum(r.done for r in self.requirements)

    @property
    def progress_percent(self) -> int:
        return math.floor(100 * self.done_count / len(self.requirements)) if self.requirements else 0


def requirements(
    program: Program, course: Course, records: Records, now: datetime
) -> tuple[Requirement, ...]:
    """The checklist: what is done and what remains, in the order a trainee meets it."""
    items: list[Requirement] = []
    sections_read = records.sections_read
    quiz_scores: dict[str, list[QuizResult]] = {}
    for result in records.quiz_results:
        quiz_scores.setdefault(result.quiz_id, []).append(result)
    scenario_scores: dict[str, list[ScenarioResult]] = {}
    for result in records.scenario_results:
        scenario_scores.setdefault(result.scenario_id, []).append(result)
    for required in program.modules:
        module = course.module_by_id[required.module_id]
        read = [at for s in module.sections if (at := sections_read.get((module.id, s.id))) is not None]
        all_read = len(read) == len(module.sections)
        items.append(
            Requirement(
                "sections",
                module.id,
                f"Read every section of {module.title}",
                all_read,
                f"{len(read)} of {len(module.sections)} sections read",
                max(read) if all_read and read else None,
            )
        )
        results = quiz_scores.get(required.quiz_id, ())
        passes = [r.at for r in results if quiz_passes(r, required.quiz_pass_mark)]
        best = max((r.score for r in results), default=None)
        items.append(
            Requirement(
                "quiz",
                module.id,
                f"Pass the {module.title} quiz",
                bool(passes),
                f"best {best}%, pass mark {required.quiz_pass_mark}%"
                if best is not None
                else f"not taken yet, pass mark {required.quiz_pass_mark}%",
                min(passes) if passes else None,
            )
        )
    for required in program.scenarios:
        scenario = course.scenario_by_id[required.scenario_id]
        results = scenario_scores.get(scenario.id, ())
        passes = [r.at for r in results if r.passed and r.score >= required.pass_score]
        best = max((r.score for r in results), default=None)
        items.append(
            Requirement(
                "scenario",
                scenario.id,
                f"Pass the role-play “{scenario.title}”",
                bool(passes),
                f"best {best}%, pass mark {required.pass_score}%"
                if best is not None
                else f"not played yet, pass mark {required.pass_score}%",
                min(passes) if passes else None,
            )
        )
    if program.minimum_minutes:
        minutes = math.floor(records.minutes_on_task)
        items.append(
            Requirement(
                "time",
                "",
                f"Spend at least {program.minimum_minutes} minutes learning",
                minutes >= program.minimum_minutes,
                f"{minutes} of {program.minimum_minutes} minutes so far",
            )
        )
    items.extend(_recorded(required, records, now) for required in program.requirements)
    return tuple(items)


def _recorded(required: ProgramRequirement, records: Records, now: datetime) -> Requirement:
    """A requirement met outside PeerPath: current while its records are within their validity."""
    attended = (
        tuple(RequirementRecord(required.id, on, hours) for on, hours in records.sessions_attended)
        if required.from_sessions
        else ()
    )
    mine = sorted(
        (
            r
            for r in records.requirement_records + attended
            if r.requirement_id == required.id and r.on <= now
        ),
        key=lambda r: r.on,
    )

    def lapses(record: RequirementRecord) -> datetime | None:
        return add_months(record.on, required.valid_months) if required.valid_months else None

    current = [r for r in mine if (lapses(r) or now + timedelta(days=1)) > now]
    expiries = [lapses(r) for r in current if lapses(r)]
    if required.hours:
        hours = sum(r.hours or 0 for r in current)
        done = hours >= required.hours
        progress = f"{hours:g} of {required.hours:g} hours, recorded by your coordinator" + (
            " or attended at a PeerPath session" if required.from_sessions else ""
        )
    else:
        done = bool(current)
        if done:
            latest = current[-1]
            until = f", valid until {lapses(latest):%d %B %Y}" if lapses(latest) else ""
            progress = f"recorded by your coordinator on {latest.on:%d %B %Y}{until}"
            expiries = [lapses(latest)] if lapses(latest) else []
        elif mine:
            progress = f"lapsed on {lapses(mine[-1]):%d %B %Y}; your coordinator records it again"
        else:
            progress = "recorded by your coordinator once done"
    return Requirement(
        "recorded",
        required.id,
        required.title,
        done,
        progress,
        current[-1].on if done else None,
        min(expiries) if done and expiries else None,
    )


def recorded_requirements(course: Course, records: Records, now: datetime) -> dict[str, dict]:
    """Each requirement a coordinator records, as a matching system needs it: met or not, the
    date of the latest record, when it lapses, and hours for hour-based ones."""
    out = {}
    for required in course.program.requirements:
        item = _recorded(required, records, now)
        latest = max(
            (r.on for r in records.requirement_records if r.requirement_id == required.id), default=None
        )
        entry = {
            "met": item.done,
            "recorded_on": latest.date().isoformat() if latest else None,
            "expires_on": item.expires_at.date().isoformat() if item.expires_at else None,
        }
        if required.hours:
            entry["hours"] = sum(
                r.hours or 0 for r in records.requirement_records if r.requirement_id == required.id
            ) + (sum(hours for _, hours in records.sessions_attended) if required.from_sessions else 0)
            entry["hours_required"] = required.hours
        out[required.id] = entry
    return out


def add_months(moment: datetime, months: int) -> datetime:
    """The same day ``months`` later, or the month's last day (31 January + 1 month = 28/29 February)."""
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def quiz_passes(result: QuizResult, pass_mark: int) -> bool:
    return result.passed and result.score >= pass_mark


def standing(program: Program, course: Course, records: Records, now: datetime) -> Standing:
    """Where the trainee stands right now."""
    items = requirements(program, course, records, now)
    met = all(item.done for item in items)
    sign_offs = [e for e in records.events if e.kind == "sign_off"]
    last_signoff = sign_offs[-1] if sign_offs else None
    checklist = items + (
        (
            Requirement(
                "sign_off",
                "",
                "Sign-off by your coordinator",
                last_signoff is not None,
                "signed off" if last_signoff else "after everything above is done",
                last_signoff.at if last_signoff else None,
            ),
        )
        if program.sign_off
        else ()
    )
    revoked = _revoked(records.events)

    if program.sign_off:
        start = last_signoff.at if last_signoff else None
        versions = dict(last_signoff.module_versions) if last_signoff else {}
        certificate_id = last_signoff.certificate_id if last_signoff else None
    else:
        start = max((i.done_at for i in items if i.done_at), default=None) if met else None
        # Earned on the versions the trainee's first qualifying quiz passes were taken against.
        versions = {}
        for m in program.modules:
            passes = [
                r for r in records.quiz_results if r.quiz_id == m.quiz_id and quiz_passes(r, m.quiz_pass_mark)
            ]
            if passes:
                versions[m.module_id] = min(passes, key=lambda r: r.at).module_version
        certificate_id = None

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
    recorded = [item for item in items if item.kind == "recorded"]
    if any(not item.done for item in recorded):
        expires = min(expires, now)  # a screening or training record missing or lapsed: not valid now
    expires = min([expires, *(item.expires_at for item in recorded if item.expires_at)])
    changed = tuple(
        m.module_id
        for m in program.modules
        if course.module_by_id[m.module_id].version > versions.get(m.module_id, 0)
        and not any(
            r.quiz_id == m.quiz_id
            and quiz_passes(r, m.quiz_pass_mark)
            and r.module_version >= course.module_by_id[m.module_id].version
            for r in records.quiz_results
        )
    )
    details = dict(
        certified_at=start,
        expires_at=expires,
        renewal_opens_at=opens if window else None,
        renewal_modules=changed,
        certificate_id=certificate_id,
    )
    if revoked:
        return Standing(Status.REVOKED, checklist, **details)
    if now >= expires:
        repassed = _all_quizzes_passed_between(program, records, expires, now)
        if repassed is not None and program.sign_off:
            return Standing(Status.AWAITING_REVIEW, checklist, **details)
        return Standing(Status.EXPIRED, checklist, **details)
    if changed or (window and now >= opens):
        return Standing(Status.RENEWAL_DUE, checklist, **details)
    return Standing(Status.CERTIFIED, checklist, **details)


def _revoked(events: tuple[Event, ...]) -> bool:
    decisions = [e.kind for e in events if e.kind in ("revoke", "reinstate")]
    return bool(decisions) and decisions[-1] == "revoke"


def _all_quizzes_passed_between(
    program: Program, records: Records, start: datetime, end: datetime
) -> datetime | None:
    """When every required quiz had been passed again within [start, end], or None."""
    latest = []
    for required in program.modules:
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

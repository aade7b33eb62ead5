"""The funder report's numbers: for a period of registration (dates in the programme's time zone)
and optionally a cohort, registrations, first certifications, the days from one to the other, the
funnel by cohort and how many have each requirement done.

Its counts follow the coordinator list's rules (``people.roster_filters``) and the cohorts page's,
so the report, the list and the mentors CSV agree: "valid now" is the list's "can be matched now",
and the registered who are still active are the list's total for the same cohort and period."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, or_, select

from ..certification.checklist import add_months, in_force, requirements
from ..certification.facts import Requirement
from ..certification.records import load_records
from ..course.model import Course
from ..extensions import db
from ..models import CertificationEvent, Cohort, RemovedMentor, Role, Standing, User, standing_decisions
from ..people.roster_filters import effective_status, matchable_now

# Checklist items a trainee does in PeerPath: done together, the online course is complete.
ONLINE = frozenset({"sections", "quiz", "scenario", "replies", "time"})
# Reached review at some point (the cohorts page's rule): certified_at outlives expiry and revocation.
REACHED_REVIEW = ("awaiting_review", "certified", "renewal_due", "expired")
FUNNEL = ("registered", "started", "online_done", "reached_review", "certified", "valid_now", "left")
FUNNEL_LABELS = {
    "registered": "Registered",
    "started": "Started",
    "online_done": "Completed the online course",
    "reached_review": "Reached review",
    "certified": "Certified",
    "valid_now": "Valid now (can be matched)",
    "left": "Left (deactivated or erased)",
}
NO_COHORT = "No cohort"


@dataclass(frozen=True)
class Period:
    """Dates as the programme's staff read them, both days included."""

    start: date
    end: date

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """The period as UTC moments, ``[from, before)``."""
        return local_midnight(self.start, zone), local_midnight(self.end + timedelta(days=1), zone)


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The moment a day begins in the programme's zone (stored times are UTC)."""
    return datetime.combine(day, time(), tzinfo=zone).astimezone(ZoneInfo("UTC"))


def last_twelve_months(today: date) -> Period:
    """The default period: the year up to and including today."""
    year_ago = add_months(datetime.combine(today, time()), -12).date()
    return Period(year_ago + timedelta(days=1), today)


@dataclass
class FunnelRow:
    cohort: str
    registered: int = 0
    started: int = 0
    online_done: int = 0
    reached_review: int = 0
    certified: int = 0
    valid_now: int = 0
    deactivated: int = 0
    erased: int = 0

    @property
    def left(self) -> int:
        return self.deactivated + self.erased

    def add(self, other: FunnelRow) -> None:
        for name in ("registered", "started", "online_done", "reached_review", "certified", "valid_now"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.deactivated += other.deactivated
        self.erased += other.erased


@dataclass(frozen=True)
class RequirementDone:
    kind: str  # "module", "scenario" or "recorded"
    id: str
    title: str
    done: int


@dataclass
class Report:
    period: Period
    cohort: str | None
    registrations: int
    certified: int  # first certified in the period, whenever registered
    median_days: float | None  # registration to first certification, of those
    funnel: list[FunnelRow]
    total: FunnelRow
    done: list[RequirementDone] = field(default_factory=list)


def report(course: Course, period: Period, cohort_id: int | None, now: datetime) -> Report:
    """Every number of the funder report, read in a handful of statements plus the records of the
    people registered in the period (one statement per batch)."""
    start, before = period.bounds(course.program.zone)
    people = _registered(start, before, cohort_id, now)
    checklists = _checklists(course, [p.id for p in people], now)
    rows: dict[str, FunnelRow] = {}
    for person in people:
        row = rows.setdefault(person.cohort or NO_COHORT, FunnelRow(person.cohort or NO_COHORT))
        _count(row, person, checklists[person.id])
    for cohort, erased in _erased(start, before, cohort_id):
        rows.setdefault(cohort or NO_COHORT, FunnelRow(cohort or NO_COHORT)).erased += erased
    total = FunnelRow("All cohorts")
    for row in rows.values():
        total.add(row)
    days = _first_certified(start, before, cohort_id)
    return Report(
        period=period,
        cohort=_cohort_name(cohort_id),
        registrations=len(people),
        certified=len(days),
        median_days=statistics.median(days) if days else None,
        funnel=sorted(rows.values(), key=lambda r: (r.cohort == NO_COHORT, r.cohort.lower())),
        total=total,
        done=_requirements_done(course, checklists.values(), now),
    )


def _count(row: FunnelRow, person, checklist: tuple[Requirement, ...]) -> None:
    reached = person.certified_at is not None or person.status in REACHED_REVIEW
    row.registered += 1
    row.started += bool(person.last_activity_at is not None or person.status != "not_started")
    row.online_done += bool(reached or all(i.done for i in checklist if i.kind in ONLINE))
    row.reached_review += reached
    row.certified += person.certified_at is not None
    row.valid_now += bool(person.valid_now)
    row.deactivated += person.deactivated_at is not None


def _registered(start: datetime, before: datetime, cohort_id: int | None, now: datetime) -> list:
    """Trainees registered in the period, deactivated ones too, with their standing now."""
    query = (
        select(
            User.id,
            Cohort.name.label("cohort"),
            User.last_activity_at,
            User.deactivated_at,
            effective_status(now).label("status"),
            Standing.certified_at,
            case((matchable_now(now), 1), else_=0).label("valid_now"),
        )
        .select_from(User)
        .outerjoin(Standing, Standing.user_id == User.id)
        .outerjoin(Cohort, Cohort.id == User.cohort_id)
        .where(User.role == Role.TRAINEE.value, User.created_at >= start, User.created_at < before)
    )
    if cohort_id is not None:
        query = query.where(User.cohort_id == cohort_id)
    return db.session.execute(query).all()


def _erased(start: datetime, before: datetime, cohort_id: int | None) -> list[tuple[str | None, int]]:
    """Erased in the period, by cohort: their registration went with the rest of their data."""
    query = (
        select(Cohort.name, func.count())
        .select_from(RemovedMentor)
        .outerjoin(Cohort, Cohort.id == RemovedMentor.cohort_id)
        .where(RemovedMentor.removed_at >= start, RemovedMentor.removed_at < before)
        .group_by(Cohort.name)
    )
    if cohort_id is not None:
        query = query.where(RemovedMentor.cohort_id == cohort_id)
    return [(name, int(count)) for name, count in db.session.execute(query).all()]


def _first_certified(start: datetime, before: datetime, cohort_id: int | None) -> list[float]:
    """Days from registration to first certification, for everyone first certified in the
    period: the earliest sign-off that stands, or the certificate's start where the programme
    certifies without one."""
    first_sign_off = (
        select(func.min(CertificationEvent.at))
        .where(
            CertificationEvent.user_id == User.id,
            CertificationEvent.kind == "sign_off",
            standing_decisions(),
        )
        .scalar_subquery()
    )
    query = (
        select(User.created_at, Standing.certified_at, first_sign_off.label("signed_off_at"))
        .select_from(User)
        .join(Standing, Standing.user_id == User.id)
        .where(
            User.role == Role.TRAINEE.value,
            or_(Standing.certified_at.is_not(None), first_sign_off.is_not(None)),
        )
    )
    if cohort_id is not None:
        query = query.where(User.cohort_id == cohort_id)
    days = []
    for registered, certified_at, signed_off_at in db.session.execute(query).all():
        first = min(d for d in (certified_at, signed_off_at) if d is not None)
        if start <= first < before:
            days.append(max(0.0, (first - registered).total_seconds() / 86400))
    return days


def _checklists(course: Course, user_ids: list[int], now: datetime) -> dict[int, tuple[Requirement, ...]]:
    records = load_records(user_ids)
    return {uid: requirements(course.program, course, records[uid], now) for uid in user_ids}


def _requirements_done(course: Course, checklists: Iterable[tuple[Requirement, ...]], now: datetime):
    """For each module (every section read and its quiz passed), role-play and recorded
    requirement in force: how many of the period's registrants have it done now."""
    done: dict[tuple[str, str], int] = defaultdict(int)
    for checklist in checklists:
        modules: dict[str, bool] = {}
        for item in checklist:
            if item.kind in ("sections", "quiz"):
                modules[item.target] = modules.get(item.target, True) and item.done
            elif item.kind in ("scenario", "recorded"):
                done[(item.kind, item.target)] += item.done
        for module_id, module_done in modules.items():
            done[("module", module_id)] += module_done
    return [
        RequirementDone(kind, target, title, done[(kind, target)])
        for kind, target, title in _in_force(course, now)
    ]


def _in_force(course: Course, now: datetime) -> list[tuple[str, str, str]]:
    program = course.program
    return [
        *(
            ("module", m.module_id, course.module_by_id[m.module_id].title)
            for m in in_force(program.modules, now)
        ),
        *(
            ("scenario", s.scenario_id, course.scenario_by_id[s.scenario_id].title)
            for s in in_force(program.scenarios, now)
        ),
        *(("recorded", r.id, r.title) for r in in_force(program.requirements, now)),
    ]


def _cohort_name(cohort_id: int | None) -> str | None:
    return db.session.scalar(select(Cohort.name).where(Cohort.id == cohort_id)) if cohort_id else None

"""The certification checklist: what a trainee has done and what remains, item by item. Pure
functions of the program, the course, their records and the time."""

from __future__ import annotations

import calendar
import math
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import NamedTuple

from ..course.model import Course, Module, Program, ProgramModule, ProgramRequirement, ProgramScenario
from ..course.practice import SCALE
from .facts import QuizResult, Records, Requirement, RequirementRecord, ScenarioResult


def requirements(
    program: Program, course: Course, records: Records, now: datetime
) -> tuple[Requirement, ...]:
    """The checklist: what is done and what remains, in the order a trainee meets it."""
    quizzes: dict[str, list[QuizResult]] = {}
    for result in records.quiz_results:
        quizzes.setdefault(result.quiz_id, []).append(result)
    scenarios: dict[str, list[ScenarioResult]] = {}
    for result in records.scenario_results:
        scenarios.setdefault(result.scenario_id, []).append(result)
    items: list[Requirement] = []
    for required in in_force(program.modules, now):
        module = course.module_by_id[required.module_id]
        items.append(_sections_item(module, records))
        if required.quiz_id is not None:  # a local module without a quiz: reading it is the step
            items.append(_quiz_item(module, required, quizzes.get(required.quiz_id, ())))
    played = [
        _scenario_item(course, required, scenarios.get(required.scenario_id, ()))
        for required in in_force(program.scenarios, now)
    ]
    items.extend(played)
    if program.reply_review:
        items.append(_replies_item(program, records, played))
    if program.minimum_minutes:
        items.append(_time_item(program, records))
    items.extend(
        _recorded(program, required, records, now) for required in in_force(program.requirements, now)
    )
    return tuple(items)


def in_force(rules, moment: datetime) -> tuple:
    """The program's rules that bind at ``moment``: those without ``applies_from``, or from then."""
    return tuple(rule for rule in rules if rule.applies_from is None or rule.applies_from <= moment)


def _sections_item(module: Module, records: Records) -> Requirement:
    read = [at for s in module.sections if (at := records.sections_read.get((module.id, s.id))) is not None]
    all_read = len(read) == len(module.sections)
    return Requirement(
        "sections",
        module.id,
        f"Read every section of {module.title}",
        all_read,
        f"{len(read)} of {len(module.sections)} sections read",
        max(read) if all_read and read else None,
    )


def _quiz_item(module: Module, required: ProgramModule, results) -> Requirement:
    passes = [r.at for r in results if quiz_passes(r, required.quiz_pass_mark)]
    return _scored_item(
        "quiz", module.id, f"Pass the {module.title} quiz", passes, results, required.quiz_pass_mark, "taken"
    )


def _scenario_item(course: Course, required: ProgramScenario, results) -> Requirement:
    scenario = course.scenario_by_id[required.scenario_id]
    passes = [r.at for r in results if r.passed and r.score >= required.pass_score]
    title = f"Pass the role-play “{scenario.title}”"
    return _scored_item("scenario", scenario.id, title, passes, results, required.pass_score, "played")


def _scored_item(kind: str, target: str, title: str, passes: list, results, pass_mark: int, tried: str):
    """A quiz or role-play on the checklist: done at its first pass, with the best score so far."""
    best = max((r.score for r in results), default=None)
    progress = (
        f"best {best}%, pass mark {pass_mark}%"
        if best is not None
        else f"not {tried} yet, pass mark {pass_mark}%"
    )
    return Requirement(kind, target, title, bool(passes), progress, min(passes) if passes else None)


def _time_item(program: Program, records: Records) -> Requirement:
    minutes = math.floor(records.minutes_on_task)
    return Requirement(
        "time",
        "",
        f"Spend at least {program.minimum_minutes} minutes learning",
        minutes >= program.minimum_minutes,
        f"{minutes} of {program.minimum_minutes} minutes so far",
    )


def _recorded(program: Program, required: ProgramRequirement, records: Records, now: datetime) -> Requirement:
    """A requirement met outside PeerPath: current while its records are within their validity.
    Observed practice counts only a record scored at its pass total; an acknowledgement only one
    of the procedure as it reads now."""
    attended = (
        tuple(RequirementRecord(required.id, on, hours) for on, hours in records.sessions_attended)
        if required.from_sessions
        else ()
    )
    mine = _dated_by(required, records.requirement_records + attended, now)

    def lapses(record: RequirementRecord) -> datetime | None:
        return lapse_of(required, record)

    current = in_force_records(required, mine, now)
    expiries = [lapses(r) for r in current if lapses(r)]
    if required.hours:
        hours = counted_hours(required, current, now)
        done = hours >= required.hours
        progress = f"{hours:g} of {required.hours:g} hours, recorded by your coordinator" + (
            " or attended at a PeerPath session" if required.from_sessions else ""
        )
        latest = current[-1] if done else None
    else:
        meeting = [r for r in current if _meets(program, required, r)]
        latest = meeting[-1] if meeting else None
        done = latest is not None
        progress = _recorded_progress(program, required, latest, current, mine, lapses)
        if done:
            expiries = [lapses(latest)] if lapses(latest) else []
    return Requirement(
        "recorded",
        required.id,
        required.title,
        done,
        progress,
        latest.on if done else None,
        min(expiries) if done and expiries else None,
    )


def lapse_of(required: ProgramRequirement, record: RequirementRecord) -> datetime | None:
    return add_months(record.on, required.valid_months) if required.valid_months else None


def _dated_by(required: ProgramRequirement, records: Iterable[RequirementRecord], now: datetime) -> list:
    return sorted((r for r in records if r.requirement_id == required.id and r.on <= now), key=lambda r: r.on)


def in_force_records(
    required: ProgramRequirement, records: Iterable[RequirementRecord], now: datetime
) -> list[RequirementRecord]:
    """This requirement's records dated by now and not lapsed, oldest first."""
    return [
        r
        for r in _dated_by(required, records, now)
        if (lapse_of(required, r) or now + timedelta(days=1)) > now
    ]


def counted_hours(required: ProgramRequirement, records: Iterable[RequirementRecord], now: datetime) -> float:
    """The hours an hours requirement counts: its records in force (sessions attended among them
    when the caller passes them as records)."""
    return sum(r.hours or 0 for r in in_force_records(required, records, now))


def _meets(program: Program, required: ProgramRequirement, record: RequirementRecord) -> bool:
    if required.pass_total is not None:
        return (record.score_total or 0) >= required.pass_total
    if required.kind == "acknowledge":
        return program.safeguarding is None or record.version == program.safeguarding.version
    return True


def _recorded_progress(program, required, latest, current, mine, lapses) -> str:
    if required.kind == "acknowledge":
        if latest is not None:
            return f"you acknowledged the procedure on {latest.on:%d %B %Y}"
        if current:
            return "you acknowledged an earlier version; read the changed procedure and acknowledge it again"
        return "read the safeguarding procedure and acknowledge it"
    scored = _score_words(program, required, latest or (current[-1] if current else None))
    if latest is not None:
        until = f", valid until {lapses(latest):%d %B %Y}" if lapses(latest) else ""
        return f"{scored}recorded by your coordinator on {latest.on:%d %B %Y}{until}"
    if current:  # observed, but below the pass total: a poor observation never passes
        return f"{scored}needs {required.pass_total}; your coordinator observes you again"
    if mine:
        return f"lapsed on {lapses(mine[-1]):%d %B %Y}; your coordinator records it again"
    return "recorded by your coordinator once done"


def _score_words(program: Program, required: ProgramRequirement, record: RequirementRecord | None) -> str:
    if required.pass_total is None or record is None:
        return ""
    rubric = program.rubric_by_id.get(required.rubric or "")
    out_of = f" of {rubric.maximum}" if rubric else ""
    return f"scored {record.score_total or 0}{out_of}, "


def _replies_item(program: Program, records: Records, scenario_items: list[Requirement]) -> Requirement:
    """Every typed reply of the counted role-play runs reviewed, with a mean per criterion at or
    above the bar. Done only once every role-play is passed, since a later pass brings new replies;
    with no typed replies at all there is nothing to review."""
    review = program.reply_review
    required = {item.target for item in scenario_items}
    replies = [r for r in records.replies if r.scenario_id in required]
    scored = [r for r in replies if r.scores is not None]
    points = [score for r in scored for score in r.scores]
    mean = sum(points) / len(points) if points else None
    all_passed = all(item.done for item in scenario_items)
    done = all_passed and len(scored) == len(replies) and (mean is None or mean >= review.minimum_mean)
    progress = f"{len(scored)} of {len(replies)} reviewed"
    if mean is not None:
        progress += f", average {_one_place(mean)} of {max(SCALE)} (needs {review.minimum_mean:.1f})"
    if not all_passed:
        progress += "; the rest once you pass every role-play"
    elif not replies:
        progress = "no typed replies to review"
    moments = [r.scored_at for r in scored if r.scored_at] + [i.done_at for i in scenario_items if i.done_at]
    title = "Your typed replies reviewed by your coordinator"
    return Requirement(
        "replies", review.rubric_id, title, done, progress, max(moments, default=None) if done else None
    )


def _one_place(mean: float) -> str:
    """A mean shown to one place, rounded down: 0.96 shows as 0.9, never as the 1.0 it fails to reach."""
    return f"{math.floor(mean * 10) / 10:.1f}"


def recorded_requirements(course: Course, records: Records, now: datetime) -> dict[str, dict]:
    """Each requirement a coordinator records, as a matching system needs it: met or not, the
    date of the latest record, when it lapses, and hours for hour-based ones."""
    out = {}
    for required in course.program.requirements:
        item = _recorded(course.program, required, records, now)
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


class PracticeSummary(NamedTuple):
    """A trainee's practice as the lists, the CSV and the API show it."""

    replies_counted: int  # typed replies in the counted runs of the required role-plays
    replies_reviewed: int
    reply_mean: float | None  # mean score per criterion over the reviewed ones
    observed_total: int | None  # the latest current observed practice's total
    observed_on: datetime | None
    observed_passed: bool | None  # None: the program asks for no observed practice
    acknowledged: bool | None  # the current procedure; None: the program asks for no acknowledgement


def practice_summary(program: Program, records: Records, now: datetime) -> PracticeSummary:
    """Reviewed replies, observed practice and the acknowledgement, from the records that hold them."""
    required = {s.scenario_id for s in in_force(program.scenarios, now)} if program.reply_review else set()
    replies = [r for r in records.replies if r.scenario_id in required]
    points = [score for r in replies if r.scores is not None for score in r.scores]
    observed = next((r for r in in_force(program.requirements, now) if r.pass_total is not None), None)
    acknowledge = next((r for r in in_force(program.requirements, now) if r.kind == "acknowledge"), None)
    latest = None
    if observed:
        mine = [r for r in records.requirement_records if r.requirement_id == observed.id and r.on <= now]
        latest = max(mine, key=lambda r: r.on, default=None)
    return PracticeSummary(
        replies_counted=len(replies),
        replies_reviewed=sum(r.scores is not None for r in replies),
        reply_mean=round(sum(points) / len(points), 2) if points else None,
        observed_total=latest.score_total if latest else None,
        observed_on=latest.on if latest else None,
        observed_passed=_recorded(program, observed, records, now).done if observed else None,
        acknowledged=_recorded(program, acknowledge, records, now).done if acknowledge else None,
    )

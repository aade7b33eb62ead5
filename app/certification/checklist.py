"""The certification checklist: what a trainee has done and what remains, item by item. Pure
functions of the program, the course, their records and the time."""

from __future__ import annotations

import calendar
import math
from datetime import datetime, timedelta

from ..course.model import Course, Module, Program, ProgramModule, ProgramRequirement, ProgramScenario
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
        items.append(_quiz_item(module, required, quizzes.get(required.quiz_id, ())))
    for required in in_force(program.scenarios, now):
        items.append(_scenario_item(course, required, scenarios.get(required.scenario_id, ())))
    if program.minimum_minutes:
        items.append(_time_item(program, records))
    items.extend(_recorded(required, records, now) for required in in_force(program.requirements, now))
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
        progress = _recorded_progress(current, mine, lapses)
        if done:
            expiries = [lapses(current[-1])] if lapses(current[-1]) else []
    return Requirement(
        "recorded",
        required.id,
        required.title,
        done,
        progress,
        current[-1].on if done else None,
        min(expiries) if done and expiries else None,
    )


def _recorded_progress(current, mine, lapses) -> str:
    if current:
        latest = current[-1]
        until = f", valid until {lapses(latest):%d %B %Y}" if lapses(latest) else ""
        return f"recorded by your coordinator on {latest.on:%d %B %Y}{until}"
    if mine:
        return f"lapsed on {lapses(mine[-1]):%d %B %Y}; your coordinator records it again"
    return "recorded by your coordinator once done"


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

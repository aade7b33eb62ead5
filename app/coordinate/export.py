"""The coordinator's CSV exports, built row by row so a list of any length streams."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import datetime
from itertools import chain
from zoneinfo import ZoneInfo

from flask import Response, current_app, stream_with_context
from sqlalchemy import select

from ..certification.practice_records import empty_summary, practice_summaries
from ..certification.records import BATCH, load_records
from ..certification.standards import coverage as standards_coverage
from ..certification.standards import standards_met
from ..certification.status import PracticeSummary, add_months
from ..course import Course
from ..extensions import db
from ..models import Cohort, RemovedMentor
from ..people import roster
from . import reports, services
from .live_hours import everyones_hours, hours_text, live_requirement

MENTOR_COLUMNS = (
    "id",
    "external_id",
    "name",
    "email",
    "cohort",
    "status",
    "progress_percent",
    "quizzes_passed",
    "quiz_average",
    "roleplays_passed",
    "roleplay_average",
    "last_activity",
    "certified_at",
    "expires_at",
)
# Registration, the last change of status (or the day the person left), time and live training.
LIFE_COLUMNS = ("registered_on", "status_changed_on", "minutes_on_task", "live_hours")
PRACTICE_COLUMNS = (
    "replies_counted",
    "replies_reviewed",
    "reply_mean",
    "observed_practice_total",
    "observed_practice_on",
    "safeguarding_acknowledged",  # the procedure's current version: yes/no (blank: not asked)
)
FLUSH_AT = 16384  # characters buffered before a chunk is sent


def mentors_csv(
    course: Course, filters: roster.MentorFilter, now: datetime, leavers: bool = True
) -> Iterator[str]:
    """The filtered trainee list with, per recorded requirement, when it was done and lapses.

    With ``leavers`` (the default) and no status-like filter or search, people who left are
    rows too: deactivated accounts, with their data, and erased people, anonymously. The period
    (``from``/``to``) selects people registered in it; erased people, whose registration went
    with their data, by the day they were erased."""
    with_leavers = leavers and not (filters.status or filters.stalled or filters.lapsing_days is not None)
    filters = replace(filters, deactivated=with_leavers)
    required = course.program.requirements
    latest = services.latest_requirement_dates()  # one statement for every trainee
    attended = services.latest_sessions_attended() if any(r.from_sessions for r in required) else {}

    def requirement_cells(user_id: int) -> list[str]:
        cells = []
        for requirement in required:
            dates = [latest.get((user_id, requirement.id))]
            if requirement.from_sessions:
                dates.append(attended.get(user_id))
            on = max((d for d in dates if d), default=None)
            lapses = add_months(on, requirement.valid_months) if on and requirement.valid_months else None
            cells += [on.date().isoformat() if on else "", lapses.date().isoformat() if lapses else ""]
        return cells

    practice = practice_summaries(course.program, now)  # one or two statements for everyone
    no_practice = empty_summary(course.program, now)
    zone = course.program.zone
    header = [
        *MENTOR_COLUMNS,
        *LIFE_COLUMNS,
        *(f"{r.id}_{part}" for r in required for part in ("recorded_on", "expires_on")),
        *PRACTICE_COLUMNS,
    ]
    rows = (
        (
            *_mentor_cells(row, zone),
            minutes,
            hours,
            *requirement_cells(row.id),
            *_practice_cells(practice.get(row.id, no_practice)),
        )
        for row, minutes, hours in _with_hours(course, roster.mentor_rows(filters, now), now)
    )
    erased = _erased_rows(filters, zone, len(header)) if with_leavers and not filters.q else ()
    return _streamed(header, chain(rows, erased))


def _mentor_cells(row, zone: ZoneInfo) -> tuple:
    """The columns every trainee has; a deactivated account says so, and when, as its status."""
    status, changed = (
        ("deactivated", row.deactivated_at) if row.deactivated_at else (row.status, row.status_changed_at)
    )
    return (
        row.id,
        row.external_id or "",
        row.name,
        row.email,
        row.cohort or "",
        status,
        row.progress,
        row.quizzes_passed or 0,
        _blank(row.quiz_best_mean),
        row.scenarios_passed or 0,
        _blank(row.scenario_best_mean),
        _iso(row.last_activity_at),
        _iso(row.certified_at),
        _iso(row.expires_at),
        _local_day(row.registered_at, zone),
        _local_day(changed, zone),
    )


def _with_hours(course: Course, rows: Iterable, now: datetime) -> Iterator[tuple]:
    """Each row with its minutes on task and live-training hours (blank when not counted)."""
    counted = live_requirement(course.program, now) is not None
    hours = everyones_hours(course.program, now)  # two statements, however many trainees
    for row in rows:
        yield row, (row.seconds_on_task or 0) // 60, hours_text(hours.get(row.id, 0.0)) if counted else ""


def _erased_rows(filters: roster.MentorFilter, zone: ZoneInfo, width: int) -> Iterator[tuple]:
    """Erased people: an anonymous id, the cohort, "erased" and the day; no name, email or
    external id. The same person keeps the same anonymous id from one export to the next."""
    for user_id, cohort, removed_at in erased_people(filters):
        cells = [""] * width
        cells[0], cells[4], cells[5] = anonymous_id(user_id), cohort or "", "erased"
        cells[len(MENTOR_COLUMNS) + 1] = _local_day(removed_at, zone)  # status_changed_on
        yield tuple(cells)


def anonymous_id(user_id: int) -> str:
    """A stable id for an erased person that only this installation's secret can link back."""
    key = current_app.secret_key
    digest = hmac.new(str(key).encode(), f"erased:{user_id}".encode(), hashlib.sha256).hexdigest()
    return f"erased-{digest[:16]}"


def erased_people(filters: roster.MentorFilter) -> list[tuple[int, str | None, datetime]]:
    """(old id, cohort name, erased at) of the erased, in the filters' cohort and period."""
    query = (
        select(RemovedMentor.user_id, Cohort.name, RemovedMentor.removed_at)
        .outerjoin(Cohort, Cohort.id == RemovedMentor.cohort_id)
        .order_by(RemovedMentor.removed_at, RemovedMentor.user_id)
    )
    if filters.cohort_id:
        query = query.where(RemovedMentor.cohort_id == filters.cohort_id)
    if filters.registered_from:
        query = query.where(RemovedMentor.removed_at >= filters.registered_from)
    if filters.registered_before:
        query = query.where(RemovedMentor.removed_at < filters.registered_before)
    return [tuple(row) for row in db.session.execute(query).all()]


def _local_day(moment: datetime | None, zone: ZoneInfo) -> str:
    """The day in the programme's zone, as the period filter reads it."""
    return moment.astimezone(zone).date().isoformat() if moment else ""


def _practice_cells(summary: PracticeSummary) -> tuple:
    return (
        summary.replies_counted,
        summary.replies_reviewed,
        _blank(summary.reply_mean),
        _blank(summary.observed_total),
        summary.observed_on.date().isoformat() if summary.observed_on else "",
        "" if summary.acknowledged is None else ("yes" if summary.acknowledged else "no"),
    )


def standards_csv(course: Course, now: datetime) -> Iterator[str]:
    """Each active trainee against each training topic (met when a module teaching it is complete)."""
    topics = [c.standard for c in standards_coverage(course)]
    header = ["id", "name", "email", "cohort", "status", *(t.id for t in topics)]

    def rows():
        everyone = list(roster.mentor_rows(roster.MentorFilter(), now))
        for start in range(0, len(everyone), BATCH):
            batch = everyone[start : start + BATCH]
            records = load_records([row.id for row in batch])
            for row in batch:
                met = standards_met(course, records[row.id])
                yield (
                    row.id,
                    row.name,
                    row.email,
                    row.cohort or "",
                    row.status,
                    *("yes" if met[t.id] else "no" for t in topics),
                )

    return _streamed(header, rows())


def _streamed(header: list[str], rows: Iterable[tuple]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([spreadsheet_safe(value) for value in row])
        if buffer.tell() > FLUSH_AT:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


# A formula trigger (=, +, -, @, tab, carriage return, and their full-width forms) at the start
# of the text or of any piece a spreadsheet may split it into: after a separator it may use
# (comma, semicolon, tab, pipe, a line break), with any spaces between. An apostrophe goes before it.
_FORMULA_START = re.compile(r"(^|[,;\t|\r\n])([ \u00a0\u3000]*)([=+\-@\t\r\uff1d\uff0b\uff0d\uff20])")


def spreadsheet_safe(value) -> str:
    """Neutralise every cell a spreadsheet would run as a formula, whichever separator it splits on."""
    text = "" if value is None else str(value)
    while True:  # again, for a trigger that is itself a separator (a tab before "=")
        safer = _FORMULA_START.sub(r"\1\2'\3", text)
        if safer == text:
            return text
        text = safer


def _blank(value) -> str:
    return "" if value is None else str(value)


def _iso(value) -> str:
    return value.isoformat(timespec="seconds") if value else ""


def csv_response(chunks: Iterator[str], filename: str) -> Response:
    response = Response(stream_with_context(chunks), mimetype="text/csv")
    response.headers["Content-Disposition"] = f"attachment; filename={filename}"
    return response


def report_csv(report: reports.Report) -> Iterator[str]:
    """The funder report's blocks one after the other, each row led by its block's name."""
    median = "" if report.median_days is None else f"{report.median_days:.1f}"
    rows: list[tuple] = [
        ("summary", "period_from", report.period.start.isoformat()),
        ("summary", "period_to", report.period.end.isoformat()),
        ("summary", "cohort", report.cohort or "every cohort"),
        ("summary", "registrations", report.registrations),
        ("summary", "certified", report.certified),
        ("summary", "median_days_to_certification", median),
        (),
        ("funnel", "cohort", *reports.FUNNEL, "deactivated", "erased"),
        *(("funnel", row.cohort, *_funnel_cells(row)) for row in [*report.funnel, report.total]),
        (),
        ("requirements", "kind", "id", "title", "done", "of_registered"),
        *(("requirements", d.kind, d.id, d.title, d.done, report.registrations) for d in report.done),
    ]
    return _streamed(["block", "name", "values"], rows)


def _funnel_cells(row: reports.FunnelRow) -> tuple:
    return (*(getattr(row, name) for name in reports.FUNNEL), row.deactivated, row.erased)

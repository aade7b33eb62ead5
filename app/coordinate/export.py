"""The coordinator's CSV exports, built row by row so a list of any length streams."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from datetime import datetime

from ..certification.practice_records import empty_summary, practice_summaries
from ..certification.records import BATCH, load_records
from ..certification.standards import coverage as standards_coverage
from ..certification.standards import standards_met
from ..certification.status import PracticeSummary, add_months
from ..course import Course
from ..people import roster
from . import services

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
PRACTICE_COLUMNS = (
    "replies_counted",
    "replies_reviewed",
    "reply_mean",
    "observed_practice_total",
    "observed_practice_on",
    "safeguarding_acknowledged",  # the procedure's current version: yes/no (blank: not asked)
)
FLUSH_AT = 16384  # characters buffered before a chunk is sent


def mentors_csv(course: Course, filters: roster.MentorFilter, now: datetime) -> Iterator[str]:
    """The filtered trainee list with, per recorded requirement, when it was done and lapses."""
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
    header = [
        *MENTOR_COLUMNS,
        *(f"{r.id}_{part}" for r in required for part in ("recorded_on", "expires_on")),
        *PRACTICE_COLUMNS,
    ]
    rows = (
        (
            row.id,
            row.external_id or "",
            row.name,
            row.email,
            row.cohort or "",
            row.status,
            row.progress,
            row.quizzes_passed or 0,
            _blank(row.quiz_best_mean),
            row.scenarios_passed or 0,
            _blank(row.scenario_best_mean),
            _iso(row.last_activity_at),
            _iso(row.certified_at),
            _iso(row.expires_at),
            *requirement_cells(row.id),
            *_practice_cells(practice.get(row.id, no_practice)),
        )
        for row in roster.mentor_rows(filters, now)
    )
    return _streamed(header, rows)


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

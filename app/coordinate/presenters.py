"""The coordinator list's rows as dashboard-style pieces (web/fragments.py): each row's CHOICES
decide its markup, its other fields are printed. The markup is in coordinate/_mentor_row.html."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import NamedTuple

from flask import url_for
from markupsafe import Markup

from ..certification.facts import VALID
from ..course.model import Program
from ..models import utcnow
from ..people.roster import MentorRow
from ..web.fragments import render_each
from ..web.templating import time_tag
from . import bp
from .live_hours import hours_of, hours_text, live_requirement


class MentorLine(NamedTuple):
    CHOICES = ("status", "has_cohort", "has_quiz_mean", "has_scenario_mean", "counts_live_hours")

    status: str
    has_cohort: bool
    has_quiz_mean: bool
    has_scenario_mean: bool
    counts_live_hours: bool  # the programme has a live-training requirement
    id: int
    link: str
    name: str
    email: str
    cohort: str | None
    progress: int
    quizzes_passed: int
    quiz_best_mean: int | None
    scenarios_passed: int
    scenario_best_mean: int | None
    last_activity: Markup
    valid_until: Markup  # a valid certificate's end (lapsing screening included), else "—"
    waiting_since: Markup  # when they entered their current status
    waiting_for: str  # "12 days"
    minutes: int
    live_hours: str


@bp.app_template_global()
def mentor_rows(rows: Iterable[MentorRow], hours: Mapping[int, float] | None = None, now=None) -> Markup:
    """The rows; ``hours`` holds each one's live-training hours when the programme counts them."""
    now = now or utcnow()
    return render_each("coordinate/_mentor_row.html", "mentor_row", (_line(row, hours, now) for row in rows))


def live_hours(program: Program, rows: list[MentorRow], now: datetime) -> dict[int, float] | None:
    """The page's live-training hours (one statement), or None when the programme counts none."""
    if live_requirement(program, now) is None:
        return None
    return hours_of(program, [row.id for row in rows], now)


def days_since(moment: datetime | None, now: datetime | None) -> str:
    """Whole days from ``moment`` to ``now`` in words ("1 day", "12 days"); blank without both."""
    if moment is None or now is None:
        return ""
    days = max(0, (now - moment).days)
    return f"{days} day{'' if days == 1 else 's'}"


def _line(row: MentorRow, hours: Mapping[int, float] | None, now: datetime | None) -> MentorLine:
    return MentorLine(
        status=row.status,
        counts_live_hours=hours is not None,
        has_cohort=row.cohort is not None,
        has_quiz_mean=row.quiz_best_mean is not None,
        has_scenario_mean=row.scenario_best_mean is not None,
        id=row.id,
        link=url_for("coordinate.mentor", user_id=row.id),
        name=row.name,
        email=row.email,
        cohort=row.cohort,
        progress=row.progress,
        quizzes_passed=row.quizzes_passed or 0,
        quiz_best_mean=row.quiz_best_mean,
        scenarios_passed=row.scenarios_passed or 0,
        scenario_best_mean=row.scenario_best_mean,
        last_activity=time_tag(row.last_activity_at),
        valid_until=time_tag(row.expires_at) if row.status in VALID else Markup("—"),
        waiting_since=time_tag(row.status_changed_at, empty="—"),
        waiting_for=days_since(row.status_changed_at, now),
        minutes=(row.seconds_on_task or 0) // 60,
        live_hours=hours_text(hours.get(row.id, 0.0)) if hours is not None else "",
    )


def filters_described(form) -> list[str]:
    """The list's active filters in words, so the count under the heading says what it counts."""
    labels = {
        name: {c.value: c.label for c in form[name].choices} for name in ("status", "cohort", "lapsing")
    }
    described = []
    if form.q.data and form.q.data.strip():
        described.append(f"name or email contains “{form.q.data.strip()}”")
    for name, lead in (("status", "status"), ("cohort", "cohort"), ("lapsing", "certificate ends")):
        value = form[name].data
        if value and value in labels[name]:
            described.append(f"{lead}: {labels[name][value]}")
    start, end = form["from"].data, form.to.data
    if start or end:
        described.append(
            " ".join(
                [
                    "registered",
                    *([f"from {start:%d %b %Y}"] if start else []),
                    *([f"to {end:%d %b %Y}"] if end else []),
                ]
            )
        )
    if form.stalled.data:
        described.append(f"stalled ({form.stalled.description[0].lower()}{form.stalled.description[1:]})")
    return described

"""The coordinator list's rows as dashboard-style pieces (web/fragments.py): each row's CHOICES
decide its markup, its other fields are printed. The markup is in coordinate/_mentor_row.html."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from flask import url_for
from markupsafe import Markup

from ..certification.facts import VALID
from ..people.roster import MentorRow
from ..web.fragments import render_each
from ..web.templating import time_tag
from . import bp


class MentorLine(NamedTuple):
    CHOICES = ("status", "has_cohort", "has_quiz_mean", "has_scenario_mean")

    status: str
    has_cohort: bool
    has_quiz_mean: bool
    has_scenario_mean: bool
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


@bp.app_template_global()
def mentor_rows(rows: Iterable[MentorRow]) -> Markup:
    return render_each("coordinate/_mentor_row.html", "mentor_row", (_line(row) for row in rows))


def _line(row: MentorRow) -> MentorLine:
    return MentorLine(
        status=row.status,
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
    if form.stalled.data:
        described.append("stalled (no activity for 14 days)")
    return described

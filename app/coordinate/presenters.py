"""The coordinator list's rows: which markup each takes (its choices) and what it prints (its
values). The markup is in coordinate/_mentors.html."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from markupsafe import Markup

from ..fragments import render_each
from ..people.roster import MentorRow
from ..templating import time_tag
from ..urls import id_links
from . import bp

ROW_VALUES = (
    "id",
    "link",
    "name",
    "email",
    "cohort",
    "progress",
    "quizzes_passed",
    "quiz_best_mean",
    "scenarios_passed",
    "scenario_best_mean",
    "last_activity",
)


@bp.app_template_global()
def mentor_rows(rows: Iterable[MentorRow]) -> Markup:
    link = id_links("coordinate.mentor", "user_id")
    calls = (_row(row, link) for row in rows)
    return render_each("coordinate/_mentors.html", "mentor_row", ROW_VALUES, calls)


def _row(row: MentorRow, link: Callable[[int], str]) -> tuple[tuple, tuple]:
    choices = (
        row.status,
        row.cohort is not None,
        row.quiz_best_mean is not None,
        row.scenario_best_mean is not None,
    )
    values = (
        row.id,
        link(row.id),
        row.name,
        row.email,
        row.cohort,
        row.progress,
        row.quizzes_passed or 0,
        row.quiz_best_mean,
        row.scenarios_passed or 0,
        row.scenario_best_mean,
        time_tag(row.last_activity_at),
    )
    return choices, values

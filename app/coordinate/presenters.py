"""The coordinator list's rows: which markup each takes (its choices) and what it prints (its
values). The markup is in coordinate/_mentors.html."""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup

from ..fragments import render_each
from ..templating import time_tag
from ..urls import cached_url_for
from . import bp
from .services import MentorRow


@bp.app_template_global()
def mentor_rows(rows: Iterable[MentorRow]) -> Markup:
    return render_each("coordinate/_mentors.html", "mentor_row", (_row(row) for row in rows))


def _row(row: MentorRow) -> tuple[tuple, dict]:
    choices = (
        row.status,
        row.cohort is not None,
        row.quiz_best_mean is not None,
        row.scenario_best_mean is not None,
    )
    values = {
        "id": row.id,
        "link": cached_url_for("coordinate.mentor", user_id=row.id),
        "name": row.name,
        "email": row.email,
        "cohort": row.cohort,
        "progress": row.progress,
        "quizzes_passed": row.quizzes_passed or 0,
        "quiz_best_mean": row.quiz_best_mean,
        "scenarios_passed": row.scenarios_passed or 0,
        "scenario_best_mean": row.scenario_best_mean,
        "last_activity": time_tag(row.last_activity_at),
    }
    return choices, values

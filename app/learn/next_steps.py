"""The trainee's next step where pages show it: the dashboard's card and task list, and the
"Next: …" button after a module, a quiz or a role-play (learn/_next_step.html). The rules are
pure, in app/learning/next_step.py; this module adds the records, the links and the markup."""

from __future__ import annotations

from typing import NamedTuple

from flask import current_app, g
from flask_login import current_user
from markupsafe import Markup

from ..certification.records import LearnerRecords, load_learner
from ..certification.status import Requirement, Standing, standing
from ..course import Course, Module
from ..learning.next_step import (
    NextStep,
    TaskGroup,
    forward_label,
    module_of,
    next_step,
    summary_line,
    task_counts,
    task_groups,
)
from ..learning.progress import ModuleProgress
from ..models import utcnow
from ..web.step_links import step_url
from . import bp
from .presenters import task_rows


class DashboardPlan(NamedTuple):
    step: NextStep
    step_url: str | None
    groups: tuple[tuple[TaskGroup, Markup], ...]  # each group with its rows' markup
    summary: str
    started: bool
    reading_hours: int  # of the modules the certificate needs, rounded


class ForwardStep(NamedTuple):
    step: NextStep
    label: str
    url: str | None


def dashboard_plan(
    course: Course, learner: LearnerRecords, now_standing: Standing, progress: tuple[ModuleProgress, ...]
) -> DashboardPlan:
    """The dashboard's next action and its task list, grouped by module."""
    read = learner.read
    tasks = now_standing.requirements
    step = next_step(
        course, tasks, read, learner.last_read, now_standing.status, now_standing.renewal_modules
    )
    by_module = {item.module.id: item for item in progress}

    def tried(task: Requirement) -> bool:
        item = by_module.get(module_of(course, task) or "")
        if task.kind == "sections" and item:
            return item.started
        if task.kind == "quiz" and item:
            return item.quiz_summary.best_score is not None
        if task.kind == "scenario":
            return task.target in learner.scenarios
        if task.kind == "replies":  # under way once a role-play has been played: replies to review
            return bool(learner.scenarios)
        if task.kind == "sign_off":
            return all(t.done for t in tasks if t.kind != "sign_off")
        return task.kind == "time" and bool(read)

    groups = tuple((group, task_rows(group.tasks, tried)) for group in task_groups(course, tasks))
    summary = summary_line(task_counts(course, tasks))
    minutes = sum(group.module.minutes for group, _ in groups if group.module)
    return DashboardPlan(step, step_url(step), groups, summary, bool(read), max(1, round(minutes / 60)))


@bp.app_template_global()
def next_step_after(module: Module) -> ForwardStep:
    """The signed-in trainee's next step after working on ``module``, walking on from it."""
    remembered = g.setdefault("next_step_after", {})  # a page may show it twice: read records once
    if module.id not in remembered:
        course: Course = current_app.extensions["course"]
        learner = load_learner(current_user)
        now_standing = standing(course.program, course, learner.records, utcnow())
        step = next_step(
            course,
            now_standing.requirements,
            learner.read,
            learner.last_read,
            now_standing.status,
            now_standing.renewal_modules,
            after=module.id,
        )
        remembered[module.id] = ForwardStep(step, forward_label(step, course, module.id), step_url(step))
    return remembered[module.id]

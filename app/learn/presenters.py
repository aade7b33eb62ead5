"""The dashboard's repeated pieces, each a named tuple: its ``CHOICES`` decide the markup, its
other fields are printed (app/fragments.py). The markup is in learn/_dashboard.html."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import NamedTuple

from flask import current_app, url_for
from flask_login import current_user
from markupsafe import Markup

from ..certification.status import Requirement
from ..learning.next_step import task_state
from ..learning.progress import ModuleProgress
from ..models import utcnow
from ..notifications.notices import Notice, notices
from ..practice.acknowledgements import acknowledge_requirement
from ..practice.feedback import FeedbackLine, RunFeedback, latest_feedback, run_feedback, runs_with_feedback
from ..web.fragments import render_each
from . import bp

PIECES = "learn/_dashboard.html"


class TaskRow(NamedTuple):
    """A row of the task list; ``state`` picks its tag (app/learning/next_step.py task_state)."""

    CHOICES = ("kind", "target", "title", "done", "state")

    kind: str
    target: str
    title: str
    done: bool
    state: str
    progress: str


class ModuleCard(NamedTuple):
    CHOICES = (
        "module_id",
        "next_section_id",
        "started",
        "one_minute_left",
        "quiz",
        "needed",
        "needed_all_passed",
    )

    module_id: str
    next_section_id: str | None
    started: bool
    one_minute_left: bool
    quiz: str  # "passed", "tried" (not passed yet) or "untaken"
    sections_read: int
    minutes_left: int
    best_score: int | None
    scenarios_passed: int
    needed: int  # role-plays of this module the certificate needs
    needed_all_passed: bool
    needed_passed: int


def task_rows(requirements: Iterable[Requirement], tried: Callable[[Requirement], bool]) -> Markup:
    """The task list's rows; ``tried`` says whether a row not done is under way."""
    course = current_app.extensions["course"]
    rows = (
        TaskRow(r.kind, r.target, r.title, r.done, task_state(course, r, tried(r)), progress=r.progress)
        for r in requirements
    )
    return render_each(PIECES, "requirement", rows)


@bp.app_template_global()
def module_cards(progress: Iterable[ModuleProgress], requirements: Iterable[Requirement] = ()) -> Markup:
    """A card per module; ``requirements`` say which of its role-plays the certificate needs."""
    needed = {r.target: r.done for r in requirements if r.kind == "scenario"}
    return render_each(PIECES, "module_card", (_card(item, needed) for item in progress))


def _card(item: ModuleProgress, needed: dict[str, bool]) -> ModuleCard:
    summary = item.quiz_summary
    following = item.next_section
    minutes_left = item.minutes_left
    passed_needed = [needed[scenario.id] for scenario, _ in item.scenarios if scenario.id in needed]
    return ModuleCard(
        module_id=item.module.id,
        next_section_id=following.id if following else None,
        started=item.started,
        one_minute_left=minutes_left == 1,
        quiz="passed" if summary.passed else "tried" if summary.best_score is not None else "untaken",
        sections_read=item.sections_read,
        minutes_left=minutes_left,
        best_score=summary.best_score,
        scenarios_passed=item.scenarios_passed,
        needed=len(passed_needed),
        needed_all_passed=all(passed_needed),
        needed_passed=sum(passed_needed),
    )


@bp.app_template_global()
def reminder_notices(now_standing, plan) -> tuple[Notice, ...]:
    """The reminders the email rules would send the signed-in trainee now, for the notice under
    the next-step card (learn/_reminders.html): the same rules, so the page and the inbox agree."""
    course = current_app.extensions["course"]
    since = current_user.last_activity_at or current_user.created_at
    titles = {module.id: module.title for module in course.modules}
    step = (plan.step.label, plan.step_url)
    program = course.program
    return notices(
        program.notifications, now_standing, since, plan.started, step, titles, utcnow(), program.zone
    )


@bp.app_template_global()
def requirement_url(kind: str, target: str) -> str | None:
    """Where a checklist item is done."""
    if kind == "sections":
        return url_for("learn.module_overview", module_id=target)
    if kind == "quiz":
        return url_for("learn.quiz_home", module_id=target)
    if kind == "scenario":
        return url_for("learn.scenario", scenario_id=target)
    if kind == "replies":  # the reviews of typed replies: the dashboard's feedback list
        return url_for("learn.dashboard", _anchor="feedback")
    if kind == "recorded" and target == _acknowledgement_id():
        return url_for("site.safeguarding")  # the trainee confirms on the procedure's own page
    return None


def _acknowledgement_id() -> str | None:
    requirement = acknowledge_requirement(current_app.extensions["course"].program)
    return requirement.id if requirement else None


@bp.app_template_global()
def coordinator_feedback() -> list[FeedbackLine]:
    """The dashboard's "Feedback from your coordinator": the signed-in trainee's latest reviews."""
    return latest_feedback(current_user.id, current_app.extensions["course"])


@bp.app_template_global()
def feedback_on_run(run) -> RunFeedback | None:
    """The coordinator's scores on a finished run's typed replies (the run page)."""
    return run_feedback(run, current_app.extensions["course"].program)


@bp.app_template_global()
def reviewed_runs(runs) -> set[int]:
    """Which of the role-play's finished runs have feedback; no statement without reply review."""
    if current_app.extensions["course"].program.reply_review is None:
        return set()
    return runs_with_feedback([run.id for run in runs])

"""The dashboard's repeated pieces, each a named tuple: its ``CHOICES`` decide the markup, its
other fields are printed (app/fragments.py). The markup is in learn/_dashboard.html."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from flask import url_for
from markupsafe import Markup

from ..certification.status import Requirement
from ..learning.progress import ModuleProgress
from ..web.fragments import render_each
from . import bp

PIECES = "learn/_dashboard.html"


class ChecklistLine(NamedTuple):
    CHOICES = ("kind", "target", "title", "done")

    kind: str
    target: str
    title: str
    done: bool
    progress: str


class ModuleCard(NamedTuple):
    CHOICES = ("module_id", "next_section_id", "started", "one_minute_left", "quiz")

    module_id: str
    next_section_id: str | None
    started: bool
    one_minute_left: bool
    quiz: str  # "passed", "tried" (not passed yet) or "untaken"
    sections_read: int
    minutes_left: int
    best_score: int | None
    scenarios_passed: int


@bp.app_template_global()
def checklist_lines(requirements: Iterable[Requirement]) -> Markup:
    lines = (
        ChecklistLine(kind=r.kind, target=r.target, title=r.title, done=r.done, progress=r.progress)
        for r in requirements
    )
    return render_each(PIECES, "requirement", lines)


@bp.app_template_global()
def module_cards(progress: Iterable[ModuleProgress]) -> Markup:
    return render_each(PIECES, "module_card", (_card(item) for item in progress))


def _card(item: ModuleProgress) -> ModuleCard:
    summary = item.quiz_summary
    following = item.next_section
    minutes_left = item.minutes_left
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
    return None

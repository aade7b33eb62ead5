"""The dashboard's repeated pieces: which markup each checklist line and module card takes
(its choices) and what it prints (its values). The markup is in learn/_dashboard.html."""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup

from ..certification.status import Requirement
from ..fragments import render_each
from ..learning.progress import ModuleProgress
from ..urls import cached_url_for
from . import bp

PIECES = "learn/_dashboard.html"


@bp.app_template_global()
def checklist_lines(requirements: Iterable[Requirement]) -> Markup:
    return render_each(
        PIECES,
        "requirement",
        ("progress",),
        (((item.kind, item.target, item.title, item.done), (item.progress,)) for item in requirements),
    )


@bp.app_template_global()
def module_cards(progress: Iterable[ModuleProgress]) -> Markup:
    return render_each(PIECES, "module_card", CARD_VALUES, (_card(item) for item in progress))


CARD_VALUES = ("sections_read", "minutes_left", "best_score", "scenarios_passed")


def _card(item: ModuleProgress) -> tuple[tuple, tuple]:
    summary = item.quiz_summary
    quiz = "passed" if summary.passed else "tried" if summary.best_score is not None else "untaken"
    following = item.next_section
    minutes_left = item.minutes_left
    choices = (item.module.id, following.id if following else None, item.started, minutes_left == 1, quiz)
    return choices, (item.sections_read, minutes_left, summary.best_score, item.scenarios_passed)


@bp.app_template_global()
def requirement_url(kind: str, target: str) -> str | None:
    """Where a checklist item is done."""
    if kind == "sections":
        return cached_url_for("learn.module_overview", module_id=target)
    if kind == "quiz":
        return cached_url_for("learn.quiz_home", module_id=target)
    if kind == "scenario":
        return cached_url_for("learn.scenario", scenario_id=target)
    return None

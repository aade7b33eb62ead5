"""Where a trainee stands in the course: pure functions over the course and what they read.
What to do next is app/learning/next_step.py."""

from __future__ import annotations

import math
from typing import NamedTuple

from ..course import Course, Module, Section
from ..course.model import Quiz, Scenario

SectionKey = tuple[str, str]  # (module id, section id)


class QuizSummary(NamedTuple):
    """A trainee's standing on one quiz: the best score counts."""

    attempts: int = 0
    best_score: int | None = None
    passed: bool = False


class ScenarioSummary(NamedTuple):
    """A trainee's standing on one role-play: finished runs, the best score, whether any passed."""

    finished_runs: int = 0
    best_score: int | None = None
    passed: bool = False


class ModuleProgress(NamedTuple):
    """Sections read and quiz standing; a module is complete when both are done."""

    module: Module
    read: frozenset[str]
    quiz: Quiz | None = None
    quiz_summary: QuizSummary = QuizSummary()
    scenarios: tuple[tuple[Scenario, ScenarioSummary], ...] = ()

    @property
    def scenarios_passed(self) -> int:
        return sum(summary.passed for _, summary in self.scenarios)

    @property
    def sections_read(self) -> int:
        return len(self.read)

    @property
    def sections_total(self) -> int:
        return len(self.module.sections)

    @property
    def all_read(self) -> bool:
        return self.sections_read == self.sections_total

    @property
    def complete(self) -> bool:
        return self.all_read and (self.quiz is None or self.quiz_summary.passed)

    @property
    def started(self) -> bool:
        return bool(self.read)

    @property
    def minutes_left(self) -> int:
        unread = sum(s.minutes for s in self.module.sections if s.id not in self.read)
        return math.ceil(round(unread, 6))

    @property
    def next_section(self) -> Section | None:
        """The first section not yet read, in reading order."""
        return next((s for s in self.module.sections if s.id not in self.read), None)

    def is_read(self, section: Section) -> bool:
        return section.id in self.read


def module_progress(
    course: Course,
    module: Module,
    read: set[SectionKey],
    quizzes: dict[str, QuizSummary] | None = None,
    scenarios: dict[str, ScenarioSummary] | None = None,
) -> ModuleProgress:
    """Progress through one module; records of sections that no longer exist are ignored."""
    ids = {section_id for module_id, section_id in read if module_id == module.id}
    quiz = course.quiz_for_module.get(module.id)
    summary = (quizzes or {}).get(quiz.id, QuizSummary()) if quiz else QuizSummary()
    played = tuple(
        (scenario, (scenarios or {}).get(scenario.id, ScenarioSummary()))
        for scenario in course.scenarios_for_module.get(module.id, ())
    )
    return ModuleProgress(module, frozenset(ids & set(module.section_by_id)), quiz, summary, played)


def course_progress(
    course: Course,
    read: set[SectionKey],
    quizzes: dict[str, QuizSummary] | None = None,
    scenarios: dict[str, ScenarioSummary] | None = None,
) -> tuple[ModuleProgress, ...]:
    return tuple(module_progress(course, module, read, quizzes, scenarios) for module in course.modules)

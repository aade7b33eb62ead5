"""Progress through modules, as pure functions over the course ("continue where you left off"
is tested with the next step, tests/unit/test_next_step.py)."""

from __future__ import annotations

import pytest

from app.course import load_course
from app.learning.progress import QuizSummary, course_progress, module_progress

from ..helpers import FIXTURE_CONTENT, FIXTURE_QUIZZES


@pytest.fixture(scope="module")
def course():
    return load_course(FIXTURE_CONTENT, FIXTURE_QUIZZES)


def keys(module, *indexes):
    return {(module.id, module.sections[i].id) for i in indexes}


def test_nothing_read_starts_at_the_first_section_of_the_first_module(course):
    first = course.modules[0]
    progress = module_progress(course, first, set())
    assert (progress.sections_read, progress.started, progress.complete) == (0, False, False)
    assert progress.minutes_left == first.minutes


def test_everything_read_leaves_no_minutes(course):
    read = {(m.id, s.id) for m in course.modules for s in m.sections}
    assert all(p.all_read and p.minutes_left == 0 for p in course_progress(course, read))


def test_records_of_removed_sections_or_modules_are_ignored(course):
    module = course.modules[0]
    read = keys(module, 0) | {(module.id, "a-section-since-removed"), ("a-removed-module", "x")}
    progress = module_progress(course, module, read)
    assert progress.sections_read == 1


def test_minutes_left_shrink_with_what_is_read(course):
    module = course.modules[4]
    half = keys(module, *range(len(module.sections) // 2))
    assert 0 < module_progress(course, module, half).minutes_left < module.minutes


def test_a_module_is_complete_when_every_section_is_read_and_its_quiz_passed(course):
    module = course.modules[0]
    read = keys(module, *range(len(module.sections)))
    quiz = course.quiz_for_module[module.id]
    failed = {quiz.id: QuizSummary(attempts=1, best_score=60, passed=False)}
    passed = {quiz.id: QuizSummary(attempts=2, best_score=90, passed=True)}
    assert not module_progress(course, module, read, failed).complete
    assert module_progress(course, module, read, passed).complete
    assert not module_progress(course, module, keys(module, 0), passed).complete

"""Progress and "continue where you left off", as pure functions over the course."""

from __future__ import annotations

import pytest

from app.config import PROJECT_ROOT
from app.course import load_course
from app.learning.progress import QuizSummary, continue_target, course_progress, module_progress


@pytest.fixture(scope="module")
def course():
    return load_course(PROJECT_ROOT / "content", PROJECT_ROOT / "quizzes")


def keys(module, *indexes):
    return {(module.id, module.sections[i].id) for i in indexes}


def test_nothing_read_starts_at_the_first_section_of_the_first_module(course):
    first = course.modules[0]
    assert continue_target(course, set(), None) == (first, first.sections[0])
    progress = module_progress(course, first, set())
    assert (progress.sections_read, progress.started, progress.complete) == (0, False, False)
    assert progress.minutes_left == first.minutes


def test_continue_goes_to_the_next_unread_section_after_the_last_one_read(course):
    module = course.modules[2]
    read = keys(module, 0, 1, 3)
    assert continue_target(course, read, (module.id, module.sections[1].id)) == (module, module.sections[2])
    assert continue_target(course, read, (module.id, module.sections[3].id)) == (module, module.sections[4])


def test_continue_wraps_to_an_earlier_gap_in_the_same_module(course):
    module = course.modules[1]
    read = keys(module, *range(1, len(module.sections)))
    last = (module.id, module.sections[-1].id)
    assert continue_target(course, read, last) == (module, module.sections[0])


def test_a_finished_module_continues_in_the_first_unread_module(course):
    finished = course.modules[3]
    read = keys(finished, *range(len(finished.sections)))
    first = course.modules[0]
    assert continue_target(course, read, (finished.id, finished.sections[-1].id)) == (
        first,
        first.sections[0],
    )


def test_everything_read_has_nowhere_to_continue(course):
    read = {(m.id, s.id) for m in course.modules for s in m.sections}
    assert continue_target(course, read, (course.modules[-1].id, course.modules[-1].sections[-1].id)) is None
    assert all(p.all_read and p.minutes_left == 0 for p in course_progress(course, read))


def test_records_of_removed_sections_or_modules_are_ignored(course):
    module = course.modules[0]
    read = keys(module, 0) | {(module.id, "a-section-since-removed"), ("a-removed-module", "x")}
    progress = module_progress(course, module, read)
    assert progress.sections_read == 1
    assert continue_target(course, read, ("a-removed-module", "x")) == (module, module.sections[1])


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

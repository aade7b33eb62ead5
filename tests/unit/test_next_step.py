"""The trainee's next step and the grouped task list, as pure functions over the course."""

from __future__ import annotations

from typing import NamedTuple

import pytest

from app.course import load_course
from app.learning.next_step import (
    NextStep,
    forward_label,
    next_step,
    summary_line,
    task_counts,
    task_groups,
    task_state,
)

from ..helpers import FIXTURE_CONTENT, FIXTURE_QUIZZES


class Row(NamedTuple):
    kind: str
    target: str
    title: str
    done: bool = False


@pytest.fixture(scope="module")
def course():
    return load_course(FIXTURE_CONTENT, FIXTURE_QUIZZES)


def rows(course, done: set[tuple[str, str]] = frozenset(), time: bool = True) -> list[Row]:
    """The checklist in the order app/certification/checklist.py gives it: modules, then
    role-plays, then time, then what coordinators record, then sign-off."""
    program = course.program
    out = []
    for required in program.modules:
        out += [Row("sections", required.module_id, "Read"), Row("quiz", required.module_id, "Quiz")]
    out += [Row("scenario", s.scenario_id, "Role-play") for s in program.scenarios]
    out += [Row("time", "", "Time")] if time else []
    out += [Row("recorded", r.id, r.title) for r in program.requirements]
    out += [Row("sign_off", "", "Sign-off")]
    return [row._replace(done=(row.kind, row.target) in done) for row in out]


def everything_in_peerpath(course) -> set[tuple[str, str]]:
    program = course.program
    return (
        {("sections", m.module_id) for m in program.modules}
        | {("quiz", m.module_id) for m in program.modules}
        | {("scenario", s.scenario_id) for s in program.scenarios}
        | {("time", "")}
    )


def acknowledgement(course) -> tuple[str, str]:
    """The row of the safeguarding procedure the trainee reads and confirms themselves."""
    return ("recorded", next(r.id for r in course.program.requirements if r.kind == "acknowledge"))


def coordinator_titles(course) -> list[str]:
    return [r.title for r in course.program.requirements if r.kind != "acknowledge"]


def all_read(module) -> set[tuple[str, str]]:
    return {(module.id, s.id) for s in module.sections}


def test_nothing_done_starts_at_the_first_section(course):
    first = course.modules[0]
    step = next_step(course, rows(course), set(), None, "not_started")
    assert step == NextStep(
        "start", f"Start: {first.title} \u2014 {first.sections[0].title}", first.id, first.sections[0].id
    )


def test_a_module_opened_continues_after_the_last_section_read(course):
    first = course.modules[0]
    read = {(first.id, first.sections[0].id), (first.id, first.sections[1].id)}
    step = next_step(course, rows(course), read, (first.id, first.sections[1].id), "in_training")
    assert step.kind == "continue" and step.target == first.sections[2].id
    assert step.label.startswith("Continue where you left off: ")


def test_continue_skips_sections_read_out_of_order(course):
    module = course.modules[2]
    read = {(module.id, module.sections[i].id) for i in (0, 1, 3)}
    step = next_step(course, rows(course), read, (module.id, module.sections[1].id), "in_training")
    assert (step.module_id, step.target) == (module.id, module.sections[2].id)
    step = next_step(course, rows(course), read, (module.id, module.sections[3].id), "in_training")
    assert (step.module_id, step.target) == (module.id, module.sections[4].id)


def test_continue_wraps_to_an_earlier_gap_in_the_same_module(course):
    module = course.modules[1]
    read = {(module.id, s.id) for s in module.sections[1:]}
    step = next_step(course, rows(course), read, (module.id, module.sections[-1].id), "in_training")
    assert (step.kind, step.module_id, step.target) == ("continue", module.id, module.sections[0].id)


def test_a_last_read_in_a_removed_module_continues_in_course_order(course):
    first = course.modules[0]
    read = {(first.id, first.sections[0].id), ("a-removed-module", "x")}
    step = next_step(course, rows(course), read, ("a-removed-module", "x"), "in_training")
    assert (step.kind, step.module_id, step.target) == ("continue", first.id, first.sections[1].id)


def test_a_module_never_opened_is_the_next_module_not_continue(course):
    first, second = course.modules[:2]
    done = {("sections", first.id), ("quiz", first.id), ("scenario", "quiet-first-week")}
    step = next_step(
        course, rows(course, done), all_read(first), (first.id, first.sections[-1].id), "in_training"
    )
    assert step.kind == "next_module" and step.module_id == second.id
    assert step.label == f"Next module: {second.title} \u2014 {second.sections[0].title}"


def test_all_read_then_the_quiz_then_the_required_role_play(course):
    first = course.modules[0]
    read = all_read(first)
    step = next_step(course, rows(course, {("sections", first.id)}), read, None, "in_training")
    assert step == NextStep("quiz", f"Take the {first.title} quiz", first.id, first.id)
    done = {("sections", first.id), ("quiz", first.id)}
    step = next_step(course, rows(course, done), read, None, "in_training")
    required = course.scenario_by_id["quiet-first-week"]
    assert step == NextStep("scenario", f"Practise: {required.title}", first.id, required.id)


def test_the_module_last_read_in_comes_first_while_it_has_sections_to_read(course):
    first, third = course.modules[0], course.modules[2]
    read = {(third.id, third.sections[0].id)}
    step = next_step(course, rows(course), read, (third.id, third.sections[0].id), "in_training")
    assert (step.kind, step.module_id, step.target) == ("continue", third.id, third.sections[1].id)
    assert first.id != third.id


def test_after_a_module_the_walk_goes_forward_from_it(course):
    first, second, third = course.modules[:3]
    done = {("sections", second.id), ("quiz", second.id)}
    step = next_step(course, rows(course, done), all_read(second), None, "in_training", after=second.id)
    assert (step.kind, step.module_id) == ("scenario", second.id)
    done |= {(("scenario", s.id)) for s in course.scenarios_for_module[second.id]}
    step = next_step(course, rows(course, done), all_read(second), None, "in_training", after=second.id)
    assert (step.kind, step.module_id) == ("next_module", third.id)
    assert (
        forward_label(step, course, second.id)
        == f"Next module: {third.title} \u2014 {third.sections[0].title}"
    )
    last = course.modules[-1]
    step = next_step(course, rows(course, done), all_read(second), None, "in_training", after=last.id)
    assert step.module_id == last.id  # from the last module the walk wraps round after it


def test_after_the_course_time_then_what_the_coordinator_records(course):
    done = everything_in_peerpath(course) - {("time", "")}
    assert next_step(course, rows(course, done), set(), None, "in_training").kind == "time"
    step = next_step(course, rows(course, done | {("time", "")}), set(), None, "in_training")
    assert step == NextStep("acknowledge", "Read and confirm our safeguarding procedure")  # theirs first
    step = next_step(
        course, rows(course, done | {("time", ""), acknowledgement(course)}), set(), None, "in_training"
    )
    titles = ", ".join(coordinator_titles(course))
    assert step == NextStep("coordinator", f"Your coordinator records the rest: {titles}")


def test_the_status_decides_once_the_course_is_done(course):
    tasks = rows(course, everything_in_peerpath(course) | {acknowledgement(course)})
    assert next_step(course, tasks, set(), None, "awaiting_review").kind == "awaiting_review"
    assert next_step(course, tasks, set(), None, "certified") == NextStep(
        "certified", "Your certificate is ready"
    )
    # The procedure changed since they confirmed it: read it again before anything else.
    stale = rows(course, everything_in_peerpath(course))
    assert next_step(course, stale, set(), None, "renewal_due").kind == "acknowledge"
    changed = course.modules[3].id
    step = next_step(course, tasks, set(), None, "renewal_due", renewal_modules=(changed,))
    assert (step.kind, step.module_id) == ("revisit", changed)
    assert next_step(course, tasks, set(), None, "revoked").kind == "revoked"
    expired = next_step(course, tasks, set(), None, "expired")
    assert (expired.kind, expired.module_id) == ("requiz", course.modules[0].id)


def test_tasks_group_by_module_in_course_order_then_course_wide_then_coordinator(course):
    groups = task_groups(course, rows(course))
    assert [g.module.id for g in groups if g.module] == [m.id for m in course.modules]
    assert [g.heading for g in groups[-2:]] == ["Across the course", "What your coordinator records"]
    assert acknowledgement(course) in {(t.kind, t.target) for t in groups[-2].tasks}  # the trainee's own
    safeguarding = next(g for g in groups if g.module and g.module.id == "safeguarding-young-people")
    assert [t.kind for t in safeguarding.tasks] == ["sections", "quiz", "scenario", "scenario"]
    assert [t.title for t in groups[-1].tasks] == [*coordinator_titles(course), "Sign-off"]


def test_the_summary_counts_modules_role_plays_and_coordinator_steps_with_plurals(course):
    first = course.modules[0].id
    done = {("sections", first), ("quiz", first), ("scenario", "quiet-first-week"), ("recorded", "interview")}
    counts = task_counts(course, rows(course, done))
    modules, role_plays = len(course.program.modules), len(course.program.scenarios)
    assert summary_line(counts) == (
        f"1 of {modules} modules · 1 of {role_plays} role-plays · "
        f"1 of {len(coordinator_titles(course))} steps your coordinator records"
    )
    one = counts._replace(modules=1, role_plays=1, recorded=0)
    assert summary_line(one) == "1 of 1 module · 1 of 1 role-play"


def test_each_row_gets_an_honest_tag(course):
    assert task_state(course, Row("quiz", "x", "Quiz", True), tried=False) == "completed"
    assert task_state(course, Row("quiz", "x", "Quiz"), tried=True) == "in_progress"
    assert task_state(course, Row("sections", "x", "Read"), tried=False) == "not_started"
    assert task_state(course, Row("recorded", "interview", "Interview"), tried=False) == "coordinator"
    assert task_state(course, Row("sign_off", "", "Sign-off"), tried=False) == "cannot_start"
    assert task_state(course, Row("sign_off", "", "Sign-off"), tried=True) == "coordinator"  # all else done
    kind, target = acknowledgement(course)  # listed with the recorded steps, but the trainee's own
    assert task_state(course, Row(kind, target, "Our safeguarding procedure"), tried=False) == "not_started"

"""A programme's own module (``kind: local``): its rules, contacts and procedures, held to a
local module's expectations, and the only way the "programme requirements and rules" topic is met.

The proof at the end is the adoption review's case: the shipped course plus a short local module
passes ``content check --strict`` and the content-quality rules, with nothing forked."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.certification.checklist import requirements
from app.certification.standards import coverage, standards_met
from app.certification.status import QuizResult, Records, Status, standing
from app.config import PROJECT_ROOT
from app.course import load_course
from app.course.program import PROGRAM_RULES

from ..course_quality import SHIPPED, quality_problems
from ..helpers import copy_course
from .test_content_check import check, plant

LOCAL_MODULE = """\
---
id: our-programme
title: Our programme's rules and contacts
order: 9
version: 1
minutes: 5
kind: local
summary: How long a match lasts, how often you meet, who to call, what we pay back, and how a match ends.
objectives:
  - Know the length of a match and how often you meet.
  - Know who to call, and when, for help or a worry.
sources:
  - Riverside Mentoring programme handbook, 2027 edition.
standards: [program-rules]
---

## Matches and meetings

A match lasts twelve months. You meet your mentee every week for an hour, in a public place or at
the programme's office, never at either of your homes. If you must miss a meeting, tell your
mentee and your coordinator at least a day before. Three missed meetings in a row and your
coordinator will call you to talk about how the match is going.

## Contact rules

Use the programme's messaging app to contact your mentee, between 8 am and 8 pm, and never a
private social media account. Keep messages about arranging meetings. Do not give lifts alone.

## Who to call

Your coordinator, Jo Patel, on 01632 960123 on weekdays. Out of hours, the duty manager on
01632 960999. For a safeguarding worry, follow the safeguarding procedure: the lead the same day.

## Expenses and closure

Keep receipts for travel and activities up to £10 a meeting; claim them monthly on the expenses
form. When a match ends, plan a last meeting with your coordinator and say goodbye in person.
Your coordinator then writes to your mentee's family to confirm that the match has ended.
"""


def add_local_module(content: Path, text: str = LOCAL_MODULE, required: bool = True) -> Path:
    path = content / "modules" / "our-programme.md"
    path.write_text(text, encoding="utf-8")
    if required:
        plant(content / "program.yaml", "modules:\n", "modules:\n  - module: our-programme\n")
    return path


def test_the_example_module_is_about_two_hundred_words():
    body = LOCAL_MODULE.split("\n---\n", 1)[1]
    assert 180 <= len(re.findall(r"\S+", body)) <= 260


def test_a_local_module_is_thin_only_under_150_words(tmp_path):
    content, quizzes = copy_course(tmp_path)
    path = add_local_module(content)
    assert check(content, quizzes, "--strict").exit_code == 0
    path.write_text(LOCAL_MODULE[: LOCAL_MODULE.index("## Contact rules")], encoding="utf-8")
    result = check(content, quizzes, "--strict")
    assert result.exit_code == 1
    assert re.search(
        r"our-programme\.md:3:\d+: warning: the module has \d+ words: under 150 is thin for a local module",
        result.output,
    ), result.output


def test_an_unknown_kind_is_an_error_at_its_line(tmp_path):
    content, quizzes = copy_course(tmp_path)
    path = add_local_module(content, LOCAL_MODULE.replace("kind: local", "kind: locale"))
    result = check(content, quizzes)
    line = path.read_text().splitlines().index("kind: locale") + 1
    assert result.exit_code == 1
    assert re.search(
        rf"our-programme\.md:{line}:\d+: error: 'kind' must be one of course, local", result.output
    ), result.output


def test_a_module_of_the_shared_course_claiming_the_programmes_rules_is_an_error_at_its_claim(tmp_path):
    content, quizzes = copy_course(tmp_path)
    line = plant(
        content / "modules" / "goal-setting.md",
        "[mentor-expectations]",
        "[mentor-expectations, program-rules]",
    )
    result = check(content, quizzes)
    assert result.exit_code == 1
    assert re.search(
        rf"goal-setting\.md:{line}:\d+: error: program-rules is met only by a `kind: local` module your "
        "programme writes",
        result.output,
    ), result.output


def test_a_required_local_module_needs_no_quiz_but_a_required_course_module_does(tmp_path):
    content, quizzes = copy_course(tmp_path)
    add_local_module(content)
    assert check(content, quizzes, "--strict").exit_code == 0
    (quizzes / "goal-setting.yaml").unlink()
    result = check(content, quizzes)
    assert "module 'goal-setting' has no quiz to pass (only a 'kind: local' module may go without one)" in (
        result.output
    )


def test_a_local_module_without_a_quiz_is_done_once_read_and_meets_the_programmes_rules(tmp_path):
    content, quizzes = copy_course(tmp_path)
    add_local_module(content)
    course = load_course(content, quizzes)
    module = course.module_by_id["our-programme"]
    now = datetime(2027, 1, 4, tzinfo=UTC)
    read = Records(sections_read={(module.id, s.id): now for s in module.sections})
    items = [item for item in requirements(course.program, course, read, now) if item.target == module.id]
    assert [(item.kind, item.done) for item in items] == [("sections", True)]
    assert standards_met(course, read)[PROGRAM_RULES]
    assert not standards_met(course, Records())[PROGRAM_RULES]


def test_a_local_module_without_a_quiz_neither_holds_up_a_renewal_nor_asks_for_one(tmp_path):
    """Renewal is every required quiz passed again in the window; a module with none adds nothing."""
    content, quizzes = copy_course(tmp_path)
    add_local_module(content)
    course = load_course(content, quizzes)
    program = replace(
        course.program,
        sign_off=False,
        scenarios=(),
        requirements=(),
        reply_review=None,
        minimum_minutes=0,
        validity_days=365,
        renewal_window_days=60,
    )
    course = replace(course, program=program)
    start = datetime(2027, 1, 4, tzinfo=UTC)

    def passes(at):
        return tuple(
            QuizResult(m.quiz_id, course.module_by_id[m.module_id].version, 100, True, at)
            for m in program.modules
            if m.quiz_id
        )

    read = {(m.id, s.id): start for m in course.modules for s in m.sections}
    records = Records(sections_read=read, quiz_results=passes(start))
    assert standing(program, course, records, start + timedelta(days=1)).status == Status.CERTIFIED
    renewed = replace(records, quiz_results=records.quiz_results + passes(start + timedelta(days=330)))
    later = standing(program, course, renewed, start + timedelta(days=400))
    assert later.status == Status.CERTIFIED and later.expires_at > start + timedelta(days=400)


# --- the proof: local content without a fork ------------------------------------------------------


def shipped_copy(tmp_path: Path) -> tuple[Path, Path]:
    return copy_course(tmp_path, SHIPPED[0].parent)


def test_the_shipped_course_with_a_local_module_passes_strictly_and_covers_the_programmes_rules(tmp_path):
    content, quizzes = shipped_copy(tmp_path)
    add_local_module(content)
    result = check(content, quizzes, "--strict")
    assert result.exit_code == 0, result.output
    assert quality_problems(content, quizzes) == []
    course = load_course(content, quizzes)
    rules = next(c for c in coverage(course) if c.standard.id == PROGRAM_RULES)
    assert [m.id for m in rules.modules] == ["our-programme"]


def test_the_shipped_course_with_a_module_left_out_of_the_program_still_passes(tmp_path):
    content, quizzes = shipped_copy(tmp_path)
    dropped = load_course(*SHIPPED).program.modules[1].module_id
    plant(content / "program.yaml", f"  - module: {dropped}\n", "")
    result = check(content, quizzes, "--strict")
    assert result.exit_code == 0, result.output
    assert quality_problems(content, quizzes) == []
    assert dropped not in {m.module_id for m in load_course(content, quizzes).program.modules}


def test_the_template_in_the_docs_is_a_valid_local_module_marked_for_filling_in(tmp_path):
    """docs/examples/our-programme.md, copied as docs/authoring.md says, passes the strict check;
    every programme-specific fact in it is marked for the programme to fill in."""
    template = (PROJECT_ROOT / "docs" / "examples" / "our-programme.md").read_text(encoding="utf-8")
    content, quizzes = shipped_copy(tmp_path)
    add_local_module(content, template)
    result = check(content, quizzes, "--strict")
    assert result.exit_code == 0, result.output
    assert quality_problems(content, quizzes) == []
    module = load_course(content, quizzes).module_by_id["our-programme"]
    assert module.kind == "local" and PROGRAM_RULES in module.standards
    assert template.count("FILL IN") >= 15

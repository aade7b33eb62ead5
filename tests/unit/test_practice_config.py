"""The rubrics, the reply-review rule, scored and acknowledged requirements and the safeguarding
procedure in program.yaml: each mistake is reported at its file and line; the procedure's version
follows its words; the shipped program uses all of them."""

from __future__ import annotations

import textwrap
from dataclasses import replace
from pathlib import Path

import pytest

from app.course import load_course
from app.course.errors import display_path
from app.course.procedure import EXAMPLE_REFUSED, example_problem
from app.course.program import load_program

from ..helpers import FIXTURE_CONTENT, FIXTURE_QUIZZES

HEADER = """\
title: A programme
modules:
  - module: active-listening
minimum_minutes: 0
sign_off: false
validity_days: 365
"""

RUBRIC = """\
rubrics:
  - id: listening
    title: Listening
    criteria:
      - {id: reflects, title: Reflects, strong: Deep, adequate: Surface, weak: None}
      - {id: no-roadblocks, title: No roadblocks, strong: None, adequate: One, weak: Many}
      - {id: choice, title: Choice, strong: Handed back, adequate: Neutral, weak: Taken}
"""

PROCEDURE = """\
safeguarding:
  lead: {name: Pat Lead, how: 01632 960000, hours: 9 to 5}
  out_of_hours: {name: On call, how: 01632 960001}
  emergency_number: '999'
  crisis_lines:
    - {name: Childline, how: 0800 1111, hours: 24 hours}
  steps:
    - Listen.
    - Tell the lead the same day.
"""

SCORED = """\
requirements:
  - id: observed
    title: Observed practice
    description: A role-play watched by staff.
    rubric: listening
    pass: 3
"""

ACKNOWLEDGE = """\
requirements:
  - id: procedure
    title: Our procedure
    description: Read it and confirm.
    kind: acknowledge
"""


@pytest.fixture(scope="module")
def course():
    return load_course(FIXTURE_CONTENT, FIXTURE_QUIZZES)


@pytest.fixture
def program(course, tmp_path):
    """Load ``HEADER`` plus ``parts`` as program.yaml: (program, problems as strings, the text)."""

    def load(*parts: str):
        text = HEADER + "".join(parts)
        file = tmp_path / "program.yaml"
        file.write_text(text, encoding="utf-8")
        loaded, problems = load_program(
            file,
            # Without the standards the real modules name: this program lists none.
            {m.id: replace(m, standards=()) for m in course.modules},
            {q.id: q for q in course.quizzes},
            {s.id: s for s in course.scenarios},
        )
        return loaded, [str(p) for p in problems], text

    return load


def at(text: str, needle: str, tmp_path: Path, nth: int = 1) -> str:
    """``path:line:`` of the ``nth`` line of program.yaml containing ``needle``."""
    lines = [n for n, line in enumerate(text.splitlines(), 1) if needle in line]
    return f"{display_path(tmp_path / 'program.yaml')}:{lines[nth - 1]}:"


def only(problems: list[str]) -> str:
    assert len(problems) == 1, problems
    return problems[0]


# --- a valid program -------------------------------------------------------------------------------


def test_rubrics_the_reply_rule_a_scored_and_an_acknowledged_requirement_load(program):
    rules = """\
    reply_review: {rubric: listening, minimum_mean: 1.5}
    requirements:
      - id: observed
        title: Observed practice
        description: Watched by staff.
        rubric: listening
        pass: 3
      - id: procedure
        title: Our procedure
        description: Read it.
        kind: acknowledge
    """
    loaded, problems, _ = program(RUBRIC, PROCEDURE, textwrap.dedent(rules))
    assert problems == []
    [rubric] = loaded.rubrics
    assert (rubric.id, rubric.maximum) == ("listening", 6)
    assert [c.id for c in rubric.criteria] == ["reflects", "no-roadblocks", "choice"]
    assert rubric.criteria[0].description(2) == "Deep" and rubric.criteria[0].description(0) == "None"
    assert loaded.rubric_by_id["listening"] is rubric
    assert (loaded.reply_review.rubric_id, loaded.reply_review.minimum_mean) == ("listening", 1.5)
    observed, procedure = loaded.requirements
    assert (observed.kind, observed.rubric, observed.pass_total) == ("recorded", "listening", 3)
    assert (procedure.kind, procedure.rubric, procedure.pass_total) == ("acknowledge", None, None)
    safeguarding = loaded.safeguarding
    assert (safeguarding.lead.name, safeguarding.lead.hours) == ("Pat Lead", "9 to 5")
    assert safeguarding.out_of_hours.hours == ""  # at any time
    assert safeguarding.emergency_number == "999" and len(safeguarding.steps) == 2
    assert safeguarding.example is False and len(safeguarding.version) == 12


def test_without_the_new_keys_nothing_is_asked(program):
    loaded, problems, _ = program()
    assert problems == []
    assert (loaded.rubrics, loaded.reply_review, loaded.safeguarding) == ((), None, None)


# --- rubrics -----------------------------------------------------------------------------------------


def criteria(count: int) -> str:
    return "".join(
        f"      - {{id: c{n}, title: C{n}, strong: S, adequate: A, weak: W}}\n" for n in range(count)
    )


@pytest.mark.parametrize("count", [2, 7])
def test_a_rubric_has_three_to_six_criteria(program, tmp_path, count):
    _, problems, text = program(f"rubrics:\n  - id: few\n    title: Few\n    criteria:\n{criteria(count)}")
    assert only(problems) == (
        f"{at(text, 'criteria:', tmp_path)} a rubric has 3 to 6 criteria; 'few' has {count}"
    )


def test_a_rubric_id_used_twice_is_reported_at_the_second(program, tmp_path):
    second = RUBRIC.replace("rubrics:\n", "")
    _, problems, text = program(RUBRIC, second)
    assert only(problems) == f"{at(text, '- id: listening', tmp_path, 2)} rubric id 'listening' is used twice"


def test_a_criterion_id_used_twice_is_reported_at_it(program, tmp_path):
    _, problems, text = program(RUBRIC.replace("id: choice", "id: reflects"))
    assert only(problems) == (
        f"{at(text, 'title: Choice', tmp_path)} criterion id 'reflects' is used twice in rubric 'listening'"
    )


@pytest.mark.parametrize("level", ["strong", "adequate", "weak"])
def test_every_criterion_says_what_strong_adequate_and_weak_look_like(program, tmp_path, level):
    value = {"strong": "Handed back", "adequate": "Neutral", "weak": "Taken"}[level]
    _, problems, text = program(RUBRIC.replace(f", {level}: {value}", ""))
    problem = only(problems)
    assert problem.startswith(at(text, "id: choice", tmp_path)) and f"'{level}'" in problem


def test_a_rubric_without_a_title_is_reported_at_it(program, tmp_path):
    _, problems, text = program(RUBRIC.replace("    title: Listening\n", ""))
    problem = only(problems)
    assert problem.startswith(at(text, "- id: listening", tmp_path)) and "'title'" in problem


# --- the reply-review rule ---------------------------------------------------------------------------


def test_reply_review_names_a_rubric_that_exists(program, tmp_path):
    _, problems, text = program(RUBRIC, "reply_review: {rubric: replies, minimum_mean: 1.0}\n")
    assert only(problems) == (
        f"{at(text, 'reply_review:', tmp_path)} rubric 'replies' does not exist (rubrics: listening)"
    )


@pytest.mark.parametrize("mean", ["0", "2.5", "-1", "yes", "high"])
def test_reply_review_minimum_mean_is_on_the_scale(program, tmp_path, mean):
    _, problems, text = program(RUBRIC, f"reply_review:\n  rubric: listening\n  minimum_mean: {mean}\n")
    problem = only(problems)
    assert problem.startswith(at(text, "minimum_mean:", tmp_path))
    assert "must be a number above 0 and at most 2" in problem


# --- requirements scored on a rubric -----------------------------------------------------------------


def test_a_requirement_on_an_unknown_rubric_is_reported_at_its_rubric(program, tmp_path):
    _, problems, text = program(RUBRIC, SCORED.replace("rubric: listening", "rubric: observing"))
    assert only(problems) == (
        f"{at(text, 'rubric: observing', tmp_path)} rubric 'observing' does not exist (rubrics: listening)"
    )


def test_without_rubrics_the_message_says_none_are_defined(program, tmp_path):
    _, problems, text = program(SCORED)
    assert only(problems).endswith("(rubrics: none are defined under 'rubrics:')")


def test_a_pass_above_the_rubrics_highest_total_is_reported_at_pass(program, tmp_path):
    _, problems, text = program(RUBRIC, SCORED.replace("pass: 3", "pass: 7"))
    assert only(problems) == (
        f"{at(text, 'pass: 7', tmp_path)} 'pass' must be between 1 and 6, the rubric's highest total"
    )


def test_pass_zero_is_refused(program, tmp_path):
    _, problems, text = program(RUBRIC, SCORED.replace("pass: 3", "pass: 0"))
    assert only(problems).startswith(at(text, "pass: 0", tmp_path))


def test_a_rubric_without_pass_is_reported_at_the_requirement(program, tmp_path):
    _, problems, text = program(RUBRIC, SCORED.replace("    pass: 3\n", ""))
    assert only(problems) == (
        f"{at(text, '- id: observed', tmp_path)} a requirement scored on rubric 'listening' needs "
        "'pass': the lowest passing total"
    )


def test_pass_without_a_rubric_is_reported_at_pass(program, tmp_path):
    _, problems, text = program(RUBRIC, SCORED.replace("    rubric: listening\n", ""))
    assert only(problems) == (
        f"{at(text, 'pass: 3', tmp_path)} 'pass' needs 'rubric': the total is of a rubric's scores"
    )


def test_a_scored_requirement_is_not_counted_in_hours(program, tmp_path):
    _, problems, text = program(RUBRIC, SCORED + "    hours: 3\n    from_sessions: true\n")
    assert (
        only(problems)
        == f"{at(text, 'hours: 3', tmp_path)} a requirement scored on a rubric cannot have 'hours'"
    )


def test_a_scored_requirement_may_lapse(program):
    loaded, problems, _ = program(RUBRIC, SCORED + "    valid_months: 24\n")
    assert problems == [] and loaded.requirements[0].valid_months == 24


# --- acknowledgements --------------------------------------------------------------------------------


def test_acknowledge_needs_the_procedure(program, tmp_path):
    _, problems, text = program(ACKNOWLEDGE)
    assert only(problems) == (
        f"{at(text, 'kind: acknowledge', tmp_path)} an 'acknowledge' requirement needs the procedure "
        "under 'safeguarding:'"
    )


@pytest.mark.parametrize("extra", ["hours: 3", "valid_months: 12", "rubric: listening", "pass: 3"])
def test_an_acknowledgement_is_not_hours_a_lapse_or_a_score(program, tmp_path, extra):
    _, problems, text = program(RUBRIC, PROCEDURE, ACKNOWLEDGE + f"    {extra}\n")
    key = extra.split(":")[0]
    assert only(problems) == f"{at(text, extra, tmp_path)} an 'acknowledge' requirement cannot have '{key}'"


def test_an_unknown_kind_is_reported_at_it(program, tmp_path):
    _, problems, text = program(PROCEDURE, ACKNOWLEDGE.replace("acknowledge", "confirm"))
    problem = only(problems)
    assert problem.startswith(at(text, "kind: confirm", tmp_path)) and "recorded, acknowledge" in problem


# --- the safeguarding procedure ------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["lead", "out_of_hours", "emergency_number", "steps"])
def test_a_procedure_missing_a_part_is_reported_at_its_first_line(program, tmp_path, key):
    kept = [line for line in PROCEDURE.splitlines(keepends=True) if not line.startswith(f"  {key}:")]
    if key == "steps":
        kept = [line for line in kept if not line.startswith("    - ") or "{name" in line]
    _, problems, text = program("".join(kept))
    problem = only(problems)
    # Like every mapping in program.yaml, the procedure's line is that of its first key.
    first_key = text.splitlines().index("safeguarding:") + 2
    assert problem.startswith(f"{display_path(tmp_path / 'program.yaml')}:{first_key}:")
    assert f"safeguarding is missing required key '{key}'" in problem


def test_a_lead_without_a_way_to_reach_them_is_reported_at_the_lead(program, tmp_path):
    _, problems, text = program(PROCEDURE.replace(", how: 01632 960000", ""))
    problem = only(problems)
    assert problem.startswith(at(text, "lead: {name", tmp_path))
    assert "'how'" in problem and "the safeguarding lead" in problem


def test_a_procedure_has_at_least_two_steps(program, tmp_path):
    _, problems, text = program(PROCEDURE.replace("    - Tell the lead the same day.\n", ""))
    problem = only(problems)
    assert problem.startswith(at(text, "steps:", tmp_path)) and "at least 2 items" in problem


def test_a_crisis_line_without_a_number_is_reported_at_it(program, tmp_path):
    _, problems, text = program(PROCEDURE.replace(", how: 0800 1111", ""))
    problem = only(problems)
    assert problem.startswith(at(text, "name: Childline", tmp_path)) and "a crisis line" in problem


def test_example_must_be_true_or_false(program, tmp_path):
    _, problems, text = program(PROCEDURE.replace("safeguarding:\n", "safeguarding:\n  example: maybe\n"))
    assert only(problems).startswith(at(text, "example: maybe", tmp_path))


# --- the procedure's version -------------------------------------------------------------------------


def version(program, text: str) -> str:
    loaded, problems, _ = program(text)
    assert problems == []
    return loaded.safeguarding.version


@pytest.mark.parametrize(
    "old, new",
    [
        ("Pat Lead", "Pat Leader"),
        ("01632 960000", "01632 960009"),
        ("hours: 9 to 5", "hours: 9 to 6"),
        ("name: On call", "name: On-call manager"),
        ("'999'", "'911'"),
        ("0800 1111", "0800 1112"),
        ("    - Listen.\n", "    - Listen calmly.\n"),
        ("same day.", "same day, in person."),
        ("    - Listen.\n", "    - Listen.\n    - Write it down.\n"),
    ],
)
def test_the_version_changes_when_any_word_a_trainee_reads_changes(program, old, new):
    assert old in PROCEDURE
    assert version(program, PROCEDURE.replace(old, new)) != version(program, PROCEDURE)


def test_the_version_stays_when_only_the_layout_or_comments_change(program):
    relaid = (
        "safeguarding:\n"
        "  # Reviewed by the board in May.\n"
        "  steps: ['Listen.', 'Tell the lead the same day.']\n"
        "  crisis_lines:\n"
        "    - name: Childline\n"
        "      hours: 24 hours\n"
        "      how: '0800 1111  '\n"
        '  emergency_number: "999"\n'
        "  out_of_hours:\n"
        "    how: 01632 960001\n"
        "    name: On call\n"
        "  lead: {hours: 9 to 5, name: Pat Lead, how: 01632 960000}\n"
    )
    assert version(program, relaid) == version(program, PROCEDURE)
    # Marking it the example (or not) is not something a trainee reads.
    example = PROCEDURE.replace("safeguarding:\n", "safeguarding:\n  example: true\n")
    assert version(program, example) == version(program, PROCEDURE)


# --- the deployment refusal ----------------------------------------------------------------------------


def test_only_the_example_is_refused_and_at_its_example_line(program, tmp_path):
    example = PROCEDURE.replace("safeguarding:\n", "safeguarding:\n  example: true\n")
    loaded, _, text = program(example)
    problem = example_problem(loaded.safeguarding, "content/program.yaml")
    expected_line = at(text, "example: true", tmp_path).rsplit(":", 2)[1]
    assert str(problem) == f"content/program.yaml:{expected_line}: {EXAMPLE_REFUSED}"
    own, _, _ = program(PROCEDURE.replace("safeguarding:\n", "safeguarding:\n  example: false\n"))
    assert example_problem(own.safeguarding, "content/program.yaml") is None
    assert example_problem(None, "content/program.yaml") is None


# --- what the programme ships ------------------------------------------------------------------------


def test_the_shipped_program_scores_replies_and_observed_practice_and_asks_for_its_procedure(course):
    program = course.program
    replies, observed = program.rubric_by_id["replies"], program.rubric_by_id["observed-practice"]
    assert [c.id for c in replies.criteria] == ["reflects", "no-roadblocks", "choice", "safety"]
    assert len(observed.criteria) == 6 and observed.maximum == 12
    assert "MITI 4.2.1" in observed.source and "Gordon" in replies.source
    assert (program.reply_review.rubric_id, program.reply_review.minimum_mean) == ("replies", 1.0)
    by_id = {r.id: r for r in program.requirements}
    assert (by_id["observed-practice"].rubric, by_id["observed-practice"].pass_total) == (
        "observed-practice",
        6,
    )
    assert by_id["safeguarding-procedure"].kind == "acknowledge"
    procedure = program.safeguarding
    assert procedure.example and 5 <= len(procedure.steps) <= 8
    assert "(replace" in procedure.lead.name and "(replace" in procedure.out_of_hours.name
    lines = {line.name.split(" (")[0]: line.how for line in procedure.crisis_lines}
    assert "0800 1111" in lines["Childline"] and "116 123" in lines["Samaritans"]
    assert "988" in lines["988 Suicide & Crisis Lifeline"]
    written = (FIXTURE_CONTENT / "program.yaml").read_text().splitlines()
    assert written[procedure.line - 1].strip() == "example: true"

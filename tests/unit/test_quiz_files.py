"""Quiz files: every kind of mistake an author can make, reported as path:line: message."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from app.course import ContentError, load_course

from ..helpers import VALID_BODY, VALID_FRONT_MATTER, write_module

VALID_QUIZ = """\
id: sample
module: sample
pass_mark: 80
draw: 2
questions:
  - id: q-one
    type: single
    prompt: Which?
    options:
      - id: a
        text: Right
        correct: true
        feedback: Yes.
      - id: b
        text: Wrong
        feedback: No.
    explanation: Because.
  - id: q-two
    type: order
    prompt: Order these.
    options:
      - id: first
        text: First
      - id: second
        text: Second
      - id: third
        text: Third
"""


def setup(tmp_path: Path, quiz_text: str) -> Path:
    write_module(tmp_path, "sample", VALID_FRONT_MATTER + VALID_BODY)
    path = tmp_path / "quizzes" / "sample.yaml"
    path.write_text(textwrap.dedent(quiz_text), encoding="utf-8")
    return path


def test_a_valid_quiz_loads_and_belongs_to_its_module(tmp_path):
    setup(tmp_path, VALID_QUIZ)
    course = load_course(tmp_path, tmp_path / "quizzes")
    quiz = course.quiz_for_module["sample"]
    assert [q.id for q in quiz.questions] == ["q-one", "q-two"]
    assert quiz.questions[0].correct_ids == {"a"}
    assert quiz.questions[0].options[0].text_html == "Right"  # inline: it goes inside a <label>
    assert (quiz.shuffle, quiz.max_attempts, quiz.cooldown_minutes) == (True, 0, 0)


BROKEN = [
    pytest.param(
        VALID_QUIZ.replace("module: sample", "module: nowhere"),
        2,
        "module 'nowhere' does not exist",
        id="unknown-module",
    ),
    pytest.param(
        VALID_QUIZ.replace("pass_mark: 80", "pass_mark: 0"),
        3,
        "'pass_mark' must be a whole number of at least 1 and at most 100",
        id="pass-mark-low",
    ),
    pytest.param(
        VALID_QUIZ.replace("pass_mark: 80", "pass_mark: 101"), 3, "at most 100", id="pass-mark-high"
    ),
    pytest.param(
        VALID_QUIZ.replace("draw: 2", "draw: 3"),
        4,
        "'draw' is 3 but the pool has only 2 questions",
        id="draw-too-big",
    ),
    pytest.param(
        VALID_QUIZ.replace("id: q-two", "id: q-one"),
        18,
        "question id 'q-one' is used twice",
        id="duplicate-question",
    ),
    pytest.param(
        VALID_QUIZ.replace("        feedback: No.", "        correct: true\n        feedback: No."),
        9,
        "exactly one correct option (found 2)",
        id="single-two-correct",
    ),
    pytest.param(
        VALID_QUIZ.replace("        correct: true\n", ""),
        9,
        "exactly one correct option (found 0)",
        id="single-none-correct",
    ),
    pytest.param(
        VALID_QUIZ.replace("type: single", "type: multiple").replace("        correct: true\n", ""),
        9,
        "at least one correct option",
        id="multiple-none-correct",
    ),
    pytest.param(
        VALID_QUIZ.replace("type: single", "type: true_false"),
        9,
        "ids 'true' and 'false'",
        id="true-false-ids",
    ),
    pytest.param(
        VALID_QUIZ.replace("        text: Second", "        text: Second\n        correct: true"),
        21,
        "take no 'correct' key",
        id="order-with-correct",
    ),
    pytest.param(
        VALID_QUIZ.replace("type: single", "type: essay"),
        7,
        "'type' must be one of single, multiple, true_false, order",
        id="unknown-type",
    ),
    pytest.param(
        VALID_QUIZ.replace("prompt: Which?", "promt: Which?"),
        8,
        "unknown key 'promt' in question (did you mean 'prompt'?)",
        id="typo",
    ),
    pytest.param(
        VALID_QUIZ.replace("      - id: b\n        text: Wrong\n        feedback: No.\n", ""),
        9,
        "'options' must list at least 2 items",
        id="one-option",
    ),
    pytest.param(
        VALID_QUIZ.replace("      - id: b", "      - id: a"),
        14,
        "option id 'a' is used twice",
        id="duplicate-option",
    ),
    pytest.param(
        VALID_QUIZ.replace("        text: Wrong\n", ""),
        14,
        "option is missing required key 'text'",
        id="option-without-text",
    ),
    pytest.param(VALID_QUIZ.replace("draw: 2", "draw: [2"), 4, "invalid YAML", id="bad-yaml"),
]


@pytest.mark.parametrize(("text", "line", "message"), BROKEN)
def test_broken_quiz_is_reported_with_path_and_line(tmp_path, text, line, message):
    path = setup(tmp_path, text)
    with pytest.raises(ContentError) as caught:
        load_course(tmp_path, tmp_path / "quizzes")
    problems = [str(p) for p in caught.value.problems]
    assert any(p.startswith(f"{path}:{line}: ") and message in p for p in problems), problems


def test_a_module_has_at_most_one_quiz(tmp_path):
    setup(tmp_path, VALID_QUIZ)
    (tmp_path / "quizzes" / "again.yaml").write_text(VALID_QUIZ.replace("id: sample", "id: again", 1))
    with pytest.raises(ContentError) as caught:
        load_course(tmp_path, tmp_path / "quizzes")
    assert [str(p) for p in caught.value.problems] == [
        f"{tmp_path / 'quizzes' / 'sample.yaml'}:1: module 'sample' already has a quiz in {tmp_path / 'quizzes' / 'again.yaml'}"
    ]

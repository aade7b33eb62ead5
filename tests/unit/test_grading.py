"""Drawing and grading quizzes, and the start rules, as pure functions (no Flask, no database)."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from werkzeug.datastructures import MultiDict

from app.course import load_course
from app.course.model import Option, Question, Quiz
from app.course.question_rules import OPTION_RULES
from app.learning.attempts import may_start
from app.learning.grading import DrawnQuestion, draw, grade, read_answers
from app.learning.question_types import QUESTION_TYPES

from ..helpers import FIXTURE_CONTENT, FIXTURE_QUIZZES


def option(option_id: str, correct: bool = False) -> Option:
    return Option(option_id, option_id.upper(), correct, f"<p>feedback {option_id}</p>")


def question(question_id: str, kind: str, options: list[Option], critical: bool = False) -> Question:
    return Question(question_id, kind, "<p>?</p>", tuple(options), "<p>why</p>", critical, 1)


SINGLE = question("s", "single", [option("a"), option("b", True), option("c")])
TRUE_FALSE = question("tf", "true_false", [option("true", True), option("false")])
MULTIPLE = question("m", "multiple", [option("a", True), option("b", True), option("c"), option("d")])
ORDER = question("o", "order", [option("first"), option("second"), option("third"), option("fourth")])
SAFETY = question("safe", "single", [option("tell", True), option("keep-secret")], critical=True)


def quiz(*questions: Question, pass_mark: int = 80, draw_count: int = 0, shuffle: bool = True) -> Quiz:
    return Quiz("q", "m", pass_mark, draw_count, shuffle, 0, 0, tuple(questions), "quizzes/q.yaml")


def credit(q: Question, *answer: str) -> float:
    return QUESTION_TYPES[q.type].grade(q, answer)


@pytest.mark.parametrize(
    ("q", "answer", "expected"),
    [
        (SINGLE, ("b",), 1.0),
        (SINGLE, ("a",), 0.0),
        (TRUE_FALSE, ("true",), 1.0),
        (TRUE_FALSE, ("false",), 0.0),
        (MULTIPLE, ("a", "b"), 1.0),
        (MULTIPLE, ("b", "a"), 1.0),
        (MULTIPLE, ("a",), 0.5),
        (MULTIPLE, ("a", "b", "c"), 0.5),
        (MULTIPLE, ("a", "c"), 0.0),
        (MULTIPLE, ("a", "b", "c", "d"), 0.0),  # ticking everything earns nothing
        (MULTIPLE, ("c", "d"), 0.0),  # never below zero
        (ORDER, ("first", "second", "third", "fourth"), 1.0),
        (ORDER, ("second", "first", "third", "fourth"), 0.5),
        (ORDER, ("fourth", "third", "second", "first"), 0.0),
        (ORDER, ("first", "second"), 0.0),  # incomplete orders earn nothing
    ],
)
def test_each_question_type_grades_with_its_rule(q, answer, expected):
    assert credit(q, *answer) == pytest.approx(expected)


def drawn_as_authored(*questions: Question) -> list[DrawnQuestion]:
    return [DrawnQuestion(q.id, tuple(o.id for o in reversed(q.options))) for q in questions]


def test_score_is_the_share_of_credit_rounded_down_and_passes_at_the_mark():
    q = quiz(SINGLE, MULTIPLE, TRUE_FALSE, pass_mark=80)
    drawn = drawn_as_authored(SINGLE, MULTIPLE, TRUE_FALSE)
    result = grade(q, drawn, {"s": ("b",), "m": ("a",), "tf": ("true",)})
    assert result.score == 83  # (1 + 0.5 + 1) / 3 = 83.3…
    assert result.passed
    assert [r.right for r in result.questions] == [True, False, True]
    failed = grade(replace(q, pass_mark=84), drawn, {"s": ("b",), "m": ("a",), "tf": ("true",)})
    assert (failed.score, failed.passed) == (83, False)


def test_unanswered_questions_count_as_wrong():
    result = grade(quiz(SINGLE, TRUE_FALSE), drawn_as_authored(SINGLE, TRUE_FALSE), {"s": ("b",)})
    assert result.score == 50
    assert [r.answered for r in result.questions] == [True, False]


def test_a_missed_critical_question_fails_whatever_the_score():
    questions = [replace(SINGLE, id=f"s{i}") for i in range(9)] + [SAFETY]
    answers = {f"s{i}": ("b",) for i in range(9)} | {"safe": ("keep-secret",)}
    result = grade(quiz(*questions), drawn_as_authored(*questions), answers)
    assert result.score == 90 and not result.passed
    assert result.critical_missed == ("safe",)


def test_grading_ignores_questions_not_drawn_and_questions_since_removed():
    drawn = drawn_as_authored(SINGLE) + [DrawnQuestion("removed-since", ("x", "y"))]
    result = grade(quiz(SINGLE, TRUE_FALSE), drawn, {"s": ("b",), "tf": ("false",)})
    assert [r.question.id for r in result.questions] == ["s"]
    assert result.score == 100


def test_a_draw_takes_the_set_number_always_includes_critical_questions_and_shuffles_options():
    pool = [replace(SINGLE, id=f"s{i}") for i in range(12)] + [SAFETY, ORDER]
    q = quiz(*pool, draw_count=8)
    for seed in range(30):
        drawn = draw(q, random.Random(seed))
        ids = [d.question_id for d in drawn]
        assert len(ids) == 8 and len(set(ids)) == 8
        assert "safe" in ids
        for item in drawn:
            authored = [o.id for o in q.question_by_id[item.question_id].options]
            assert sorted(item.option_ids) == sorted(authored)
            if item.question_id == "o":
                assert list(item.option_ids) != authored  # the authored order is the answer


def test_a_draw_without_shuffle_keeps_the_authored_order_except_for_ordering_questions():
    q = quiz(SINGLE, MULTIPLE, ORDER, shuffle=False)
    drawn = draw(q, random.Random(1))
    assert [d.question_id for d in drawn] == ["s", "m", "o"]
    assert drawn[0].option_ids == ("a", "b", "c")
    assert drawn[2].option_ids != ("first", "second", "third", "fourth")


def test_reading_a_form_keeps_only_known_option_ids_of_drawn_questions():
    q = quiz(SINGLE, MULTIPLE, ORDER, TRUE_FALSE)
    drawn = drawn_as_authored(SINGLE, MULTIPLE, ORDER)
    form = MultiDict(
        [
            ("q-s", "b"),
            ("q-m", "a"),
            ("q-m", "forged"),
            ("q-m", "c"),
            ("q-tf", "true"),
            ("q-o-first", "2"),
            ("q-o-second", "1"),
            ("q-o-third", "3"),
            ("q-o-fourth", "4"),
        ]
    )
    answers, errors = read_answers(q, drawn, form)
    assert errors == {}
    assert answers == {"s": ("b",), "m": ("a", "c"), "o": ("second", "first", "third", "fourth")}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            [("q-o-first", "1"), ("q-o-second", "1"), ("q-o-third", "3"), ("q-o-fourth", "4")],
            "each position from 1 to 4 once",
        ),
        ([("q-o-first", "1"), ("q-o-second", "")], "a position from 1 to 4"),
        ([("q-o-first", "one")], "a position from 1 to 4"),
        ([("q-s", "a"), ("q-s", "b")], "only one answer"),
    ],
)
def test_unreadable_answers_are_reported_per_question(fields, message):
    answers, errors = read_answers(quiz(SINGLE, ORDER), drawn_as_authored(SINGLE, ORDER), MultiDict(fields))
    assert len(errors) == 1 and message in next(iter(errors.values()))


NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def test_max_attempts_and_cooldown_limit_new_attempts():
    limited = replace(quiz(SINGLE), max_attempts=3, cooldown_minutes=30)
    assert may_start(limited, 0, None, NOW).allowed
    assert may_start(limited, 2, NOW - timedelta(minutes=31), NOW).allowed
    waiting = may_start(limited, 2, NOW - timedelta(minutes=10), NOW)
    assert not waiting.allowed and waiting.retry_at == NOW + timedelta(minutes=20)
    assert "about 20 minutes" in waiting.reason
    assert f"opens at {waiting.retry_at:%H:%M} UTC" in waiting.reason
    used_up = may_start(limited, 3, NOW - timedelta(days=1), NOW)
    assert not used_up.allowed and "all 3 attempts" in used_up.reason
    assert may_start(quiz(SINGLE), 500, NOW, NOW).allowed  # 0 means unlimited, no cooldown


def test_every_question_type_an_author_may_write_can_be_read_and_graded():
    assert set(QUESTION_TYPES) == set(OPTION_RULES)


def test_the_real_quizzes_meet_the_brief():
    course = load_course(FIXTURE_CONTENT, FIXTURE_QUIZZES)
    assert set(course.quiz_for_module) == set(course.module_by_id)
    for q in course.quizzes:
        # Banks of 20+ and draws of at most 12: two attempts share about half their questions.
        assert len(q.questions) >= 20 and 8 <= q.draw <= 12, q.id
        # A failed attempt is followed by time to revisit the sections, not an instant retake.
        assert q.cooldown_minutes >= 15 and q.review == "after_pass", q.id
        types = {question.type for question in q.questions}
        assert types & {"multiple", "order"}, q.id
        for item in q.questions:
            assert item.explanation_html.strip(), item.id
            assert all(o.feedback_html.strip() for o in item.options), item.id
            assert item.section is not None, item.id


def test_every_critical_question_of_every_real_quiz_is_in_every_one_of_200_draws():
    course = load_course(FIXTURE_CONTENT, FIXTURE_QUIZZES)
    rng = random.Random(2026)
    for q in course.quizzes:
        critical = {item.id for item in q.questions if item.critical}
        assert critical, q.id
        for _ in range(200):
            drawn = {d.question_id for d in draw(q, rng)}
            assert critical <= drawn and len(drawn) == q.draw, q.id

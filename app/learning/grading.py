"""Drawing a quiz attempt and grading it: pure functions over the quiz and the answers."""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from ..course.model import Question, Quiz
from .question_types import QUESTION_TYPES, Answer, AnswerError, FormData


@dataclass(frozen=True)
class DrawnQuestion:
    """A question as one attempt shows it: its options in the order that attempt uses."""

    question_id: str
    option_ids: tuple[str, ...]

    def as_record(self) -> dict:
        return {"question": self.question_id, "options": list(self.option_ids)}

    @classmethod
    def from_record(cls, record: Mapping) -> DrawnQuestion:
        return cls(record["question"], tuple(record["options"]))


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    answer: Answer
    credit: float  # 0 to 1

    @property
    def right(self) -> bool:
        return self.credit == 1.0

    @property
    def answered(self) -> bool:
        return bool(self.answer)


@dataclass(frozen=True)
class QuizResult:
    questions: tuple[QuestionResult, ...]
    score: int  # percent, rounded down so a shown 80 never hides a 79.5
    passed: bool
    critical_missed: tuple[str, ...]  # ids of critical questions not answered right


def draw(quiz: Quiz, rng: random.Random) -> tuple[DrawnQuestion, ...]:
    """Pick the questions for one attempt and the order of their options.

    Critical questions are always drawn, since passing depends on them; the rest of the
    draw is random. Options of ``order`` questions are always shuffled, or the authored
    (correct) order would give the answer away.
    """
    critical = [q for q in quiz.questions if q.critical]
    others = [q for q in quiz.questions if not q.critical]
    wanted = max(quiz.questions_per_attempt - len(critical), 0)
    chosen = {q.id for q in critical} | {q.id for q in rng.sample(others, min(wanted, len(others)))}
    questions = [q for q in quiz.questions if q.id in chosen]
    if quiz.shuffle:
        rng.shuffle(questions)
    drawn = []
    for question in questions:
        option_ids = [o.id for o in question.options]
        if question.type == "order":
            _shuffle_differently(option_ids, rng)
        elif quiz.shuffle:
            rng.shuffle(option_ids)
        drawn.append(DrawnQuestion(question.id, tuple(option_ids)))
    return tuple(drawn)


def _shuffle_differently(items: list[str], rng: random.Random) -> None:
    """Shuffle, but do not leave a list of several items in its authored (correct) order."""
    original = list(items)
    for _ in range(10):
        rng.shuffle(items)
        if items != original or len(items) < 2:
            return


def grade(quiz: Quiz, drawn: Sequence[DrawnQuestion], answers: Mapping[str, Answer]) -> QuizResult:
    """Grade the drawn questions; anything answered for a question not drawn is ignored.

    Questions removed from the quiz since the draw are left out of the score.
    """
    results = []
    for item in drawn:
        question = quiz.question_by_id.get(item.question_id)
        if question is None:
            continue
        answer = tuple(answers.get(question.id, ()))
        credit = QUESTION_TYPES[question.type].grade(question, answer) if answer else 0.0
        results.append(QuestionResult(question, answer, credit))
    total = sum(r.credit for r in results)
    score = math.floor(100 * total / len(results) + 1e-9) if results else 0
    critical_missed = tuple(r.question.id for r in results if r.question.critical and not r.right)
    return QuizResult(
        questions=tuple(results),
        score=score,
        passed=score >= quiz.pass_mark and not critical_missed,
        critical_missed=critical_missed,
    )


def read_answers(
    quiz: Quiz, drawn: Sequence[DrawnQuestion], form: FormData
) -> tuple[dict[str, Answer], dict[str, str]]:
    """The answers in a submitted attempt form, and a message for each question that cannot be read.

    Only fields of the drawn questions are read, and only option ids those questions have.
    """
    answers: dict[str, Answer] = {}
    errors: dict[str, str] = {}
    for item in drawn:
        question = quiz.question_by_id.get(item.question_id)
        if question is None:
            continue
        try:
            answer = QUESTION_TYPES[question.type].read(question, form)
        except AnswerError as error:
            errors[question.id] = str(error)
            continue
        if answer:
            answers[question.id] = answer
    return answers, errors


class StoredAttempt(Protocol):
    """What a stored attempt keeps: the draw shown and the answers given, as JSON."""

    draw: list
    answers: dict | None


def drawn_questions(attempt: StoredAttempt) -> tuple[DrawnQuestion, ...]:
    return tuple(DrawnQuestion.from_record(record) for record in attempt.draw)


def saved_answers(attempt: StoredAttempt) -> dict[str, Answer]:
    return {question_id: tuple(ids) for question_id, ids in (attempt.answers or {}).items()}

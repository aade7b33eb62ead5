"""Quiz attempts in the database. Functions flush at most; views commit."""

from __future__ import annotations

import random
import secrets
from datetime import datetime

from sqlalchemy import select, text, update

from ..course import Module
from ..course.model import Quiz
from ..database import insert_ignoring_duplicates
from ..extensions import db
from ..learning.attempts import StartCheck, may_start
from ..learning.grading import QuizResult, draw, drawn_questions, grade
from ..learning.question_types import Answer
from ..models import QuizAttempt, utcnow

_system_random = random.Random(secrets.randbits(128))


def attempts_for(user_id: int, quiz: Quiz) -> list[QuizAttempt]:
    return list(
        db.session.scalars(
            select(QuizAttempt)
            .where(QuizAttempt.user_id == user_id, QuizAttempt.quiz_id == quiz.id)
            .order_by(QuizAttempt.started_at, QuizAttempt.id)
        )
    )


def open_attempt(attempts: list[QuizAttempt]) -> QuizAttempt | None:
    return next((a for a in attempts if not a.submitted), None)


def start_check(quiz: Quiz, attempts: list[QuizAttempt], now: datetime) -> StartCheck:
    submitted = [a for a in attempts if a.submitted_at is not None]
    latest = max(submitted, key=lambda a: a.submitted_at, default=None)
    failed_at = latest.submitted_at if latest is not None and not latest.passed else None
    return may_start(quiz, len(attempts), failed_at, now)


def has_passed(attempts: list[QuizAttempt]) -> bool:
    return any(a.passed for a in attempts)


def start_attempt(
    user_id: int, quiz: Quiz, module: Module, content_version: str, rng: random.Random = _system_random
) -> QuizAttempt:
    """Draw a new attempt, or return the open one: never two open attempts at once."""
    drawn = [item.as_record() for item in draw(quiz, rng)]
    db.session.execute(
        insert_ignoring_duplicates(
            QuizAttempt,
            dict(
                user_id=user_id,
                quiz_id=quiz.id,
                module_version=module.version,
                content_version=content_version,
                draw=drawn,
                started_at=utcnow(),
            ),
            unique=["user_id", "quiz_id"],
            where=text("submitted_at IS NULL"),
        )
    )
    return db.session.scalars(
        select(QuizAttempt).where(
            QuizAttempt.user_id == user_id, QuizAttempt.quiz_id == quiz.id, QuizAttempt.submitted_at.is_(None)
        )
    ).one()


def save_draft(attempt_id: int, answers: dict[str, Answer]) -> bool:
    """Keep unfinished answers with an open attempt; False if it was submitted meanwhile."""
    result = db.session.execute(
        update(QuizAttempt)
        .where(QuizAttempt.id == attempt_id, QuizAttempt.submitted_at.is_(None))
        .values(answers={q: list(a) for q, a in answers.items()})
    )
    return result.rowcount == 1


def submit(attempt: QuizAttempt, quiz: Quiz, answers: dict[str, Answer]) -> QuizResult | None:
    """Grade and record the attempt once; None if it was already submitted.

    The ``submitted_at IS NULL`` condition makes the database the judge: of two
    simultaneous submissions (a double click, a replayed POST, two workers) exactly one
    updates the row.
    """
    result = grade(quiz, drawn_questions(attempt), answers)
    updated = db.session.execute(
        update(QuizAttempt)
        .where(QuizAttempt.id == attempt.id, QuizAttempt.submitted_at.is_(None))
        .values(
            answers={q: list(a) for q, a in answers.items()},
            credits={r.question.id: r.credit for r in result.questions},
            score=result.score,
            passed=result.passed,
            submitted_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    return result if updated.rowcount == 1 else None

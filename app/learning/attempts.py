"""When a trainee may start another quiz attempt: a pure function of the quiz and their history."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..course.model import Quiz


@dataclass(frozen=True)
class StartCheck:
    allowed: bool
    reason: str | None = None  # for the trainee, when not allowed
    retry_at: datetime | None = None


def may_start(
    quiz: Quiz, attempts_started: int, last_failed_at: datetime | None, now: datetime
) -> StartCheck:
    """Apply ``max_attempts`` (every attempt started counts) and ``cooldown_minutes``.

    ``last_failed_at`` is when the latest attempt was submitted, if it failed: the cooldown
    gives time to revisit what was missed before drawing again, so a pass does not start one.
    """
    if quiz.max_attempts and attempts_started >= quiz.max_attempts:
        return StartCheck(
            False,
            f"You have used all {quiz.max_attempts} attempts at this quiz. Your coordinator can advise you on next steps.",
        )
    if quiz.cooldown_minutes and last_failed_at is not None:
        advice = "Use the time to revisit the sections behind the questions you missed."
        return after_cooldown("attempt", last_failed_at, quiz.cooldown_minutes, now, advice)
    return StartCheck(True)


def after_cooldown(what: str, failed_at: datetime, minutes: int, now: datetime, advice: str) -> StartCheck:
    """Refused, with the time it opens, until ``minutes`` after a try that did not pass."""
    opens = failed_at + timedelta(minutes=minutes)
    if now >= opens:
        return StartCheck(True)
    left = max(1, math.ceil((opens - now).total_seconds() / 60))
    return StartCheck(
        False,
        f"Your next {what} opens at {opens:%H:%M} UTC, in about {left} minute{'s' if left != 1 else ''}. "
        + advice,
        opens,
    )

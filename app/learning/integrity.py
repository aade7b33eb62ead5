"""How a trainee's work was done, for the coordinator who signs them off.

A certificate should mean the skill was shown. These signals do not decide anything; they point a
coordinator at what to look at in the transcripts before signing off: pages rushed, quizzes
retaken many times or left blank, role-plays replayed until they passed, typed replies of a word.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

# Values above these are flagged as unusual. Three attempts is what the pacing allows a trainee
# in a day for a role-play; a reply under four words ("ok", "tell me more") shows no skill.
RUSHED_SECTIONS_FLAG = 3
ATTEMPTS_FLAG = 3
SHORT_REPLY_WORDS = 4
SHORT_REPLIES_FLAG = 0.25  # share of typed replies


@dataclass(frozen=True)
class QuizAttemptFacts:
    quiz_id: str
    questions: int
    answered: int


@dataclass(frozen=True)
class Signal:
    label: str
    value: str
    flagged: bool


def integrity_summary(
    rushed_sections: Sequence[str],
    quiz_attempts: Sequence[QuizAttemptFacts],
    scenario_runs: Sequence[str],
    typed_replies: Sequence[str],
    minutes_on_task: float,
    minimum_minutes: int,
    course_complete: bool,
) -> tuple[Signal, ...]:
    """``rushed_sections`` holds one section id per early move-on; ``scenario_runs`` one
    role-play id per run started."""
    rushed = len(rushed_sections)
    attempts = Counter(attempt.quiz_id for attempt in quiz_attempts)
    blank = sum(1 for attempt in quiz_attempts if attempt.answered * 2 < attempt.questions)
    runs = Counter(scenario_runs)
    short = sum(1 for reply in typed_replies if len(reply.split()) < SHORT_REPLY_WORDS)
    minutes = int(minutes_on_task)
    return (
        Signal(
            "Sections left too soon to count as read",
            f"{rushed} time{'s' * (rushed != 1)}, {len(set(rushed_sections))} section"
            f"{'s' * (len(set(rushed_sections)) != 1)}",
            rushed >= RUSHED_SECTIONS_FLAG,
        ),
        Signal("Quiz attempts", _most(attempts), max(attempts.values(), default=0) > ATTEMPTS_FLAG),
        Signal(
            "Blank or near-blank quiz attempts (under half the questions answered)",
            str(blank),
            blank > 0,
        ),
        Signal("Role-play runs", _most(runs), max(runs.values(), default=0) > ATTEMPTS_FLAG),
        Signal(
            f"Typed replies under {SHORT_REPLY_WORDS} words",
            f"{short} of {len(typed_replies)}",
            bool(typed_replies) and short / len(typed_replies) >= SHORT_REPLIES_FLAG,
        ),
        Signal(
            "Time on task",
            f"{minutes} minutes"
            + (f" (the programme asks for {minimum_minutes})" if minimum_minutes else ""),
            course_complete and minutes < minimum_minutes,
        ),
    )


def _most(counts: Counter) -> str:
    if not counts:
        return "none"
    item, most = counts.most_common(1)[0]
    total = sum(counts.values())
    return f"{total} in all; most {most} ({item})"

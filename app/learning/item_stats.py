"""Item analysis for authors: which questions work, which do not.

For each question: how many graded attempts drew it, the share answered fully right, a
discrimination index (share right among the top 27% of attempts by score minus the share
among the bottom 27%; Kelley's classic split), and the options nobody has picked. A good
item is answered right more often by stronger candidates (index >= 0.2, preferably
about 0.4); a negative index usually means a flawed key or a misleading stem.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..course.model import Quiz

GROUP_SHARE = 0.27


@dataclass(frozen=True)
class GradedAttempt:
    score: int
    answers: Mapping[str, Sequence[str]]
    credits: Mapping[str, float]  # the questions this attempt drew


@dataclass(frozen=True)
class ItemStats:
    question_id: str
    answered: int
    share_right: float | None
    discrimination: float | None  # None when too few attempts drew it in either group
    never_chosen: tuple[str, ...]


def item_stats(quiz: Quiz, attempts: Sequence[GradedAttempt]) -> list[ItemStats]:
    ranked = sorted(attempts, key=lambda a: a.score)
    group = max(1, math.floor(len(ranked) * GROUP_SHARE)) if len(ranked) >= 2 else 0
    lower, upper = ranked[:group], ranked[len(ranked) - group :] if group else []
    stats = []
    for question in quiz.questions:
        drew = [a for a in attempts if question.id in a.credits]
        chosen = {option_id for a in drew for option_id in a.answers.get(question.id, ())}
        never = (
            () if question.type == "order" else tuple(o.id for o in question.options if o.id not in chosen)
        )
        stats.append(
            ItemStats(
                question_id=question.id,
                answered=len(drew),
                share_right=_share_right(drew, question.id),
                discrimination=_difference(
                    _share_right(upper, question.id), _share_right(lower, question.id)
                ),
                never_chosen=never if drew else (),
            )
        )
    return stats


def _share_right(attempts: Sequence[GradedAttempt], question_id: str) -> float | None:
    credits = [a.credits[question_id] for a in attempts if question_id in a.credits]
    return sum(c == 1.0 for c in credits) / len(credits) if credits else None


def _difference(upper: float | None, lower: float | None) -> float | None:
    return None if upper is None or lower is None else upper - lower

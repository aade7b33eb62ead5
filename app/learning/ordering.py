"""Moving one item of an ordering question up or down: the only change the quiz page offers,
so an order is always a whole permutation of the question's options."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

from .grading import DrawnQuestion
from .question_types import Answer

DIRECTIONS = ("up", "down")


class Move(NamedTuple):
    """One press of a "Move up" or "Move down" button: ``<question>:<option>:<direction>``."""

    question_id: str
    option_id: str
    direction: str

    @classmethod
    def parse(cls, value: str | None) -> Move | None:
        parts = (value or "").split(":")
        if len(parts) != 3 or parts[2] not in DIRECTIONS:
            return None
        return cls(*parts)

    @property
    def value(self) -> str:
        return ":".join(self)


def current_order(item: DrawnQuestion, answers: Mapping[str, Answer]) -> Answer:
    """The order a question shows now: the trainee's, or the attempt's shuffled one until they
    have chosen one."""
    chosen = answers.get(item.question_id, ())
    return tuple(chosen) if sorted(chosen) == sorted(item.option_ids) else item.option_ids


def with_move(drawn: Sequence[DrawnQuestion], answers: Mapping[str, Answer], move: Move) -> dict[str, Answer]:
    """The answers after ``move``; the moved question's new order becomes its answer. A move
    naming a question or option not in the draw, or off either end, changes nothing."""
    result = dict(answers)
    item = next((d for d in drawn if d.question_id == move.question_id), None)
    if item is None or move.option_id not in item.option_ids:
        return result
    order = list(current_order(item, answers))
    here = order.index(move.option_id)
    there = here - 1 if move.direction == "up" else here + 1
    if 0 <= there < len(order):
        order[here], order[there] = order[there], order[here]
    result[item.question_id] = tuple(order)
    return result

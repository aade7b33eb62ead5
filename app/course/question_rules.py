"""What an author may write for each question type: the rules its options must follow.

The loader checks these; how an answer is read and graded lives with grading
(learning/question_types.py), which covers the same type names.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class AuthoredOption:
    """What validation needs to know of an option as written."""

    id: str
    correct: bool | None  # None when the author did not write the key


def _one_key(name: str) -> Callable[[Sequence[AuthoredOption]], list[str]]:
    def problems(options: Sequence[AuthoredOption]) -> list[str]:
        correct = sum(bool(o.correct) for o in options)
        return (
            []
            if correct == 1
            else [f"a '{name}' question needs exactly one correct option (found {correct})"]
        )

    return problems


def _true_false(options: Sequence[AuthoredOption]) -> list[str]:
    problems = _one_key("true_false")(options)
    if sorted(o.id for o in options) != ["false", "true"]:
        problems.append(
            "a 'true_false' question has exactly two options, with ids 'true' and 'false' (quoted)"
        )
    return problems


def _multiple(options: Sequence[AuthoredOption]) -> list[str]:
    correct = sum(bool(o.correct) for o in options)
    return [] if correct >= 1 else ["a 'multiple' question needs at least one correct option"]


def _order(options: Sequence[AuthoredOption]) -> list[str]:
    problems = []
    if len(options) < 3:
        problems.append("an 'order' question needs at least three options")
    if any(o.correct is not None for o in options):
        problems.append("'order' options take no 'correct' key: list them in the right order instead")
    return problems


OPTION_RULES: dict[str, Callable[[Sequence[AuthoredOption]], list[str]]] = {
    "single": _one_key("single"),
    "multiple": _multiple,
    "true_false": _true_false,
    "order": _order,
}

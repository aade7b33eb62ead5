"""The question types, each one place for its rules: what an author may write, how a form
answer is read, and how it is graded.

An answer is a tuple of option ids: the ones chosen, or for ``order`` all of them in the
order the trainee put them. Credit is a fraction from 0 to 1.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Protocol

from ..course.model import Question

Answer = tuple[str, ...]


class FormData(Protocol):
    def getlist(self, key: str) -> list[str]: ...

    def get(self, key: str, default: str | None = None) -> str | None: ...


class AnswerError(ValueError):
    """The submitted fields cannot be read as an answer; the message is for the trainee."""


@dataclass(frozen=True)
class AuthoredOption:
    """What validation needs to know of an option as written."""

    id: str
    correct: bool | None  # None when the author did not write the key


class QuestionType(ABC):
    name: ClassVar[str]
    input: ClassVar[str]  # how the page asks: "radio", "checkbox" or "order"

    @abstractmethod
    def option_problems(self, options: Sequence[AuthoredOption]) -> list[str]:
        """What is wrong with these options for this type, as messages for the author."""

    @abstractmethod
    def read(self, question: Question, form: FormData) -> Answer:
        """The answer in the submitted fields; unknown option ids are ignored."""

    @abstractmethod
    def grade(self, question: Question, answer: Answer) -> float:
        """Credit from 0 to 1."""


def field_name(question: Question, option_id: str | None = None) -> str:
    """The form field of a question (``q-<id>``), or of one option's position (``q-<id>-<option>``)."""
    return f"q-{question.id}" + (f"-{option_id}" if option_id else "")


class _ChooseOne(QuestionType):
    input = "radio"

    def option_problems(self, options):
        correct = sum(bool(o.correct) for o in options)
        return (
            []
            if correct == 1
            else [f"a '{self.name}' question needs exactly one correct option (found {correct})"]
        )

    def read(self, question, form):
        chosen = [value for value in form.getlist(field_name(question)) if value in question.option_by_id]
        if len(set(chosen)) > 1:
            raise AnswerError("Choose only one answer.")
        return tuple(dict.fromkeys(chosen))

    def grade(self, question, answer):
        return 1.0 if set(answer) == question.correct_ids else 0.0


class Single(_ChooseOne):
    name = "single"


class TrueFalse(_ChooseOne):
    name = "true_false"

    def option_problems(self, options):
        problems = super().option_problems(options)
        if sorted(o.id for o in options) != ["false", "true"]:
            problems.append(
                "a 'true_false' question has exactly two options, with ids 'true' and 'false' (quoted)"
            )
        return problems


class Multiple(QuestionType):
    """Select all that apply.

    Partial credit: (right options chosen − wrong options chosen) ÷ number of right options,
    never below zero, so one slip costs as much as one right choice earns. Ticking every
    option earns (right − wrong) ÷ right: nothing only when there are at least as many wrong
    options as right ones, which is why authors should write them that way.
    """

    name = "multiple"
    input = "checkbox"

    def option_problems(self, options):
        correct = sum(bool(o.correct) for o in options)
        return [] if correct >= 1 else ["a 'multiple' question needs at least one correct option"]

    def read(self, question, form):
        return tuple(
            dict.fromkeys(v for v in form.getlist(field_name(question)) if v in question.option_by_id)
        )

    def grade(self, question, answer):
        chosen = set(answer)
        right = len(chosen & question.correct_ids)
        wrong = len(chosen - question.correct_ids)
        return max(0.0, (right - wrong) / len(question.correct_ids))


class Order(QuestionType):
    """Put the options in order; authors list them in the right order.

    Partial credit: the share of options placed in their right position.
    """

    name = "order"
    input = "order"

    def option_problems(self, options):
        problems = []
        if len(options) < 3:
            problems.append("an 'order' question needs at least three options")
        if any(o.correct is not None for o in options):
            problems.append("'order' options take no 'correct' key: list them in the right order instead")
        return problems

    def read(self, question, form):
        count = len(question.options)
        raw = {o.id: (form.get(field_name(question, o.id)) or "").strip() for o in question.options}
        if not any(raw.values()):
            return ()
        try:
            positions = {option_id: int(value) for option_id, value in raw.items()}
        except ValueError:
            raise AnswerError(f"Give every step a position from 1 to {count}.") from None
        if sorted(positions.values()) != list(range(1, count + 1)):
            raise AnswerError(f"Use each position from 1 to {count} once.")
        return tuple(sorted(positions, key=positions.__getitem__))

    def grade(self, question, answer):
        if len(answer) != len(question.options):
            return 0.0
        in_place = sum(chosen == option.id for chosen, option in zip(answer, question.options, strict=True))
        return in_place / len(question.options)


QUESTION_TYPES: dict[str, QuestionType] = {t.name: t for t in (Single(), Multiple(), TrueFalse(), Order())}

"""The question types: how a form answer is read, and how it is graded. What an author may
write for each type is checked with the course (course/question_rules.py).

An answer is a tuple of option ids: the ones chosen, or for ``order`` all of them in the
order the trainee put them. Credit is a fraction from 0 to 1.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar, Protocol

from ..course.model import Question

Answer = tuple[str, ...]


class FormData(Protocol):
    def getlist(self, key: str) -> list[str]: ...

    def get(self, key: str, default: str | None = None) -> str | None: ...


class AnswerError(ValueError):
    """The submitted fields cannot be read as an answer; the message is for the trainee."""


class QuestionType(ABC):
    name: ClassVar[str]
    input: ClassVar[str]  # how the page asks: "radio", "checkbox" or "order"

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


class Multiple(QuestionType):
    """Select all that apply.

    Partial credit: (right options chosen − wrong options chosen) ÷ number of right options,
    never below zero, so one slip costs as much as one right choice earns. Ticking every
    option earns (right − wrong) ÷ right: nothing only when there are at least as many wrong
    options as right ones, which is why authors should write them that way.
    """

    name = "multiple"
    input = "checkbox"

    def read(self, question, form):
        return tuple(
            dict.fromkeys(v for v in form.getlist(field_name(question)) if v in question.option_by_id)
        )

    def grade(self, question, answer):
        chosen = set(answer)
        right = len(chosen & question.correct_ids)
        wrong = len(chosen - question.correct_ids)
        return max(0.0, (right - wrong) / len(question.correct_ids))


# An ordering question's page always sends a whole order (its items can only be moved, never
# given duplicate places), so it also says whether that order is the trainee's answer yet: the
# shuffled order first shown is not an answer until they move an item or tick "This order is my
# answer". A form without the marker (an older page, a client of its own) answers with its order.
ORDER_NOT_CHOSEN = "not-chosen"
ORDER_CHOSEN = "chosen"


class Order(QuestionType):
    """Put the options in order; authors list them in the right order.

    Partial credit: the share of options placed in their right position.
    """

    name = "order"
    input = "order"

    def read(self, question, form):
        marks = form.getlist(field_name(question))
        if ORDER_NOT_CHOSEN in marks and ORDER_CHOSEN not in marks:
            return ()
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

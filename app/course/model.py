"""The course as plain immutable objects, built once at load and shared by every request."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


@dataclass(frozen=True)
class HtmlBlock:
    """A run of rendered teaching content, safe to emit as is (raw HTML is off at render)."""

    html: str


@dataclass(frozen=True)
class ReflectPrompt:
    """A ``::: reflect <id>`` prompt: the page turns it into a private answer form."""

    id: str
    prompt_html: str
    line: int


SectionPart = HtmlBlock | ReflectPrompt


@dataclass(frozen=True)
class Section:
    """One ``##`` section of a module: one page, tracked as read once opened."""

    id: str
    title: str
    parts: tuple[SectionPart, ...]
    words: int
    minutes: float
    line: int

    @property
    def reflect_prompts(self) -> tuple[ReflectPrompt, ...]:
        return tuple(part for part in self.parts if isinstance(part, ReflectPrompt))


@dataclass(frozen=True)
class Module:
    id: str
    title: str
    order: int
    version: int
    minutes: int
    summary: str
    objectives: tuple[str, ...]
    sources: tuple[str, ...]
    sections: tuple[Section, ...]
    path: str
    section_by_id: Mapping[str, Section] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "section_by_id", MappingProxyType({s.id: s for s in self.sections}))

    @property
    def words(self) -> int:
        return sum(section.words for section in self.sections)

    def neighbours(self, section_id: str) -> tuple[Section | None, Section | None]:
        """The sections before and after ``section_id`` in reading order."""
        ids = [s.id for s in self.sections]
        index = ids.index(section_id)
        before = self.sections[index - 1] if index > 0 else None
        after = self.sections[index + 1] if index + 1 < len(self.sections) else None
        return before, after


@dataclass(frozen=True)
class Option:
    id: str
    text_html: str  # inline HTML: it sits inside a <label>
    correct: bool
    feedback_html: str


@dataclass(frozen=True)
class Question:
    id: str
    type: str  # a key of app.learning.question_types.QUESTION_TYPES
    prompt_html: str
    options: tuple[Option, ...]
    explanation_html: str
    critical: bool  # must be answered right to pass, whatever the score
    line: int
    option_by_id: Mapping[str, Option] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "option_by_id", MappingProxyType({o.id: o for o in self.options}))

    @property
    def correct_ids(self) -> frozenset[str]:
        return frozenset(o.id for o in self.options if o.correct)


@dataclass(frozen=True)
class Quiz:
    id: str
    module_id: str
    pass_mark: int  # percent
    draw: int  # questions per attempt; 0 draws the whole pool
    shuffle: bool
    max_attempts: int  # 0 = unlimited
    cooldown_minutes: int
    questions: tuple[Question, ...]
    path: str
    question_by_id: Mapping[str, Question] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "question_by_id", MappingProxyType({q.id: q for q in self.questions}))

    @property
    def questions_per_attempt(self) -> int:
        return self.draw or len(self.questions)


@dataclass(frozen=True)
class Course:
    """Every module, in the order authors set, and the quiz that closes each one."""

    modules: tuple[Module, ...]
    quizzes: tuple[Quiz, ...] = ()
    module_by_id: Mapping[str, Module] = field(init=False, repr=False, compare=False)
    quiz_by_id: Mapping[str, Quiz] = field(init=False, repr=False, compare=False)
    quiz_for_module: Mapping[str, Quiz] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "module_by_id", MappingProxyType({m.id: m for m in self.modules}))
        object.__setattr__(self, "quiz_by_id", MappingProxyType({q.id: q for q in self.quizzes}))
        object.__setattr__(self, "quiz_for_module", MappingProxyType({q.module_id: q for q in self.quizzes}))

    @property
    def minutes(self) -> int:
        return sum(module.minutes for module in self.modules)

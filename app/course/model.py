"""The course as plain immutable objects, built once at load and shared by every request."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from zoneinfo import ZoneInfo

from .identity import Identity
from .notifications import NotificationRules
from .practice import ReplyReview, Rubric
from .procedure import Procedure


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
    standards: tuple[str, ...] = ()  # ids of the program's training standards this module covers
    standards_line: int = field(default=0, repr=False, compare=False)
    # "local": the programme's own rules, contacts and procedures, with lighter expectations
    # (a short text, no role-plays, a quiz optional) than a module of the shared course.
    kind: str = "course"
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
class SectionRef:
    """Where a quiz question's principle is taught: a section of a module."""

    module_id: str
    section_id: str


@dataclass(frozen=True)
class Question:
    id: str
    type: str  # a key of course.question_rules.OPTION_RULES (and learning.question_types.QUESTION_TYPES)
    prompt_html: str
    options: tuple[Option, ...]
    explanation_html: str
    critical: bool  # must be answered right to pass, whatever the score
    line: int
    section: SectionRef | None = None  # the section that teaches what this question tests
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
    review: str = "after_pass"  # when a result page may show the key: after_pass | always
    question_by_id: Mapping[str, Question] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "question_by_id", MappingProxyType({q.id: q for q in self.questions}))

    @property
    def questions_per_attempt(self) -> int:
        return self.draw or len(self.questions)


@dataclass(frozen=True)
class Choice:
    id: str
    text_html: str  # inline HTML: it sits inside a <label>
    to: str
    points: int
    codes: tuple[str, ...]  # MITI 4.2.1 behaviour codes, e.g. ("CR",) or ("SR", "Q")
    feedback_html: str
    line: int = 0
    critical: bool = False  # a choice no mentor may make (e.g. promising secrecy): the run cannot pass


@dataclass(frozen=True)
class Node:
    id: str
    say_html: str
    choices: tuple[Choice, ...]
    reply_prompt: str | None  # ask the trainee to type their own reply before the choices
    ending: bool
    title: str | None  # endings only
    debrief_html: str  # endings only
    line: int
    outcome: str | None = None  # endings only: how the conversation went, good | mixed | poor
    choice_by_id: Mapping[str, Choice] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "choice_by_id", MappingProxyType({c.id: c for c in self.choices}))


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    module_id: str
    persona: str
    context_html: str
    pass_score: int  # percent of the best reachable score
    start: str
    nodes: Mapping[str, Node]
    best_score: int  # computed at load from the graph, never typed by authors
    path: str

    @property
    def coded(self) -> bool:
        """Whether choices carry behaviour codes, so a run can be summarised MITI-style."""
        return any(choice.codes for node in self.nodes.values() for choice in node.choices)


@dataclass(frozen=True)
class ProgramModule:
    module_id: str
    quiz_id: str | None  # None: a local module without a quiz, done once every section is read
    quiz_pass_mark: int
    applies_from: datetime | None = None  # a rule added later: see ``applies``


@dataclass(frozen=True)
class ProgramScenario:
    scenario_id: str
    pass_score: int
    applies_from: datetime | None = None


@dataclass(frozen=True)
class ProgramRequirement:
    """Something done outside PeerPath that a coordinator records: a check, an interview, live training."""

    id: str
    title: str
    description: str  # what counts, shown to coordinators when they record it
    hours: float | None = None  # hour-based (live training): recorded hours must add up to this
    valid_months: int | None = None  # a background check valid for N months; None = does not expire
    from_sessions: bool = False  # hours attended at PeerPath's live sessions count toward it
    applies_from: datetime | None = None
    # "recorded" by staff, or "acknowledge": the trainee confirms they have read the programme's
    # safeguarding procedure (its current version).
    kind: str = "recorded"
    # Observed practice: scored on this rubric, passed at ``pass_total`` points or more.
    rubric: str | None = None
    pass_total: int | None = None


@dataclass(frozen=True)
class TrainingStandard:
    """A training topic a standard asks programs to cover, e.g. from MENTOR's Elements of Effective Practice."""

    id: str
    title: str
    source: str


@dataclass(frozen=True)
class Pacing:
    """What counts as done must be done: how fast reading and role-play retries may go.

    Each rule is off at 0 (the default), for demos and tests.
    """

    reading_words_per_minute: int = 0  # a section counts as read once open this long for its words
    reading_minimum_seconds: int = 0  # ...and never less than this, however short the section
    roleplay_cooldown_minutes: int = 0  # after a run that did not pass, the next run opens this much later
    roleplay_runs_per_day: int = 0  # runs a trainee may start of one role-play in a day (UTC)


@dataclass(frozen=True)
class Duties:
    """Who may make which safeguarding decision (``duties:`` in program.yaml)."""

    # Four eyes: whoever recorded a screening step or live training may not also sign off.
    sign_off_not_by_screening_recorder: bool = False
    sign_off_by_safeguarding_lead_only: bool = False


@dataclass(frozen=True)
class Retention:
    """How long what outlives an erasure is kept (``retention:``; docs/data-protection.md)."""

    safeguarding_marker_years: int = 10


@dataclass(frozen=True)
class Program:
    """What certification requires; see content/program.yaml."""

    title: str
    modules: tuple[ProgramModule, ...]
    scenarios: tuple[ProgramScenario, ...]
    minimum_minutes: int
    sign_off: bool
    validity_days: int
    renewal_window_days: int
    requirements: tuple[ProgramRequirement, ...] = ()
    standards: tuple[TrainingStandard, ...] = ()
    pacing: Pacing = Pacing()
    duties: Duties = Duties()
    retention: Retention = Retention()
    # Where the programme runs (an IANA name): live sessions are entered and shown in it.
    timezone: str = "UTC"
    rubrics: tuple[Rubric, ...] = ()
    reply_review: ReplyReview | None = None  # typed role-play replies must be scored first
    safeguarding: Procedure | None = None  # the programme's own procedure (/safeguarding)
    registration: str = "verify_email"  # verify_email | invite_only | open
    # Coordinators see a trainee as stalled after this many days without progress.
    stalled_after_days: int = 14
    # The organisation people read on every page, email and certificate (``programme:``).
    identity: Identity = Identity()
    notifications: NotificationRules = NotificationRules()

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)  # ZoneInfo keeps one instance per name

    @property
    def rubric_by_id(self) -> Mapping[str, Rubric]:
        return {rubric.id: rubric for rubric in self.rubrics}


@dataclass(frozen=True)
class Course:
    """Every module, in the order authors set, with the quiz and role-plays that go with each."""

    modules: tuple[Module, ...]
    quizzes: tuple[Quiz, ...] = ()
    scenarios: tuple[Scenario, ...] = ()
    program: Program | None = None
    version: str = ""  # git commit or hash of the content files
    module_by_id: Mapping[str, Module] = field(init=False, repr=False, compare=False)
    quiz_by_id: Mapping[str, Quiz] = field(init=False, repr=False, compare=False)
    quiz_for_module: Mapping[str, Quiz] = field(init=False, repr=False, compare=False)
    scenario_by_id: Mapping[str, Scenario] = field(init=False, repr=False, compare=False)
    scenarios_for_module: Mapping[str, tuple[Scenario, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "module_by_id", MappingProxyType({m.id: m for m in self.modules}))
        object.__setattr__(self, "quiz_by_id", MappingProxyType({q.id: q for q in self.quizzes}))
        object.__setattr__(self, "quiz_for_module", MappingProxyType({q.module_id: q for q in self.quizzes}))
        object.__setattr__(self, "scenario_by_id", MappingProxyType({s.id: s for s in self.scenarios}))
        by_module = {m.id: tuple(s for s in self.scenarios if s.module_id == m.id) for m in self.modules}
        object.__setattr__(self, "scenarios_for_module", MappingProxyType(by_module))

    @property
    def minutes(self) -> int:
        return sum(module.minutes for module in self.modules)

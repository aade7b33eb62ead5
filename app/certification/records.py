"""Reading trainees' records: one reader for one trainee (the learner pages) and for many (the
lists, standings, exports), in one statement per batch of trainees.

Every kind of record has its own named result type. The statement is a ``UNION ALL`` of one
branch per kind, because the learner pages need them all together; SQL unions need every branch
to have the same columns, so each kind declares which of its fields goes in which typed column
(``RowKind``) and the reader turns rows back into that kind's type. Nothing outside this module
sees the shared columns.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any, NamedTuple

from flask import current_app
from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    Integer,
    String,
    Text,
    and_,
    bindparam,
    cast,
    func,
    literal_column,
    null,
    select,
    type_coerce,
    union_all,
)

from ..database import core_rows
from ..learning.progress import QuizSummary, ScenarioSummary
from ..models import (
    CertificationEvent,
    QuizAttempt,
    ReplyScore,
    RequirementRecord,
    ScenarioRun,
    ScenarioStep,
    SectionView,
    SessionSignup,
    TrainingSession,
    User,
    counted_runs,
    current_requirement_records,
    standing_decisions,
)
from ..models.base import UTCDateTime
from .record_rows import (
    AttendedSession,
    EventRow,
    QuizAttemptRow,
    ReplyRow,
    RequirementRow,
    ScenarioRunRow,
    SectionRead,
)
from .status import Event, QuizResult, Records, ReviewedReply, ScenarioResult
from .status import RequirementRecord as RecordedRequirement

BATCH = 500  # trainees per statement when reading many


# The union's typed columns, in order. Each kind fills some and leaves the rest NULL.
SLOTS = {
    "text1": String(),
    "text2": String(),
    "int1": Integer(),
    "int2": Integer(),
    "flag": Boolean(),
    "at": UTCDateTime(),
    "number": Float(),
    "long_text": Text(),
}


@dataclass(frozen=True)
class RowKind:
    """One kind of record: its table, its result type, and which column each field comes from
    and travels in (``fields`` maps a field of ``row_type`` other than user_id to a slot and a
    column). ``decode`` turns a slot's value back into the field's (e.g. JSON text)."""

    name: str
    row_type: type
    user_id: Any
    fields: dict[str, tuple[str, Any]]
    where: Callable[[Any], Any] = lambda user_ids: True  # noqa: E731  (no extra condition)
    join: tuple = ()  # (table, on) or (table, on, "outer")
    decode: dict[str, Callable[[Any], Any]] = field(default_factory=dict)
    positions: tuple[int, ...] = field(init=False, repr=False)  # where each field sits in a row

    def __post_init__(self) -> None:
        # A row is (kind, user_id, then the slots); fields in the result type's order.
        slots = list(SLOTS)
        positions = tuple(2 + slots.index(self.fields[name][0]) for name in self.row_type._fields[1:])
        object.__setattr__(self, "positions", positions)

    def branch(self, user_ids):
        by_slot = {slot: column for slot, column in self.fields.values()}
        columns = [literal_column(f"'{self.name}'", String).label("kind"), self.user_id.label("user_id")]
        columns += [_in_slot(by_slot.get(slot), type_).label(slot) for slot, type_ in SLOTS.items()]
        statement = select(*columns)
        for target, on, *outer in self.join:
            statement = statement.join(target, on, isouter=bool(outer))
        return statement.where(self.user_id.in_(user_ids), self.where(user_ids))

    def read(self, row) -> NamedTuple:
        found = self.row_type(row[1], *(row[i] for i in self.positions))
        if self.decode:
            found = found._replace(
                **{name: convert(getattr(found, name)) for name, convert in self.decode.items()}
            )
        return found


def _json_or_none(text):
    return json.loads(text) if text else None


def _in_slot(column, type_):
    """A column as the slot's type: JSON is turned to text in SQL (PostgreSQL will not union JSON
    with text); other columns keep their SQL value and are only read as the slot's type; an empty
    slot is a NULL of that type."""
    if column is None:
        return cast(null(), type_)
    if isinstance(column.type, JSON):
        return cast(column, type_)
    return type_coerce(column, type_)


KINDS = (
    RowKind(
        "section",
        SectionRead,
        SectionView.user_id,
        {
            "module_id": ("text1", SectionView.module_id),
            "section_id": ("text2", SectionView.section_id),
            "at": ("at", SectionView.viewed_at),
            "id": ("int1", SectionView.id),
        },
    ),
    RowKind(
        "quiz",
        QuizAttemptRow,
        QuizAttempt.user_id,
        {
            "quiz_id": ("text1", QuizAttempt.quiz_id),
            "module_version": ("int1", QuizAttempt.module_version),
            "score": ("int2", QuizAttempt.score),
            "passed": ("flag", QuizAttempt.passed),
            "at": ("at", QuizAttempt.submitted_at),
        },
    ),
    RowKind(
        "scenario",
        ScenarioRunRow,
        ScenarioRun.user_id,
        {
            "scenario_id": ("text1", ScenarioRun.scenario_id),
            "score": ("int2", ScenarioRun.score),
            "passed": ("flag", ScenarioRun.passed),
            "at": ("at", ScenarioRun.finished_at),
        },
    ),
    RowKind(
        "requirement",
        RequirementRow,
        RequirementRecord.user_id,
        {
            "requirement_id": ("text1", RequirementRecord.requirement_id),
            "at": ("at", RequirementRecord.completed_on),
            "hours": ("number", RequirementRecord.hours),
            "version": ("text2", RequirementRecord.version),
            "scores": ("long_text", RequirementRecord.scores),
        },
        decode={"scores": _json_or_none},
        where=lambda _: current_requirement_records(),  # corrections replace, voids remove
    ),
    RowKind(
        "session",
        AttendedSession,
        SessionSignup.user_id,
        {"at": ("at", TrainingSession.starts_at), "minutes": ("int1", TrainingSession.duration_minutes)},
        where=lambda _: SessionSignup.attended.is_(True),
        join=((TrainingSession, TrainingSession.id == SessionSignup.session_id),),
    ),
    RowKind(
        "event",
        EventRow,
        CertificationEvent.user_id,
        {
            "kind": ("text1", CertificationEvent.kind),
            "certificate_id": ("text2", CertificationEvent.certificate_id),
            "at": ("at", CertificationEvent.at),
            "id": ("int1", CertificationEvent.id),
            "module_versions": ("long_text", CertificationEvent.module_versions),
            "prior": ("flag", CertificationEvent.prior_certifier.is_not(None)),
        },
        decode={"module_versions": lambda text: json.loads(text) if text else {}},
        where=lambda _: standing_decisions(),  # a decision voided as made in error never counted
    ),
)


@cache
def _reply_kind(scenario_ids: tuple[str, ...]) -> RowKind:
    """Typed replies of each trainee's counted runs of the required role-plays (models.counted_runs:
    their latest pass), scored or not. The counted-run condition is applied to the joined run, so
    the database checks it only for the trainees read."""
    return RowKind(
        "reply",
        ReplyRow,
        ScenarioRun.user_id,
        {
            "scenario_id": ("text1", ScenarioRun.scenario_id),
            "step_id": ("int1", ScenarioStep.id),
            "scores": ("long_text", ReplyScore.scores),
            "at": ("at", ReplyScore.scored_at),
        },
        decode={"scores": _json_or_none},
        where=lambda _: and_(
            counted_runs(scenario_ids).whereclause,
            ScenarioStep.reply.is_not(None),
            func.trim(ScenarioStep.reply) != "",
        ),
        join=(
            (ScenarioStep, ScenarioStep.run_id == ScenarioRun.id),
            (ReplyScore, ReplyScore.step_id == ScenarioStep.id, "outer"),
        ),
    )


KIND_BY_NAME = {kind.name: kind for kind in KINDS}


def _reviewed_scenarios() -> tuple[str, ...]:
    """The role-plays whose replies are reviewed: the program's, when it asks for reply review.
    Read from the app's course so the many callers of this reader need not pass it."""
    program = current_app.extensions["course"].program
    return tuple(s.scenario_id for s in program.scenarios) if program.reply_review else ()


@cache
def _records_statement(reviewed: tuple[str, ...]):
    """Built once per course: constructing the union costs more than running it."""
    user_ids = bindparam("user_ids", expanding=True)
    kinds = KINDS + ((_reply_kind(reviewed),) if reviewed else ())
    return union_all(*(kind.branch(user_ids) for kind in kinds))


@dataclass
class TraineeRows:
    """One trainee's records as read, by kind, in no particular order."""

    sections: list[SectionRead] = field(default_factory=list)
    quiz: list[QuizAttemptRow] = field(default_factory=list)
    scenario: list[ScenarioRunRow] = field(default_factory=list)
    requirement: list[RequirementRow] = field(default_factory=list)
    session: list[AttendedSession] = field(default_factory=list)
    event: list[EventRow] = field(default_factory=list)
    reply: list[ReplyRow] = field(default_factory=list)
    seconds_on_task: int = 0


def read_rows(
    user_ids: Iterable[int], seconds_on_task: dict[int, int] | None = None
) -> dict[int, TraineeRows]:
    """Every record of these trainees, one statement per ``BATCH`` of them, and their time on
    task: a second statement per batch, unless the caller already has it."""
    ids = list(user_ids)
    reviewed = _reviewed_scenarios()
    found: dict[int, TraineeRows] = defaultdict(TraineeRows)
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        for row in core_rows(_records_statement(reviewed), user_ids=batch):
            kind = KIND_BY_NAME.get(row.kind) or _reply_kind(reviewed)
            bucket = "sections" if kind.name == "section" else kind.name
            getattr(found[row.user_id], bucket).append(kind.read(row))
        known = (
            seconds_on_task
            if seconds_on_task is not None
            else dict(core_rows(_seconds_statement(), user_ids=batch))
        )
        for user_id in batch:
            found[user_id].seconds_on_task = known.get(user_id) or 0
    return {user_id: found[user_id] for user_id in ids}


@cache
def _seconds_statement():
    return select(User.id, User.seconds_on_task).where(User.id.in_(bindparam("user_ids", expanding=True)))


def records_of(rows: TraineeRows) -> Records:
    """What certification needs of a trainee's rows: read sections, finished attempts and runs,
    decisions, recorded requirements, sessions attended, reviewed replies and time on task."""
    sections = sorted(rows.sections, key=lambda r: (r.at, r.id))
    return Records(
        sections_read={(r.module_id, r.section_id): r.at for r in sections},
        quiz_results=tuple(
            QuizResult(r.quiz_id, r.module_version, r.score, bool(r.passed), r.at)
            for r in _finished(rows.quiz)
        ),
        scenario_results=tuple(
            ScenarioResult(r.scenario_id, r.score, r.at, bool(r.passed)) for r in _finished(rows.scenario)
        ),
        minutes_on_task=rows.seconds_on_task / 60,
        events=tuple(
            Event(r.kind, r.at, r.module_versions, r.certificate_id, bool(r.prior))
            for r in sorted(rows.event, key=lambda r: (r.at, r.id))
        ),
        requirement_records=tuple(
            RecordedRequirement(
                r.requirement_id,
                r.at,
                r.hours,
                sum(r.scores.values()) if r.scores else None,
                r.version,
            )
            for r in rows.requirement
        ),
        sessions_attended=tuple((r.at, r.minutes / 60) for r in rows.session),
        replies=tuple(
            ReviewedReply(r.scenario_id, tuple(r.scores.values()) if r.scores is not None else None, r.at)
            for r in sorted(rows.reply, key=lambda r: r.step_id)
        ),
    )


def _finished(rows):
    """Submitted attempts or finished runs, oldest first."""
    return sorted((row for row in rows if row.at is not None), key=lambda row: row.at)


def load_records(user_ids: Iterable[int]) -> dict[int, Records]:
    """Every trainee's records, in one statement per batch of trainees."""
    return {user_id: records_of(rows) for user_id, rows in read_rows(user_ids).items()}


@dataclass(frozen=True)
class LearnerRecords:
    """One trainee's records as the learner pages need them."""

    records: Records
    last_read: tuple[str, str] | None  # (module id, section id) read most recently
    quizzes: dict[str, QuizSummary]  # every attempt started, by quiz id
    scenarios: dict[str, ScenarioSummary]  # finished runs, by scenario id

    @property
    def read(self) -> set[tuple[str, str]]:
        return set(self.records.sections_read)


def load_learner(user) -> LearnerRecords:
    """Sections read, quiz attempts, role-play runs and decisions of the signed-in trainee (an
    object with ``id`` and ``seconds_on_task``): one statement."""
    rows = read_rows([user.id], {user.id: user.seconds_on_task})[user.id]
    latest = max(rows.sections, key=lambda r: (r.at, r.id), default=None)
    return LearnerRecords(
        records=records_of(rows),
        last_read=(latest.module_id, latest.section_id) if latest else None,
        quizzes={
            quiz_id: QuizSummary(attempts=tries, best_score=best, passed=passed)
            for quiz_id, (tries, best, passed) in _tally(
                (r.quiz_id, r.score, r.passed) for r in rows.quiz
            ).items()
        },
        scenarios={
            scenario_id: ScenarioSummary(finished_runs=tries, best_score=best, passed=passed)
            for scenario_id, (tries, best, passed) in _tally(
                (r.scenario_id, r.score, r.passed) for r in rows.scenario if r.at is not None
            ).items()
        },
    )


def _tally(tries: Iterable[tuple[str, int | None, bool | None]]) -> dict[str, tuple[int, int | None, bool]]:
    """Per item: how many tries, the best score, whether any passed."""
    tally: dict[str, tuple[int, int | None, bool]] = {}
    for key, score, passed in tries:
        count, best, any_passed = tally.get(key, (0, None, False))
        best = best if score is None else max(score, best if best is not None else score)
        tally[key] = (count + 1, best, any_passed or bool(passed))
    return tally

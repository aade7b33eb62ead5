"""What certification is decided from and what it decides: a trainee's records as plain values,
the checklist items, the statuses and a standing. No rules here: see checklist.py and status.py."""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import NamedTuple


class Status(enum.StrEnum):
    NOT_STARTED = "not_started"
    IN_TRAINING = "in_training"
    AWAITING_REVIEW = "awaiting_review"
    CERTIFIED = "certified"
    RENEWAL_DUE = "renewal_due"
    EXPIRED = "expired"
    REVOKED = "revoked"


STATUS_LABELS = {
    Status.NOT_STARTED: "Not started",
    Status.IN_TRAINING: "In training",
    Status.AWAITING_REVIEW: "Awaiting review",
    Status.CERTIFIED: "Certified: ready to be matched",
    Status.RENEWAL_DUE: "Certified: renewal due",
    Status.EXPIRED: "Expired",
    Status.REVOKED: "Revoked",
}

# Statuses in which a mentor may be matched: the certificate is valid.
VALID = frozenset({Status.CERTIFIED, Status.RENEWAL_DUE})


class QuizResult(NamedTuple):
    quiz_id: str
    module_version: int
    score: int
    passed: bool  # by the quiz's own rules, critical questions included
    at: datetime


class ScenarioResult(NamedTuple):
    scenario_id: str
    score: int
    at: datetime
    passed: bool = True  # False when a critical choice failed the run, whatever its score


class RequirementRecord(NamedTuple):
    """A coordinator's record that something outside PeerPath was done (no results, no documents)."""

    requirement_id: str
    on: datetime  # the day it was cleared, or the day of the training session (midnight UTC)
    hours: float | None = None
    score_total: int | None = None  # observed practice: the points the observer gave, summed
    version: str | None = None  # an acknowledgement: the procedure version the trainee confirmed


class ReviewedReply(NamedTuple):
    """A typed reply in the trainee's counted run of a role-play (their latest pass), with the
    coordinator's score per criterion once it is reviewed."""

    scenario_id: str
    scores: tuple[int, ...] | None  # None until a coordinator scores it
    scored_at: datetime | None = None


class Event(NamedTuple):
    """A person's decision, from the append-only certification log."""

    kind: str  # "sign_off" | "revoke" | "reinstate"
    at: datetime
    module_versions: Mapping[str, int] = MappingProxyType({})  # sign_off: what it was earned on
    certificate_id: str | None = None
    # A sign-off brought in by an import: certified before PeerPath, by someone the file names.
    prior: bool = False


@dataclass(frozen=True)
class Records:
    """Everything about one trainee that certification depends on."""

    sections_read: Mapping[tuple[str, str], datetime] = field(default_factory=dict)
    quiz_results: tuple[QuizResult, ...] = ()
    scenario_results: tuple[ScenarioResult, ...] = ()
    minutes_on_task: float = 0.0
    events: tuple[Event, ...] = ()  # oldest first
    requirement_records: tuple[RequirementRecord, ...] = ()
    sessions_attended: tuple[tuple[datetime, float], ...] = ()  # (start, hours) of live sessions attended
    replies: tuple[ReviewedReply, ...] = ()  # typed replies of the counted role-play runs


class Requirement(NamedTuple):
    kind: str  # "sections" | "quiz" | "scenario" | "replies" | "time" | "recorded" | "sign_off"
    target: str  # module, quiz, scenario, rubric or recorded-requirement id; "" for time and sign-off
    title: str
    done: bool
    progress: str
    done_at: datetime | None = None
    expires_at: datetime | None = None  # recorded requirements that lapse, e.g. a background check


@dataclass(frozen=True)
class Standing:
    status: Status
    requirements: tuple[Requirement, ...]
    certified_at: datetime | None = None
    expires_at: datetime | None = None
    renewal_opens_at: datetime | None = None
    renewal_modules: tuple[str, ...] = ()  # modules changed since certification, to revisit
    lapsing_requirements: tuple[str, ...] = ()  # recorded steps that end the certificate early
    # Recorded steps to do again to stay certified (a changed safeguarding procedure to acknowledge).
    renewal_requirements: tuple[str, ...] = ()
    certificate_id: str | None = None

    @property
    def valid(self) -> bool:
        return self.status in VALID

    @property
    def done_count(self) -> int:
        return sum(r.done for r in self.requirements)

    @property
    def progress_percent(self) -> int:
        return math.floor(100 * self.done_count / len(self.requirements)) if self.requirements else 0

"""The typed rows certification/records.py reads, one per kind of record (each declares in
records.KINDS which of its fields travels in which column of the union)."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple


class SectionRead(NamedTuple):
    user_id: int
    module_id: str
    section_id: str
    at: datetime
    id: int


class QuizAttemptRow(NamedTuple):
    user_id: int
    quiz_id: str
    module_version: int
    score: int | None
    passed: bool | None
    at: datetime | None  # when submitted; None while the attempt is open


class ScenarioRunRow(NamedTuple):
    user_id: int
    scenario_id: str
    score: int | None
    passed: bool | None
    at: datetime | None  # when finished; None while the run is open


class RequirementRow(NamedTuple):
    user_id: int
    requirement_id: str
    at: datetime
    hours: float | None
    version: str | None  # an acknowledgement's procedure version
    scores: dict | None  # observed practice: criterion id -> score


class ReplyRow(NamedTuple):
    """A typed reply of a counted role-play run, with its score if a coordinator gave one."""

    user_id: int
    scenario_id: str
    step_id: int
    scores: dict | None  # None until scored
    at: datetime | None  # when scored


class AttendedSession(NamedTuple):
    user_id: int
    at: datetime
    minutes: int


class EventRow(NamedTuple):
    user_id: int
    kind: str
    certificate_id: str | None
    at: datetime
    id: int
    module_versions: dict
    prior: bool | None  # a sign-off imported from before PeerPath

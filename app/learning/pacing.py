"""Pacing rules: whether reading counted and whether another role-play run may start.

Pure functions of the program's pacing, the content and a trainee's own timestamps, so what
counts as done is decided the same way by every worker and is easy to test.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..course.model import Pacing, Section
from .attempts import StartCheck, after_cooldown

# Reading credited to time on task for one section, at most: the trainee probably stepped away.
READING_CREDIT_CAP = timedelta(minutes=15)


def minimum_reading_time(section: Section, pacing: Pacing) -> timedelta:
    """How long a section must be open before moving on counts as having read it."""
    if not pacing.reading_words_per_minute:
        return timedelta(0)
    seconds = 60 * section.words / pacing.reading_words_per_minute
    return timedelta(seconds=max(seconds, pacing.reading_minimum_seconds))


@dataclass(frozen=True)
class Reading:
    counted: bool
    open_for: timedelta  # how long the page had been open when the trainee moved on
    needed: timedelta
    credit: timedelta  # time on task earned: the reading time, capped, when it counted


def judge_reading(section: Section, pacing: Pacing, opened_at: datetime | None, now: datetime) -> Reading:
    """Moving on from ``section`` opened at ``opened_at`` (None: not the page last opened)."""
    needed = minimum_reading_time(section, pacing)
    open_for = max(now - opened_at, timedelta(0)) if opened_at else timedelta(0)
    counted = opened_at is not None and open_for >= needed
    return Reading(counted, open_for, needed, min(open_for, READING_CREDIT_CAP) if counted else timedelta(0))


@dataclass(frozen=True)
class FinishedRun:
    started_at: datetime
    finished_at: datetime | None
    passed: bool | None


def may_start_run(pacing: Pacing, runs: Sequence[FinishedRun], now: datetime) -> StartCheck:
    """Apply ``roleplay_runs_per_day`` and ``roleplay_cooldown_minutes`` to a new run of one role-play."""
    if pacing.roleplay_runs_per_day:
        today = now.replace(hour=0, minute=0, second=0, microsecond=0)
        started_today = sum(1 for run in runs if run.started_at >= today)
        if started_today >= pacing.roleplay_runs_per_day:
            tomorrow = today + timedelta(days=1)
            return StartCheck(
                False,
                f"You have had {started_today} runs of this role-play today, the most in one day. "
                f"Your next run opens at {tomorrow:%H:%M} UTC on {tomorrow:%-d %B}: read the "
                "debriefs again meanwhile.",
                tomorrow,
            )
    finished = [run for run in runs if run.finished_at is not None]
    latest = max(finished, key=lambda run: run.finished_at, default=None)
    if pacing.roleplay_cooldown_minutes and latest is not None and not latest.passed:
        advice = "Read the debrief of your last run first: it says what would have helped."
        return after_cooldown("run", latest.finished_at, pacing.roleplay_cooldown_minutes, now, advice)
    return StartCheck(True)

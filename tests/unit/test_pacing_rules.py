"""The pacing rules as pure functions: reading time by words with a floor; role-play retries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.course import load_course
from app.course.model import Pacing, Section
from app.learning.integrity import QuizAttemptFacts, integrity_summary
from app.learning.pacing import FinishedRun, judge_reading, may_start_run, minimum_reading_time

from ..helpers import FIXTURE_CONTENT, FIXTURE_QUIZZES

PACING = Pacing(
    reading_words_per_minute=400,
    reading_minimum_seconds=20,
    roleplay_cooldown_minutes=20,
    roleplay_runs_per_day=3,
)
NOW = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)


def section(words: int) -> Section:
    return Section("s", "S", (), words, 1.0, 1)


def test_the_shipped_program_paces_reading_and_role_plays():
    shipped = load_course(FIXTURE_CONTENT, FIXTURE_QUIZZES).program.pacing
    assert shipped == PACING


def test_reading_time_follows_the_words_with_a_floor_and_zero_switches_it_off():
    assert minimum_reading_time(section(800), PACING) == timedelta(minutes=2)
    assert minimum_reading_time(section(40), PACING) == timedelta(seconds=20)
    assert minimum_reading_time(section(800), Pacing()) == timedelta(0)


def test_moving_on_counts_only_after_the_reading_time_and_only_from_the_page_last_opened():
    long = section(800)
    assert not judge_reading(long, PACING, NOW - timedelta(seconds=119), NOW).counted
    counted = judge_reading(long, PACING, NOW - timedelta(minutes=3), NOW)
    assert counted.counted and counted.credit == timedelta(minutes=3)
    assert judge_reading(long, PACING, NOW - timedelta(hours=5), NOW).credit == timedelta(minutes=15)
    assert not judge_reading(long, PACING, None, NOW).counted  # another page was opened since


def run(minutes_ago: int, passed: bool | None, length: int = 5) -> FinishedRun:
    started = NOW - timedelta(minutes=minutes_ago + length)
    return FinishedRun(started, None if passed is None else NOW - timedelta(minutes=minutes_ago), passed)


def test_a_failed_run_waits_a_passed_one_does_not_and_three_a_day_is_the_most():
    assert may_start_run(PACING, [], NOW).allowed
    waiting = may_start_run(PACING, [run(5, False)], NOW)
    assert not waiting.allowed and waiting.retry_at == NOW + timedelta(minutes=15)
    assert may_start_run(PACING, [run(25, False)], NOW).allowed
    assert may_start_run(PACING, [run(1, True)], NOW).allowed
    full = may_start_run(PACING, [run(200, False), run(100, True), run(30, False)], NOW)
    assert not full.allowed and full.retry_at == datetime(2026, 12, 8, tzinfo=UTC)
    yesterday = [run(60 * 20, False), run(60 * 19, False), run(60 * 18, False)]
    assert may_start_run(PACING, yesterday, NOW).allowed
    assert may_start_run(Pacing(), [run(1, False)] * 10, NOW).allowed


def test_integrity_flags_only_unusual_values():
    calm = integrity_summary(
        rushed_sections=["a"],
        quiz_attempts=[QuizAttemptFacts("q", 10, 10), QuizAttemptFacts("q", 10, 9)],
        scenario_runs=["r", "r"],
        typed_replies=["It sounds like the first week has been lonely.", "What would help most?"],
        minutes_on_task=150,
        minimum_minutes=120,
        course_complete=True,
    )
    assert not any(signal.flagged for signal in calm)
    scripted = integrity_summary(
        rushed_sections=["a", "b", "c"],
        quiz_attempts=[QuizAttemptFacts("q", 10, 2)] * 4,
        scenario_runs=["r"] * 4,
        typed_replies=["ok", "fine", "It sounds lonely."],
        minutes_on_task=30,
        minimum_minutes=120,
        course_complete=True,
    )
    assert all(signal.flagged for signal in scripted)

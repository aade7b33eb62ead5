"""Everything the coordinator sees about one mentor, loaded in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..certification import standings as certification
from ..certification.records import load_records
from ..certification.status import Records, Standing, standing
from ..course import Course
from ..extensions import db
from ..learning.grading import drawn_questions, grade, saved_answers
from ..learning.integrity import QuizAttemptFacts, Signal, integrity_summary
from ..learning.progress import ModuleProgress, QuizSummary, ScenarioSummary, course_progress
from ..models import CertificationEvent, Cohort, QuizAttempt, RushedSection, ScenarioRun, User, utcnow
from .services import names_of


@dataclass(frozen=True)
class MentorRecord:
    mentor: User
    cohort: Cohort | None
    standing: Standing
    progress: tuple[ModuleProgress, ...]
    attempts: list  # (quiz, attempt, graded result), oldest first
    runs: list  # (scenario, run, [(step, node, choice)]), oldest first
    events: list[CertificationEvent]
    actors: dict[int, str]  # staff names by id, for the log
    records: Records
    integrity: tuple[Signal, ...]


def mentor_record(course: Course, mentor: User) -> MentorRecord:
    """The mentor's standing (stored for the lists too), progress, quiz answers, transcripts and log."""
    records = load_records([mentor.id])[mentor.id]
    current = standing(course.program, course, records, utcnow())
    certification.store(course, {mentor.id: (current, records)})
    quizzes = {r.quiz_id: QuizSummary() for r in records.quiz_results}
    for r in records.quiz_results:
        old = quizzes[r.quiz_id]
        quizzes[r.quiz_id] = QuizSummary(
            old.attempts + 1, max(old.best_score or 0, r.score), old.passed or r.passed
        )
    scenarios = {r.scenario_id: ScenarioSummary() for r in records.scenario_results}
    for r in records.scenario_results:
        old, scenario = scenarios[r.scenario_id], course.scenario_by_id.get(r.scenario_id)
        passed = scenario is not None and r.passed and r.score >= scenario.pass_score
        scenarios[r.scenario_id] = ScenarioSummary(
            old.finished_runs + 1, max(old.best_score or 0, r.score), old.passed or passed
        )
    attempts = [
        (quiz, attempt, grade(quiz, drawn_questions(attempt), saved_answers(attempt)))
        for attempt in db.session.scalars(
            select(QuizAttempt)
            .where(QuizAttempt.user_id == mentor.id, QuizAttempt.submitted_at.is_not(None))
            .order_by(QuizAttempt.submitted_at)
        )
        if (quiz := course.quiz_by_id.get(attempt.quiz_id))
    ]
    runs = [
        (scenario, run, [(step, *_node_and_choice(scenario, step)) for step in run.steps])
        for run in db.session.scalars(
            select(ScenarioRun).where(ScenarioRun.user_id == mentor.id).order_by(ScenarioRun.started_at)
        )
        if (scenario := course.scenario_by_id.get(run.scenario_id))
    ]
    events = certification.events_of(mentor.id)
    actors = names_of({e.actor_id for e in events if e.actor_id})
    progress = course_progress(course, set(records.sections_read), quizzes, scenarios)
    return MentorRecord(
        mentor=mentor,
        cohort=db.session.get(Cohort, mentor.cohort_id) if mentor.cohort_id else None,
        standing=current,
        progress=progress,
        attempts=attempts,
        runs=runs,
        events=events,
        actors=actors,
        records=records,
        integrity=_integrity(course, mentor, records, progress, attempts, runs),
    )


def _integrity(
    course: Course, mentor: User, records: Records, progress, attempts, runs
) -> tuple[Signal, ...]:
    rushed = db.session.scalars(select(RushedSection.section_id).where(RushedSection.user_id == mentor.id))
    return integrity_summary(
        rushed_sections=list(rushed),
        quiz_attempts=[
            QuizAttemptFacts(quiz.id, len(result.questions), sum(1 for r in result.questions if r.answered))
            for quiz, _, result in attempts
        ],
        scenario_runs=[run.scenario_id for _, run, _ in runs],
        typed_replies=[step.reply for _, _, steps in runs for step, _, _ in steps if step.reply is not None],
        minutes_on_task=records.minutes_on_task,
        minimum_minutes=course.program.minimum_minutes,
        course_complete=all(module.complete for module in progress),
    )


def _node_and_choice(scenario, step):
    node = scenario.nodes.get(step.node_id)
    return node, node.choice_by_id.get(step.choice_id) if node else None

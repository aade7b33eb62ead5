"""Demo trainees in bulk, with realistic and varied progress, for trying the coordinator pages
and for benchmarks. Rows go in with multi-row INSERTs; nothing here runs per request."""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import insert, select
from werkzeug.security import generate_password_hash

from ..certification.standings import refresh
from ..course import Course
from ..extensions import db
from ..models import (
    CertificationEvent,
    Cohort,
    QuizAttempt,
    ReplyScore,
    RequirementRecord,
    Role,
    ScenarioRun,
    ScenarioStep,
    SectionView,
    User,
    utcnow,
)
from ..practice.replies import rebuild_review_queue

DEMO_TRAINEE_PASSWORD = "demo-trainee-pass"
CHUNK = 5000
TRAINEES_PER_COHORT = 250

FIRST_NAMES = (
    "Aisha Ben Chloé Dev Emeka Farah Gus Hana Ines Jonah Kemi Luca Maya Nikhil Olu Priya Quinn Rosa "
    "Sami Tomás Uma Vik Wren Xin Yusuf Zoe Amara Bilal Carmen Dmitri Eilidh Femi Grace Hugo Ivy"
).split()
LAST_NAMES = (
    "Adeyemi Brown Chen Dubois Evans Fernández Garcia Hassan Ito Jones Kowalski Lee Murphy Nguyen "
    "Okafor Patel Quigley Rossi Singh Taylor Ueda Vargas Williams Xu Yilmaz Zhang"
).split()

# What demo trainees type when a role-play asks for their own words (the reply queue's contents).
DEMO_REPLIES = (
    "That sounds really hard. It seems like you feel nobody noticed.",
    "So part of you wants to go, and part of you is worried it won't work out.",
    "You've had a rough week. What would help most right now?",
    "I'm glad you told me. I can't keep this just between us, but I'll be with you for what comes next.",
)
# Stages whose typed replies a coordinator has already scored.
REVIEWED_STAGES = ("awaiting_review", "certified", "expired", "revoked")

# (stage, share of trainees): not started, part-way, everything done and waiting for sign-off,
# signed off recently, signed off over a year ago (expired), revoked.
STAGES = (
    ("not_started", 0.15),
    ("early", 0.22),
    ("midway", 0.25),
    ("awaiting_review", 0.12),
    ("certified", 0.17),
    ("expired", 0.06),
    ("revoked", 0.03),
)


@dataclass(frozen=True)
class SeedResult:
    trainees: int
    cohorts: int
    section_views: int
    quiz_attempts: int
    scenario_runs: int
    decisions: int


def seed_trainees(
    course: Course, count: int, seed: int | None = None, now: datetime | None = None
) -> SeedResult:
    """Create ``count`` trainees in cohorts of about 250, with progress drawn from ``STAGES``."""
    rng = random.Random(seed)
    now = now or utcnow()
    batch = secrets.token_hex(3)
    cohort_ids = _create_cohorts(batch, count, now)
    stages = rng.choices([s for s, _ in STAGES], weights=[w for _, w in STAGES], k=count)
    users = _create_users(batch, stages, cohort_ids, rng, now)
    made = _Made()
    for (user_id, registered), stage in zip(users, stages, strict=True):
        _trainee_history(course, user_id, registered, stage, rng, now, made)
    made.insert()
    rebuild_review_queue(course)  # the demo's replies went in as rows, past the run's own write
    refresh(course, [user_id for user_id, _ in users], now)
    return SeedResult(
        count, len(cohort_ids), len(made.views), len(made.attempts), len(made.runs), len(made.events)
    )


@dataclass
class _Made:
    """Rows of demo records waiting to be inserted together."""

    views: list = field(default_factory=list)
    attempts: list = field(default_factory=list)
    runs: list = field(default_factory=list)
    events: list = field(default_factory=list)
    recorded: list = field(default_factory=list)
    activity: list = field(default_factory=list)  # (user id, last active, seconds on task)
    # Beside each run: its typed reply (a step's columns but the run id), or None; and its score.
    replies: list = field(default_factory=list)
    reply_scores: list = field(default_factory=list)

    def insert(self) -> None:
        _insert_chunked(SectionView, self.views)
        _insert_chunked(QuizAttempt, self.attempts)
        run_ids = _insert_returning_ids(ScenarioRun, self.runs)
        typed = [(run_id, i) for i, run_id in enumerate(run_ids) if self.replies[i] is not None]
        step_ids = _insert_returning_ids(ScenarioStep, [{**self.replies[i], "run_id": r} for r, i in typed])
        _insert_chunked(
            ReplyScore,
            [
                {**self.reply_scores[i], "step_id": s}
                for s, (_, i) in zip(step_ids, typed, strict=True)
                if self.reply_scores[i]
            ],
        )
        _insert_chunked(CertificationEvent, self.events)
        _insert_chunked(RequirementRecord, self.recorded)
        db.session.execute(
            User.__table__.update()
            .where(User.__table__.c.id == db.bindparam("uid"))
            .values(last_activity_at=db.bindparam("last"), seconds_on_task=db.bindparam("seconds")),
            [{"uid": uid, "last": last, "seconds": seconds} for uid, last, seconds in self.activity],
        )


def _create_cohorts(batch: str, count: int, now: datetime) -> list[int]:
    cohort_count = max(1, -(-count // TRAINEES_PER_COHORT))
    rows = [
        {
            "name": f"Demo cohort {batch}-{n + 1:03d}",
            "invite_code": secrets.token_urlsafe(16),
            "created_at": now,
        }
        for n in range(cohort_count)
    ]
    db.session.execute(insert(Cohort), rows)
    return list(db.session.scalars(select(Cohort.id).where(Cohort.name.like(f"Demo cohort {batch}-%"))))


def _create_users(
    batch: str, stages: list[str], cohort_ids: list[int], rng: random.Random, now: datetime
) -> list:
    password_hash = generate_password_hash(DEMO_TRAINEE_PASSWORD)  # slow on purpose: once
    rows = []
    for n, stage in enumerate(stages):
        registered = now - timedelta(
            days=rng.randint(400, 700) if stage == "expired" else rng.randint(1, 330)
        )
        rows.append(
            {
                "email": f"trainee-{batch}-{n + 1}@example.org",
                "name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                "password_hash": password_hash,
                "role": Role.TRAINEE.value,
                "session_version": 1,
                "created_at": registered,
                "email_verified_at": registered,  # demo accounts log in whatever the registration mode
                "cohort_id": cohort_ids[n // TRAINEES_PER_COHORT],
                "seconds_on_task": 0,
                "standing_stale": True,
            }
        )
    _insert_chunked(User, rows)
    return db.session.execute(
        select(User.id, User.created_at).where(User.email.like(f"trainee-{batch}-%")).order_by(User.id)
    ).all()


def _trainee_history(course, user_id, registered, stage, rng, now, made: _Made) -> None:
    """One demo trainee's reading, attempts, records and decisions, as far as ``stage`` goes."""
    start = registered + timedelta(hours=rng.randint(1, 48))
    moment = _reading_and_assessments(course, user_id, stage, start, rng, made)
    last = moment if stage != "not_started" else None
    if stage in ("midway", "awaiting_review", "certified", "expired", "revoked"):
        _recorded_requirements(course, user_id, registered, stage, rng, now, made)
    if stage in ("certified", "expired", "revoked"):
        _decisions(course, user_id, stage, moment, rng, now, made)
    if stage in ("early", "midway"):  # still going, or stalled: quiet for over two weeks
        stalled = rng.random() < 0.3
        last = now - (
            timedelta(days=rng.randint(15, 60)) if stalled else timedelta(hours=rng.randint(1, 300))
        )
    made.activity.append((user_id, last, int((moment - start).total_seconds()) if last else 0))


def _reading_and_assessments(course, user_id, stage, start, rng, made: _Made) -> datetime:
    done_modules = _modules_done(course, stage, rng)
    moment = start
    for index, module in enumerate(course.modules):
        if index > done_modules:
            break
        sections = (
            module.sections
            if index < done_modules
            else module.sections[: rng.randint(0, len(module.sections) - 1)]
        )
        for section in sections:
            moment += timedelta(minutes=rng.randint(2, 6))
            made.views.append(
                {
                    "user_id": user_id,
                    "module_id": module.id,
                    "section_id": section.id,
                    "module_version": module.version,
                    "viewed_at": moment,
                }
            )
        if index < done_modules:
            moment = _quiz_and_role_play(course, module, user_id, moment, rng, made, stage in REVIEWED_STAGES)
    return moment


def _recorded_requirements(course, user_id, registered, stage, rng, now, made: _Made) -> None:
    complete = stage != "midway" or rng.random() < 0.3
    for required in course.program.requirements if course.program else ():
        if complete or rng.random() < 0.5:
            made.recorded.append(
                {
                    "user_id": user_id,
                    "requirement_id": required.id,
                    "completed_on": min(now, registered + timedelta(days=rng.randint(3, 20))),
                    "hours": required.hours,
                    "note": None,
                    "recorded_by": None,
                    "recorded_at": now,
                    **_practice_columns(course.program, required),
                }
            )


def _practice_columns(program, required) -> dict:
    """Observed practice passed on its rubric; the safeguarding procedure acknowledged as it is."""
    if required.rubric:
        rubric = program.rubric_by_id[required.rubric]
        return {"observer": "Demo observer", "scores": {c.id: 2 for c in rubric.criteria}}
    if required.kind == "acknowledge":
        return {"version": program.safeguarding.version if program.safeguarding else None}
    return {}


def _decisions(course, user_id, stage, moment, rng, now, made: _Made) -> None:
    signed = (
        now - timedelta(days=rng.randint(370, 500))
        if stage == "expired"
        else max(moment + timedelta(days=1), now - timedelta(days=rng.randint(1, 300)))
    )
    signed = min(signed, now)
    made.events.append(_decision(user_id, "sign_off", signed, course))
    if stage == "revoked":
        made.events.append(
            _decision(
                user_id,
                "revoke",
                min(now, signed + timedelta(days=20)),
                course,
                reason="Demo: the programme withdrew this mentor.",
            )
        )


def _modules_done(course: Course, stage: str, rng: random.Random) -> int:
    total = len(course.modules)
    if stage == "not_started":
        return -1
    if stage == "early":
        return rng.randint(0, 1)
    if stage == "midway":
        return rng.randint(2, total - 1)
    return total


def _quiz_and_role_play(course, module, user_id, moment, rng, made: _Made, reviewed: bool):
    """A module finished: its quiz passed (sometimes after a failed try) and its role-plays played,
    with a typed reply where the role-play asks for one (scored, if ``reviewed``)."""
    attempts, runs = made.attempts, made.runs
    quiz = course.quiz_for_module.get(module.id)
    if quiz is not None:
        tries = [rng.randint(40, quiz.pass_mark - 1)] if rng.random() < 0.25 else []
        tries.append(rng.randint(quiz.pass_mark, 100))
        for score in tries:
            moment += timedelta(minutes=rng.randint(8, 20))
            attempts.append(
                {
                    "user_id": user_id,
                    "quiz_id": quiz.id,
                    "module_version": module.version,
                    "draw": [],
                    "answers": {},
                    "credits": {},
                    "score": score,
                    "passed": score >= quiz.pass_mark,
                    "started_at": moment - timedelta(minutes=8),
                    "submitted_at": moment,
                }
            )
    for scenario in course.scenarios_for_module.get(module.id, ()):
        moment += timedelta(minutes=rng.randint(4, 10))
        score = rng.randint(scenario.pass_score, 100)
        runs.append(
            {
                "user_id": user_id,
                "scenario_id": scenario.id,
                "module_version": module.version,
                "current_node": scenario.start,
                "points": 0,
                "score": score,
                "passed": True,
                "ending": None,
                "started_at": moment - timedelta(minutes=5),
                "finished_at": moment,
            }
        )
        reply = _typed_reply(scenario, moment, rng)
        made.replies.append(reply)
        made.reply_scores.append(_reply_score(course, user_id, moment, rng) if reply and reviewed else None)
    return moment


def _reply_turn(scenario) -> tuple[str, str] | None:
    """The first turn of a role-play that asks for the trainee's own words, and a choice there."""
    for node in scenario.nodes.values():
        if node.reply_prompt and node.choices:
            return node.id, node.choices[0].id
    return None


def _typed_reply(scenario, moment, rng) -> dict | None:
    turn = _reply_turn(scenario)
    if turn is None:
        return None
    node_id, choice_id = turn
    reply = rng.choice(DEMO_REPLIES)
    return {
        "position": 0,
        "node_id": node_id,
        "choice_id": choice_id,
        "reply": reply,
        "points": 0,
        "chosen_at": moment,
    }


def _reply_score(course, user_id, moment, rng) -> dict | None:
    """A coordinator's scores at or above the programme's bar (these trainees went on to review)."""
    review = course.program.reply_review
    if review is None:
        return None
    rubric = course.program.rubric_by_id[review.rubric_id]
    scores = {c.id: rng.choice((1, 2, 2)) for c in rubric.criteria}
    return {
        "user_id": user_id,
        "rubric_id": rubric.id,
        "scores": scores,
        "comment": None,
        "scored_by": None,
        "scored_at": moment + timedelta(days=1),
    }


def _decision(user_id: int, kind: str, at: datetime, course: Course, reason: str | None = None) -> dict:
    return {
        "user_id": user_id,
        "kind": kind,
        "actor_id": None,
        "reason": reason,
        "at": at,
        "module_versions": {m.id: m.version for m in course.modules} if kind == "sign_off" else None,
        "content_version": course.version,
        "certificate_id": secrets.token_urlsafe(16) if kind == "sign_off" else None,
    }


def _insert_returning_ids(model, rows: list[dict]) -> list[int]:
    """Insert many rows; their new ids in the order of ``rows`` (both databases keep it)."""
    ids: list[int] = []
    statement = insert(model).returning(model.id, sort_by_parameter_order=True)
    for start in range(0, len(rows), CHUNK):
        ids += db.session.scalars(statement, rows[start : start + CHUNK]).all()
    return ids


def _insert_chunked(model, rows: list[dict]) -> None:
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(model), rows[start : start + CHUNK])

"""Helpers shared by the test modules: building records, driving the real forms, sample content."""

from __future__ import annotations

import re
import shutil
import textwrap
import threading
from datetime import timedelta
from pathlib import Path

from sqlalchemy import delete, select, update

from app.extensions import db
from app.models import (
    QuizAttempt,
    ReplyAwaitingReview,
    ReplyScore,
    RequirementRecord,
    ScenarioRun,
    ScenarioStep,
    SectionView,
    User,
    counted_replies,
    utcnow,
)
from app.practice.replies import queue_for_review

from .html import csrf_token, elements

# The course the app's tests run on: the tests' own copy, so a programme's edits to content/ and
# quizzes/ (a local module, a module dropped) never break them. The content-quality tests check
# the shipped course itself, wherever CONTENT_DIR would point on a server.
FIXTURE_COURSE = Path(__file__).resolve().parent / "fixtures" / "course"
FIXTURE_CONTENT = FIXTURE_COURSE / "content"
FIXTURE_QUIZZES = FIXTURE_COURSE / "quizzes"


def copy_course(target: Path, source: Path = FIXTURE_COURSE) -> tuple[Path, Path]:
    """A copy of a course (content/ and quizzes/) under ``target`` to change in a test."""
    shutil.copytree(source / "content", target / "content")
    shutil.copytree(source / "quizzes", target / "quizzes")
    return target / "content", target / "quizzes"


def complete_course(app, email: str, at=None, recorded: bool = True) -> int:
    """Give a trainee every record the program asks for, as if they had done the course
    (and, with ``recorded``, as if a coordinator had recorded the screening and live training)."""
    at = at or utcnow() - timedelta(days=1)
    with app.app_context():
        course = app.extensions["course"]
        user = db.session.scalar(select(User).where(User.email == email))
        for module in course.modules:
            for section in module.sections:
                db.session.add(
                    SectionView(
                        user_id=user.id,
                        module_id=module.id,
                        section_id=section.id,
                        module_version=module.version,
                        viewed_at=at,
                    )
                )
        for quiz in course.quizzes:
            db.session.add(
                QuizAttempt(
                    user_id=user.id,
                    quiz_id=quiz.id,
                    module_version=course.module_by_id[quiz.module_id].version,
                    draw=[],
                    answers={},
                    credits={},
                    score=95,
                    passed=True,
                    started_at=at,
                    submitted_at=at,
                )
            )
        for required in course.program.scenarios:
            db.session.add(
                ScenarioRun(
                    user_id=user.id,
                    scenario_id=required.scenario_id,
                    module_version=1,
                    current_node="end",
                    points=1,
                    score=100,
                    passed=True,
                    ending="end",
                    started_at=at,
                    finished_at=at,
                )
            )
        for required in course.program.requirements if recorded else ():
            db.session.add(
                RequirementRecord(
                    user_id=user.id,
                    requirement_id=required.id,
                    completed_on=at - timedelta(days=2),
                    hours=required.hours,
                    recorded_at=at,
                    **practice_fields(course.program, required),
                )
            )
        db.session.flush()
        score_replies(course.program, user.id, at)
        user.seconds_on_task = 125 * 60
        user.last_activity_at = at
        user.standing_stale = True
        db.session.commit()
        return user.id


def record_practice(app, user_id: int, at=None) -> None:
    """Record a passing observed practice and the acknowledgement of the current procedure, as
    their own forms would, for tests of something else."""
    at = at or utcnow() - timedelta(days=1)
    with app.app_context():
        program = app.extensions["course"].program
        for required in program.requirements:
            if required.rubric or required.kind == "acknowledge":
                db.session.add(
                    RequirementRecord(
                        user_id=user_id,
                        requirement_id=required.id,
                        completed_on=at,
                        recorded_at=at,
                        **practice_fields(program, required),
                    )
                )
        db.session.execute(update(User).where(User.id == user_id).values(standing_stale=True))
        db.session.commit()


def practice_fields(program, required) -> dict:
    """What an observed practice (passing scores, an observer) or an acknowledgement (the
    procedure's current version) carries beyond the record itself."""
    if required.rubric:
        criteria = program.rubric_by_id[required.rubric].criteria
        return {"observer": "Sam Observer", "scores": {c.id: 2 for c in criteria}}
    if required.kind == "acknowledge" and program.safeguarding:
        return {"version": program.safeguarding.version}
    return {}


def score_replies(program, user_id: int, at=None, score: int = 2) -> int:
    """Score every counted typed reply of a trainee not yet scored, ``score`` on each criterion of
    the reply-review rubric; returns how many were scored."""
    if program.reply_review is None:
        return 0
    rubric = program.rubric_by_id[program.reply_review.rubric_id]
    steps = db.session.scalars(
        counted_replies([s.scenario_id for s in program.scenarios])
        .join(ScenarioRun, ScenarioRun.id == ScenarioStep.run_id)
        .where(ScenarioRun.user_id == user_id, ~ScenarioStep.id.in_(select(ReplyScore.step_id)))
    ).all()
    for step in steps:
        db.session.add(
            ReplyScore(
                step_id=step.id,
                user_id=user_id,
                rubric_id=rubric.id,
                scores={c.id: score for c in rubric.criteria},
                scored_at=at or utcnow(),
            )
        )
    # Scored: out of the coordinators' queue, as scoring through the page does.
    db.session.execute(
        delete(ReplyAwaitingReview).where(ReplyAwaitingReview.step_id.in_([s.id for s in steps]))
    )
    db.session.flush()
    return len(steps)


def passed_run(course, user_id: int, scenario_id: str, replies, at, passed: bool = True):
    """A finished run of ``scenario_id`` (in an app context) with one typed reply per turn that
    asks for one, each followed by that turn's first choice; queued for review when it passed, as
    the role-play does. Returns the run and its steps."""
    scenario = course.scenario_by_id[scenario_id]
    run = ScenarioRun(
        user_id=user_id,
        scenario_id=scenario_id,
        module_version=1,
        current_node="end",
        points=1,
        score=100 if passed else 10,
        passed=passed,
        ending="end",
        started_at=at,
        finished_at=at,
    )
    db.session.add(run)
    db.session.flush()
    asking = [n for n in scenario.nodes.values() if n.reply_prompt and n.choices]
    steps = [
        ScenarioStep(
            run_id=run.id,
            position=position,
            node_id=node.id,
            choice_id=node.choices[0].id,
            reply=reply,
            points=1,
            chosen_at=at + timedelta(minutes=position),
        )
        for position, (node, reply) in enumerate(zip(asking, replies, strict=False))
    ]
    db.session.add_all(steps)
    db.session.flush()
    if passed:
        queue_for_review(run, course.program)
    return run, steps


def status_on_dashboard(client) -> str:
    return elements(client.get("/").text, "section", class_="certification")[0]["data-certification-status"]


def post(client, page_url: str, action: str, **fields):
    return client.post(action, data={"csrf_token": csrf_token(client.get(page_url).text), **fields})


THREADS = 8


def race(make_request, threads: int = THREADS) -> list[int]:
    """Run the same request from several threads released at once; return their status codes."""
    barrier = threading.Barrier(threads)
    codes: list[int] = []

    def worker():
        barrier.wait()
        codes.append(make_request())

    workers = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    return codes


MODULE = "active-listening"


def quiz_of(app):
    return app.extensions["course"].quiz_for_module[MODULE]


def start(client) -> tuple[str, str]:
    """Start an attempt through the form; return the attempt page's URL and HTML."""
    home = client.get(f"/modules/{MODULE}/quiz").text
    response = client.post(f"/modules/{MODULE}/quiz/attempts", data={"csrf_token": csrf_token(home)})
    assert response.status_code == 302, response.text
    url = response.headers["Location"]
    return url, client.get(url).text


def drawn_questions(app, page: str):
    """The questions an attempt page shows, in order, read from its field names."""
    quiz = quiz_of(app)
    question_of_field = {f"q-{q.id}": q for q in quiz.questions}
    question_of_field |= {
        f"q-{q.id}-{o.id}": q for q in quiz.questions for o in q.options if q.type == "order"
    }
    shown = []
    for name in re.findall(r'name="(q-[^"]+)"', page):  # document order, inputs and selects alike
        question = question_of_field.get(name)
        if question is not None and question not in shown:
            shown.append(question)
    return shown


def answer_fields(questions, right: bool) -> list[tuple[str, str]]:
    """Form fields answering every question right (or every one wrong), as a trainee would."""
    fields = []
    for q in questions:
        if q.type == "order":
            order = q.options if right else q.options[1:] + q.options[:1]  # rotated: nothing in place
            fields += [(f"q-{q.id}-{o.id}", str(order.index(o) + 1)) for o in q.options]
        else:
            chosen = [o for o in q.options if o.correct == right]
            fields += [(f"q-{q.id}", o.id) for o in (chosen if q.type == "multiple" else chosen[:1])]
    return fields


VALID_FRONT_MATTER = """\
---
id: sample
title: Sample module
order: 1
version: 1
minutes: 10
summary: A module for tests.
objectives:
  - Do one thing.
sources:
  - Someone (2020). A book.
---
"""


VALID_BODY = """\
## First steps

Plain text with <script>alert(1)</script> in it.

### A subheading

::: tip Keep it short
A tip.
:::

::: reflect first-thought
What did you notice?
:::

More text after the prompt.

{#chosen-id}
## Second part

::: example
Example body.
:::
"""


def write_module(root: Path, name: str, text: str) -> Path:
    modules = root / "modules"
    modules.mkdir(parents=True, exist_ok=True)
    (root / "quizzes").mkdir(exist_ok=True)
    path = modules / f"{name}.md"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path

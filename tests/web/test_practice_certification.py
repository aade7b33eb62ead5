"""Certification waits for scored practice: every counted typed reply reviewed with a mean at the
programme's bar, an observed practice at its pass total, and the acknowledgement of the current
safeguarding procedure. A changed procedure asks everyone again. The coordinator list, the CSV and
the API show the same facts. Records are built in the database: the forms that make them are
tested with their own pages."""

from __future__ import annotations

import csv
import io
import shutil
from datetime import timedelta

from sqlalchemy import select, update

from app.extensions import db
from app.models import ReplyScore, RequirementRecord, Role, ScenarioRun, ScenarioStep, Standing, User, utcnow
from app.practice.replies import queue_for_review

from ..conftest import Auth
from ..helpers import (
    FIXTURE_CONTENT,
    FIXTURE_QUIZZES,
    complete_course,
    practice_fields,
    score_replies,
    status_on_dashboard,
)
from ..html import elements
from .test_matching_api import certify, read, token


def program_of(app):
    return app.extensions["course"].program


def observed_and_acknowledge(app):
    program = program_of(app)
    observed = next(r for r in program.requirements if r.pass_total is not None)
    acknowledge = next(r for r in program.requirements if r.kind == "acknowledge")
    return observed, acknowledge


def type_replies(app, user_id: int, *replies: str) -> None:
    """Typed replies in the trainee's (only, passing) run of the first required role-play."""
    with app.app_context():
        scenario = program_of(app).scenarios[0].scenario_id
        run = db.session.scalar(
            select(ScenarioRun).where(ScenarioRun.user_id == user_id, ScenarioRun.scenario_id == scenario)
        )
        for position, reply in enumerate(replies):
            db.session.add(
                ScenarioStep(
                    run_id=run.id, position=position, node_id="n", choice_id="c", reply=reply, points=1
                )
            )
        db.session.flush()
        queue_for_review(run, app.extensions["course"].program)  # as the role-play does when a run passes
        stale(user_id)
        db.session.commit()


def stale(user_id: int) -> None:
    db.session.execute(update(User).where(User.id == user_id).values(standing_stale=True))


def score_all(app, user_id: int, score: int) -> None:
    with app.app_context():
        score_replies(program_of(app), user_id, score=score)
        stale(user_id)
        db.session.commit()


def add_record(app, user_id: int, requirement_id: str, **fields) -> None:
    with app.app_context():
        on = utcnow() - timedelta(hours=1)
        db.session.add(
            RequirementRecord(
                user_id=user_id, requirement_id=requirement_id, completed_on=on, recorded_at=on, **fields
            )
        )
        stale(user_id)
        db.session.commit()


def without(app, email: str, requirement_id: str) -> int:
    """A trainee who did everything, with the records of every requirement but this one."""
    user_id = complete_course(app, email, recorded=False)
    program = program_of(app)
    for required in program.requirements:
        if required.id != requirement_id:
            add_record(app, user_id, required.id, hours=required.hours, **practice_fields(program, required))
    return user_id


def item(client, requirement: str):
    return elements(client.get("/").text, "li", data_requirement=requirement)[0]


def test_certification_waits_until_every_typed_reply_is_reviewed_at_the_bar(app, client, trainee):
    user_id = complete_course(app, trainee)
    assert status_on_dashboard(client) == "awaiting_review"  # no typed replies: nothing to review
    type_replies(app, user_id, "That sounds hard. What happened?", "   ", "You felt left out.")
    rubric = program_of(app).reply_review.rubric_id
    waiting = item(client, f"replies:{rubric}")
    assert (
        waiting["data-done"] == "false" and "0 of 2 reviewed" in waiting.text
    )  # the blank one is not counted
    assert status_on_dashboard(client) == "in_training"

    score_all(app, user_id, 0)  # a poor reply never passes, whoever scores it
    poor = item(client, f"replies:{rubric}")
    assert poor["data-done"] == "false" and "2 of 2 reviewed, average 0.0 of 2 (needs 1.0)" in poor.text
    assert status_on_dashboard(client) == "in_training"

    with app.app_context():  # a coordinator scores them again (the test rewrites the scores)
        for score in db.session.scalars(select(ReplyScore).where(ReplyScore.user_id == user_id)):
            score.scores = {key: 1 for key in score.scores}
        db.session.commit()
    assert item(client, f"replies:{rubric}")["data-done"] == "true"
    assert status_on_dashboard(client) == "awaiting_review"


def test_replies_of_an_earlier_run_are_practice_and_not_reviewed(app, client, trainee):
    user_id = complete_course(app, trainee)
    type_replies(app, user_id, "An early try.")
    with app.app_context():
        scenario = program_of(app).scenarios[0].scenario_id
        first = db.session.scalar(
            select(ScenarioRun).where(ScenarioRun.user_id == user_id, ScenarioRun.scenario_id == scenario)
        )
        later = ScenarioRun(
            user_id=user_id,
            scenario_id=first.scenario_id,
            module_version=1,
            current_node="end",
            points=1,
            score=100,
            passed=True,
            ending="end",
            started_at=first.finished_at,
            finished_at=first.finished_at,
        )
        db.session.add(later)
        db.session.flush()
        queue_for_review(later, app.extensions["course"].program)
        stale(user_id)
        db.session.commit()
    assert status_on_dashboard(client) == "awaiting_review"  # the later pass has no typed reply


def test_observed_practice_below_its_pass_total_is_not_passed(app, client, trainee):
    observed, _ = observed_and_acknowledge(app)
    user_id = without(app, trainee, observed.id)
    criteria = program_of(app).rubric_by_id[observed.rubric].criteria
    low = dict.fromkeys((c.id for c in criteria), 0)
    add_record(app, user_id, observed.id, observer="Olu Observer", scores=low)
    failed = item(client, f"recorded:{observed.id}")
    assert failed["data-done"] == "false" and f"needs {observed.pass_total}" in failed.text
    assert status_on_dashboard(client) == "in_training"
    add_record(app, user_id, observed.id, observer="Olu Observer", scores=dict.fromkeys(low, 2))
    assert item(client, f"recorded:{observed.id}")["data-done"] == "true"
    assert status_on_dashboard(client) == "awaiting_review"


def test_only_the_current_procedure_counts_as_acknowledged(app, client, trainee):
    _, acknowledge = observed_and_acknowledge(app)
    user_id = without(app, trainee, acknowledge.id)
    assert status_on_dashboard(client) == "in_training"
    add_record(app, user_id, acknowledge.id, version="000000000000")
    stale_item = item(client, f"recorded:{acknowledge.id}")
    assert stale_item["data-done"] == "false" and "earlier version" in stale_item.text
    add_record(app, user_id, acknowledge.id, version=program_of(app).safeguarding.version)
    assert status_on_dashboard(client) == "awaiting_review"


def changed_procedure(tmp_path):
    """A copy of the course whose safeguarding procedure differs by one word."""
    shutil.copytree(FIXTURE_CONTENT, tmp_path / "content")
    shutil.copytree(FIXTURE_QUIZZES, tmp_path / "quizzes")
    program = tmp_path / "content" / "program.yaml"
    text = program.read_text(encoding="utf-8")
    at = text.index("\nsafeguarding:")
    steps = text.index("  steps:", at)
    line_end = text.index("\n", text.index("    - ", steps))
    program.write_text(text[:line_end] + " Always." + text[line_end:], encoding="utf-8")
    return {"CONTENT_DIR": tmp_path / "content", "QUIZZES_DIR": tmp_path / "quizzes"}


def test_a_changed_procedure_asks_certified_mentors_and_trainees_again(
    app, make_app, tmp_path, make_user, runner
):
    mentor_email = make_user(Role.TRAINEE, name="Mina Mentor")
    mentor = certify(app, mentor_email)
    learner_email = make_user(Role.TRAINEE, name="Lee Learner")
    complete_course(app, learner_email)
    assert app.test_cli_runner().invoke(args=["certification", "refresh", "--all"]).exit_code == 0
    changed = make_app(**changed_procedure(tmp_path))
    _, acknowledge = observed_and_acknowledge(changed)
    assert program_of(changed).safeguarding.version != program_of(app).safeguarding.version

    dry = changed.test_cli_runner().invoke(args=["certification", "refresh", "--all", "--dry-run"])
    assert "certified -> renewal_due  (to do again: " + acknowledge.title in dry.output, dry.output
    assert "awaiting_review -> in_training  (not done: " + acknowledge.title in dry.output
    assert changed.test_cli_runner().invoke(args=["certification", "refresh", "--all"]).exit_code == 0
    with changed.app_context():
        assert db.session.scalar(select(Standing.status).where(Standing.user_id == mentor)) == "renewal_due"
    mentor_client = changed.test_client()
    Auth(mentor_client).login(mentor_email)
    assert status_on_dashboard(mentor_client) == "renewal_due"
    redo = item(mentor_client, f"recorded:{acknowledge.id}")
    assert redo["data-done"] == "false" and "earlier version" in redo.text
    learner_client = changed.test_client()
    Auth(learner_client).login(learner_email)
    assert status_on_dashboard(learner_client) == "in_training"
    assert item(learner_client, f"recorded:{acknowledge.id}")["data-done"] == "false"

    api = read(changed.test_client(), f"/api/v1/mentors/{mentor}", token(changed.test_cli_runner()))
    assert api["status"] == "renewal_due" and api["matchable"] is True
    assert api["practice"]["safeguarding_acknowledged"] is False

    add_record(changed, mentor, acknowledge.id, version=program_of(changed).safeguarding.version)
    assert status_on_dashboard(mentor_client) == "certified"


def test_the_list_filter_csv_and_api_show_the_practice(app, coordinator, make_user, runner):
    waiting = complete_course(app, make_user(Role.TRAINEE, name="Wren Waiting"))
    type_replies(app, waiting, "You sound worried about Friday.", "What would help most?")
    done = complete_course(app, make_user(Role.TRAINEE, name="Dana Done"))
    type_replies(app, done, "That stung.")
    score_all(app, done, 2)
    with app.app_context():
        one = db.session.scalar(
            select(ScenarioStep.id).join(ScenarioRun).where(ScenarioRun.user_id == waiting).limit(1)
        )
        rubric = program_of(app).rubric_by_id[program_of(app).reply_review.rubric_id]
        db.session.add(
            ReplyScore(
                step_id=one, user_id=waiting, rubric_id=rubric.id, scores={c.id: 1 for c in rubric.criteria}
            )
        )
        stale(waiting)
        db.session.commit()

    page = coordinator.get("/coordinator/?status=replies_to_review").text
    listed = {int(r["data-mentor"]) for r in elements(page, "tr") if "data-mentor" in r}
    assert listed == {waiting}

    rows = {
        int(r["id"]): r for r in csv.DictReader(io.StringIO(coordinator.get("/coordinator/mentors.csv").text))
    }
    observed, _ = observed_and_acknowledge(app)
    maximum = 2 * len(program_of(app).rubric_by_id[observed.rubric].criteria)
    assert (rows[waiting]["replies_counted"], rows[waiting]["replies_reviewed"]) == ("2", "1")
    assert rows[waiting]["reply_mean"] == "1.0"
    assert (rows[done]["replies_counted"], rows[done]["replies_reviewed"], rows[done]["reply_mean"]) == (
        "1",
        "1",
        "2.0",
    )
    assert rows[done]["observed_practice_total"] == str(maximum)
    assert rows[done]["observed_practice_on"] == (utcnow() - timedelta(days=3)).date().isoformat()
    assert rows[done]["safeguarding_acknowledged"] == "yes"

    headers = token(runner)
    assert read(coordinator, f"/api/v1/mentors/{waiting}", headers)["practice"] == {
        "replies_reviewed": 1,
        "replies_counted": 2,
        "reply_mean": 1.0,
        "observed_practice_passed": True,
        "safeguarding_acknowledged": True,
    }
    assert read(coordinator, f"/api/v1/mentors/{done}", headers)["practice"]["reply_mean"] == 2.0

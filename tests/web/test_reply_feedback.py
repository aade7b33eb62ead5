"""A trainee sees their coordinator's review of their typed role-play replies: each criterion's
score in words with what the rubric says it means, the comment, and the replies still waiting;
the dashboard lists the latest reviews. Nobody else's feedback shows."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from app.extensions import db
from app.models import ReplyScore, ScenarioRun, ScenarioStep, utcnow

from ..conftest import Auth, user_id
from ..html import elements, text_of
from .test_query_budgets import counted

SCENARIO = "quiet-first-week"  # a required role-play with typed replies at "arrive" and "not-a-uni-person"


def finished_run(
    app, uid: int, replies=("It sounds lonely in the evenings.", "You're not sure you fit in."), at=None
):
    """A passing run of SCENARIO with a typed reply at each of its two reply turns; its step ids."""
    at = at or utcnow() - timedelta(hours=2)
    with app.app_context():
        run = ScenarioRun(
            user_id=uid,
            scenario_id=SCENARIO,
            module_version=1,
            current_node="end",
            points=6,
            score=100,
            passed=True,
            ending="end",
            started_at=at,
            finished_at=at,
        )
        run.steps = [
            ScenarioStep(
                position=0, node_id="arrive", choice_id="evenings-harder", reply=replies[0], points=3
            ),
            ScenarioStep(
                position=1,
                node_id="not-a-uni-person",
                choice_id="brother-called-it",
                reply=replies[1],
                points=3,
            ),
        ]
        db.session.add(run)
        db.session.commit()
        return run.id, [step.id for step in run.steps]


def score(app, uid: int, step_id: int, scores: dict, comment: str = "", at=None) -> None:
    with app.app_context():
        db.session.add(
            ReplyScore(
                step_id=step_id,
                user_id=uid,
                rubric_id="replies",
                scores=scores,
                comment=comment,
                scored_by=None,
                scored_at=at or utcnow(),
            )
        )
        db.session.commit()


def rubric(app):
    program = app.extensions["course"].program
    return program.rubric_by_id[program.reply_review.rubric_id]


def mixed_scores(app) -> dict:
    ids = [c.id for c in rubric(app).criteria]
    return {ids[0]: 2, ids[1]: 1, **{i: 0 for i in ids[2:]}}


def test_a_scored_reply_shows_each_criterion_in_words_and_the_comment(app, client, trainee):
    uid = user_id(app, trainee)
    run_id, (first, second) = finished_run(app, uid)
    score(app, uid, first, mixed_scores(app), comment="Lovely reflection; next time leave the advice out.")

    html = client.get(f"/scenarios/{SCENARIO}/runs/{run_id}").text
    [scored] = elements(html, "div", data_reply_review="scored")
    text = " ".join(scored.text.split())
    criteria = rubric(app).criteria
    assert f"{criteria[0].title} Strong (2 of 2): {criteria[0].strong}" in text
    assert f"{criteria[1].title} Adequate (1 of 2): {criteria[1].adequate}" in text
    assert f"{criteria[2].title} Weak (0 of 2): {criteria[2].weak}" in text
    assert "Comment: Lovely reflection; next time leave the advice out." in text
    waiting = elements(html, "p", data_reply_review="waiting")
    assert len(waiting) == 1 and "Waiting for your coordinator's review" in waiting[0].text
    # The review sits beside its reply: the first turn holds it, the second waits.
    assert text_of(html).index("It sounds lonely") < text_of(html).index("Strong (2 of 2)")
    assert text_of(html).index("Strong (2 of 2)") < text_of(html).index("You're not sure you fit in")


def test_an_earlier_run_is_practice_and_waits_for_nobody(app, client, trainee):
    uid = user_id(app, trainee)
    earlier, _ = finished_run(app, uid, at=utcnow() - timedelta(days=2))
    latest, _ = finished_run(app, uid)
    assert "Waiting for your coordinator" not in client.get(f"/scenarios/{SCENARIO}/runs/{earlier}").text
    assert "Waiting for your coordinator" in client.get(f"/scenarios/{SCENARIO}/runs/{latest}").text


def test_the_dashboard_lists_the_latest_five_reviews_newest_first(app, client, trainee):
    uid = user_id(app, trainee)
    now = utcnow()
    runs = []
    for n in range(3):
        run_id, steps = finished_run(app, uid, at=now - timedelta(days=10 - n))
        runs.append(run_id)
        for k, step in enumerate(steps):
            score(
                app,
                uid,
                step,
                {c.id: 2 if k else 1 for c in rubric(app).criteria},
                at=now - timedelta(hours=10 - 2 * n - k),
            )
    html = client.get("/").text
    section = elements(html, "section", id="feedback")[0]
    assert "Feedback from your coordinator" in section.text
    shown = [li["data-feedback-run"] for li in elements(html, "li") if li.get("data-feedback-run")]
    assert shown == [str(r) for r in (runs[2], runs[2], runs[1], runs[1], runs[0])]  # 6 reviews, 5 shown
    assert "average 2.0 of 2" in text_of(html) and "average 1.0 of 2" in text_of(html)
    assert f'href="/scenarios/{SCENARIO}/runs/{runs[2]}"' in html
    # The role-play's list of runs says which have been reviewed.
    page = client.get(f"/scenarios/{SCENARIO}").text
    assert len(elements(page, "span", data_run_feedback="")) == 3


def test_another_trainee_sees_none_of_it(app, client, trainee, make_user):
    uid = user_id(app, trainee)
    run_id, (first, _) = finished_run(app, uid)
    score(app, uid, first, mixed_scores(app), comment="For Tomás only.")
    other = app.test_client()
    Auth(other).login(make_user(name="Other Trainee"))
    assert other.get(f"/scenarios/{SCENARIO}/runs/{run_id}").status_code == 404
    dashboard = other.get("/").text
    assert not [li for li in elements(dashboard, "li") if li.get("data-feedback-run")]
    assert "For Tomás only." not in dashboard
    assert "Their scores and comments will appear here" in text_of(dashboard)


def test_the_replies_task_links_to_the_feedback_list(app, client, trainee):
    html = client.get("/").text
    assert elements(html, "li", data_requirement=f"replies:{rubric(app).id}")
    assert 'href="/#feedback"' in html


def test_the_dashboard_reads_feedback_in_one_statement_only_when_a_reply_is_reviewed(app, client, trainee):
    def statements() -> int:
        client.get("/")  # the first visit may refresh a stale standing
        with counted(app) as issued:
            client.get("/").get_data()
        return len(issued)

    nothing_reviewed = statements()
    run_id, steps = finished_run(app, user_id(app, trainee))
    assert statements() == nothing_reviewed  # typed, not yet reviewed: nothing to read
    score(app, user_id(app, trainee), steps[0], {c.id: 2 for c in rubric(app).criteria})
    assert statements() == nothing_reviewed + 1  # the latest reviews: one small statement
    course = app.extensions["course"]
    app.extensions["course"] = replace(course, program=replace(course.program, reply_review=None))
    assert statements() == nothing_reviewed
    assert 'id="feedback"' not in client.get("/").text
    assert "Waiting for your coordinator" not in client.get(f"/scenarios/{SCENARIO}/runs/{run_id}").text

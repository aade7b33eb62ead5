"""Coordinators score trainees' typed role-play replies on the programme's rubric (the queue, one
reply's form, one score however many save it), and observed practice on a mentor's page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.course.graph import best_path, graph_of
from app.extensions import db
from app.models import (
    AuditEntry,
    Cohort,
    ReplyAwaitingReview,
    ReplyScore,
    RequirementRecord,
    Role,
    ScenarioStep,
    User,
    utcnow,
)

from ..conftest import Auth, user_id
from ..helpers import passed_run, post, race
from ..html import csrf_token, elements, text_of
from .test_real_scenarios import play

SCENARIO = "quiet-first-week"
OTHER = "keep-it-between-us"


def rubric(app):
    program = app.extensions["course"].program
    return program.rubric_by_id[program.reply_review.rubric_id]


def typed_run(app, email, scenario_id=SCENARIO, replies=("You sound fed up.",), passed=True, at=None):
    """A finished run with one typed reply per turn that asks for one; returns the steps' ids."""
    with app.app_context():
        uid = db.session.scalar(select(User.id).where(User.email == email))
        _, steps = passed_run(
            app.extensions["course"], uid, scenario_id, replies, at or utcnow() - timedelta(days=1), passed
        )
        db.session.commit()
        return [s.id for s in steps]


def criteria_fields(app, score=2, **overrides):
    fields = {f"criterion-{c.id}": str(score) for c in rubric(app).criteria}
    return fields | overrides


def criterion_groups(html):
    return [e for e in elements(html, "fieldset") if "data-criterion" in e]


def queue_items(html):
    return elements(html, "li", class_="reply-item")


def test_the_queue_holds_counted_replies_oldest_first_with_what_the_trainee_saw_and_wrote(
    app, coordinator, make_user
):
    older, newer = make_user(name="Olive Older"), make_user(name="Nell Newer")
    now = utcnow()
    typed_run(app, newer, replies=("Newer words",), at=now - timedelta(days=1))
    [first] = typed_run(app, older, replies=("That sounds lonely.",), at=now - timedelta(days=3))
    # Practice: a failed run, and an earlier pass replaced by the later one, are not reviewed.
    typed_run(app, older, OTHER, replies=("failed run words",), passed=False)
    typed_run(app, newer, OTHER, replies=("earlier pass words",), at=now - timedelta(days=5))
    typed_run(app, newer, OTHER, replies=("  ",), at=now - timedelta(days=2))  # blank: nothing to score
    page = coordinator.get("/coordinator/replies")
    assert page.status_code == 200
    items = queue_items(page.text)
    assert [i["data-step"] for i in items][0] == str(first)
    assert "Olive Older" in text_of(page.text) and "That sounds lonely." in page.text
    assert "failed run words" not in page.text and "earlier pass words" not in page.text
    assert elements(page.text, "p", class_="list-count")[0]["data-total"] == "2"
    with app.app_context():
        scenario = app.extensions["course"].scenario_by_id[SCENARIO]
        step = db.session.get(ScenarioStep, first)
        node = scenario.nodes[step.node_id]
    item = page.text.split(f'data-step="{first}"')[1].split("</li>")[0]
    assert node.say_html in item and node.choice_by_id[step.choice_id].text_html in item
    assert f"/coordinator/replies/{first}" in item and f"/coordinator/mentors/{user_id(app, older)}" in item
    home = coordinator.get("/coordinator/")
    [line] = elements(home.text, "p", **{"data-replies-link": ""})
    assert line["data-replies-waiting"] == "2" and "Typed replies to review: 2 waiting" in text_of(home.text)


def test_the_queue_filters_by_cohort_and_role_play_and_keeps_them_in_the_links(app, coordinator, make_user):
    in_cohort, elsewhere = make_user(name="Cohort Person"), make_user(name="Other Person")
    with app.app_context():
        cohort = Cohort(name="Spring", invite_code="spring-code")
        db.session.add(cohort)
        db.session.flush()
        db.session.get(User, user_id(app, in_cohort)).cohort_id = cohort.id
        db.session.commit()
        cohort_id = cohort.id
    [mine] = typed_run(app, in_cohort)
    typed_run(app, elsewhere)
    [other_play] = typed_run(app, in_cohort, OTHER)
    page = coordinator.get(f"/coordinator/replies?cohort={cohort_id}&scenario={SCENARIO}")
    assert [i["data-step"] for i in queue_items(page.text)] == [str(mine)]
    assert f"/coordinator/replies/{mine}?cohort={cohort_id}&amp;scenario={SCENARIO}" in page.text
    by_play = coordinator.get(f"/coordinator/replies?scenario={OTHER}")
    assert [i["data-step"] for i in queue_items(by_play.text)] == [str(other_play)]
    bad = coordinator.get("/coordinator/replies?scenario=not-a-play&cohort=x")
    assert bad.status_code == 200 and len(queue_items(bad.text)) == 3


def test_the_queue_is_paged(app, coordinator, make_user):
    email = make_user()
    with app.app_context():
        many = len(
            [n for n in app.extensions["course"].scenario_by_id[SCENARIO].nodes.values() if n.reply_prompt]
        )
    for scenario_id in app.extensions["course"].program.scenarios[:6]:
        typed_run(app, email, scenario_id.scenario_id, replies=[f"words {i}" for i in range(many)])
    for _ in range(20):
        typed_run(app, make_user(), replies=("more words", "and more", "and yet more"))
    first = coordinator.get("/coordinator/replies")
    total = int(elements(first.text, "p", class_="list-count")[0]["data-total"])
    assert total > 50 and len(queue_items(first.text)) == 50
    second = coordinator.get("/coordinator/replies?page=2")
    assert len(queue_items(second.text)) == total - 50
    assert coordinator.get("/coordinator/replies?page=9").status_code == 302


def test_scoring_saves_once_audits_marks_stale_and_goes_to_the_next_reply(app, coordinator, make_user):
    email = make_user(name="Sam Scored")
    first, second = typed_run(app, email, replies=("one", "two"))
    form = coordinator.get(f"/coordinator/replies/{first}")
    assert form.status_code == 200
    assert len(criterion_groups(form.text)) == len(rubric(app).criteria)
    criterion = rubric(app).criteria[0]
    assert criterion.strong in text_of(form.text) and criterion.weak in text_of(form.text)
    with app.app_context():
        db.session.get(User, user_id(app, email)).standing_stale = False
        db.session.commit()
    saved = post(
        coordinator,
        f"/coordinator/replies/{first}",
        f"/coordinator/replies/{first}",
        comment="Good reflection.",
        **criteria_fields(app, 1),
    )
    assert saved.status_code == 302 and saved.location.endswith(f"/coordinator/replies/{second}")
    with app.app_context():
        score = db.session.scalar(select(ReplyScore).where(ReplyScore.step_id == first))
        assert score.scores == {c.id: 1 for c in rubric(app).criteria} and score.comment == "Good reflection."
        assert score.user_id == user_id(app, email) and score.rubric_id == rubric(app).id
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "practice.reply_scored"))
        assert entry.subject_id == user_id(app, email) and entry.details["step"] == first
        assert db.session.get(User, user_id(app, email)).standing_stale is True
    shown = coordinator.get(f"/coordinator/replies/{first}")
    assert elements(shown.text, "section", **{"data-scored": ""}) and "Cora Coordinator" in shown.text
    assert not criterion_groups(shown.text)
    queue = coordinator.get("/coordinator/replies")
    assert [i["data-step"] for i in queue_items(queue.text)] == [str(second)]
    last = post(
        coordinator,
        f"/coordinator/replies/{second}",
        f"/coordinator/replies/{second}",
        **criteria_fields(app),
    )
    assert last.location.endswith("/coordinator/replies")


def test_a_missing_or_off_scale_score_comes_back_with_errors_and_keeps_what_was_entered(
    app, coordinator, make_user
):
    [step] = typed_run(app, make_user())
    first, second, *_ = rubric(app).criteria
    fields = criteria_fields(app, 2) | {f"criterion-{second.id}": "7"}
    del fields[f"criterion-{first.id}"]
    page = post(
        coordinator,
        f"/coordinator/replies/{step}",
        f"/coordinator/replies/{step}",
        comment="kept words",
        **fields,
    )
    assert page.status_code == 422
    summary = " ".join(elements(page.text, "div", class_="error-summary")[0].text.split())
    assert (
        f"Choose a score for “{first.title}”" in summary
        and f"“{second.title}” is scored 0, 1 or 2" in summary
    )
    assert "kept words" in page.text
    third = rubric(app).criteria[2]
    assert elements(page.text, "input", name=f"criterion-{third.id}", value="2", checked="")
    assert f'href="#criterion-{first.id}"' in page.text and f'id="criterion-{first.id}"' in page.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ReplyScore)) == 0


def test_a_reply_scored_by_someone_else_is_shown_not_scored_again(app, coordinator, make_user):
    [step] = typed_run(app, make_user())
    token = csrf_token(coordinator.get(f"/coordinator/replies/{step}").text)
    other = app.test_client()
    Auth(other).login(make_user(Role.COORDINATOR, name="Otto Other"))
    post(other, f"/coordinator/replies/{step}", f"/coordinator/replies/{step}", **criteria_fields(app, 0))
    late = coordinator.post(
        f"/coordinator/replies/{step}", data={"csrf_token": token, **criteria_fields(app, 2)}
    )
    assert late.status_code == 302
    page = coordinator.get(late.location)
    assert "Already scored by Otto Other" in page.text
    with app.app_context():
        assert db.session.scalar(select(ReplyScore.scores).where(ReplyScore.step_id == step)) == {
            c.id: 0 for c in rubric(app).criteria
        }


def test_two_coordinators_saving_at_once_record_one_score(app, make_user):
    [step] = typed_run(app, make_user())
    clients = []
    for n in range(4):
        client = app.test_client()
        Auth(client).login(make_user(Role.COORDINATOR, name=f"Racer {n}"))
        clients.append((client, csrf_token(client.get(f"/coordinator/replies/{step}").text)))
    turn = iter(range(len(clients)))

    def save():
        client, token = clients[next(turn)]
        return client.post(
            f"/coordinator/replies/{step}", data={"csrf_token": token, **criteria_fields(app)}
        ).status_code

    codes = race(save, threads=len(clients))
    assert codes == [302] * len(clients)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ReplyScore)) == 1
        audited = select(func.count()).where(AuditEntry.action == "practice.reply_scored")
        assert db.session.scalar(audited) == 1


@pytest.mark.parametrize("path", ["/coordinator/replies", "/coordinator/replies/{step}"])
def test_only_staff_see_the_queue_and_score(app, client, make_user, path):
    email = make_user()
    [step] = typed_run(app, email)
    url = path.format(step=step)
    assert client.get(url).status_code == 302  # to the login page
    Auth(client).login(email)
    assert client.get(url).status_code == 403
    if "{step}" in path:  # a trainee's own valid form token does not get them in either
        token = csrf_token(client.get("/auth/password").text)
        assert client.post(url, data={"csrf_token": token, **criteria_fields(app)}).status_code == 403
    lead = app.test_client()
    Auth(lead).login(make_user(Role.SAFEGUARDING_LEAD))
    assert lead.get(url).status_code == 200


def test_a_practice_reply_is_not_offered_for_scoring(app, coordinator, make_user):
    email = make_user()
    [practice] = typed_run(app, email, replies=("first pass",), at=utcnow() - timedelta(days=3))
    typed_run(app, email, replies=("second pass",))
    assert coordinator.get(f"/coordinator/replies/{practice}").status_code == 404
    assert coordinator.get("/coordinator/replies/999999").status_code == 404


def observed(app):
    program = app.extensions["course"].program
    required = next(r for r in program.requirements if r.rubric)
    return required, program.rubric_by_id[required.rubric]


def observation_fields(app, scores, **fields):
    required, observed_rubric = observed(app)
    prefix = f"observe-{required.id}-"
    values = {
        f"{prefix}criterion-{c.id}": str(s) for c, s in zip(observed_rubric.criteria, scores, strict=True)
    }
    defaults = {
        "date": (utcnow() - timedelta(days=1)).date().isoformat(),
        "observer": "J. Smith, coordinator",
    }
    return values | {prefix + key: value for key, value in (defaults | fields).items()}


def test_observed_practice_is_recorded_with_scores_and_its_pass_is_computed(app, coordinator, make_user):
    email = make_user(name="Obi Observed")
    uid = user_id(app, email)
    required, observed_rubric = observed(app)
    page_url = f"/coordinator/mentors/{uid}"
    action = f"/coordinator/mentors/{uid}/observations/{required.id}"
    page = coordinator.get(page_url)
    assert elements(page.text, "form", action=f"{action}#record-{required.id}")
    low = [0] * len(observed_rubric.criteria)
    assert post(coordinator, page_url, action, **observation_fields(app, low)).status_code == 302
    high = [2] * len(observed_rubric.criteria)
    assert (
        post(coordinator, page_url, action, **observation_fields(app, high, note="In a group")).status_code
        == 302
    )
    page = coordinator.get(page_url)
    results = elements(page.text, "p", class_="observation-result")
    assert [(r["data-total"], r["data-passed"]) for r in results] == [
        (str(observed_rubric.maximum), "yes"),
        ("0", "no"),
    ]
    assert (
        f"not passed (needs {required.pass_total})" in page.text
        and "observed by J. Smith, coordinator" in page.text
    )
    with app.app_context():
        records = db.session.scalars(select(RequirementRecord).where(RequirementRecord.user_id == uid)).all()
        assert [r.observer for r in records] == ["J. Smith, coordinator"] * 2
        assert records[1].scores == {c.id: 2 for c in observed_rubric.criteria}
        entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "practice.observed")).all()
        assert [e.details["passed"] for e in entries] == [False, True]


def test_an_observation_form_with_errors_comes_back_on_the_mentor_page(app, coordinator, make_user):
    uid = user_id(app, make_user())
    required, observed_rubric = observed(app)
    fields = observation_fields(app, [1] * len(observed_rubric.criteria), observer="", note="kept note")
    del fields[f"observe-{required.id}-criterion-{observed_rubric.criteria[0].id}"]
    page = post(
        coordinator,
        f"/coordinator/mentors/{uid}",
        f"/coordinator/mentors/{uid}/observations/{required.id}",
        **fields,
    )
    assert page.status_code == 422
    assert "Enter who observed the practice." in page.text and "kept note" in page.text
    assert f"Choose a score for “{observed_rubric.criteria[0].title}”" in page.text
    future = observation_fields(
        app, [1] * len(observed_rubric.criteria), date=(utcnow() + timedelta(days=2)).date().isoformat()
    )
    page = post(
        coordinator,
        f"/coordinator/mentors/{uid}",
        f"/coordinator/mentors/{uid}/observations/{required.id}",
        **future,
    )
    assert page.status_code == 422 and "The date cannot be in the future." in page.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RequirementRecord)) == 0


def test_an_observation_can_be_voided(app, coordinator, make_user):
    uid = user_id(app, make_user())
    required, observed_rubric = observed(app)
    page_url = f"/coordinator/mentors/{uid}"
    post(
        coordinator,
        page_url,
        f"{page_url}/observations/{required.id}",
        **observation_fields(app, [2] * len(observed_rubric.criteria)),
    )
    with app.app_context():
        record_id = db.session.scalar(select(RequirementRecord.id))
    voided = post(
        coordinator,
        page_url,
        f"{page_url}/records/{record_id}/void",
        **{f"void-record-{record_id}-reason": "Wrong trainee"},
    )
    assert voided.status_code == 302
    page = coordinator.get(page_url)
    assert elements(page.text, "li", **{"data-record": str(record_id), "data-record-state": "replaced"})


def queued(app, email: str) -> list[tuple[int, str]]:
    """The trainee's replies in the coordinators' queue: (step id, the words typed)."""
    with app.app_context():
        return db.session.execute(
            select(ScenarioStep.id, ScenarioStep.reply)
            .join(ReplyAwaitingReview, ReplyAwaitingReview.step_id == ScenarioStep.id)
            .where(ReplyAwaitingReview.user_id == user_id(app, email))
            .order_by(ScenarioStep.id)
        ).all()


def test_the_queue_follows_the_role_play_played_through_the_pages(app, client, trainee, coordinator):
    """A pass queues its typed replies, a later pass replaces the earlier one's unscored replies,
    a score takes a reply out; the queue page and the list filter agree at every step."""
    scenario = app.extensions["course"].scenario_by_id[SCENARIO]
    path = best_path(graph_of(scenario), scenario.start)
    assert play(client, scenario, path, reply="It sounds like a lonely week.") == ("100", "true")
    first = queued(app, trainee)
    assert first and {reply for _, reply in first} == {"It sounds like a lonely week."}
    listed = {
        int(r["data-mentor"])
        for r in elements(coordinator.get("/coordinator/?status=replies_to_review").text, "tr")
        if "data-mentor" in r
    }
    assert listed == {user_id(app, trainee)}

    assert play(client, scenario, path, reply="You expected more from the first week.") == ("100", "true")
    second = queued(app, trainee)
    assert second and not {step for step, _ in first} & {step for step, _ in second}
    assert [i["data-step"] for i in queue_items(coordinator.get("/coordinator/replies").text)] == [
        str(step) for step, _ in second
    ]
    for step, _ in second:
        post(
            coordinator,
            f"/coordinator/replies/{step}",
            f"/coordinator/replies/{step}",
            **criteria_fields(app),
        )
    assert queued(app, trainee) == [] and not queue_items(coordinator.get("/coordinator/replies").text)
    after = elements(coordinator.get("/coordinator/?status=replies_to_review").text, "tr")
    assert not [r for r in after if "data-mentor" in r]


def test_a_deactivated_trainee_leaves_the_queue_and_comes_back_when_reactivated(
    app, admin, coordinator, make_user
):
    email = make_user(name="Dee Parted")
    steps = typed_run(app, email, replies=("one", "two"))
    page = f"/admin/users/{user_id(app, email)}"
    post(admin, page, f"{page}/deactivate", reason="Left the programme.")
    assert queued(app, email) == [] and not queue_items(coordinator.get("/coordinator/replies").text)
    post(admin, page, f"{page}/reactivate", reason="Came back.")
    assert [step for step, _ in queued(app, email)] == steps
    post(admin, page, f"{page}/role", role="coordinator")
    assert queued(app, email) == []  # staff have no replies to review


def test_only_required_role_plays_queue_and_refresh_all_rebuilds_the_queue(app, runner, make_user):
    course = app.extensions["course"]
    required = {s.scenario_id for s in course.program.scenarios}
    optional = next(
        s.id
        for s in course.scenarios
        if s.id not in required and any(n.reply_prompt for n in s.nodes.values())
    )
    email = make_user()
    typed_run(app, email, optional, replies=("Practice words",))
    assert queued(app, email) == []  # a role-play the program does not require: nobody reviews it
    steps = typed_run(app, email, replies=("Counted words",))
    with app.app_context():
        db.session.execute(ReplyAwaitingReview.__table__.delete())  # as if the program had changed
        db.session.commit()
    result = runner.invoke(args=["certification", "refresh", "--all"])
    assert result.exit_code == 0, result.output
    assert [step for step, _ in queued(app, email)] == steps

"""Playing role-plays through the real pages: choices, feedback, typed replies, resume, no re-choosing."""

from __future__ import annotations

import textwrap

import pytest
from sqlalchemy import select

from app import create_app
from app.course.graph import graph_of
from app.extensions import db
from app.models import ScenarioRun, ScenarioStep

from ..conftest import Auth, empty_database
from ..helpers import VALID_BODY, VALID_FRONT_MATTER, write_module
from ..html import csrf_token, elements
from ..unit.test_scenarios import SCENARIO

URL = "/scenarios/sample-talk"


@pytest.fixture
def app(database_url, tmp_path):
    """An app serving a one-module course with the sample role-play."""
    write_module(tmp_path, "sample", VALID_FRONT_MATTER + VALID_BODY)
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "sample-talk.yaml").write_text(textwrap.dedent(SCENARIO))
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "test",
            "CONTENT_DIR": tmp_path,
            "QUIZZES_DIR": tmp_path / "quizzes",
        }
    )
    with app.app_context():
        empty_database()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def state(page: str) -> dict[str, str]:
    return {name: elements(page, "input", name=name)[0]["value"] for name in ("node", "position")}


def say(client, choice: str | None = None, reply: str | None = None):
    page = client.get(URL).text
    data = {"csrf_token": csrf_token(page), **state(page)}
    if choice is not None:
        data["choice"] = choice
    if reply is not None:
        data["reply"] = reply
    return client.post(URL, data=data)


def run_rows(app):
    with app.app_context():
        return [
            (r.current_node, r.points, r.score, r.passed, r.finished_at is not None)
            for r in db.session.scalars(select(ScenarioRun).order_by(ScenarioRun.id))
        ]


def test_the_player_shows_the_mentee_and_shuffled_radio_choices(app, client, trainee, make_user):
    page = client.get(URL).text
    assert "It's fine, I guess." in elements(page, "section", class_="mentee-turn")[0].text
    radios = elements(page, "input", name="choice")
    assert {r["value"] for r in radios} == {"reflect", "ask", "fix"} and all(
        r["type"] == "radio" for r in radios
    )
    assert all(elements(page, "label", for_=f"choice-{r['value']}") for r in radios)
    assert "A complex reflection." not in page  # no feedback before choosing
    assert [r["value"] for r in elements(client.get(URL).text, "input", name="choice")] == [
        r["value"] for r in radios
    ]
    orders = set()
    for _ in range(8):
        other = app.test_client()
        Auth(other).login(make_user())
        orders.add(tuple(r["value"] for r in elements(other.get(URL).text, "input", name="choice")))
    assert len(orders) > 1  # shuffled per trainee, stable on reload


def test_a_choice_gets_its_feedback_then_the_mentees_reply_and_next_choices(app, client, trainee):
    response = say(client, "reflect")
    assert response.status_code == 302 and response.headers["Location"] == URL + "#turn-2"
    page = client.get(URL).text
    heading = elements(page, "h2", id="turn-2")[0]
    assert heading["tabindex"] == "-1" and "Turn 2" in heading.text
    feedback = elements(page, "div", class_="turn-feedback")[0]
    assert "A complex reflection." in feedback.text and "Fine, but not sure?" in feedback.text
    assert "The strongest response here" in feedback.text
    assert "Sam talks." in elements(page, "section", class_="mentee-turn")[0].text
    assert {r["value"] for r in elements(page, "input", name="choice")} == {"stay", "switch"}
    assert run_rows(app) == [("opens", 3, None, None, False)]


def test_the_best_path_scores_100_and_passes_with_a_full_transcript_and_miti_summary(app, client, trainee):
    say(client, "reflect")
    say(client, "stay")
    say(client, reply="It sounds like you feel on your own here.")
    finished = say(client, "affirm")
    assert finished.status_code == 302 and "/runs/" in finished.headers["Location"]
    end = client.get(finished.headers["Location"]).text
    summary = [e for e in elements(end, "div") if "data-score" in e][0]
    assert (summary["data-score"], summary["data-passed"]) == ("100", "true")
    assert "Sam opens up" in end and "Well done." in end  # the ending and its debrief
    transcript = elements(end, "ol", class_="transcript")[0].text
    for line in (
        "It's fine, I guess.",
        "Fine, but not sure?",
        "Lonely.",
        "You came anyway.",
        "It sounds like you feel on your own here.",
    ):
        assert line in transcript
    rq = elements(end, "tr", data_indicator="reflection-to-question")[0]
    assert rq["data-level"] == "good" and "2 : 1" in rq.text  # CR, SR+Q: 2 reflections, 1 question
    assert (
        elements(end, "tr", data_indicator="complex-reflections")[0]["data-level"] == "good"
    )  # CR of CR+SR: 50%
    assert "not a clinical MITI rating" in end
    assert run_rows(app) == [("good-end", 9, 100, True, True)]
    with app.app_context():
        assert db.session.scalar(select(ScenarioRun.content_version)) == app.extensions["course"].version


def test_the_worst_path_fails(app, client, trainee):
    say(client, "fix")
    finished = say(client, "push")
    end = client.get(finished.headers["Location"]).text
    summary = [e for e in elements(end, "div") if "data-score" in e][0]
    assert (summary["data-score"], summary["data-passed"]) == ("0", "false")
    assert "Sam leaves" in end


def test_a_typed_reply_comes_before_the_choices_and_is_kept_with_the_run(app, client, trainee):
    say(client, "reflect")
    say(client, "stay")
    page = client.get(URL).text
    assert elements(page, "textarea", name="reply") and not elements(page, "input", name="choice")
    assert say(client, "affirm").headers["Location"] == URL  # choosing before typing is not possible
    empty = say(client, reply="   ")
    assert empty.status_code == 422 and "Type what you would say first." in empty.text
    say(client, reply="You kept coming even when it was hard.")
    page = client.get(URL).text
    assert "You kept coming even when it was hard." in page and elements(page, "input", name="choice")
    say(client, "plan")
    with app.app_context():
        steps = db.session.scalars(select(ScenarioStep).order_by(ScenarioStep.position)).all()
        assert [(s.node_id, s.choice_id, s.reply) for s in steps] == [
            ("arrive", "reflect", None),
            ("opens", "stay", None),
            ("deeper", "plan", "You kept coming even when it was hard."),
        ]


def test_a_trainee_can_leave_and_resume_where_they_were(app, client, trainee):
    say(client, "ask")
    Auth(client).logout()
    Auth(client).login(trainee)
    page = client.get(URL).text
    assert state(page) == {"node": "guarded", "position": "1"}
    assert "A question." in page  # the feedback on the last choice is still there


def test_going_back_does_not_allow_re_choosing(app, client, trainee):
    first_page = client.get(URL).text
    stale = {"csrf_token": csrf_token(first_page), **state(first_page)}
    client.post(URL, data=stale | {"choice": "fix"})
    replay = client.post(URL, data=stale | {"choice": "reflect"})  # the back button, then a better choice
    assert replay.status_code == 302
    assert "already answered" in client.get(URL).text
    assert run_rows(app) == [("shuts", 0, None, None, False)]


def test_a_missing_or_forged_choice_is_refused_with_a_message(app, client, trainee):
    assert say(client).status_code == 422
    forged = say(client, "not-a-choice")
    assert forged.status_code == 422 and "Choose one of the responses." in forged.text
    assert run_rows(app) == []


def test_replays_are_allowed_every_run_is_kept_and_the_best_counts(app, client, trainee):
    say(client, "fix")
    say(client, "push")
    for choice in ("reflect", "stay"):
        say(client, choice)
    say(client, reply="Noted.")
    say(client, "affirm")
    assert [row[2] for row in run_rows(app)] == [0, 100]
    page = client.get("/modules/sample").text
    item = elements(page, "li", data_scenario="sample-talk")[0]
    assert item["data-best-score"] == "100" and "Passed, best 100%" in item.text
    dashboard = client.get("/").text
    assert elements(dashboard, "p", data_scenarios_passed="1")


def test_another_trainee_cannot_open_my_run(app, client, trainee, make_user):
    say(client, "fix")
    finished = say(client, "push").headers["Location"]
    stranger = app.test_client()
    Auth(stranger).login(make_user())
    assert stranger.get(finished).status_code == 404
    assert client.get(finished).status_code == 200


def test_the_graph_command_writes_an_svg(app, runner, tmp_path):
    target = tmp_path / "graph.svg"
    result = runner.invoke(args=["scenario", "graph", "sample-talk", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "8 nodes, 3 endings, 2-4 decisions, points 0-9" in result.output
    svg = target.read_text()
    assert svg.startswith("<svg") and "END: Sam opens up" in svg and "START: arrive" in svg
    scenario = app.extensions["course"].scenario_by_id["sample-talk"]
    for edges in graph_of(scenario).values():
        for edge in edges:
            assert f"{edge.choice_id} +{edge.points}" in svg
    assert "no scenario 'nope'" in runner.invoke(args=["scenario", "graph", "nope"]).output

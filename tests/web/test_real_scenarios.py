"""Every role-play of the tests' course played through the web: the best path passes with 100%, the worst fails."""

from __future__ import annotations

from dataclasses import replace
from types import MappingProxyType

import pytest
from sqlalchemy import select

from app.course import load_course
from app.course.graph import best_path, graph_of, worst_path
from app.extensions import db
from app.models import ScenarioRun

from ..helpers import FIXTURE_CONTENT, FIXTURE_QUIZZES
from ..html import csrf_token, elements

# The course the app runs on in tests (tests/fixtures/course); every one of its role-plays.
COURSE = load_course(FIXTURE_CONTENT, FIXTURE_QUIZZES)
SCENARIOS = [pytest.param(s, id=s.id) for s in COURSE.scenarios]


def play(client, scenario, path, reply: str = "I hear how much this matters to you.") -> tuple[str, str]:
    url = f"/scenarios/{scenario.id}"
    location = url
    for edge in path:
        page = client.get(url).text
        node = elements(page, "input", name="node")[0]["value"]
        position = elements(page, "input", name="position")[0]["value"]
        if elements(page, "textarea", name="reply"):
            client.post(
                url,
                data={
                    "csrf_token": csrf_token(page),
                    "node": node,
                    "position": position,
                    "reply": reply,
                },
            )
            page = client.get(url).text
        assert edge.choice_id in {e["value"] for e in elements(page, "input", name="choice")}
        location = client.post(
            url,
            data={
                "csrf_token": csrf_token(page),
                "node": node,
                "position": position,
                "choice": edge.choice_id,
            },
        ).headers["Location"]
    end = client.get(location).text
    summary = [e for e in elements(end, "div") if "data-score" in e][0]
    return summary["data-score"], summary["data-passed"]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_best_path_passes_and_worst_path_fails_through_the_pages(client, trainee, scenario):
    graph = graph_of(scenario)
    assert play(client, scenario, best_path(graph, scenario.start)) == ("100", "true")
    score, passed = play(client, scenario, worst_path(graph, scenario.start))
    assert passed == "false" and int(score) < scenario.pass_score


def play_by_length(client, scenario, pick) -> tuple[str, str]:
    """Play as a test-wise trainee who never reads the course: at every turn take the reply
    whose text on the page is the longest (``pick=max``) or the shortest (``pick=min``)."""
    url = f"/scenarios/{scenario.id}"
    location = url
    while location.partition("#")[0] == url:  # a turn redirects to #turn-N on the same page
        page = client.get(url).text
        fields = {
            "csrf_token": csrf_token(page),
            "node": elements(page, "input", name="node")[0]["value"],
            "position": elements(page, "input", name="position")[0]["value"],
        }
        if elements(page, "textarea", name="reply"):
            client.post(url, data=fields | {"reply": "Tell me more about that."})
            page = client.get(url).text
        labels = {
            e["for"].removeprefix("choice-"): " ".join(e.text.split())
            for e in elements(page, "label")
            if e.get("for", "").startswith("choice-")
        }
        choice = pick(labels, key=lambda choice_id: len(labels[choice_id]))
        location = client.post(url, data=fields | {"choice": choice}).headers["Location"]
    end = client.get(location).text
    summary = [e for e in elements(end, "div") if "data-score" in e][0]
    return summary["data-score"], summary["data-passed"]


REQUIRED = [s for s in SCENARIOS if s.values[0].id in {p.scenario_id for p in COURSE.program.scenarios}]


@pytest.mark.parametrize("scenario", REQUIRED)
def test_always_the_longest_or_the_shortest_reply_fails_every_required_role_play(client, trainee, scenario):
    assert len(REQUIRED) == len(COURSE.program.scenarios)
    for pick in (max, min):
        score, passed = play_by_length(client, scenario, pick)
        assert passed == "false" and int(score) < scenario.pass_score, (pick.__name__, score)
    assert play(client, scenario, best_path(graph_of(scenario), scenario.start)) == ("100", "true")


def with_critical_choice(app, scenario, node_id: str, choice_id: str):
    """The app's course with one choice of ``scenario`` marked critical."""
    course = app.extensions["course"]
    node = scenario.nodes[node_id]
    choices = tuple(replace(c, critical=True) if c.id == choice_id else c for c in node.choices)
    nodes = dict(scenario.nodes) | {node_id: replace(node, choices=choices)}
    changed = replace(scenario, nodes=MappingProxyType(nodes))
    scenarios = tuple(changed if s.id == scenario.id else s for s in course.scenarios)
    app.extensions["course"] = replace(course, scenarios=scenarios)
    return changed


def test_a_critical_choice_fails_a_run_that_otherwise_scores_100(app, client, trainee, coordinator):
    scenario = COURSE.scenario_by_id["keep-it-between-us"]
    path = best_path(graph_of(scenario), scenario.start)
    node_id = scenario.start
    for edge in path[:-1]:
        node_id = edge.to
    with_critical_choice(app, scenario, node_id, path[-1].choice_id)
    assert play(client, scenario, path) == ("100", "false")
    with app.app_context():
        run = db.session.scalars(select(ScenarioRun)).one()
        assert (run.score, run.passed) == (100, False)
    page = client.get(f"/scenarios/{scenario.id}/runs/{run.id}").text
    assert elements(page, "div", data_critical_choice="")
    assert len(elements(page, "li", data_critical="")) == 1
    overview = client.get(f"/modules/{scenario.module_id}").text
    assert "Passed" not in elements(overview, "li", data_scenario=scenario.id)[0].text
    transcript = coordinator.get(f"/coordinator/mentors/{run.user_id}").text
    assert "Critical choice: the run cannot pass" in transcript

"""Every shipped role-play played through the web: the best path passes with 100%, the worst fails."""

from __future__ import annotations

import pytest

from app.learning.scenario_engine import best_path, graph_of, worst_path

from ..html import csrf_token, elements
from ..unit.test_real_scenarios import COURSE, SCENARIOS


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
    while location == url:
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

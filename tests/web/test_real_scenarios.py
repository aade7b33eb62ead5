"""Every shipped role-play played through the web: the best path passes with 100%, the worst fails."""

from __future__ import annotations

import pytest

from app.learning.scenario_engine import best_path, graph_of, worst_path

from ..html import csrf_token, elements
from ..unit.test_real_scenarios import SCENARIOS


def play(client, scenario, path) -> tuple[str, str]:
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
                    "reply": "I hear how much this matters to you.",
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

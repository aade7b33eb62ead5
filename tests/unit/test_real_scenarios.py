"""The shipped role-plays meet the course's bar: shape, endings, scoring and (for MI) coding."""

from __future__ import annotations

import re

import pytest

from app.config import PROJECT_ROOT
from app.course import load_course
from app.course.graph import best_path, graph_of, path_facts, simple_paths, worst_path
from app.learning.scenario_engine import miti_summary, run_score

COURSE = load_course(PROJECT_ROOT / "content", PROJECT_ROOT / "quizzes")
SCENARIOS = [pytest.param(s, id=s.id) for s in COURSE.scenarios]


def test_every_module_has_at_least_two_scenarios():
    counts = {module.id: len(COURSE.scenarios_for_module[module.id]) for module in COURSE.modules}
    assert all(count >= 2 for count in counts.values()), counts


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_path_has_three_decisions_and_there_are_three_endings(scenario):
    facts = path_facts(graph_of(scenario), scenario.start)
    assert facts.shortest >= 3
    assert len(facts.endings) >= 3
    assert all(2 <= len(node.choices) <= 4 for node in scenario.nodes.values() if not node.ending)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_best_path_passes_with_100_and_the_worst_fails(scenario):
    graph = graph_of(scenario)
    best = sum(e.points for e in best_path(graph, scenario.start))
    worst = sum(e.points for e in worst_path(graph, scenario.start))
    assert run_score(scenario, best) == 100
    assert run_score(scenario, worst) < scenario.pass_score


@pytest.mark.parametrize(
    "scenario", [s for s in SCENARIOS if s.values[0].module_id == "motivational-interviewing"]
)
def test_motivational_interviewing_choices_are_all_coded_and_the_best_path_models_good_practice(scenario):
    assert all(choice.codes for node in scenario.nodes.values() for choice in node.choices)
    choices, node = [], scenario.start
    for edge in best_path(graph_of(scenario), scenario.start):
        choices.append(scenario.nodes[node].choice_by_id[edge.choice_id])
        node = edge.to
    summary = miti_summary(choice.codes for choice in choices)
    assert summary.rq_level == "good" and summary.complex_level in ("fair", "good")
    assert summary.mi_non_adherent == 0


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_only_the_best_choice_at_every_turn_reaches_100(scenario):
    """A detour after a weak choice must not earn its way back to a perfect score."""
    graph = graph_of(scenario)
    top = {node: max((edge.points for edge in edges), default=0) for node, edges in graph.items()}
    for path in simple_paths(graph, scenario.start):
        if sum(edge.points for edge in path) == scenario.best_score:
            node = scenario.start
            for edge in path:
                assert edge.points == top[node], [e.choice_id for e in path]
                node = edge.to


def test_most_required_role_plays_have_a_mentee_under_18():
    """Mentors in these programmes meet young people of about 12 to 24; practice should too."""
    ages = {}
    for required in COURSE.program.scenarios:
        persona = COURSE.scenario_by_id[required.scenario_id].persona
        ages[required.scenario_id] = int(re.match(r"[^,]+, (\d+),", persona).group(1))
    assert all(12 <= age <= 24 for age in ages.values()), ages
    assert sum(age < 18 for age in ages.values()) * 2 > len(ages), ages

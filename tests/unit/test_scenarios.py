"""Role-play scenarios: the graph engine, MITI arithmetic, and each kind of broken file."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from app.course import ContentError, load_course
from app.course.graph import (
    Edge,
    best_path,
    graph_of,
    path_facts,
    shortest_path,
    simple_paths,
    without_way_out,
    worst_path,
)
from app.learning.scenario_engine import miti_summary, run_score

from ..helpers import VALID_BODY, VALID_FRONT_MATTER, write_module

SCENARIO = """\
id: sample-talk
title: A sample talk
module: sample
persona: 'Sam, 18, first-year student.'
context: Your second meeting.
pass_score: 70
start: arrive
nodes:
  arrive:
    say: '"It''s fine, I guess."'
    choices:
      - id: reflect
        text: '"Fine, but not sure?"'
        to: opens
        points: 3
        code: CR
        feedback: A complex reflection.
      - id: ask
        text: '"What is fine?"'
        to: guarded
        points: 1
        code: Q
        feedback: A question.
      - id: fix
        text: '"You should join a club."'
        to: shuts
        points: 0
        code: PERSUADE
        feedback: Advice too early.
  opens:
    say: Sam talks.
    choices:
      - id: stay
        text: '"Lonely."'
        to: deeper
        points: 3
        code: [SR, Q]
        feedback: Good.
      - id: switch
        text: '"Anyway."'
        to: guarded
        points: 0
        code: Q
        feedback: Changes topic.
  guarded:
    say: Sam shrugs.
    choices:
      - id: recover
        text: '"Sounds hard."'
        to: deeper
        points: 2
        code: SR
        feedback: Recovers.
      - id: lecture
        text: '"Everyone struggles."'
        to: shuts
        points: 0
        code: CONFRONT
        feedback: Dismissive.
  deeper:
    say: Sam opens up.
    reply_prompt: What would you say?
    choices:
      - id: affirm
        text: '"You came anyway."'
        to: good-end
        points: 3
        code: AF
        feedback: Affirming.
      - id: plan
        text: '"Make a plan."'
        to: mixed-end
        points: 1
        code: PERSUADE
        feedback: Too soon.
  shuts:
    say: Sam goes quiet.
    choices:
      - id: repair
        text: '"I rushed that."'
        to: mixed-end
        points: 2
        code: SEEK
        feedback: Repair.
      - id: push
        text: '"Just try."'
        to: bad-end
        points: 0
        code: PERSUADE
        feedback: Pushes.
  good-end:
    ending: true
    title: Sam opens up
    outcome: good
    say: Sam smiles.
    debrief: Well done.
  mixed-end:
    ending: true
    title: Half way
    outcome: mixed
    say: Sam nods.
    debrief: Partly.
  bad-end:
    ending: true
    title: Sam leaves
    outcome: poor
    say: Sam leaves.
    debrief: Not this time.
"""


def setup(tmp_path: Path, text: str = SCENARIO) -> tuple[Path, Path]:
    write_module(tmp_path, "sample", VALID_FRONT_MATTER + VALID_BODY)
    folder = tmp_path / "scenarios"
    folder.mkdir(exist_ok=True)
    path = folder / "sample-talk.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return tmp_path, path


def load(tmp_path: Path):
    return load_course(tmp_path, tmp_path / "quizzes")


def test_the_best_reachable_score_and_path_lengths_are_computed(tmp_path):
    scenario = load(setup(tmp_path)[0]).scenario_by_id["sample-talk"]
    assert scenario.best_score == 9  # reflect 3 + stay 3 + affirm 3
    facts = path_facts(graph_of(scenario), scenario.start)
    assert (facts.best, facts.worst, facts.shortest, facts.longest) == (9, 0, 2, 4)
    assert facts.endings == {"good-end", "mixed-end", "bad-end"}
    assert scenario.nodes["deeper"].reply_prompt == "What would you say?"
    assert scenario.nodes["opens"].choice_by_id["stay"].codes == ("SR", "Q")
    assert scenario.coded


def test_best_worst_and_shortest_paths_are_found(tmp_path):
    scenario = load(setup(tmp_path)[0]).scenario_by_id["sample-talk"]
    graph = graph_of(scenario)
    assert [e.choice_id for e in best_path(graph, scenario.start)] == ["reflect", "stay", "affirm"]
    assert [e.choice_id for e in worst_path(graph, scenario.start)] == ["fix", "push"]
    assert [e.choice_id for e in shortest_path(graph, scenario.start)] in (["fix", "push"], ["fix", "repair"])
    assert (
        len(simple_paths(graph, scenario.start)) == 12
    )  # 6 through opens, 4 through guarded, 2 through shuts


def test_run_scores_are_a_rounded_down_share_of_the_best():
    class Nine:
        best_score = 9

    assert [run_score(Nine, p) for p in (9, 8, 6, 0, 12)] == [100, 88, 66, 0, 100]


def test_loops_are_allowed_when_they_have_a_way_out_and_never_inflate_the_best():
    graph = {
        "a": [Edge("go", "b", 1), Edge("end", "z", 0)],
        "b": [Edge("back", "a", 5), Edge("finish", "z", 2)],
        "z": [],
    }
    facts = path_facts(graph, "a")
    assert (facts.best, facts.worst, facts.shortest, facts.longest) == (3, 0, 1, 2)
    assert without_way_out(graph) == set()


def test_a_loop_without_a_way_out_is_found():
    graph = {
        "a": [Edge("x", "b", 1), Edge("y", "z", 0)],
        "b": [Edge("x", "c", 1)],
        "c": [Edge("x", "b", 1)],
        "z": [],
    }
    assert without_way_out(graph) == {"b", "c"}


def test_miti_arithmetic_matches_a_hand_count():
    # 3 complex + 1 simple reflection, 2 questions (one inside [SR, Q]), 1 affirm, 1 persuade
    summary = miti_summary([("CR",), ("CR",), ("CR",), ("SR", "Q"), ("Q",), ("AF",), ("PERSUADE",), ("GI",)])
    assert (summary.reflections, summary.questions) == (4, 2)
    assert summary.reflection_to_question == pytest.approx(2.0)
    assert summary.percent_complex == pytest.approx(75.0)
    assert (summary.mi_adherent, summary.mi_non_adherent) == (1, 1)
    assert (summary.rq_level, summary.complex_level) == ("good", "good")


@pytest.mark.parametrize(
    ("codes", "rq", "complex_"),
    [
        ([("SR",), ("Q",)], "fair", "below"),  # 1:1, 0% complex
        ([("SR",), ("Q",), ("Q",)], "below", "below"),  # 1:2
        ([("CR",), ("SR",), ("CR",), ("SR",), ("Q",), ("Q",), ("Q",)], "fair", "good"),  # 4:3, 50%
        ([("CR",), ("SR",), ("SR",), ("Q",)], "good", "below"),  # 3:1, 33%
        ([("CR",), ("SR",), ("SR",), ("SR",), ("CR",)], "good", "fair"),  # no questions; 40%
        ([("AF",)], "below", "below"),  # no reflections at all
    ],
)
def test_miti_levels_against_the_fair_and_good_thresholds(codes, rq, complex_):
    summary = miti_summary(codes)
    assert (summary.rq_level, summary.complex_level) == (rq, complex_)


BROKEN = [
    pytest.param(
        SCENARIO.replace("to: opens\n", "to: nowhere\n"),
        14,
        "goes to node 'nowhere', which does not exist",
        id="unknown-target",
    ),
    pytest.param(
        SCENARIO.replace("start: arrive", "start: begin"),
        7,
        "start node 'begin' does not exist",
        id="unknown-start",
    ),
    pytest.param(
        SCENARIO
        + "  orphan:\n    ending: true\n    title: T\n    outcome: poor\n    say: S\n    debrief: D\n",
        109,
        "node 'orphan' cannot be reached",
        id="unreachable",
    ),
    pytest.param(
        SCENARIO.replace(
            "        to: mixed-end\n        points: 2", "        to: shuts\n        points: 2"
        ).replace("        to: bad-end\n", "        to: shuts\n"),
        76,
        "from node 'shuts' no ending can be reached",
        id="loop-without-exit",
    ),
    pytest.param(
        SCENARIO.replace(
            "    choices:\n      - id: repair", "    choices: []\n    unused:\n      - id: repair"
        ),
        78,
        "'choices' must list at least 1 item",
        id="no-choices",
    ),
    pytest.param(
        SCENARIO.replace("code: AF", "code: PRAISE"), 68, "unknown behaviour code PRAISE", id="unknown-code"
    ),
    pytest.param(
        SCENARIO.replace("points: 3\n        code: CR", "points: -1\n        code: CR"),
        15,
        "'points' must be a whole number of at least 0",
        id="negative-points",
    ),
    pytest.param(
        SCENARIO.replace("module: sample", "module: missing"),
        3,
        "module 'missing' does not exist",
        id="unknown-module",
    ),
    pytest.param(
        SCENARIO.replace("    debrief: Well done.\n", ""),
        92,
        "node 'good-end' is missing required key 'debrief'",
        id="ending-without-debrief",
    ),
    pytest.param(
        SCENARIO.replace("      - id: ask", "      - id: reflect"),
        18,
        "choice id 'reflect' is used twice",
        id="duplicate-choice",
    ),
    pytest.param(
        SCENARIO.replace("        feedback: Pushes.", "        feedbak: Pushes."),
        90,
        "unknown key 'feedbak'",
        id="typo",
    ),
    pytest.param(SCENARIO.replace("pass_score: 70", "pass_score: 170"), 6, "at most 100", id="pass-score"),
]


@pytest.mark.parametrize(("text", "line", "message"), BROKEN)
def test_broken_scenario_is_reported_with_path_and_line(tmp_path, text, line, message):
    root, path = setup(tmp_path, text)
    with pytest.raises(ContentError) as caught:
        load(root)
    problems = [str(p) for p in caught.value.problems]
    assert any(p.startswith(f"{path}:{line}: ") and message in p for p in problems), problems


def test_a_critical_choice_earns_nothing_and_stays_off_the_best_path(tmp_path):
    text = SCENARIO.replace(
        "        points: 3\n        code: AF\n",
        "        points: 3\n        code: AF\n        critical: true\n",
    )
    root, path = setup(tmp_path, text)
    with pytest.raises(ContentError) as caught:
        load(root)
    messages = [str(p) for p in caught.value.problems]
    assert any("choice 'affirm' is critical, so it earns no points" in m for m in messages), messages
    assert any("critical choice 'affirm' is on the best path" in m for m in messages), messages


def test_a_poor_ending_reached_at_a_passing_score_only_through_a_critical_choice_is_allowed(tmp_path):
    # reflect 3 + stay 3 + plan 0 = 6 of 9 = 66%, at or above a pass score of 60, into mixed-end.
    text = (
        SCENARIO.replace("pass_score: 70", "pass_score: 60")
        .replace("    title: Half way\n    outcome: mixed\n", "    title: Half way\n    outcome: poor\n")
        .replace("        to: mixed-end\n        points: 1\n", "        to: mixed-end\n        points: 0\n")
    )
    root, _ = setup(tmp_path, text)
    with pytest.raises(ContentError) as caught:
        load(root)
    assert any(
        "ending 'mixed-end' is poor, yet a path into it scores 66%" in str(p) for p in caught.value.problems
    )
    root, _ = setup(
        tmp_path,
        text.replace(
            "        code: PERSUADE\n        feedback: Too soon.",
            "        code: PERSUADE\n        critical: true\n        feedback: Too soon.",
        ),
    )
    plan = load(root).scenario_by_id["sample-talk"].nodes["deeper"].choice_by_id["plan"]
    assert plan.critical

"""Read ``content/scenarios/<id>.yaml`` role-plays into Scenario objects, or say exactly what is wrong."""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType
from typing import Any

from markdown_it import MarkdownIt

from .errors import ContentProblem, Reporter, load_each
from .graph import Edge, best_into_endings, best_path, path_facts, percent_of_best, reachable, without_way_out
from .located_yaml import LocatedDict
from .model import Choice, Node, Scenario
from .schema import (
    ID_PATTERN,
    Field,
    boolean,
    check_mapping,
    identifier,
    integer,
    list_of,
    one_of,
    read_module_file,
    text,
)

# MITI 4.2.1 behaviour codes, plus NC for a turn that holds none of them (generic praise or
# reassurance), so "coded as nothing" and "not coded yet" can be told apart.
BEHAVIOUR_CODES = ("Q", "SR", "CR", "AF", "SEEK", "AUTO", "GI", "PERSUADE", "PWP", "CONFRONT", "NC")
OUTCOMES = ("good", "mixed", "poor")


def _codes(value: Any) -> str | None:
    codes = value if isinstance(value, list) else [value]
    unknown = [str(code) for code in codes if code not in BEHAVIOUR_CODES]
    if unknown or not codes:
        return (
            f"has unknown behaviour code {', '.join(unknown) or '(none)'}: use {', '.join(BEHAVIOUR_CODES)}"
        )
    if len(set(codes)) != len(codes):
        return "repeats a behaviour code"
    if "NC" in codes and len(codes) > 1:
        return "gives NC (nothing codable) beside other codes: use one or the other"
    return None


def _nodes_mapping(value: Any) -> str | None:
    return None if isinstance(value, dict) and value else "must map node ids to nodes"


SCENARIO_FIELDS = {
    "id": Field(identifier),
    "title": Field(text),
    "module": Field(identifier),
    "persona": Field(text),
    "context": Field(text, required=False),
    "pass_score": Field(integer(1, 100)),
    "start": Field(identifier),
    "nodes": Field(_nodes_mapping),
}
STEP_FIELDS = {
    "say": Field(text),
    "reply_prompt": Field(text, required=False),
    "choices": Field(list_of(lambda _: None, min_items=1)),
}
ENDING_FIELDS = {
    "ending": Field(boolean),
    "title": Field(text),
    "say": Field(text),
    "debrief": Field(text),
    "outcome": Field(one_of(OUTCOMES)),
}
CHOICE_FIELDS = {
    "id": Field(identifier),
    "text": Field(text),
    "to": Field(identifier),
    "points": Field(integer(0)),
    "code": Field(_codes, required=False),
    "critical": Field(boolean, required=False),
    "feedback": Field(text),
}


def load_scenarios(
    md: MarkdownIt, scenarios_dir: Path, module_ids: set[str]
) -> tuple[list[Scenario], list[ContentProblem]]:
    """Every ``*.yaml`` scenario in ``scenarios_dir``; a missing folder means no scenarios yet."""
    if not scenarios_dir.is_dir():
        return [], []
    scenarios, problems = load_each(
        scenarios_dir, lambda file, report: _load_scenario(md, file, report, module_ids)
    )
    seen: dict[str, str] = {}
    for scenario in scenarios:
        if scenario.id in seen:
            message = f"scenario id '{scenario.id}' is also used by {seen[scenario.id]}"
            problems.append(ContentProblem(scenario.path, 1, message))
        seen.setdefault(scenario.id, scenario.path)
    return scenarios, problems


def _load_scenario(md: MarkdownIt, file: Path, report: Reporter, module_ids: set[str]) -> Scenario | None:
    data = read_module_file(file, SCENARIO_FIELDS, "scenario", report, module_ids)
    if data is None:
        return None
    nodes = _nodes(md, data["nodes"], report)
    if report.has_errors:
        return None
    if data["start"] not in nodes:
        report(data.line_of("start"), f"start node '{data['start']}' does not exist")
        return None
    graph = {node.id: tuple(Edge(c.id, c.to, c.points) for c in node.choices) for node in nodes.values()}
    for node_id in sorted(set(graph) - reachable(graph, data["start"])):
        report(nodes[node_id].line, f"node '{node_id}' cannot be reached from start '{data['start']}'")
    for node_id in sorted(without_way_out(graph)):
        report(nodes[node_id].line, f"from node '{node_id}' no ending can be reached: every path must end")
    if report.has_errors:
        return None
    facts = path_facts(graph, data["start"])
    if facts.best == 0:
        report(data.line_of("nodes"), "no path earns any points: give the best choices points above 0")
        return None
    _check_critical_choices(nodes, graph, data["start"], report)
    _check_poor_endings_fail(nodes, graph, data, facts.best, report)
    _check_every_choice_coded(nodes, report)
    if report.has_errors:
        return None
    return Scenario(
        id=data["id"],
        title=data["title"].strip(),
        module_id=data["module"],
        persona=data["persona"].strip(),
        context_html=md.render(data.get("context", "")),
        pass_score=data["pass_score"],
        start=data["start"],
        nodes=MappingProxyType(nodes),
        best_score=facts.best,
        path=report.path,
    )


def _check_poor_endings_fail(
    nodes: dict[str, Node], graph: dict, data: LocatedDict, best: int, report: Reporter
) -> None:
    """A role-play must be able to end badly, and a conversation that ends badly never passes."""
    poor = [node for node in nodes.values() if node.outcome == "poor"]
    if not poor:
        report(
            data.line_of("nodes"),
            "no ending has 'outcome: poor': give the role-play at least one ending that shows "
            "the conversation going badly, so a weak run can be seen to fail",
        )
    # A path through a critical choice cannot pass whatever it scores, so only the others count.
    passable = {
        node_id: tuple(edge for edge in edges if not nodes[node_id].choice_by_id[edge.choice_id].critical)
        for node_id, edges in graph.items()
    }
    for ending, points in best_into_endings(passable, data["start"]).items():
        score = percent_of_best(points, best)
        if nodes[ending].ending and nodes[ending].outcome == "poor" and score >= data["pass_score"]:
            report(
                nodes[ending].line,
                f"ending '{ending}' is poor, yet a path into it scores {score}% and reaches the pass "
                f"score of {data['pass_score']}%: lower the points on the way in, or route the "
                "stronger choices elsewhere",
            )


def _check_critical_choices(nodes: dict[str, Node], graph: dict, start: str, report: Reporter) -> None:
    """A critical choice fails the run, so it earns nothing and the best path never takes it."""
    for node in nodes.values():
        for choice in node.choices:
            if choice.critical and choice.points:
                report(
                    choice.line, f"choice '{choice.id}' is critical, so it earns no points: set 'points: 0'"
                )
    node = start
    for edge in best_path(graph, start):
        choice = nodes[node].choice_by_id[edge.choice_id]
        if choice.critical:
            report(choice.line, f"critical choice '{choice.id}' is on the best path: the best run must pass")
        node = edge.to


def _check_every_choice_coded(nodes: dict[str, Node], report: Reporter) -> None:
    """In a coded role-play an uncoded turn would silently drop out of the run's MITI summary."""
    choices = [choice for node in nodes.values() for choice in node.choices]
    if not any(choice.codes for choice in choices):
        return
    for choice in choices:
        if not choice.codes:
            report.warn(
                choice.line,
                f"choice '{choice.id}' has no behaviour code, though others in this role-play do: "
                "code every choice (NC when none applies) so a run's summary counts every turn",
            )


def _nodes(md: MarkdownIt, items: LocatedDict, report: Reporter) -> dict[str, Node]:
    nodes: dict[str, Node] = {}
    for node_id, item in items.items():
        line = items.line_of(node_id)
        if not ID_PATTERN.match(node_id):
            report(line, f"node id '{node_id}' must be lowercase letters, digits and hyphens")
            continue
        is_ending = isinstance(item, dict) and item.get("ending") is True
        fields = ENDING_FIELDS if is_ending else STEP_FIELDS
        if not check_mapping(item, fields, f"node '{node_id}'", report):
            continue
        choices = () if is_ending else _choices(md, node_id, item["choices"], items, report)
        nodes[node_id] = Node(
            id=node_id,
            say_html=md.render(item["say"]),
            choices=choices,
            reply_prompt=(item.get("reply_prompt") or "").strip() or None,
            ending=is_ending,
            title=item["title"].strip() if is_ending else None,
            debrief_html=md.render(item["debrief"]) if is_ending else "",
            outcome=item["outcome"] if is_ending else None,
            line=line,
        )
    return nodes


def _choices(
    md: MarkdownIt, node_id: str, items: list, nodes: LocatedDict, report: Reporter
) -> tuple[Choice, ...]:
    choices = []
    seen: set[str] = set()
    for item in items:
        if not check_mapping(item, CHOICE_FIELDS, f"a choice of node '{node_id}'", report):
            continue
        if item["id"] in seen:
            report(item.line_of("id"), f"choice id '{item['id']}' is used twice in node '{node_id}'")
        seen.add(item["id"])
        if item["to"] not in nodes:
            report(
                item.line_of("to"), f"choice '{item['id']}' goes to node '{item['to']}', which does not exist"
            )
        code = item.get("code", [])
        choices.append(
            Choice(
                id=item["id"],
                text_html=md.renderInline(item["text"].strip()),
                to=item["to"],
                points=item["points"],
                codes=tuple(code if isinstance(code, list) else [code]),
                feedback_html=md.render(item["feedback"]),
                line=item.line,
                critical=item.get("critical", False),
            )
        )
    return tuple(choices)

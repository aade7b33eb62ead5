"""Branching role-plays as graphs: reachability, best and worst scores, path lengths and the
best score into each ending. Pure functions; the loader uses them to validate a role-play and to
compute its best reachable score, so authors never type it.

A graph maps each node id to its choices as ``Edge(choice id, target node, points)``;
endings have none. Scores and lengths are taken over simple paths (no node twice), so an
author's loop back to an earlier point can never inflate what counts as "best".
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from .model import Scenario


@dataclass(frozen=True)
class Edge:
    choice_id: str
    to: str
    points: int


Graph = Mapping[str, Sequence[Edge]]


def graph_of(scenario: Scenario) -> dict[str, tuple[Edge, ...]]:
    return {
        node.id: tuple(Edge(c.id, c.to, c.points) for c in node.choices) for node in scenario.nodes.values()
    }


def reachable(graph: Graph, start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        node = todo.pop()
        if node in seen or node not in graph:
            continue
        seen.add(node)
        todo.extend(edge.to for edge in graph[node])
    return seen


def without_way_out(graph: Graph) -> set[str]:
    """Nodes from which no ending can be reached: dead ends and loops with no exit."""
    endings = {node for node, edges in graph.items() if not edges}
    can_finish = set(endings)
    changed = True
    while changed:
        changed = False
        for node, edges in graph.items():
            if node not in can_finish and any(edge.to in can_finish for edge in edges):
                can_finish.add(node)
                changed = True
    return set(graph) - can_finish


@dataclass(frozen=True)
class PathFacts:
    best: int  # most points on any path from start to an ending
    worst: int  # fewest points on any such path
    shortest: int  # fewest decisions to an ending
    longest: int  # most decisions to an ending
    endings: frozenset[str]  # endings some path reaches


def path_facts(graph: Graph, start: str) -> PathFacts:
    """Best and worst points and shortest and longest paths, over simple paths from ``start``.

    The graph must let every reachable node finish (see ``without_way_out``).
    """
    if _acyclic(graph, start):
        return _facts_by_dynamic_programming(graph, start)
    return _facts_by_enumeration(graph, start)


def _acyclic(graph: Graph, start: str) -> bool:
    state: dict[str, int] = {}

    def visit(node: str) -> bool:
        state[node] = 1
        for edge in graph.get(node, ()):
            if state.get(edge.to) == 1 or (edge.to not in state and not visit(edge.to)):
                return False
        state[node] = 2
        return True

    return visit(start)


def _facts_by_dynamic_programming(graph: Graph, start: str) -> PathFacts:
    @cache
    def facts(node: str) -> tuple[int, int, int, int, frozenset[str]]:
        edges = graph[node]
        if not edges:
            return 0, 0, 0, 0, frozenset({node})
        below = [(edge, facts(edge.to)) for edge in edges]
        return (
            max(e.points + f[0] for e, f in below),
            min(e.points + f[1] for e, f in below),
            1 + min(f[2] for _, f in below),
            1 + max(f[3] for _, f in below),
            frozenset().union(*(f[4] for _, f in below)),
        )

    return PathFacts(*facts(start))


def _facts_by_enumeration(graph: Graph, start: str) -> PathFacts:
    paths = [(sum(e.points for e in path), len(path), path[-1].to) for path in simple_paths(graph, start)]
    return PathFacts(
        best=max(p for p, _, _ in paths),
        worst=min(p for p, _, _ in paths),
        shortest=min(d for _, d, _ in paths),
        longest=max(d for _, d, _ in paths),
        endings=frozenset(e for _, _, e in paths),
    )


def simple_paths(graph: Graph, start: str) -> list[tuple[Edge, ...]]:
    """Every path from ``start`` to an ending that visits no node twice, as its choices."""
    paths: list[tuple[Edge, ...]] = []

    def walk(node: str, taken: tuple[Edge, ...], seen: frozenset[str]) -> None:
        if not graph[node]:
            paths.append(taken)
            return
        for edge in graph[node]:
            if edge.to not in seen:
                walk(edge.to, (*taken, edge), seen | {edge.to})

    walk(start, (), frozenset({start}))
    return paths


def best_into_endings(graph: Graph, start: str) -> dict[str, int]:
    """The most points any simple path from ``start`` collects on its way into each ending it reaches."""
    if not _acyclic(graph, start):
        best: dict[str, int] = {}
        for path in simple_paths(graph, start):
            ending, points = path[-1].to, sum(edge.points for edge in path)
            best[ending] = max(points, best.get(ending, points))
        return best

    @cache
    def best_from(node: str) -> tuple[tuple[str, int], ...]:
        if not graph[node]:
            return ((node, 0),)
        reached: dict[str, int] = {}
        for edge in graph[node]:
            for ending, points in best_from(edge.to):
                reached[ending] = max(edge.points + points, reached.get(ending, 0))
        return tuple(reached.items())

    return dict(best_from(start))


def best_path(graph: Graph, start: str) -> tuple[Edge, ...]:
    """The highest-scoring path, the shortest among equals."""
    return _extreme_path(graph, start, lambda points, length: (points, -length))


def worst_path(graph: Graph, start: str) -> tuple[Edge, ...]:
    """The lowest-scoring path, the shortest among equals."""
    return _extreme_path(graph, start, lambda points, length: (-points, -length))


def shortest_path(graph: Graph, start: str) -> tuple[Edge, ...]:
    """The path with fewest decisions, the higher-scoring among equals."""
    return _extreme_path(graph, start, lambda points, length: (-length, points))


def _extreme_path(graph: Graph, start: str, rank) -> tuple[Edge, ...]:
    """The path that maximises ``rank(points, length)``.

    Ranks are tuples of sums, so on an acyclic graph the best path from a node extends the
    best path from one of its successors: dynamic programming, instead of listing the tens
    of thousands of paths a richly merging role-play can have.
    """
    if not _acyclic(graph, start):
        return max(simple_paths(graph, start), key=lambda p: rank(sum(e.points for e in p), len(p)))

    @cache
    def best_from(node: str) -> tuple[Edge, ...]:
        options = [(edge, *best_from(edge.to)) for edge in graph[node]]
        return max(options, key=lambda p: rank(sum(e.points for e in p), len(p)), default=())

    return best_from(start)


def percent_of_best(points: int, best: int) -> int:
    return min(100, math.floor(100 * points / best + 1e-9))

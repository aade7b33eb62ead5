"""Draw a scenario's branching graph as a standalone SVG, so authors can see its shape.

Nodes are laid out in rows by their distance (in decisions) from the start; every choice
is an arrow labelled with its points. No Graphviz needed: the graphs are small and a
layered layout reads well enough.
"""

from __future__ import annotations

from collections import deque
from html import escape

from ..course.model import Scenario

BOX_W, BOX_H, GAP_X, GAP_Y, MARGIN = 190, 48, 28, 96, 24
POINT_COLOURS = {0: "#a8200d", 1: "#8a5300", 2: "#0b5c6b", 3: "#1c6b34"}


def layers(scenario: Scenario) -> list[list[str]]:
    """Node ids grouped by their shortest distance from the start, in authored order."""
    depth = {scenario.start: 0}
    queue = deque([scenario.start])
    while queue:
        node = scenario.nodes[queue.popleft()]
        for choice in node.choices:
            if choice.to not in depth:
                depth[choice.to] = depth[node.id] + 1
                queue.append(choice.to)
    rows: list[list[str]] = [[] for _ in range(max(depth.values()) + 1)]
    for node_id in scenario.nodes:
        rows[depth[node_id]].append(node_id)
    return rows


def scenario_svg(scenario: Scenario) -> str:
    rows = layers(scenario)
    widest = max(len(row) for row in rows)
    width = MARGIN * 2 + widest * BOX_W + (widest - 1) * GAP_X
    height = MARGIN * 2 + 40 + len(rows) * BOX_H + (len(rows) - 1) * GAP_Y
    position = {}
    for r, row in enumerate(rows):
        row_width = len(row) * BOX_W + (len(row) - 1) * GAP_X
        left = (width - row_width) / 2
        for i, node_id in enumerate(row):
            position[node_id] = (left + i * (BOX_W + GAP_X), MARGIN + 40 + r * (BOX_H + GAP_Y))

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="system-ui, sans-serif" font-size="12" role="img" '
        f'aria-labelledby="graph-title">',
        f'<title id="graph-title">{escape(scenario.title)}: {len(scenario.nodes)} nodes, best score {scenario.best_score}</title>',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#4a5561"/></marker></defs>',
        f'<text x="{MARGIN}" y="{MARGIN + 8}" font-size="14" font-weight="700">{escape(scenario.id)} '
        f"(best {scenario.best_score} points, pass {scenario.pass_score}%)</text>",
    ]
    parts += _arrows(scenario, position)
    parts += _boxes(scenario, position)
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _clip(text: str, limit: int = 28) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _two_lines(text: str, limit: int = 28) -> tuple[str, str]:
    """A long ending's title broken at a space into two lines, clipped only past the second."""
    if len(text) <= limit:
        return text, ""
    cut = text.rfind(" ", 0, limit + 1)
    cut = cut if cut > 0 else limit
    return text[:cut], _clip(text[cut:].strip(), limit)


def _arrows(scenario: Scenario, position: dict) -> list[str]:
    """Every choice as an arrow coloured by its points, labelled with its id."""
    parts = []
    for node in scenario.nodes.values():
        x, y = position[node.id]
        for index, choice in enumerate(node.choices):
            tx, ty = position[choice.to]
            start_x = x + BOX_W * (index + 1) / (len(node.choices) + 1)
            end_x, end_y = tx + BOX_W / 2, ty
            colour = POINT_COLOURS.get(min(choice.points, 3), "#1c6b34")
            if ty > y:
                path = f"M{start_x:.0f},{y + BOX_H} C{start_x:.0f},{y + BOX_H + GAP_Y / 2} {end_x:.0f},{ty - GAP_Y / 2} {end_x:.0f},{end_y}"
            else:  # a loop back up: go round the side
                side = max(x, tx) + BOX_W + GAP_X / 2
                path = f"M{start_x:.0f},{y + BOX_H} C{side:.0f},{y + BOX_H + 40} {side:.0f},{ty - 40} {end_x:.0f},{end_y}"
            # Beside the arrow's own start, one line lower per choice: arrows that meet at one box
            # would otherwise stack their labels into one unreadable string.
            label_x, label_y = start_x, y + BOX_H + 16 + index * 14
            parts.append(
                f"<g><title>{escape(node.id)} → {escape(choice.id)} → {escape(choice.to)} ({choice.points} points"
                f"{', ' + '+'.join(choice.codes) if choice.codes else ''})</title>"
                f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="1.6" marker-end="url(#arrow)"/>'
                f'<text x="{label_x:.0f}" y="{label_y:.0f}" fill="{colour}" text-anchor="middle" '
                f'paint-order="stroke" stroke="#fff" stroke-width="3">{escape(choice.id)} +{choice.points}</text></g>'
            )
    return parts


def _boxes(scenario: Scenario, position: dict) -> list[str]:
    """Every node as a box: the start and the endings drawn heavier."""
    parts = []
    for node in scenario.nodes.values():
        x, y = position[node.id]
        fill = "#e9f5ec" if node.ending else ("#e8f4f6" if node.id == scenario.start else "#ffffff")
        stroke_width = 3 if node.ending or node.id == scenario.start else 1.5
        if node.ending:  # the whole title over two lines; the id is in the box's tooltip
            first, second = _two_lines(f"END: {node.title}")
            second_weight = "700"
        else:
            first = _clip("START: " + node.id if node.id == scenario.start else node.id)
            second = "reply asked" if node.reply_prompt else f"{len(node.choices)} choices"
            second_weight = "400"
        parts.append(
            f"<g><title>{escape(node.id)}</title>"
            f'<rect x="{x:.0f}" y="{y:.0f}" width="{BOX_W}" height="{BOX_H}" rx="6" fill="{fill}" '
            f'stroke="#1d2329" stroke-width="{stroke_width}"/>'
            f'<text x="{x + BOX_W / 2:.0f}" y="{y + 20:.0f}" text-anchor="middle" font-weight="700">{escape(first)}</text>'
            f'<text x="{x + BOX_W / 2:.0f}" y="{y + 37:.0f}" text-anchor="middle" fill="#4a5561" '
            f'font-weight="{second_weight}">{escape(second)}</text></g>'
        )
    return parts

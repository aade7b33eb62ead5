"""The one Markdown renderer every module goes through, set up once.

markdown-it-py's ``js-default`` preset keeps raw HTML off; the plugins add what authors
use: front matter, ``{#id}`` block attributes for explicit heading ids, heading anchors,
and ``:::`` containers. All container names share one plugin instance so that a
misspelt name reaches the loader as a container it can reject, instead of silently
rendering as a paragraph of colons.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from html import escape

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.attrs import attrs_block_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

CALLOUT_LABELS = {"tip": "Tip", "example": "Example", "warning": "Warning", "try": "Try it"}
REFLECT = "reflect"
# A "Try it" box's model answer, folded until the trainee has had a go.
ANSWER = "answer"
ANSWER_SUMMARY = "Show one possibility"
CONTAINER_NAMES = (*CALLOUT_LABELS, ANSWER, REFLECT)
# Containers that only make sense inside another one.
CONTAINER_PARENTS = {ANSWER: "try"}
CONTAINER_OPEN = "container_block_open"
CONTAINER_CLOSE = "container_block_close"


def slugify(title: str) -> str:
    """Turn a heading into a URL id: ``"Don't assume"`` → ``"dont-assume"``."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    ascii_title = re.sub(r"['\u2019]", "", ascii_title)  # "don't" → "dont", not "don-t"
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")


def container_name(token: Token) -> str:
    return token.info.strip().split(" ", 1)[0]


def container_argument(token: Token) -> str:
    parts = token.info.strip().split(" ", 1)
    return parts[1].strip() if len(parts) > 1 else ""


def nesting_problem(name: str, parent: str | None) -> str | None:
    """Why a container may not open here (inside ``parent``, or at the top when None)."""
    needed = CONTAINER_PARENTS.get(name)
    if needed and parent != needed:
        return (
            f"an '{name}' container belongs inside a '{needed}' box: open the box with '::::' "
            f"(four colons) and put '::: {name}' ... ':::' before its closing '::::'"
        )
    return None


def _opening(tokens: Sequence[Token], close_index: int) -> Token:
    level = tokens[close_index].level
    for index in range(close_index - 1, -1, -1):
        if tokens[index].type == CONTAINER_OPEN and tokens[index].level == level:
            return tokens[index]
    return tokens[close_index]


def _render_container(self, tokens: Sequence[Token], idx: int, _options, _env) -> str:
    token = tokens[idx]
    name = container_name(_opening(tokens, idx) if token.nesting == -1 else token)
    if name == ANSWER:
        if token.nesting == -1:
            return "</details>\n"
        return f'<details class="callout-answer">\n<summary>{ANSWER_SUMMARY}</summary>\n'
    if token.nesting == -1:
        return "</div>\n"
    label = CALLOUT_LABELS.get(name, name.title())
    title = container_argument(token)
    heading = f"<strong>{label}</strong>" + (f": {escape(title)}" if title else "")
    return f'<div class="callout callout-{escape(name)}">\n<p class="callout-label">{heading}</p>\n'


def build_markdown() -> MarkdownIt:
    md = (
        MarkdownIt("js-default")
        .use(front_matter_plugin)
        .use(attrs_block_plugin)
        .use(anchors_plugin, min_level=2, max_level=6, slug_func=slugify)
        .use(
            container_plugin,
            name="block",
            validate=lambda params, *_: bool(params.strip()),
            render=_render_container,
        )
    )
    return md


def render_tokens(md: MarkdownIt, tokens: Sequence[Token], heading_shift: int = 0) -> str:
    """Render a slice of a parsed document, moving heading levels up by ``heading_shift``.

    A section's ``##`` heading becomes its page's ``<h1>``, so its ``###`` subheadings
    must become ``<h2>`` to keep the page's outline without gaps.
    """
    if heading_shift:
        tokens = [_shift_heading(token, heading_shift) for token in tokens]
    return md.renderer.render(list(tokens), md.options, {})


def _shift_heading(token: Token, shift: int) -> Token:
    if token.type not in ("heading_open", "heading_close"):
        return token
    level = max(1, int(token.tag[1]) - shift)
    return token.copy(tag=f"h{level}")


def plain_text(inline: Token) -> str:
    """The visible text of an inline token, without Markdown markup."""
    return "".join(
        child.content for child in inline.children or () if child.type in ("text", "code_inline")
    ).strip()

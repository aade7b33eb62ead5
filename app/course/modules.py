"""Read one ``content/modules/<id>.md`` file into a Module, or say exactly what is wrong."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .errors import ContentProblem, Reporter
from .located_yaml import LocatedDict, YamlProblem, load_located_yaml
from .markdown import (
    CONTAINER_CLOSE,
    CONTAINER_NAMES,
    CONTAINER_OPEN,
    REFLECT,
    container_argument,
    container_name,
    nesting_problem,
    plain_text,
    render_tokens,
    slugify,
)
from .model import HtmlBlock, Module, ReflectPrompt, Section, SectionPart
from .schema import ID_PATTERN, Field, check_mapping, identifier, integer, list_of, one_of, text

MODULE_FIELDS = {
    "id": Field(identifier),
    "title": Field(text),
    "order": Field(integer(1)),
    "version": Field(integer(1)),
    "minutes": Field(integer(1)),
    "summary": Field(text),
    "objectives": Field(list_of(text, min_items=1)),
    "sources": Field(list_of(text, min_items=1)),
    "standards": Field(list_of(identifier), required=False),
    "kind": Field(one_of(("course", "local")), required=False),
}
LOCAL = "local"
RESERVED_SECTION_IDS = {"quiz"}
WORD = re.compile(r"\S+")
MIN_WORDS = 1000
# A programme's own module states its rules and contacts; it need not teach at length.
MIN_LOCAL_WORDS = 150
COURSE_LINK = re.compile(
    r"^/modules/(?P<module>[a-z0-9-]+)(?:/(?P<section>[a-z0-9-]+))?/?(?:#(?P<anchor>[\w-]+))?$"
)


@dataclass(frozen=True)
class CourseLink:
    """A link from one module to a page of the course, checked once every module is loaded."""

    path: str
    line: int
    module_id: str
    section_id: str | None


def load_module(
    md: MarkdownIt,
    file: Path,
    shown_path: str,
    links: list[CourseLink] | None = None,
    declared: set[str] | None = None,
) -> tuple[Module | None, list[ContentProblem]]:
    """Parse and validate one module file; the module is None when an error was found.

    Links to other pages of the course are appended to ``links`` for the loader to check
    once every module is known; the module's id goes into ``declared`` even when the file
    has errors, so quizzes and scenarios pointing at it are not reported as well.
    """
    links = [] if links is None else links
    declared = set() if declared is None else declared
    report = Reporter(shown_path)
    try:
        source = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        report(1, f"file is not UTF-8 text ({error.reason})")
        return None, report.problems
    tokens = md.parse(source)
    if not tokens or tokens[0].type != "front_matter":
        report(1, "a module starts with YAML front matter between '---' lines (id, title, ...)")
        return None, report.problems
    meta = _front_matter(tokens[0], report, declared)
    sections = _sections(md, tokens[1:], report, after_front_matter=tokens[0].map[1])
    _check_links_and_images(tokens[1:], report, links)
    if meta is None or report.has_errors:
        return None, report.problems
    words = sum(w for _, w in sections)
    local = meta.get("kind") == LOCAL
    least = MIN_LOCAL_WORDS if local else MIN_WORDS
    if words < least:
        what = "a local module" if local else "a module"
        report.warn(
            meta.line_of("title"), f"the module has {words} words: under {least:,} is thin for {what}"
        )
    return _module(meta, sections, shown_path), report.problems


def _module(meta: LocatedDict, sections: list, shown_path: str) -> Module:
    total_words = sum(words for _, words in sections) or 1
    return Module(
        id=meta["id"],
        title=meta["title"].strip(),
        order=meta["order"],
        version=meta["version"],
        minutes=meta["minutes"],
        summary=meta["summary"].strip(),
        objectives=tuple(o.strip() for o in meta["objectives"]),
        sources=tuple(s.strip() for s in meta["sources"]),
        standards=tuple(meta.get("standards") or ()),
        standards_line=meta.line_of("standards") if "standards" in meta else 0,
        kind=meta.get("kind", "course"),
        path=shown_path,
        sections=tuple(
            Section(
                id=draft.id,
                title=draft.title,
                parts=draft.parts,
                words=words,
                minutes=meta["minutes"] * words / total_words,
                line=draft.line,
            )
            for draft, words in sections
        ),
    )


def _front_matter(token: Token, report: Reporter, declared: set[str]) -> LocatedDict | None:
    try:
        meta = load_located_yaml(token.content, first_line=token.map[0] + 2)
    except YamlProblem as problem:
        report(problem.line, problem.message)
        return None
    if isinstance(meta, dict) and isinstance(meta.get("id"), str):
        declared.add(meta["id"])
    return meta if check_mapping(meta, MODULE_FIELDS, "front matter", report) else None


@dataclass(frozen=True)
class _SectionDraft:
    id: str
    title: str
    parts: tuple[SectionPart, ...]
    line: int


def _sections(
    md: MarkdownIt, tokens: list[Token], report: Reporter, after_front_matter: int
) -> list[tuple[_SectionDraft, int]]:
    _check_structure(tokens, report)
    starts = [i for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h2" and t.level == 0]
    if not starts:
        report(_line(tokens[0]) if tokens else after_front_matter, "a module needs at least one '##' section")
        return []
    if starts[0] != 0:
        report(_line(tokens[0]), "text before the first '##' heading: start the module with a section")
    sections = []
    seen_prompts: set[str] = set()
    for start, end in zip(starts, [*starts[1:], len(tokens)], strict=True):
        heading, title_inline = tokens[start], tokens[start + 1]
        section_id = str(heading.attrGet("id") or "")
        title = plain_text(title_inline)
        if section_id != slugify(title) and re.fullmatch(re.escape(slugify(title)) + r"-\d+", section_id):
            report(
                _line(heading),
                f"another heading already makes the id '{slugify(title)}': "
                "give this section an explicit id on the line above it, e.g. {#"
                + slugify(title)
                + "-practice}",
            )
        if section_id in RESERVED_SECTION_IDS:
            report(
                _line(heading),
                f"section id '{section_id}' is reserved: give the heading another title or an explicit {{#id}}",
            )
        if not ID_PATTERN.match(section_id):
            report(_line(heading), f"section heading needs a title that makes an id (got '{section_id}')")
        body = tokens[start + 3 : end]
        parts = _parts(md, body, seen_prompts, report)
        words = sum(len(WORD.findall(t.content)) for t in tokens[start:end] if t.type == "inline")
        sections.append((_SectionDraft(section_id, plain_text(title_inline), parts, _line(heading)), words))
    return sections


def _check_structure(tokens: list[Token], report: Reporter) -> None:
    """Headings in order without gaps; known, closed, non-empty containers."""
    previous_level = 1
    open_containers: list[Token] = []
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            level = int(token.tag[1])
            if level == 1:
                report(
                    _line(token),
                    "'#' headings are not used in modules: the title comes from front matter, sections start with '##'",
                )
            elif level > previous_level + 1:
                report(
                    _line(token),
                    f"heading level jumps from h{previous_level} to h{level}: use {'#' * (previous_level + 1)}",
                )
            if level == 2 and open_containers:
                report(
                    _line(token),
                    "'##' heading inside a container: close the container above with ':::' first",
                )
            previous_level = level
        elif token.type == CONTAINER_OPEN:
            _check_container(token, open_containers, report)
            if index + 1 < len(tokens) and tokens[index + 1].type == CONTAINER_CLOSE:
                report(_line(token), f"container '{container_name(token)}' is empty")
            open_containers.append(token)
        elif token.type == CONTAINER_CLOSE:
            opened = open_containers.pop()
            if not token.markup:
                report(
                    _line(opened),
                    f"container '{container_name(opened)}' is never closed: end it with a line ':::'",
                )


def _check_container(token: Token, open_containers: list[Token], report: Reporter) -> None:
    name = container_name(token)
    if name not in CONTAINER_NAMES:
        known = ", ".join(CONTAINER_NAMES)
        report(_line(token), f"unknown container '{name}': use one of {known}")
    elif name == REFLECT:
        prompt_id = container_argument(token)
        if not ID_PATTERN.match(prompt_id):
            report(
                _line(token), "a reflect prompt needs an id after its name, e.g. '::: reflect first-mentor'"
            )
        if open_containers:
            report(_line(token), "a reflect prompt cannot sit inside another container")
    problem = nesting_problem(name, container_name(open_containers[-1]) if open_containers else None)
    if problem:
        report(_line(token), problem)


def _parts(
    md: MarkdownIt, body: list[Token], seen_prompts: set[str], report: Reporter
) -> tuple[SectionPart, ...]:
    """Cut a section's tokens into rendered HTML and the reflect prompts between them."""
    parts: list[SectionPart] = []
    pending: list[Token] = []
    index = 0
    while index < len(body):
        token = body[index]
        if token.type == CONTAINER_OPEN and token.level == 0 and container_name(token) == REFLECT:
            close = _matching_close(body, index)
            prompt_id = container_argument(token)
            if prompt_id in seen_prompts:
                report(_line(token), f"reflect id '{prompt_id}' is used twice in this module")
            seen_prompts.add(prompt_id)
            if pending:
                parts.append(HtmlBlock(render_tokens(md, pending, heading_shift=1)))
                pending = []
            prompt_html = render_tokens(md, body[index + 1 : close], heading_shift=1)
            parts.append(ReflectPrompt(prompt_id, prompt_html, _line(token)))
            index = close + 1
            continue
        pending.append(token)
        index += 1
    if pending:
        parts.append(HtmlBlock(render_tokens(md, pending, heading_shift=1)))
    return tuple(parts)


def _matching_close(tokens: list[Token], open_index: int) -> int:
    level = tokens[open_index].level
    for index in range(open_index + 1, len(tokens)):
        if tokens[index].type == CONTAINER_CLOSE and tokens[index].level == level:
            return index
    return len(tokens) - 1


def _line(token: Token) -> int:
    return token.map[0] + 1 if token.map else 1


# The app's own pages a module may send a trainee to.
SITE_PAGES = ("/safeguarding", "/privacy")


def _check_links_and_images(tokens: list[Token], report: Reporter, links: list[CourseLink]) -> None:
    """Walk every inline token: in-page anchors must exist in the same section, course
    links are collected for the loader, and every image needs alt text."""
    starts = [i for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h2" and t.level == 0]
    for start, end in zip(starts, [*starts[1:], len(tokens)][: len(starts)], strict=True):
        anchors = {
            str(t.attrGet("id")) for t in tokens[start:end] if t.type == "heading_open" and t.attrGet("id")
        }
        for block in tokens[start:end]:
            for child in block.children or ():
                line = _line(block)
                if child.type == "image" and not child.content.strip():
                    report(line, "image without alt text: describe it in the brackets, ![like this](...)")
                if child.type != "link_open":
                    continue
                href = str(child.attrGet("href") or "")
                if href.startswith("#"):
                    if href[1:] not in anchors:
                        report(
                            line,
                            f"link to '{href}' finds no heading in this section (each section is its own page)",
                        )
                elif href.startswith(("http://", "https://", "mailto:")) or href in SITE_PAGES:
                    continue
                elif match := COURSE_LINK.match(href):
                    links.append(CourseLink(report.path, line, match["module"], match["section"]))
                else:
                    report(
                        line,
                        f"link '{href}' goes nowhere: link to https://..., to /modules/<module id>[/<section id>]"
                        f" or to one of {', '.join(SITE_PAGES)}",
                    )

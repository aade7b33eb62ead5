"""Load the whole course from disk once, validating everything before anything is served."""

from __future__ import annotations

from pathlib import Path

from .errors import ContentError, ContentProblem, display_path
from .markdown import build_markdown
from .model import Course, Module
from .modules import CourseLink, load_module
from .program import load_program
from .quizzes import load_quizzes
from .scenarios import load_scenarios
from .version import content_version


def load_course(content_dir: Path, quizzes_dir: Path) -> Course:
    """Read ``<content_dir>/modules/*.md``, ``<content_dir>/scenarios/*.yaml``,
    ``<content_dir>/program.yaml`` and ``<quizzes_dir>/*.yaml`` into a Course.

    Raises ContentError listing every error in every file; warnings do not stop it.
    """
    course, problems = inspect_course(content_dir, quizzes_dir)
    errors = [p for p in problems if p.severity == "error"]
    if errors or course is None:
        raise ContentError(errors)
    return course


def inspect_course(content_dir: Path, quizzes_dir: Path) -> tuple[Course | None, list[ContentProblem]]:
    """Every error and warning in the content, and the course when there are no errors."""
    content_dir, quizzes_dir = Path(content_dir), Path(quizzes_dir)
    modules_dir = content_dir / "modules"
    if not modules_dir.is_dir():
        return None, [ContentProblem(display_path(modules_dir), 1, "modules folder not found")]
    md = build_markdown()
    problems: list[ContentProblem] = []
    modules: list[Module] = []
    links: list[CourseLink] = []
    declared: set[str] = set()
    for file in sorted(modules_dir.glob("*.md")):
        module, found = load_module(md, file, display_path(file), links, declared)
        problems.extend(found)
        if module:
            modules.append(module)
    if not modules and not problems:
        problems.append(ContentProblem(display_path(modules_dir), 1, "no modules found (*.md)"))
    problems.extend(_cross_module_problems(modules))
    by_id = {m.id: m for m in modules}
    problems.extend(_broken_course_links(links, by_id))
    sections = {m.id: frozenset(m.section_by_id) for m in modules}
    quizzes, quiz_problems = load_quizzes(md, quizzes_dir, declared, sections)
    scenarios, scenario_problems = load_scenarios(md, content_dir / "scenarios", declared)
    problems.extend(quiz_problems + scenario_problems)
    if any(p.severity == "error" for p in problems):
        return None, problems
    program, program_problems = load_program(
        content_dir / "program.yaml", by_id, {q.id: q for q in quizzes}, {s.id: s for s in scenarios}
    )
    problems.extend(program_problems)
    if program_problems:
        return None, problems
    course = Course(
        modules=tuple(sorted(modules, key=lambda m: (m.order, m.id))),
        quizzes=tuple(quizzes),
        scenarios=tuple(sorted(scenarios, key=lambda s: (s.module_id, s.id))),
        program=program,
        version=content_version(content_dir, quizzes_dir),
    )
    return course, problems


def _cross_module_problems(modules: list[Module]) -> list[ContentProblem]:
    """Ids and places that must be unique across files (a file's name is free to change)."""
    problems = []
    by_id: dict[str, Module] = {}
    by_order: dict[int, Module] = {}
    for module in sorted(modules, key=lambda m: m.path):
        if module.id in by_id:
            problems.append(
                ContentProblem(
                    module.path, 2, f"module id '{module.id}' is also used by {by_id[module.id].path}"
                )
            )
        by_id.setdefault(module.id, module)
        if module.order in by_order:
            other = by_order[module.order]
            problems.append(
                ContentProblem(
                    module.path,
                    2,
                    f"order {module.order} is also used by {other.path}: give each module its own place",
                )
            )
        by_order.setdefault(module.order, module)
    return problems


def _broken_course_links(links: list[CourseLink], modules: dict[str, Module]) -> list[ContentProblem]:
    problems = []
    for link in links:
        module = modules.get(link.module_id)
        if module is None:
            problems.append(
                ContentProblem(
                    link.path, link.line, f"link to module '{link.module_id}', which does not exist"
                )
            )
        elif link.section_id and link.section_id not in module.section_by_id and link.section_id != "quiz":
            problems.append(
                ContentProblem(
                    link.path,
                    link.line,
                    f"link to section '{link.section_id}' of '{module.id}', which does not exist",
                )
            )
    return problems

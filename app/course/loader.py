"""Load the whole course from disk once, validating everything before anything is served."""

from __future__ import annotations

from pathlib import Path

from .errors import ContentError, ContentProblem, display_path
from .markdown import build_markdown
from .model import Course, Module
from .modules import load_module
from .program import load_program
from .quizzes import load_quizzes
from .scenarios import load_scenarios


def load_course(content_dir: Path, quizzes_dir: Path) -> Course:
    """Read ``<content_dir>/modules/*.md``, ``<content_dir>/scenarios/*.yaml`` and
    ``<quizzes_dir>/*.yaml`` into a Course.

    Raises ContentError listing every problem in every file.
    """
    modules_dir = Path(content_dir) / "modules"
    problems: list[ContentProblem] = []
    if not modules_dir.is_dir():
        raise ContentError([ContentProblem(display_path(modules_dir), 1, "modules folder not found")])
    md = build_markdown()
    modules: list[Module] = []
    for file in sorted(modules_dir.glob("*.md")):
        module, found = load_module(md, file, display_path(file))
        problems.extend(found)
        if module:
            modules.append(module)
    if not modules and not problems:
        problems.append(ContentProblem(display_path(modules_dir), 1, "no modules found (*.md)"))
    problems.extend(_cross_module_problems(modules))
    by_id = {m.id: m for m in modules}
    quizzes, quiz_problems = load_quizzes(md, Path(quizzes_dir), by_id)
    scenarios, scenario_problems = load_scenarios(md, Path(content_dir) / "scenarios", by_id)
    problems.extend(quiz_problems + scenario_problems)
    program = None
    if not problems:
        program, program_problems = load_program(
            Path(content_dir) / "program.yaml",
            by_id,
            {q.id: q for q in quizzes},
            {s.id: s for s in scenarios},
        )
        problems.extend(program_problems)
    if problems:
        raise ContentError(problems)
    return Course(
        modules=tuple(sorted(modules, key=lambda m: (m.order, m.id))),
        quizzes=tuple(quizzes),
        scenarios=tuple(sorted(scenarios, key=lambda s: (s.module_id, s.id))),
        program=program,
    )


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

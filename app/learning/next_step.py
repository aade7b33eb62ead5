"""What a trainee should do next, and their certification tasks grouped by module: pure functions
over the course, what they read and their checklist rows (anything with ``kind``, ``target``,
``title``, ``done``, as app/certification makes them; this package cannot import it).

The course is walked in order: each module's sections, then its quiz, then the role-play the
program requires of it; then time on task; then what a coordinator records.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple, Protocol

from ..course import Course, Module, Section
from .progress import SectionKey

COORDINATOR_KINDS = ("recorded", "sign_off")


class Task(Protocol):
    kind: str  # "sections" | "quiz" | "scenario" | "time" | "recorded" | "sign_off"
    target: str
    title: str
    done: bool


class NextStep(NamedTuple):
    """The one thing to do now. ``kind`` says which, ``label`` is the button or heading text;
    ``module_id`` and ``target`` (a section, quiz module or role-play id) say where it is done."""

    kind: str
    label: str
    module_id: str = ""
    target: str = ""


class TaskGroup(NamedTuple):
    """Rows under one heading: a module's (``module`` set) or the course-wide ones."""

    heading: str
    module: Module | None
    tasks: tuple


class TaskCounts(NamedTuple):
    modules_done: int
    modules: int
    role_plays_done: int
    role_plays: int
    recorded_done: int
    recorded: int


def module_of(course: Course, task: Task) -> str | None:
    """The module a checklist row belongs to, or None for course-wide rows."""
    if task.kind in ("sections", "quiz"):
        return task.target
    if task.kind == "scenario" and task.target in course.scenario_by_id:
        return course.scenario_by_id[task.target].module_id
    return None


def by_trainee(course: Course, task: Task) -> bool:
    """A recorded row the trainee makes themselves: acknowledging the safeguarding procedure."""
    if task.kind != "recorded":
        return False
    return any(r.id == task.target and r.kind == "acknowledge" for r in course.program.requirements)


def by_coordinator(course: Course, task: Task) -> bool:
    return task.kind in COORDINATOR_KINDS and not by_trainee(course, task)


def task_groups(course: Course, tasks: Sequence[Task]) -> tuple[TaskGroup, ...]:
    """Rows grouped by module in course order, then time on task, then what coordinators record."""
    by_module: dict[str, list] = {}
    for task in tasks:
        module_id = module_of(course, task)
        if module_id is not None:
            by_module.setdefault(module_id, []).append(task)
    groups = [
        TaskGroup(module.title, module, tuple(by_module[module.id]))
        for module in course.modules
        if module.id in by_module
    ]
    course_wide = tuple(t for t in tasks if module_of(course, t) is None and not by_coordinator(course, t))
    if course_wide:
        groups.append(TaskGroup("Across the course", None, course_wide))
    recorded = tuple(t for t in tasks if by_coordinator(course, t))
    if recorded:
        groups.append(TaskGroup("What your coordinator records", None, recorded))
    return tuple(groups)


def task_counts(course: Course, tasks: Sequence[Task]) -> TaskCounts:
    """Modules whose rows are all done, required role-plays passed, coordinator records made."""
    groups = [g for g in task_groups(course, tasks) if g.module is not None]
    module_rows = [[t for t in g.tasks if t.kind in ("sections", "quiz")] for g in groups]
    module_rows = [rows for rows in module_rows if rows]
    role_plays = [t for t in tasks if t.kind == "scenario"]
    recorded = [t for t in tasks if t.kind == "recorded" and by_coordinator(course, t)]
    return TaskCounts(
        sum(all(t.done for t in rows) for rows in module_rows),
        len(module_rows),
        sum(t.done for t in role_plays),
        len(role_plays),
        sum(t.done for t in recorded),
        len(recorded),
    )


def summary_line(counts: TaskCounts) -> str:
    """The line above the task list, e.g. "2 of 7 modules · 1 of 7 role-plays"."""
    parts = []
    if counts.modules:
        parts.append(f"{counts.modules_done} of {_plural(counts.modules, 'module')}")
    if counts.role_plays:
        parts.append(f"{counts.role_plays_done} of {_plural(counts.role_plays, 'role-play')}")
    if counts.recorded:
        parts.append(f"{counts.recorded_done} of {_plural(counts.recorded, 'step')} your coordinator records")
    return " · ".join(parts)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def task_state(course: Course, task: Task, tried: bool) -> str:
    """The tag a row shows; ``tried`` means some of it is done (a section read, a quiz taken) or,
    for sign-off, that everything before it is done."""
    if task.done:
        return "completed"
    if task.kind == "sign_off":
        return "coordinator" if tried else "cannot_start"
    if by_coordinator(course, task):
        return "coordinator"
    return "in_progress" if tried else "not_started"


def next_step(
    course: Course,
    tasks: Sequence[Task],
    read: set[SectionKey],
    last_read: SectionKey | None,
    status: str,
    renewal_modules: Sequence[str] = (),
    after: str | None = None,
) -> NextStep:
    """The trainee's next step, from their certification status and then their open tasks.

    ``after`` is the module just worked on: the walk then starts there (forward, then wrapping)
    instead of at the module last read in.
    """
    if status == "revoked":
        return NextStep("revoked", "Your certificate has been revoked")
    if status in ("certified", "renewal_due"):
        if renewal_modules:
            module = course.module_by_id[renewal_modules[0]]
            return NextStep("revisit", f"Revisit {module.title}", module.id)
        return _acknowledgement(course, tasks) or NextStep("certified", "Your certificate is ready")
    if status == "awaiting_review":
        return NextStep("awaiting_review", "Your coordinator will review your record")
    if status == "expired":
        first = next((t for t in tasks if t.kind == "quiz"), None)
        if first is not None:
            title = course.module_by_id[first.target].title
            label = f"Renew: pass every quiz again, starting with the {title} quiz"
            return NextStep("requiz", label, first.target, first.target)
        return NextStep("expired", "Your certificate has expired")
    return _course_step(course, tasks, read, last_read, after)


def _course_step(
    course: Course,
    tasks: Sequence[Task],
    read: set[SectionKey],
    last_read: SectionKey | None,
    after: str | None,
) -> NextStep:
    """The first open task in course order; the module last read in comes first if unfinished."""
    open_tasks = [t for t in tasks if not t.done]
    groups = [g for g in task_groups(course, open_tasks) if g.module is not None]
    for group in _walk(course, groups, last_read, after):
        task, module = group.tasks[0], group.module
        if task.kind == "sections":
            return _reading_step(module, read, last_read)
        if task.kind == "quiz":
            return NextStep("quiz", f"Take the {module.title} quiz", module.id, module.id)
        scenario = course.scenario_by_id[task.target]
        return NextStep("scenario", f"Practise: {scenario.title}", module.id, scenario.id)
    if any(t.kind == "time" for t in open_tasks):
        return NextStep("time", "Spend a little more time learning")
    acknowledgement = _acknowledgement(course, open_tasks)
    if acknowledgement:
        return acknowledgement
    recorded = [t.title for t in open_tasks if t.kind == "recorded"]
    if recorded:
        return NextStep("coordinator", "Your coordinator records the rest: " + ", ".join(recorded))
    return NextStep("awaiting_review", "Your coordinator will review your record")


def _acknowledgement(course: Course, tasks: Sequence[Task]) -> NextStep | None:
    """Reading and confirming the programme's safeguarding procedure, while it is open: before
    waiting on the coordinator, and for a certified mentor whose procedure has changed."""
    if any(by_trainee(course, t) and not t.done for t in tasks):
        return NextStep("acknowledge", "Read and confirm our safeguarding procedure")
    return None


def _walk(course: Course, groups: list[TaskGroup], last_read: SectionKey | None, after: str | None):
    """Module groups in course order, from ``after`` on (wrapping round), else with the module
    last read in first while it still has sections to read."""
    if after is None:
        resume = last_read[0] if last_read else None
        return sorted(groups, key=lambda g: not (g.module.id == resume and g.tasks[0].kind == "sections"))
    order = [m.id for m in course.modules]
    start = order.index(after) if after in order else 0
    return sorted(groups, key=lambda g: order.index(g.module.id) < start)


def forward_label(step: NextStep, course: Course, module_id: str) -> str:
    """The step as the button after finishing part of ``module_id``: "Next: …"."""
    module = course.module_by_id.get(step.module_id)
    if step.kind in ("start", "continue", "next_module") and module is not None:
        section = module.section_by_id[step.target]
        if step.module_id == module_id:
            return f"Next: {section.title}"
        return f"Next module: {module.title} \u2014 {section.title}"
    if step.kind == "scenario":
        return f"Next: practise the role-play \u201c{course.scenario_by_id[step.target].title}\u201d"
    if step.kind == "quiz":
        return f"Next: {step.label[0].lower()}{step.label[1:]}"
    if step.kind == "certified":
        return "Next: see your certificate"
    return step.label


def _reading_step(module: Module, read: set[SectionKey], last_read: SectionKey | None) -> NextStep:
    section = _first_unread(module, read, last_read)
    where = f"{module.title} \u2014 {section.title}"
    if any(module_id == module.id for module_id, _ in read):
        return NextStep("continue", f"Continue where you left off: {where}", module.id, section.id)
    if read:
        return NextStep("next_module", f"Next module: {where}", module.id, section.id)
    return NextStep("start", f"Start: {where}", module.id, section.id)


def _first_unread(module: Module, read: set[SectionKey], last_read: SectionKey | None) -> Section:
    """The next unread section after the last one read here, else the first unread one."""
    ids = [s.id for s in module.sections]
    start = (
        ids.index(last_read[1]) + 1 if last_read and last_read[0] == module.id and last_read[1] in ids else 0
    )
    ordered = (*module.sections[start:], *module.sections[:start])
    return next((s for s in ordered if (module.id, s.id) not in read), module.sections[0])

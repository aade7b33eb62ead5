"""Training standards (e.g. MENTOR's Elements of Effective Practice): which modules cover each
topic, and which topics a mentor has met. Pure functions over the course and a mentor's records."""

from __future__ import annotations

from dataclasses import dataclass

from ..course.model import Course, Module, TrainingStandard
from .status import Records, quiz_passes


@dataclass(frozen=True)
class Coverage:
    standard: TrainingStandard
    modules: tuple[Module, ...]  # the modules that teach it, in course order

    @property
    def covered(self) -> bool:
        return bool(self.modules)


def coverage(course: Course) -> tuple[Coverage, ...]:
    return tuple(
        Coverage(standard, tuple(m for m in course.modules if standard.id in m.standards))
        for standard in course.program.standards
    )


def modules_completed(course: Course, records: Records) -> set[str]:
    """Modules with every section read and the program's quiz passed (when the module has one)."""
    done = set()
    for required in course.program.modules:
        module = course.module_by_id[required.module_id]
        read = all((module.id, s.id) in records.sections_read for s in module.sections)
        passed = required.quiz_id is None or any(
            r.quiz_id == required.quiz_id and quiz_passes(r, required.quiz_pass_mark)
            for r in records.quiz_results
        )
        if read and passed:
            done.add(module.id)
    return done


def standards_met(course: Course, records: Records) -> dict[str, bool]:
    """A topic is met when the mentor has completed at least one module that teaches it."""
    completed = modules_completed(course, records)
    return {c.standard.id: any(m.id in completed for m in c.modules) for c in coverage(course)}

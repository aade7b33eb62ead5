"""Everything the mentor page shows, with each of its forms: the views only say which forms come
back with errors."""

from __future__ import annotations

from datetime import timedelta
from typing import NamedTuple

from flask_login import current_user
from flask_wtf import FlaskForm

from ..certification import duties
from ..certification import standings as certification
from ..certification.facts import VALID, Requirement
from ..certification.standards import coverage as standards_coverage
from ..certification.standards import standards_met
from ..course import Course
from ..course.model import ProgramRequirement
from ..extensions import db
from ..models import User, utcnow
from ..notifications import sent
from ..practice import observations
from . import services
from .cohort_forms import MoveCohortForm
from .forms import (
    CorrectionForm,
    DoNotReengageForm,
    ExternalIdForm,
    ReinstateForm,
    RequirementForm,
    RevokeForm,
    SignOffForm,
    VoidForm,
)
from .live_hours import hours_in, hours_text
from .practice_forms import observation_form
from .record import mentor_record

DECISION_LABELS = {
    "sign_off": "Signed off",
    "revoke": "Revoked",
    "reinstate": "Reinstated",
    "do_not_reengage": "Marked “do not re-engage”",
}


def context(course: Course, mentor: User, invalid: dict[str, FlaskForm] | None = None) -> dict:
    """The template's values; ``invalid`` holds forms by name that failed, to show with errors."""
    invalid = invalid or {}
    record = mentor_record(course, mentor)
    db.session.commit()  # the refreshed standing
    history = certification.requirement_history(mentor.id)
    replaced = {r.corrects_id: r for r in history if r.corrects_id}
    voided = {e.voids_id: e for e in record.events if e.kind == "void"}
    forms = {
        "external_id_form": ExternalIdForm(formdata=None, external_id=mentor.external_id),
        **{f"requirement-{r.id}": _requirement_form(course, r) for r in course.program.requirements},
        **_history_forms(history, replaced, record.events, voided),
    }
    forms |= invalid
    checklist = about_the_mentor(course, record.mentor.name, record.standing.requirements)
    return _sign_off_term(course, record.standing) | {
        "checklist": checklist,
        "live_hours": _live_hours(course, record.records),
        "missing": [item for item in checklist if not item.done],
        "can_revoke": record.standing.status in VALID,
        "forms": forms,
        "external_id_form": forms["external_id_form"],
        "topics": standards_met(course, record.records),
        "coverage_of_course": standards_coverage(course),
        "requirement_history": history,
        "replaced": replaced,
        "voided": voided,
        "recorders": services.names_of({r.recorded_by for r in history if r.recorded_by}),
        "observed": _observation_results(course, history),
        "rubrics": course.program.rubric_by_id,
        "mentor": record.mentor,
        "standing": record.standing,
        "progress": record.progress,
        "attempts": record.attempts,
        "runs": record.runs,
        "integrity": record.integrity,
        "events": record.events,
        "events_by_id": {e.id: e for e in record.events},
        "decision_labels": DECISION_LABELS,
        "actors": record.actors,
        "cohort": record.cohort,
        "emails_sent": sent.emails_of(mentor.id),
        "course": course,
        "sign_off_form": SignOffForm(),
        "dnr_form": DoNotReengageForm(),
        "do_not_reengage": duties.marked_do_not_reengage(mentor.id),
        "sign_off_refusal": duties.sign_off_refusal(course.program, current_user, mentor.id),
        "revoke_form": RevokeForm(),
        "reinstate_form": ReinstateForm(),
        "move_form": MoveCohortForm(formdata=None, cohort=str(mentor.cohort_id or "")).with_choices(
            services.cohorts()
        ),
    }


def _live_hours(course: Course, records) -> str | None:
    """The hours of live training the checklist counts, as the summary prints them."""
    hours = hours_in(course.program, records, utcnow())
    return None if hours is None else hours_text(hours)


def _requirement_form(course: Course, required: ProgramRequirement) -> FlaskForm:
    """Observed practice is recorded with a score per criterion of its rubric; any other
    requirement with its day (and hours)."""
    if required.rubric:
        return observation_form(course.program.rubric_by_id[required.rubric], required.id, formdata=None)
    return RequirementForm(formdata=None).with_ids_for(required.id)


def _observation_results(course: Course, history) -> dict[int, observations.Result]:
    """Each observation's total and pass, by record id, computed from its scores."""
    required = {r.id: r for r in course.program.requirements if r.rubric}
    return {
        record.id: observations.result(
            required[record.requirement_id],
            course.program.rubric_by_id[required[record.requirement_id].rubric],
            record.scores,
        )
        for record in history
        if record.requirement_id in required and record.scores is not None
    }


def _sign_off_term(course: Course, standing) -> dict:
    """When a certificate issued now would end: its full term, or earlier if a recorded step lapses."""
    full_term = utcnow() + timedelta(days=course.program.validity_days)
    lapses = [(i.expires_at, i.title) for i in standing.requirements if i.kind == "recorded" and i.expires_at]
    early = [title for at, title in lapses if at < full_term]
    ends = min([full_term, *(at for at, _ in lapses)])
    return {"sign_off_ends": ends, "sign_off_full_term": full_term, "sign_off_cut_short": early}


def _history_forms(history, replaced, events, voided) -> dict[str, FlaskForm]:
    """A correct and a void form for each record that counts; a void form for each decision."""
    forms = {}
    for record in history:
        if record.voided or record.id in replaced:
            continue
        forms[f"correct-{record.id}"] = CorrectionForm(
            formdata=None, prefix=f"record-{record.id}", date=record.completed_on.date(), hours=record.hours
        )
        forms[f"void-record-{record.id}"] = VoidForm(formdata=None, prefix=f"void-record-{record.id}")
    for event in events:
        if event.kind != "void" and event.id not in voided:
            forms[f"void-decision-{event.id}"] = VoidForm(formdata=None, prefix=f"void-decision-{event.id}")
    return forms


class StaffItem(NamedTuple):
    kind: str
    target: str
    done: bool
    title: str
    progress: str


def about_the_mentor(course: Course, name: str, items: tuple[Requirement, ...]) -> list[StaffItem]:
    """The checklist as a coordinator reads it, about the mentor ("Sam has read…"); the rules
    word it for the trainee's own page ("Read…", "recorded by your coordinator")."""
    return [
        StaffItem(
            item.kind,
            item.target,
            item.done,
            _staff_title(course, name, item),
            _about_coordinator(item.progress),
        )
        for item in items
    ]


def _staff_title(course: Course, name: str, item: Requirement) -> str:
    has = f"{name} has" if item.done else f"{name} has not yet"
    if item.kind == "sections":
        return f"{has} read every section of {course.module_by_id[item.target].title}"
    if item.kind == "quiz":
        return f"{has} passed the {course.module_by_id[item.target].title} quiz"
    if item.kind == "scenario":
        return f"{has} passed the role-play “{course.scenario_by_id[item.target].title}”"
    if item.kind == "replies":
        return f"{has} had every typed reply reviewed on the rubric, at the average it needs"
    if item.kind == "time":
        return f"{has} spent at least {course.program.minimum_minutes} minutes learning"
    if item.kind == "sign_off":
        return "Signed off by a coordinator" if item.done else "Sign-off by a coordinator"
    return item.title  # a step recorded outside PeerPath, named by the program


# The checklist's progress words are the trainee's ("you"); a coordinator reads about the mentor.
ABOUT_THE_MENTOR = (
    ("your coordinator", "the coordinator"),
    ("observes you again", "observes them again"),
    ("once you pass", "once they pass"),
)


def _about_coordinator(progress: str) -> str:
    for trainee_words, staff_words in ABOUT_THE_MENTOR:
        progress = progress.replace(trainee_words, staff_words)
    return progress

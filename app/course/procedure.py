"""The programme's own safeguarding procedure (``safeguarding:`` in content/program.yaml): who
to tell, how to reach them at any hour, and the steps to follow."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from .errors import ContentProblem
from .schema import Field, boolean, check_mapping, list_of, text


@dataclass(frozen=True)
class Contact:
    name: str
    how: str  # a phone number, an email address or both, as the programme writes them
    hours: str = ""  # when this contact answers; empty means at any time


@dataclass(frozen=True)
class Procedure:
    lead: Contact
    out_of_hours: Contact
    emergency_number: str
    crisis_lines: tuple[Contact, ...]
    steps: tuple[str, ...]
    example: bool  # the shipped example: fine for a demo, refused by a deployment
    version: str  # changes whenever any of the above does, so trainees acknowledge it again
    line: int  # where ``example: true`` is written, for the deployment check


CONTACT_FIELDS = {"name": Field(text), "how": Field(text), "hours": Field(text, required=False)}
PROCEDURE_FIELDS = {
    "example": Field(boolean, required=False),
    "lead": Field(lambda v: None if isinstance(v, dict) else "must be a mapping"),
    "out_of_hours": Field(lambda v: None if isinstance(v, dict) else "must be a mapping"),
    "emergency_number": Field(text),
    "crisis_lines": Field(list_of(lambda _: None)),
    "steps": Field(list_of(text, min_items=2)),
}


def load_procedure(data, report) -> Procedure | None:
    procedure = data.get("safeguarding")
    if procedure is None or not check_mapping(procedure, PROCEDURE_FIELDS, "safeguarding", report):
        return None
    lead = _contact(procedure["lead"], "the safeguarding lead", report)
    out_of_hours = _contact(procedure["out_of_hours"], "the out-of-hours contact", report)
    lines = [_contact(entry, "a crisis line", report) for entry in procedure["crisis_lines"]]
    if lead is None or out_of_hours is None or None in lines:
        return None
    steps = tuple(step.strip() for step in procedure["steps"])
    fields = (lead, out_of_hours, procedure["emergency_number"].strip(), tuple(lines), steps)
    return Procedure(
        *fields,
        example=bool(procedure.get("example")),
        version=_version(fields),
        line=procedure.line_of("example") if "example" in procedure else procedure.line,
    )


def _contact(entry, what: str, report) -> Contact | None:
    if not check_mapping(entry, CONTACT_FIELDS, what, report):
        return None
    return Contact(entry["name"].strip(), entry["how"].strip(), (entry.get("hours") or "").strip())


def _version(fields) -> str:
    """A short fingerprint of what a trainee reads; editing any word of it asks them again."""
    canonical = json.dumps(fields, default=lambda c: c.__dict__, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()[:12]


EXAMPLE_REFUSED = (
    "the safeguarding procedure is the shipped example: "
    "fill in your programme's own contacts and remove 'example: true'"
)


def example_problem(procedure: Procedure | None, program_path: str) -> ContentProblem | None:
    """Why a deployment must not serve this procedure, if it is the shipped example: trainees
    would be told to ring a made-up lead. ``program_path`` is program.yaml as it is displayed."""
    if procedure is None or not procedure.example:
        return None
    return ContentProblem(program_path, procedure.line, EXAMPLE_REFUSED)

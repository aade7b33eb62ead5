"""Writing a checked import (``imports.Plan``): people, cohorts, their recorded history and prior
certifications, in bulk statements inside the caller's transaction. A failure anywhere writes
nothing, since the caller commits once at the end or rolls back."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import insert, select, update

from ..course import Course
from ..course.model import Program
from ..extensions import db
from ..models import (
    CertificationEvent,
    Cohort,
    RequirementRecord,
    Role,
    User,
    current_requirement_records,
    normalise_email,
    utcnow,
)
from . import audit, imports
from .imports import Plan
from .invitations import send_invitation

# Stored instead of a password hash: neither Argon2 nor werkzeug reads it as a hash, so
# ``User.check_password`` refuses every password until the person sets one from their invitation.
# Hashing a random password per row would cost a fifth of a second each.
UNUSABLE_PASSWORD = "!imported: no password set yet"
BATCH = 500


@dataclass(frozen=True)
class Imported:
    created: tuple[int, ...]  # ids of new accounts
    updated: tuple[int, ...]

    @property
    def everyone(self) -> list[int]:
        return [*self.created, *self.updated]

    records: int
    prior_certifications: int
    cohorts_created: tuple[str, ...]


def dry_run(data: bytes, program: Program, today: date, options: imports.Options) -> Plan:
    """Read and check a file against the database, writing nothing."""
    table = imports.read_table(data)
    if isinstance(table, imports.Problem):
        return Plan(problems=(table,))
    return imports.check(table, program, existing_for(table), today, options)


def existing_for(table: imports.Table) -> imports.Existing:
    """The accounts and cohorts the file's rows name: a few statements, whatever its length."""
    emails = {normalise_email(values.get("email", "")) for _, values in table.rows} - {""}
    external = {values.get("external_id", "") for _, values in table.rows} - {""}
    found_emails, found_external = {}, {}
    for chunk in _chunks(sorted(emails)):
        for row in db.session.execute(
            select(User.id, User.email, User.external_id, User.role).where(User.email.in_(chunk))
        ):
            found_emails[row.email] = (row.id, row.external_id, row.role)
    for chunk in _chunks(sorted(external)):
        for row in db.session.execute(select(User.id, User.external_id).where(User.external_id.in_(chunk))):
            found_external[row.external_id] = row.id
    cohorts = {name.lower(): name for name in db.session.scalars(select(Cohort.name))}
    return imports.Existing(found_emails, found_external, cohorts)


def _chunks(values: list, size: int = 500):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def write(plan: Plan, course: Course, actor_id: int | None, file_name: str) -> Imported:
    """Create and update the plan's people and their history; flushes, never commits. Every
    standing they touch is left stale: the caller refreshes them (``standings.refresh``)."""
    if not plan.clean:
        raise ValueError("only a clean plan is written")
    now = utcnow()
    cohorts = _cohorts(plan, now)
    created = _create(plan, cohorts, now)
    updated = _update(plan, cohorts, now)
    ids = {**created, **{p.email: p.user_id for p in plan.updated}}
    note = f"Imported from {file_name}"
    known = _known_records([p.user_id for p in plan.updated])
    records = [
        dict(
            user_id=ids[person.email],
            requirement_id=requirement_id,
            completed_on=datetime.combine(on, time(), UTC),
            hours=hours,
            note=note,
            recorded_by=actor_id,
            recorded_at=now,
        )
        for person in plan.people
        for requirement_id, on, hours in person.records
        if (ids[person.email], requirement_id, on) not in known  # an update adds only new history
    ]
    _insert(RequirementRecord, records)
    _insert(CertificationEvent, _prior_certifications(plan, course, ids, actor_id))
    result = Imported(
        tuple(created.values()), tuple(updated), len(records), plan.prior_certifications, plan.new_cohorts
    )
    audit.record(
        "people.imported",
        "import",
        0,
        actor_id,
        file=file_name,
        created=len(result.created),
        updated=len(result.updated),
        records=result.records,
        prior_certifications=result.prior_certifications,
        cohorts_created=list(result.cohorts_created),
    )
    return result


def _insert(model, rows: list[dict]) -> None:
    for start in range(0, len(rows), BATCH * 4):
        db.session.execute(insert(model), rows[start : start + BATCH * 4])


def _cohorts(plan: Plan, now: datetime) -> dict[str, int]:
    """Every cohort the plan names, by name, creating the new ones."""
    _insert(
        Cohort,
        [dict(name=name, invite_code=secrets.token_urlsafe(16), created_at=now) for name in plan.new_cohorts],
    )
    names = {person.cohort for person in plan.people if person.cohort}
    return (
        dict(db.session.execute(select(Cohort.name, Cohort.id).where(Cohort.name.in_(names))).all())
        if names
        else {}
    )


def _create(plan: Plan, cohorts: dict[str, int], now: datetime) -> dict[str, int]:
    """New trainees, with no usable password (their invitation sets one); email -> id."""
    new = [person for person in plan.people if person.user_id is None]
    _insert(
        User,
        [
            dict(
                email=person.email,
                name=person.name,
                password_hash=UNUSABLE_PASSWORD,
                role=Role.TRAINEE.value,
                session_version=1,
                created_at=now,
                cohort_id=cohorts.get(person.cohort) if person.cohort else None,
                seconds_on_task=0,
                standing_stale=True,
                external_id=person.external_id,
            )
            for person in new
        ],
    )
    emails = [person.email for person in new]
    ids: dict[str, int] = {}
    for start in range(0, len(emails), BATCH):
        chunk = emails[start : start + BATCH]
        ids.update(db.session.execute(select(User.email, User.id).where(User.email.in_(chunk))).all())
    return ids


def _update(plan: Plan, cohorts: dict[str, int], now: datetime) -> list[int]:
    """Existing trainees: their cohort and external id as the file gives them (a blank keeps
    what they had); matching systems see the change."""
    rows = []
    for person in plan.updated:
        row = {"id": person.user_id, "account_changed_at": now, "standing_stale": True}
        if person.cohort:
            row["cohort_id"] = cohorts[person.cohort]
        if person.external_id:
            row["external_id"] = person.external_id
        rows.append(row)
    # One statement per set of columns: executemany needs the same keys in every row.
    for keys in {tuple(sorted(row)) for row in rows}:
        same = [row for row in rows if tuple(sorted(row)) == keys]
        db.session.execute(update(User), same)
    return [row["id"] for row in rows]


def _known_records(user_ids: list[int]) -> set[tuple[int, str, date]]:
    """(user, requirement, day) of the current records of accounts an import updates."""
    known = set()
    for start in range(0, len(user_ids), BATCH):
        rows = db.session.execute(
            select(
                RequirementRecord.user_id, RequirementRecord.requirement_id, RequirementRecord.completed_on
            ).where(
                RequirementRecord.user_id.in_(user_ids[start : start + BATCH]), current_requirement_records()
            )
        )
        known.update((user_id, requirement_id, on.date()) for user_id, requirement_id, on in rows)
    return known


def _prior_certifications(
    plan: Plan, course: Course, ids: dict[str, int], actor_id: int | None
) -> list[dict]:
    """A sign-off at the start of the day certified in the programme's zone, naming the certifier;
    none where an updated account has that sign-off already (the same file imported again)."""
    zone = course.program.zone
    versions = {module.id: module.version for module in course.modules}
    moments = {
        person.email: datetime.combine(person.certified_on, time(), zone).astimezone(UTC)
        for person in plan.people
        if person.certified_on is not None
    }
    by = {person.email: person.certified_by for person in plan.people}
    updated = [person.user_id for person in plan.updated if person.email in moments]
    known = set()
    for start in range(0, len(updated), BATCH):
        known.update(
            db.session.execute(
                select(CertificationEvent.user_id, CertificationEvent.at).where(
                    CertificationEvent.user_id.in_(updated[start : start + BATCH]),
                    CertificationEvent.kind == "sign_off",
                )
            ).all()
        )
    return [
        dict(
            user_id=ids[email],
            kind="sign_off",
            actor_id=actor_id,
            at=at,
            module_versions=versions,
            content_version=course.version,
            certificate_id=secrets.token_urlsafe(16),
            prior_certifier=by[email],
            reason=None,
        )
        for email, at in moments.items()
        if (ids[email], at) not in known
    ]


def invite(created: tuple[int, ...]) -> int:
    """Email an invitation to each new account; how many."""
    count = 0
    for start in range(0, len(created), BATCH):
        for user in db.session.scalars(select(User).where(User.id.in_(created[start : start + BATCH]))):
            send_invitation(user)
            count += 1
    return count

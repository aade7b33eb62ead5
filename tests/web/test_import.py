"""Importing trainees in bulk: the page's dry run and import, the command line, and cohorts
(moving a trainee, invite links that are replaced or end). Runs on PostgreSQL too (DATABASE_URL)."""

from __future__ import annotations

import csv
import io
import os
from datetime import timedelta

from sqlalchemy import func, select
from werkzeug.test import EnvironBuilder

from app.extensions import db
from app.models import (
    AuditEntry,
    CertificationEvent,
    Cohort,
    OutboxMessage,
    RequirementRecord,
    Role,
    User,
    utcnow,
)
from app.people.imports import LIMIT_BYTES

from ..html import csrf_token, elements, text_of

PEOPLE = 1000


def screening(app) -> list:
    program = app.extensions["course"].program
    return [r for r in program.requirements if r.kind != "acknowledge" and r.rubric is None]


def trainee_file(app, bad: dict[int, dict[str, str]] | None = None) -> bytes:
    """PEOPLE trainees with their screening; every tenth certified before PeerPath. ``bad``
    replaces cells of some rows (by index: row i is on spreadsheet line i + 2)."""
    today = utcnow().date()
    required = screening(app)
    columns = [
        "name",
        "email",
        "cohort",
        "external_id",
        *(r.id for r in required),
        "certified_on",
        "certified_by",
    ]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # as Excel writes it: quotes where needed
    writer.writerow(columns)
    for i in range(PEOPLE):
        cells = {
            "name": f"Mentor {i}",
            "email": f"mentor{i}@example.org",
            "cohort": "Spring" if i % 2 else "",
            "external_id": f"ext-{i}",
            **{r.id: (today - timedelta(days=200)).isoformat() for r in required},
            "certified_on": (today - timedelta(days=100)).isoformat() if i % 10 == 0 else "",
            "certified_by": "Sam Lee, programme manager" if i % 10 == 0 else "",
        }
        cells.update((bad or {}).get(i, {}))
        writer.writerow([cells[c] for c in columns])
    return ("\ufeff" + out.getvalue()).encode()


BAD = {
    3: {"email": "mentor1@example.org"},
    10: {"certified_by": ""},
    41: {"interview": "2026-13-01"},
    500: {"cohort": "Sprnig"},
    998: {"external_id": "ext-5"},
}


def upload(client, data: bytes, name: str = "trainees.csv", **choices):
    token = csrf_token(client.get("/coordinator/import").text)
    fields = {"csrf_token": token, "file": (io.BytesIO(data), name), **choices}
    builder = EnvironBuilder(path="/coordinator/import", method="POST", data=fields)
    environ = builder.get_environ()
    try:
        return client.open(environ)
    finally:  # a large body waits in a temporary file
        environ["wsgi.input"].close()
        builder.close()


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def add_cohort(app, name: str = "Spring") -> int:
    with app.app_context():
        cohort = Cohort(name=name, invite_code=f"code-{name}")
        db.session.add(cohort)
        db.session.commit()
        return cohort.id


def test_a_file_with_bad_rows_is_reported_line_by_line_then_imported_once_fixed(app, coordinator):
    add_cohort(app)
    users = count(app, User)
    checked = upload(coordinator, trainee_file(app, BAD), invitations="y")
    assert checked.status_code == 422
    problems = [li.text.strip() for li in elements(checked.text, "li") if "data-line" in li]
    assert {p.split(":")[0] for p in problems} == {
        "line 5, column email",
        "line 12, column certified_by",
        "line 43, column interview",
        "line 502, column cohort",
        "line 1000, column external_id",
    }
    assert "line 5, column email: mentor1@example.org is on line 3 already" in problems
    assert not elements(checked.text, "form", action="/coordinator/import/confirm")
    assert count(app, User) == users

    clean = upload(coordinator, trainee_file(app), invitations="y")
    assert clean.status_code == 200, text_of(clean.text)[:2000]
    assert f"Import {PEOPLE} people" in clean.text
    assert count(app, User) == users  # the check wrote nothing
    checked_field = elements(clean.text, "input", name="checked")[0]["value"]
    done = coordinator.post(
        "/coordinator/import/confirm", data={"csrf_token": csrf_token(clean.text), "checked": checked_field}
    )
    assert done.status_code == 302
    assert f"Imported {PEOPLE} new trainees" in text_of(coordinator.get("/coordinator/import").text)
    with app.app_context():
        assert (
            db.session.scalar(select(func.count()).select_from(User).where(User.role == Role.TRAINEE.value))
            == PEOPLE
        )
        assert (
            db.session.scalar(select(func.count()).where(OutboxMessage.recipient.like("mentor%@example.org")))
            == PEOPLE
        )
        invited = db.session.scalar(select(User).where(User.email == "mentor7@example.org"))
        assert invited.invited_at is not None and not invited.check_password("anything at all")
        assert invited.cohort_id is not None and invited.external_id == "ext-7"
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "people.imported"))
        assert entry.details["created"] == PEOPLE and entry.details["file"] == "trainees.csv"
        prior = db.session.scalar(select(User).where(User.email == "mentor20@example.org"))
        event = db.session.scalar(select(CertificationEvent).where(CertificationEvent.user_id == prior.id))
        assert event.prior_certifier == "Sam Lee, programme manager" and event.kind == "sign_off"
        prior_id, certificate_id = prior.id, event.certificate_id
        records = db.session.scalar(select(func.count()).select_from(RequirementRecord))
        assert records == PEOPLE * len(screening(app))

    page = coordinator.get(f"/coordinator/mentors/{prior_id}")
    assert "Certified before PeerPath by Sam Lee, programme manager" in text_of(page.text)
    assert "Imported from trainees.csv" in text_of(page.text)
    status = elements(page.text, "section", class_="certification decision")[0]["data-certification-status"]
    assert status in ("certified", "renewal_due")
    verify = app.test_client().get(f"/verify/{certificate_id}")
    assert elements(verify.text, "div", **{"data-certificate-state": "valid"})

    again = upload(coordinator, trainee_file(app))
    assert again.status_code == 422 and "exists already" in again.text  # nothing imported twice
    events = count(app, CertificationEvent)
    update = upload(coordinator, trainee_file(app), update="y")
    assert update.status_code == 200 and f"{PEOPLE} existing accounts updated" in text_of(update.text)
    checked_field = elements(update.text, "input", name="checked")[0]["value"]
    coordinator.post(
        "/coordinator/import/confirm", data={"csrf_token": csrf_token(update.text), "checked": checked_field}
    )
    assert (
        count(app, RequirementRecord) == records and count(app, CertificationEvent) == events
    )  # nothing twice
    assert count(app, OutboxMessage) == PEOPLE  # updated accounts are not invited again


def test_a_file_that_is_not_csv_or_too_large_is_refused(app, coordinator):
    picture = upload(coordinator, b"\x89PNG\r\n\x1a\n\x00\x00", name="photo.png")
    assert picture.status_code == 422 and "Choose a CSV file" in picture.text
    binary = upload(coordinator, b"\xff\xfe\x00n\x00a", name="people.csv")
    assert binary.status_code == 422 and "not UTF-8" in binary.text
    huge = upload(coordinator, b"name,email\n" + b"x" * LIMIT_BYTES, name="big.csv")
    assert huge.status_code == 422 and "larger than 2 MB" in huge.text
    assert count(app, User) == 1


def test_the_import_is_for_staff_only(app, trainee, client):
    assert client.get("/coordinator/import").status_code == 403


def test_the_command_line_checks_by_default_and_imports_with_commit(app, runner, make_user):
    add_cohort(app)
    email = make_user(Role.COORDINATOR, name="Cora Coordinator")
    path = app.instance_path + "/import-test.csv"
    os.makedirs(app.instance_path, exist_ok=True)
    with open(path, "wb") as file:
        file.write(trainee_file(app, BAD))
    bad = runner.invoke(args=["import-trainees", path])
    assert bad.exit_code == 1 and "line 43, column interview" in bad.output
    with open(path, "wb") as file:
        file.write(trainee_file(app))
    dry = runner.invoke(args=["import-trainees", path])
    assert dry.exit_code == 0 and "Dry run: would import 1000 new trainees" in dry.output
    assert count(app, User) == 1
    no_address = runner.invoke(args=["import-trainees", path, "--commit"])
    assert no_address.exit_code == 1 and "set PUBLIC_URL first" in no_address.output
    done = runner.invoke(args=["import-trainees", path, "--commit", "--no-invitations", "--by", email])
    assert done.exit_code == 0, done.output
    assert "Imported 1000 new trainees" in done.output and "0 invitations" in done.output
    assert count(app, User) == PEOPLE + 1 and count(app, OutboxMessage) == 0
    os.remove(path)


def test_a_trainee_moves_cohort_and_the_move_is_audited(app, coordinator, make_user):
    spring, autumn = add_cohort(app, "Spring"), add_cohort(app, "Autumn")
    email = make_user(Role.TRAINEE, name="Mo Mover")
    with app.app_context():
        mover = db.session.scalar(select(User).where(User.email == email))
        mover.cohort_id = spring
        db.session.commit()
        mover_id = mover.id
    page = coordinator.get(f"/coordinator/mentors/{mover_id}")
    moved = coordinator.post(
        f"/coordinator/mentors/{mover_id}/cohort",
        data={"csrf_token": csrf_token(page.text), "cohort": str(autumn)},
    )
    assert moved.status_code == 302
    with app.app_context():
        mover = db.session.get(User, mover_id)
        assert mover.cohort_id == autumn and mover.account_changed_at is not None
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "cohort.trainee_moved"))
        assert entry.details == {"from": "Spring", "to": "Autumn"}
    out = coordinator.post(
        f"/coordinator/mentors/{mover_id}/cohort", data={"csrf_token": csrf_token(page.text), "cohort": ""}
    )
    assert out.status_code == 302
    with app.app_context():
        assert db.session.get(User, mover_id).cohort_id is None


def test_a_replaced_invite_link_is_refused(app, coordinator, client):
    cohort_id = add_cohort(app)
    assert "not valid any more" not in client.get("/auth/register?invite=code-Spring").text
    page = coordinator.get("/coordinator/cohorts")
    rotated = coordinator.post(
        f"/coordinator/cohorts/{cohort_id}/invite", data={"csrf_token": csrf_token(page.text)}
    )
    assert rotated.status_code == 302
    refused = client.get("/auth/register?invite=code-Spring")
    assert "not valid any more" in refused.text or refused.status_code != 200
    with app.app_context():
        code = db.session.get(Cohort, cohort_id).invite_code
        assert code != "code-Spring"
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "cohort.invite_rotated"))
    assert "not valid any more" not in client.get(f"/auth/register?invite={code}").text


def test_an_invite_link_works_to_the_end_of_its_last_day(app, coordinator, client):
    cohort_id = add_cohort(app)
    zone = app.extensions["course"].program.zone
    today = utcnow().astimezone(zone).date()
    page = coordinator.get("/coordinator/cohorts")
    field = f"cohort-{cohort_id}-last_day"
    past = coordinator.post(
        f"/coordinator/cohorts/{cohort_id}/invite-end",
        data={"csrf_token": csrf_token(page.text), field: (today - timedelta(days=1)).isoformat()},
    )
    assert past.status_code == 422 and "Choose today or a later day" in past.text
    ends = coordinator.post(
        f"/coordinator/cohorts/{cohort_id}/invite-end",
        data={"csrf_token": csrf_token(page.text), field: today.isoformat()},
    )
    assert ends.status_code == 302
    assert "ends" in text_of(coordinator.get("/coordinator/cohorts").text)
    assert "not valid any more" not in client.get("/auth/register?invite=code-Spring").text  # still today
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        assert cohort.invite_expires_at.astimezone(zone).date() == today + timedelta(days=1)
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "cohort.invite_end_set"))
        cohort.invite_expires_at = utcnow() - timedelta(seconds=1)  # the day has ended
        db.session.commit()
    assert "not valid any more" in client.get("/auth/register?invite=code-Spring").text

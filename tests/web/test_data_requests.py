"""Backups, and data-protection requests: one person's data exported as JSON, or deleted with
their certificates still verifying as revoked."""

from __future__ import annotations

import json
import sqlite3
import threading

from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    AuditEntry,
    CertificationEvent,
    QuizAttempt,
    Reflection,
    ScenarioRun,
    SectionView,
    Standing,
    User,
)

from ..conftest import user_id
from ..helpers import complete_course, post
from ..html import csrf_token, elements


def signed_off(app, admin, email: str) -> str:
    """Complete the course for ``email``, sign it off, and return the certificate's public URL."""
    complete_course(app, email)
    mentor_page = f"/coordinator/mentors/{user_id(app, email)}"
    post(admin, mentor_page, f"{mentor_page}/sign-off", reason="")
    with app.app_context():
        certificate = db.session.scalar(select(CertificationEvent.certificate_id))
    return f"/verify/{certificate}"


def test_export_user_writes_every_record_of_that_person_and_no_secrets(
    app, runner, client, trainee, make_user
):
    module = app.extensions["course"].modules[0]
    section = module.sections[0]
    page = client.get(f"/modules/{module.id}/{section.id}").text
    prompt = elements(page, "textarea")[0]["name"].removesuffix("-text")
    client.post(
        f"/modules/{module.id}/{section.id}/reflections/{prompt}",
        data={f"{prompt}-text": "What I learnt.", f"{prompt}-csrf_token": csrf_token(page)},
    )
    make_user(name="Someone Else")
    result = runner.invoke(args=["export-user", trainee.upper()])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["account"]["email"] == trainee and data["account"]["name"] == "Tomás Trainee"
    assert "password_hash" not in data["account"] and "session_version" not in data["account"]
    assert [r["text"] for r in data["reflections"]] == ["What I learnt."]
    assert [(s["module_id"], s["section_id"]) for s in data["sections_read"]] == [(module.id, section.id)]
    assert "Someone Else" not in result.output
    assert runner.invoke(args=["export-user", "nobody@example.org"]).exit_code != 0


def test_delete_user_removes_every_record_and_the_certificate_verifies_as_revoked(
    app, runner, client, admin, make_user
):
    email = make_user(name="Erin Erased")
    certificate_url = signed_off(app, admin, email)
    assert elements(client.get(certificate_url).text, "div", **{"data-certificate-state": "valid"})
    erased = user_id(app, email)
    kept = make_user(name="Kim Kept")
    complete_course(app, kept)

    assert runner.invoke(args=["delete-user", email]).exit_code == 1  # asks first; no answer aborts
    result = runner.invoke(args=["delete-user", email, "--yes"])
    assert result.exit_code == 0 and "1 certificate(s) now verify as revoked" in result.output

    with app.app_context():
        assert db.session.get(User, erased) is None
        for model in (SectionView, Reflection, QuizAttempt, ScenarioRun, CertificationEvent, Standing):
            owners = set(db.session.scalars(select(model.user_id)))
            assert erased not in owners and owners <= {user_id(app, kept)}, model.__name__
        assert db.session.scalar(select(func.count()).select_from(SectionView)) > 0  # Kim's stay
        assert (
            db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()[-1]
            == "account.deleted"
        )
    page = client.get(certificate_url)
    assert page.status_code == 200
    assert elements(page.text, "div", **{"data-certificate-state": "revoked"})
    assert "Erin" not in page.text


def test_backup_copies_a_live_sqlite_database_consistently(app, runner, make_user, tmp_path):
    target = tmp_path / "backup.db"
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        result = runner.invoke(args=["backup", str(target)])
        assert result.exit_code != 0 and "pg_dump" in result.output and not target.exists()
        return
    for n in range(20):
        make_user(name=f"Before {n}")
    stop = threading.Event()

    def keep_writing():  # a worker adding accounts while the backup runs
        n = 0
        while not stop.is_set():
            make_user(name=f"During {n}")
            n += 1

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        result = runner.invoke(args=["backup", str(target)])
    finally:
        stop.set()
        writer.join()
    assert result.exit_code == 0, result.output
    copy = sqlite3.connect(target)
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        names = [row[0] for row in copy.execute("SELECT name FROM users")]
    finally:
        copy.close()
    assert sum(name.startswith("Before") for name in names) == 20
    assert runner.invoke(args=["backup", str(target)]).exit_code != 0  # never overwrites silently
    assert runner.invoke(args=["backup", str(target), "--force"]).exit_code == 0

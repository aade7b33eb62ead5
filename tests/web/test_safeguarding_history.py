"""The safeguarding history is corrected, never silently changed: corrections and voids are new
rows, both shown; status reads the current ones; the database refuses edits, deletions and
TRUNCATE while the person exists, and erasing a person still removes their rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from app.extensions import db
from app.models import AuditEntry, CertificationEvent, RequirementRecord, User, utcnow

from ..helpers import complete_course, post
from ..html import elements
from .test_matching_api import certify


def background_check(app, user_id: int) -> RequirementRecord:
    with app.app_context():
        return db.session.scalars(
            select(RequirementRecord)
            .where(
                RequirementRecord.user_id == user_id, RequirementRecord.requirement_id == "background-check"
            )
            .order_by(RequirementRecord.id.desc())
        ).first()


def valid_until(app, client, runner, user_id: int) -> str:
    secret = runner.invoke(args=["api-token", "create", "check"]).output.strip().splitlines()[-1]
    record = client.get(f"/api/v1/mentors/{user_id}", headers={"Authorization": f"Bearer {secret}"}).json
    return record["requirements"]["background-check"]["expires_on"]


def test_a_mistyped_background_check_date_is_corrected_and_both_records_show(
    app, client, runner, make_user, coordinator
):
    mentor = certify(app, make_user(name="Typo Date"))
    detail = f"/coordinator/mentors/{mentor}"
    wrong = (utcnow() + timedelta(days=0)).date().replace(year=utcnow().year).isoformat()
    assert post(coordinator, detail, f"{detail}/requirements/background-check", date=wrong).status_code == 302
    record_id = background_check(app, mentor).id
    lapses_wrongly = valid_until(app, client, runner, mentor)

    right = (utcnow() - timedelta(days=400)).date().isoformat()
    action = f"{detail}/records/{record_id}/correct"
    missing_reason = post(coordinator, detail, action, **{f"record-{record_id}-date": right})
    assert missing_reason.status_code == 422 and "Say why" in missing_reason.text
    assert f'value="{right}"' in missing_reason.text  # what was typed stays
    done = post(
        coordinator,
        detail,
        action,
        **{f"record-{record_id}-date": right, f"record-{record_id}-reason": "Year mistyped."},
    )
    assert done.status_code == 302
    assert valid_until(app, client, runner, mentor) < lapses_wrongly  # the corrected date counts

    page = coordinator.get(detail).text
    states = {
        li["data-record"]: li["data-record-state"] for li in elements(page, "li") if "data-record" in li
    }
    assert states[str(record_id)] == "replaced" and "current" in states.values()
    assert "Year mistyped." in page
    again = post(
        coordinator, detail, action, **{f"record-{record_id}-date": right, f"record-{record_id}-reason": "x"}
    )
    assert again.status_code == 302 and "already been corrected" in coordinator.get(detail).text
    with app.app_context():
        actions = db.session.scalars(select(AuditEntry.action)).all()
    assert "requirement.corrected" in actions


def test_a_voided_record_stops_counting_and_a_voided_sign_off_withdraws_the_certificate(
    app, client, runner, make_user, coordinator
):
    email = make_user(name="Void Both")
    mentor = complete_course(app, email)
    detail = f"/coordinator/mentors/{mentor}"
    assert post(coordinator, detail, f"{detail}/sign-off", reason="").status_code == 302
    with app.app_context():
        sign_off = db.session.scalar(
            select(CertificationEvent.id).where(CertificationEvent.user_id == mentor)
        )
    voided = post(
        coordinator,
        detail,
        f"{detail}/decisions/{sign_off}/void",
        **{f"void-decision-{sign_off}-reason": "Wrong person."},
    )
    assert voided.status_code == 302
    page = coordinator.get(detail).text
    assert elements(page, "section", data_certification_status="awaiting_review")
    assert [li for li in elements(page, "li", data_event="sign_off") if "data-voided" in li]

    record_id = background_check(app, mentor).id
    post(
        coordinator,
        detail,
        f"{detail}/records/{record_id}/void",
        **{f"void-record-{record_id}-reason": "Not done."},
    )
    assert elements(coordinator.get(detail).text, "section", data_certification_status="in_training")


def protected_rows(app, user_id: int) -> dict[str, int]:
    with app.app_context():
        return {
            "certification_events": db.session.scalar(
                select(CertificationEvent.id).where(CertificationEvent.user_id == user_id)
            ),
            "requirement_records": background_check(app, user_id).id,
        }


@pytest.mark.parametrize("table", ["certification_events", "requirement_records", "audit_log"])
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE {table} SET reason = 'changed' WHERE id = {id}",
        "DELETE FROM {table} WHERE id = {id}",
        "TRUNCATE {table}",
    ],
)
def test_the_database_refuses_to_change_the_safeguarding_history(app, make_user, table, statement):
    mentor = certify(app, make_user(name="Kept Safe"))
    row = protected_rows(app, mentor).get(table)
    with app.app_context():
        if table == "audit_log":
            row = db.session.scalar(select(AuditEntry.id))
            if row is None:
                db.session.add(
                    AuditEntry(at=utcnow(), action="x", subject_type="user", subject_id=mentor, details={})
                )
                db.session.commit()
                row = db.session.scalar(select(AuditEntry.id))
            statement = statement.replace("reason = 'changed'", "action = 'changed'")
        if statement.startswith("TRUNCATE") and db.engine.dialect.name == "sqlite":
            statement = "DELETE FROM {table}"  # SQLite has no TRUNCATE; this is its equivalent
        with pytest.raises(DatabaseError, match="append-only"):
            db.session.execute(text(statement.format(table=table, id=row)))
            db.session.commit()
        db.session.rollback()


def test_erasing_a_person_still_removes_their_protected_rows(app, runner, make_user):
    email = make_user(name="Erase Me")
    mentor = certify(app, email)
    assert runner.invoke(args=["delete-user", email, "--yes"]).exit_code == 0
    with app.app_context():
        assert (
            db.session.scalar(select(RequirementRecord.id).where(RequirementRecord.user_id == mentor)) is None
        )
        assert db.session.get(User, mentor) is None


def record_background_check(app, user_id: int, on) -> None:
    """Put the background check on the day given, as a coordinator's correction would."""
    from app.certification.corrections import correct_requirement

    record_id = background_check(app, user_id).id
    with app.app_context():
        correct_requirement(user_id, record_id, on, None, "Set for the test.", actor_id=user_id)
        db.session.commit()


def test_a_screening_record_lapsing_inside_the_window_makes_the_mentor_renewal_due_naming_it(
    app, make_user, coordinator
):
    from app.certification.checklist import add_months

    mentor = certify(app, make_user(name="Soon Lapsing"), utcnow() - timedelta(days=30))
    record_background_check(app, mentor, add_months(utcnow(), -36) + timedelta(days=20))
    detail = coordinator.get(f"/coordinator/mentors/{mentor}").text
    assert elements(detail, "section", data_certification_status="renewal_due")
    notice = elements(detail, "p", data_lapsing="")[0]
    assert "Background check" in notice.text
    listed = coordinator.get("/coordinator/?lapsing=30").text
    rows = [r for r in elements(listed, "tr") if "data-mentor" in r]
    assert [r["data-mentor"] for r in rows] == [str(mentor)]
    cell = elements(listed, "td", data_column="valid-until")[0]
    assert (utcnow() + timedelta(days=20)).strftime("%Y") in cell.text
    assert not [
        r
        for r in elements(coordinator.get("/coordinator/?lapsing=30&q=nobody").text, "tr")
        if "data-mentor" in r
    ]


def test_the_sign_off_form_says_when_the_certificate_will_in_fact_end(app, make_user, coordinator):
    from app.certification.checklist import add_months

    mentor = complete_course(app, make_user(name="Short Term"))
    checked = add_months(utcnow(), -36) + timedelta(days=100)
    record_background_check(app, mentor, checked)
    page = coordinator.get(f"/coordinator/mentors/{mentor}").text
    term = " ".join(elements(page, "p", data_sign_off_ends="")[0].text.split())
    assert "the record “Background check cleared” lapses first" in term
    assert f"valid until {add_months(checked, 36).strftime('%d %b %Y')}, not" in term


def test_an_erased_revoked_mentor_cannot_register_again_and_coordinators_see_the_flag(
    app, client, runner, make_user, coordinator
):
    from ..conftest import Auth

    email = make_user(name="Revoked Then Erased")
    mentor = certify(app, email)
    detail = f"/coordinator/mentors/{mentor}"
    post(coordinator, detail, f"{detail}/revoke", reason="Concern raised by the school.")
    assert runner.invoke(args=["delete-user", email, "--yes"]).exit_code == 0
    with app.app_context():
        from app.models import SafeguardingMarker

        marker = db.session.scalars(select(SafeguardingMarker)).one()
        assert marker.decision == "revoked" and email.split("@")[0] not in marker.email_hash
    again = Auth(app.test_client()).register("New Name", email.upper())
    assert again.status_code == 200 and "We could not create an account with these details" in again.text
    assert "revoked" not in again.text.lower()
    with app.app_context():
        assert db.session.scalar(select(User.id).where(User.email == email)) is None
    flag = elements(coordinator.get("/coordinator/").text, "div", data_refused_registrations="")[0]
    assert "certificate was revoked" in flag.text
    other = Auth(app.test_client()).register("Someone Else", "someone.else@example.org")
    assert other.status_code == 302  # everyone else registers as before


def test_only_a_safeguarding_lead_marks_do_not_reengage_and_a_reinstatement_cannot_lift_it(
    app, runner, make_user, coordinator
):
    from app.models import Role

    from ..conftest import Auth

    mentor = certify(app, make_user(name="Never Again"))
    detail = f"/coordinator/mentors/{mentor}"
    action = f"{detail}/do-not-reengage"
    assert post(coordinator, detail, action, **{"dnr-reason": "x"}).status_code == 403
    lead = app.test_client()
    Auth(lead).login(make_user(Role.SAFEGUARDING_LEAD, name="Lee Lead"))
    assert post(lead, detail, action, **{"dnr-reason": "Allegation upheld by the LADO."}).status_code == 302
    page = lead.get(detail).text
    assert elements(page, "section", data_certification_status="revoked") and elements(
        page, "p", data_do_not_reengage=""
    )
    post(lead, detail, f"{detail}/reinstate", reason="Try to lift it.")
    assert elements(lead.get(detail).text, "section", data_certification_status="revoked")
    with app.app_context():
        email = db.session.get(User, mentor).email
    runner.invoke(args=["delete-user", email, "--yes"])
    with app.app_context():
        from app.models import SafeguardingMarker

        assert db.session.scalars(select(SafeguardingMarker.decision)).all() == ["do_not_reengage"]


def test_markers_past_their_retention_are_purged_and_the_privacy_page_says_how_long(app, client, runner):
    from app.models import SafeguardingMarker

    with app.app_context():
        from app.people.safeguarding_markers import leave_marker

        leave_marker("old@example.org", "revoked", 1, utcnow() - timedelta(days=400))
        leave_marker("recent@example.org", "revoked", 10, utcnow())
        db.session.commit()
    result = runner.invoke(args=["safeguarding", "purge-markers"])
    assert result.exit_code == 0 and "Deleted 1 marker(s)" in result.output
    with app.app_context():
        assert db.session.query(SafeguardingMarker).count() == 1
    years = app.extensions["course"].program.retention.safeguarding_marker_years
    page = client.get("/privacy").text
    assert f"kept for {years} years" in page and client.get("/").status_code in (200, 302)


def test_a_lost_device_can_be_reset_from_the_server_when_no_admin_can_sign_in(app, runner, make_user):
    import pyotp

    from app.models import Role, SecondFactor

    email = make_user(Role.ADMIN, name="Only Admin")
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == email))
        db.session.add(SecondFactor(user_id=user_id, secret=pyotp.random_base32(), enrolled_at=utcnow()))
        db.session.commit()
    assert (
        runner.invoke(args=["safeguarding", "reset-second-factor", email]).exit_code != 0
    )  # a reason is required
    done = runner.invoke(args=["safeguarding", "reset-second-factor", email, "--reason", "Phone lost."])
    assert done.exit_code == 0, done.output
    with app.app_context():
        assert db.session.get(SecondFactor, user_id) is None
        assert db.session.scalars(select(AuditEntry.action)).all()[-1] == "account.second_factor_reset"

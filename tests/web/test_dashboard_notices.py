"""The dashboard's reminders, under the next-step card: the ones the email rules would send now."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from app.certification.status import add_months
from app.extensions import db
from app.models import CertificationEvent, RequirementRecord, User, utcnow

from ..helpers import complete_course, practice_fields
from ..html import elements


def reminders(client) -> dict[str, str]:
    page = client.get("/").text
    return {
        item["data-reminder"]: " ".join(item.text.split())
        for item in elements(page, "li", class_="notice")
        if "data-reminder" in item
    }


def idle_since(app, email: str, moment) -> None:
    with app.app_context():
        db.session.execute(
            update(User).where(User.email == email).values(created_at=moment, last_activity_at=moment)
        )
        db.session.commit()


def mentor(app, email: str, signed_off_at, check_lapses_at) -> int:
    """A mentor signed off at ``signed_off_at`` whose background check lapses at ``check_lapses_at``."""
    uid = complete_course(app, email, at=signed_off_at - timedelta(days=1), recorded=False)
    with app.app_context():
        course = app.extensions["course"]
        for required in course.program.requirements:
            done = signed_off_at - timedelta(days=2)
            if required.id == "background-check":
                done = add_months(check_lapses_at, -required.valid_months)
            db.session.add(
                RequirementRecord(
                    user_id=uid,
                    requirement_id=required.id,
                    completed_on=done,
                    hours=required.hours,
                    recorded_at=done,
                    **practice_fields(course.program, required),
                )
            )
        db.session.add(
            CertificationEvent(
                user_id=uid,
                kind="sign_off",
                at=signed_off_at,
                module_versions={m.id: m.version for m in course.modules},
                certificate_id=f"cert-{uid}",
            )
        )
        db.session.commit()
    return uid


def test_an_idle_trainee_is_reminded_of_their_next_step_under_the_card(app, client, trainee):
    assert reminders(client) == {}  # joined today: nothing to remind
    idle_since(app, trainee, utcnow() - timedelta(days=8))
    page = client.get("/").text
    found = reminders(client)
    assert list(found) == ["inactivity_reminder"]
    assert "8 days ago and have not started" in found["inactivity_reminder"]
    step = elements(page, "a", data_next_action="")[0]["href"]
    notice = elements(page, "section", data_reminders="")[0]
    assert step in page[page.index("data-reminders") :] and "Reminders" in notice.text
    # Below the next-step card, above the certificate.
    assert page.index("next-action-title") < page.index("data-reminders") < page.index("certification-title")

    idle_since(app, trainee, utcnow() - timedelta(days=2))
    assert reminders(client) == {}  # active again: the reminder goes
    idle_since(app, trainee, utcnow() - timedelta(days=22))
    assert "22 days ago" in reminders(client)["inactivity_reminder"]


def test_a_mentor_due_for_renewal_sees_what_to_redo_and_the_lapsing_check(app, client, trainee):
    now = utcnow()
    mentor(app, trainee, signed_off_at=now - timedelta(days=320), check_lapses_at=now + timedelta(days=30))
    found = reminders(client)
    assert set(found) == {"renewal_notice", "requirement_expiring"}
    assert (
        "due for renewal" in found["renewal_notice"] and "Background check cleared" in found["renewal_notice"]
    )
    assert "“Background check cleared” lapses on" in found["requirement_expiring"]
    assert "in 30 days" in found["requirement_expiring"]


def test_the_renewal_notice_turns_final_in_the_last_week(app, client, trainee):
    now = utcnow()
    mentor(app, trainee, signed_off_at=now - timedelta(days=360), check_lapses_at=now + timedelta(days=400))
    page = client.get("/").text
    notice = elements(page, "li", data_reminder="renewal_notice")[0]
    assert notice["data-stage"] == "final" and "ends in 5 days" in notice.text
    assert "pass each module's quiz again" in notice.text
    assert not elements(page, "li", data_reminder="requirement_expiring")  # the check runs on

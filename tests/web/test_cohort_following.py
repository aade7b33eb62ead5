"""A coordinator follows cohorts on /coordinator/cohorts: each followed cohort's weekly digest
comes to them. Following is per coordinator, idempotent, and undone by unfollowing."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import Cohort, CohortFollower, EmailOptOut, Notification, OutboxMessage, Role, utcnow

from ..conftest import Auth, user_id
from ..helpers import race
from ..html import csrf_token, elements


def add_cohort(app, name: str) -> int:
    with app.app_context():
        cohort = Cohort(name=name, invite_code=secrets.token_urlsafe(16))
        db.session.add(cohort)
        db.session.commit()
        return cohort.id


def press(client, path: str):
    token = csrf_token(client.get("/coordinator/cohorts").text)
    return client.post(path, data={"csrf_token": token})


def follows(client) -> dict[str, str]:
    page = client.get("/coordinator/cohorts").text
    return {
        item["data-follow-cohort"]: item["data-follows"]
        for item in elements(page, "li")
        if "data-follow-cohort" in item
    }


def digest_line(client) -> str:
    return " ".join(
        elements(client.get("/coordinator/cohorts").text, "p", data_digest_line="")[0].text.split()
    )


def test_a_coordinator_follows_and_unfollows_cohorts(app, coordinator, make_user):
    spring, autumn = add_cohort(app, "Spring 2027"), add_cohort(app, "Autumn 2027")
    assert follows(coordinator) == {str(spring): "no", str(autumn): "no"}
    assert digest_line(coordinator) == "You follow no cohort, so you get no weekly digest."

    done = press(coordinator, f"/coordinator/cohorts/{spring}/follow")
    assert done.status_code == 302 and done.headers["Location"].endswith("#following")
    press(coordinator, f"/coordinator/cohorts/{spring}/follow")  # twice: still one row
    press(coordinator, f"/coordinator/cohorts/{autumn}/follow")
    assert follows(coordinator) == {str(spring): "yes", str(autumn): "yes"}
    assert digest_line(coordinator).startswith("You get the weekly digest of “Autumn 2027” and “Spring 2027”")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CohortFollower)) == 2

    # Another coordinator's choices are their own.
    other = app.test_client()
    Auth(other).login(make_user(Role.COORDINATOR, name="Olu Other"))
    assert follows(other) == {str(spring): "no", str(autumn): "no"}

    press(coordinator, f"/coordinator/cohorts/{autumn}/unfollow")
    assert follows(coordinator) == {str(spring): "yes", str(autumn): "no"}
    assert digest_line(coordinator).startswith("You get the weekly digest of “Spring 2027”,")
    assert coordinator.post(f"/coordinator/cohorts/{autumn}/follow", data={}).status_code == 400  # no token
    assert follows(coordinator)[str(autumn)] == "no"
    assert press(coordinator, "/coordinator/cohorts/9999/follow").status_code == 404


def test_following_twice_at_once_keeps_one_row(app, coordinator):
    cohort = add_cohort(app, "Racing cohort")
    token = csrf_token(coordinator.get("/coordinator/cohorts").text)

    def follow():
        return coordinator.post(
            f"/coordinator/cohorts/{cohort}/follow", data={"csrf_token": token}
        ).status_code

    assert set(race(follow)) == {302}
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CohortFollower)) == 1


def test_trainees_cannot_follow_cohorts(app, client, trainee):
    cohort = add_cohort(app, "Closed")
    token = csrf_token(client.get("/auth/password").text)
    assert client.post(f"/coordinator/cohorts/{cohort}/follow", data={"csrf_token": token}).status_code in (
        302,
        403,
    )
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CohortFollower)) == 0


def test_the_mentor_page_lists_the_emails_to_and_about_the_mentor(app, coordinator, make_user):
    mentor = user_id(app, make_user(name="Mina Mentor"))
    cora = user_id(app, make_user(Role.COORDINATOR, name="Cora Copy"))
    stranger = user_id(app, make_user(name="Sam Stranger"))
    now = utcnow()
    with app.app_context():

        def notify(recipient, kind, minutes_ago, status=None, about=None):
            outbox_id = None
            if status:
                message = OutboxMessage(recipient="x@example.org", subject="s", body="b", status=status)
                db.session.add(message)
                db.session.flush()
                outbox_id = message.id
            db.session.add(
                Notification(
                    user_id=recipient,
                    kind=kind,
                    occasion=f"{kind}:{minutes_ago}",
                    about_user_id=about,
                    created_at=now - timedelta(minutes=minutes_ago),
                    outbox_id=outbox_id,
                )
            )

        notify(mentor, "inactivity_reminder", 60, "sent")
        notify(mentor, "renewal_notice", 50, "queued")
        notify(mentor, "certified", 40, "failed")
        notify(mentor, "replies_scored", 30, "printed")
        notify(mentor, "session_changed", 20)  # opted out: recorded, never queued
        db.session.add(EmailOptOut(user_id=mentor, kind="session_changed"))
        notify(cora, "requirement_expiring", 10, "sent", about=mentor)
        notify(stranger, "certified", 5, "sent")
        db.session.commit()
    page = coordinator.get(f"/coordinator/mentors/{mentor}").text
    rows = [row for row in elements(page, "tr") if "data-email-kind" in row]
    assert [(row["data-email-kind"], row["data-email-status"]) for row in rows] == [
        ("requirement_expiring", "sent"),
        ("session_changed", "not sent (opted out)"),
        ("replies_scored", "printed"),
        ("certified", "failed"),
        ("renewal_notice", "queued"),
        ("inactivity_reminder", "sent"),
    ]
    assert "Cora Copy" in rows[0].text and "(coordinator)" in rows[0].text
    assert "Requirement lapsing soon" in rows[0].text and "Sam Stranger" not in page
    empty = user_id(app, make_user(name="Quiet Person"))
    assert "No reminders or notices yet." in coordinator.get(f"/coordinator/mentors/{empty}").text

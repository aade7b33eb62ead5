"""Issue 28 in the browser: the dashboard's reminder under the next-step card, a changed and a
cancelled session on the trainee's dashboard, the coordinator's confirmation before cancelling a
session people hold places on, and the cohorts page's follow buttons; each page audited."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from app.extensions import db
from app.models import SessionSignup, TrainingSession, User, utcnow

from .conftest import STAFF_PASSWORD, log_in, register
from .test_browser import audit


def held_session(server, email: str, title: str, days: int) -> int:
    """A session a week or so away on which ``email`` holds a place."""
    with server.app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        session = TrainingSession(
            title=title,
            starts_at=(utcnow() + timedelta(days=days)).replace(second=0, microsecond=0),
            duration_minutes=90,
            place="Community hall, 12 High Street",
            capacity=5,
        )
        db.session.add(session)
        db.session.flush()
        db.session.add(SessionSignup(session_id=session.id, user_id=user.id, signed_up_at=utcnow()))
        db.session.commit()
        return session.id


def test_the_reminder_and_a_cancelled_session_on_the_dashboard(live_server, new_page):
    base, email = live_server.url, "idle.reminder@example.org"
    trainee = new_page()
    register(trainee, base, "Ida Idle", email)
    changed = held_session(live_server, email, "Boundaries evening", 8)
    cancelled = held_session(live_server, email, "Listening workshop", 9)
    with live_server.app.app_context():
        ten_days_ago = utcnow() - timedelta(days=10)
        db.session.execute(
            update(User).where(User.email == email).values(created_at=ten_days_ago, last_activity_at=None)
        )
        db.session.execute(
            update(TrainingSession).where(TrainingSession.id == changed).values(changed_at=utcnow())
        )
        db.session.execute(
            update(TrainingSession).where(TrainingSession.id == cancelled).values(cancelled_at=utcnow())
        )
        db.session.commit()
    trainee.goto(base + "/")
    notice = trainee.locator("[data-reminder=inactivity_reminder]")
    assert "10 days ago" in notice.inner_text() and notice.locator("a").count() == 1
    assert trainee.locator(f"li[data-session='{cancelled}']").inner_text().count("Cancelled") == 1
    assert trainee.locator(f"li[data-session='{changed}'] [data-session-changed]").is_visible()
    assert audit(trainee) == []


def test_cancelling_a_session_with_places_held_goes_through_a_confirmation(live_server, new_page):
    base, email = live_server.url, "holder@example.org"
    trainee = new_page()
    register(trainee, base, "Hana Holder", email)
    session_id = held_session(live_server, email, "Safeguarding refresher", 6)

    coordinator = new_page()
    log_in(coordinator, base, "coordinator@example.org", STAFF_PASSWORD)
    coordinator.goto(f"{base}/coordinator/sessions/{session_id}")
    coordinator.get_by_role("link", name="Cancel this session").click()
    coordinator.wait_for_url(f"{base}/coordinator/sessions/{session_id}/cancel")
    assert "1 trainee holds a place" in coordinator.inner_text("[data-cancel-warning]")
    assert audit(coordinator) == []
    coordinator.get_by_role("button", name="Yes, cancel the session and email them").click()
    coordinator.wait_for_url(f"{base}/coordinator/sessions/{session_id}")
    assert coordinator.locator("[data-session-cancelled]").is_visible()
    assert audit(coordinator) == []

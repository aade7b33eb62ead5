"""A live session changed or cancelled with people signed up: they keep their places on the
record, see the change on their dashboard, and a cancelled session takes no attendance."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import SessionSignup, TrainingSession, utcnow
from app.sessions import services as sessions

from ..conftest import Auth, user_id
from ..html import csrf_token, elements
from .test_live_sessions import add_session, press


def session_row(app, session_id: int) -> TrainingSession | None:
    with app.app_context():
        found = db.session.get(TrainingSession, session_id)
        if found is not None:
            db.session.expunge(found)
        return found


def edit(coordinator, session_id: int, **fields):
    page = coordinator.get(f"/coordinator/sessions/{session_id}/edit").text
    current = {
        name: elements(page, "input", name=name)[0].get("value", "")
        for name in ("title", "day", "start", "minutes", "place", "capacity")
    }
    data = {"csrf_token": csrf_token(page), **current, **fields}
    return coordinator.post(f"/coordinator/sessions/{session_id}/edit", data=data)


def test_cancelling_a_session_with_places_held_asks_first_and_keeps_the_places(
    app, coordinator, client, trainee, make_user
):
    session_id = add_session(app, timedelta(days=3))
    press(client, f"/sessions/{session_id}/signup")
    page = coordinator.get(f"/coordinator/sessions/{session_id}").text
    link = elements(page, "a", href=f"/coordinator/sessions/{session_id}/cancel")
    assert link and "Cancel this session" in link[0].text  # a page first, not a button that acts at once

    confirm = coordinator.get(f"/coordinator/sessions/{session_id}/cancel")
    warning = elements(confirm.text, "p", data_cancel_warning="")[0].text
    assert confirm.status_code == 200 and "1 trainee holds a place" in warning and "emailed" in warning
    assert "Tomás Trainee" in confirm.text

    done = coordinator.post(
        f"/coordinator/sessions/{session_id}/cancel", data={"csrf_token": csrf_token(confirm.text)}
    )
    assert done.headers["Location"].endswith(f"/coordinator/sessions/{session_id}")
    shown = coordinator.get(done.headers["Location"]).text
    assert "will be emailed" in shown and elements(shown, "p", data_session_cancelled="")
    assert not elements(shown, "form", action=f"/coordinator/sessions/{session_id}/attendance")
    kept = session_row(app, session_id)
    assert kept is not None and kept.cancelled_at is not None
    with app.app_context():
        signup = db.session.scalars(select(SessionSignup).where(SessionSignup.session_id == session_id)).one()
        assert signup.cancelled_at is None  # the place stays on the record: its holder is told
    listing = coordinator.get("/coordinator/sessions").text
    assert "Cancelled" in elements(listing, "tr", data_session=str(session_id))[0].text

    # The holder sees it crossed out, with no button; nobody else is offered it.
    item = elements(client.get("/").text, "li", data_session=str(session_id))[0]
    assert "data-cancelled" in item and "Cancelled" in item.text and "Sign up" not in item.text
    other = app.test_client()
    Auth(other).login(make_user(name="Other Person"))
    assert not elements(other.get("/").text, "li", data_session=str(session_id))
    refused = press(other, f"/sessions/{session_id}/signup")
    assert "is cancelled" in other.get(refused.headers["Location"]).text
    assert press(client, f"/sessions/{session_id}/cancel").status_code == 302
    asked = client.get(f"/sessions/{session_id}/cancel")
    assert "no place to give back" in client.get(asked.headers["Location"]).text
    with app.app_context():
        assert (
            db.session.scalar(
                select(SessionSignup.cancelled_at).where(SessionSignup.session_id == session_id)
            )
            is None
        )
    # Cancelled twice, or changed afterwards: refused.
    again = press(coordinator, f"/coordinator/sessions/{session_id}/cancel")
    assert "cancelled already" in coordinator.get(again.headers["Location"]).text
    assert coordinator.get(f"/coordinator/sessions/{session_id}/edit").status_code == 302


def test_a_cancelled_session_takes_no_attendance_and_counts_no_hours(app, coordinator, client, trainee):
    session_id = add_session(app, timedelta(days=1))
    press(client, f"/sessions/{session_id}/signup")
    press(coordinator, f"/coordinator/sessions/{session_id}/cancel")
    with app.app_context():
        db.session.get(TrainingSession, session_id).starts_at = utcnow() - timedelta(hours=3)
        db.session.commit()
    page = coordinator.get(f"/coordinator/sessions/{session_id}").text
    refused = coordinator.post(
        f"/coordinator/sessions/{session_id}/attendance",
        data={"csrf_token": csrf_token(page), "attended": str(user_id(app, trainee))},
    )
    assert "no attendance to take" in coordinator.get(refused.headers["Location"]).text
    with app.app_context():
        assert (
            db.session.scalar(select(SessionSignup.attended).where(SessionSignup.session_id == session_id))
            is None
        )
        session = db.session.get(TrainingSession, session_id)
        with pytest.raises(sessions.SignupRefused):
            sessions.record_attendance(session, {user_id(app, trainee)}, actor=1)


def test_a_session_nobody_holds_a_place_on_is_deleted_at_once(app, coordinator):
    session_id = add_session(app, timedelta(days=3))
    done = press(coordinator, f"/coordinator/sessions/{session_id}/cancel")
    assert done.headers["Location"].endswith("/coordinator/sessions")
    assert session_row(app, session_id) is None


def test_a_new_time_or_place_marks_the_session_changed_and_the_holder_sees_it(
    app, coordinator, client, trainee
):
    session_id = add_session(app, timedelta(days=5))
    with app.app_context():  # whole minutes, as the form schedules them
        found = db.session.get(TrainingSession, session_id)
        found.starts_at = found.starts_at.replace(second=0, microsecond=0)
        db.session.commit()
    press(client, f"/sessions/{session_id}/signup")
    assert edit(coordinator, session_id, title="Renamed evening").status_code == 302
    assert session_row(app, session_id).changed_at is None  # a title tells the holders nothing new
    assert not elements(client.get("/").text, "span", data_session_changed="")

    saved = edit(coordinator, session_id, place="Room 2, Town library")
    assert saved.status_code == 302
    assert "emailed" in coordinator.get(saved.headers["Location"]).text
    changed = session_row(app, session_id).changed_at
    assert changed is not None
    dashboard = client.get("/").text
    item = elements(dashboard, "li", data_session=str(session_id))[0]
    assert "Room 2, Town library" in item.text and elements(dashboard, "span", data_session_changed="")

    edit(coordinator, session_id, minutes="90")
    assert session_row(app, session_id).changed_at > changed  # each change is a new occasion


def test_the_calendar_file_of_a_cancelled_session_says_so(app, coordinator, client, trainee):
    session_id = add_session(app, timedelta(days=3))
    press(client, f"/sessions/{session_id}/signup")
    assert "STATUS:CONFIRMED\r\n" in client.get(f"/sessions/{session_id}.ics").text
    press(coordinator, f"/coordinator/sessions/{session_id}/cancel")
    for text in (
        client.get(f"/sessions/{session_id}.ics").text,
        coordinator.get(f"/coordinator/sessions/{session_id}.ics").text,
    ):
        assert "STATUS:CANCELLED\r\n" in text and "STATUS:CONFIRMED" not in text
        assert f"UID:peerpath-session-{session_id}@" in text  # the same event, so calendars update it

"""Live training sessions: scheduling, sign-up, capacity, cancellation and attendance hours."""

from __future__ import annotations

import csv
import io
import threading
from datetime import timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import SessionSignup, TrainingSession, utcnow

from ..conftest import Auth, user_id
from ..helpers import complete_course, race, record_practice, status_on_dashboard
from ..html import csrf_token, elements


def schedule(coordinator, **fields):
    page = coordinator.get("/coordinator/sessions").text
    data = {
        "title": "Safeguarding evening",
        "day": (utcnow() + timedelta(days=7)).date().isoformat(),
        "start": "18:30",
        "minutes": "120",
        "place": "Community hall, 12 High Street",
        "capacity": "2",
        **fields,
    }
    return coordinator.post("/coordinator/sessions", data={"csrf_token": csrf_token(page), **data})


def press(client, path: str):
    token = csrf_token(client.get("/auth/password").text)  # any signed-in role
    return client.post(path, data={"csrf_token": token})


def add_session(app, starts_in: timedelta, capacity: int = 10, minutes: int = 120) -> int:
    with app.app_context():
        session = TrainingSession(
            title="Evening session",
            starts_at=utcnow() + starts_in,
            duration_minutes=minutes,
            place="Online",
            capacity=capacity,
        )
        db.session.add(session)
        db.session.commit()
        return session.id


def test_schedule_sign_up_fill_and_cancel(app, coordinator, client, trainee, make_user):
    for fields, message in (
        ({"day": "2020-01-01"}, "in the future"),
        ({"capacity": "0"}, "Between 1 and 500"),
        ({"start": "7pm"}, "for example 18:30"),
        ({"title": ""}, "This field is required"),
    ):
        refused = schedule(coordinator, **fields)
        assert refused.status_code == 422 and message in refused.text, fields
    created = schedule(coordinator)
    assert created.status_code == 302
    session_id = int(created.headers["Location"].rsplit("/", 1)[1])

    item = elements(client.get("/").text, "li", data_session=str(session_id))[0]
    assert "2 places left" in item.text and item["data-signed-up"] == "no"
    press(client, f"/sessions/{session_id}/signup")
    press(client, f"/sessions/{session_id}/signup")  # twice: still one place
    assert elements(client.get("/").text, "li", data_session=str(session_id))[0]["data-signed-up"] == "yes"

    others = []
    for name in ("Second Person", "Third Person"):
        other = app.test_client()
        Auth(other).login(make_user(name=name))
        others.append(other)
    press(others[0], f"/sessions/{session_id}/signup")
    full = press(others[1], f"/sessions/{session_id}/signup")
    assert "is full" in others[1].get(full.headers["Location"]).text
    press(client, f"/sessions/{session_id}/cancel")
    press(others[1], f"/sessions/{session_id}/signup")
    with app.app_context():
        holders = db.session.scalar(
            select(func.count()).where(
                SessionSignup.session_id == session_id, SessionSignup.cancelled_at.is_(None)
            )
        )
    assert holders == 2
    listing = coordinator.get("/coordinator/sessions").text
    assert elements(listing, "td", data_taken="2")
    page = coordinator.get(f"/coordinator/sessions/{session_id}").text
    assert "Second Person" in page and "Third Person" in page and "Tomás Trainee" in page  # cancelled, listed


def test_the_last_place_goes_to_one_trainee_however_many_ask_at_once(app, make_user):
    session_id = add_session(app, timedelta(days=3), capacity=3)
    clients = []
    for n in range(8):
        client = app.test_client()
        Auth(client).login(make_user(name=f"Racer {n}"))
        clients.append((client, csrf_token(client.get("/").text)))
    order = iter(clients)
    lock = threading.Lock()

    def sign_up():
        with lock:
            client, token = next(order)
        return client.post(f"/sessions/{session_id}/signup", data={"csrf_token": token}).status_code

    assert set(race(sign_up)) == {302}
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(SessionSignup.session_id == session_id)) == 3


def test_cancelling_after_the_start_is_refused(app, client, trainee):
    session_id = add_session(app, timedelta(minutes=5))
    press(client, f"/sessions/{session_id}/signup")
    with app.app_context():
        db.session.get(TrainingSession, session_id).starts_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    refused = press(client, f"/sessions/{session_id}/cancel")
    assert "before the session starts" in client.get(refused.headers["Location"]).text
    late = add_session(app, timedelta(minutes=-30))
    press(client, f"/sessions/{late}/signup")
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(SessionSignup.session_id == late)) == 0


def test_attended_hours_count_toward_live_training(app, coordinator, client, trainee):
    uid = complete_course(app, trainee, recorded=False)
    yesterday = (utcnow() - timedelta(days=1)).date().isoformat()
    for requirement in ("interview", "references", "background-check"):
        page = coordinator.get(f"/coordinator/mentors/{uid}").text
        coordinator.post(
            f"/coordinator/mentors/{uid}/requirements/{requirement}",
            data={"csrf_token": csrf_token(page), "date": yesterday},
        )
    record_practice(app, uid)  # observed practice and the acknowledgement: their own forms
    session_id = add_session(app, timedelta(days=2))
    press(client, f"/sessions/{session_id}/signup")
    early = press(coordinator, f"/coordinator/sessions/{session_id}/attendance")
    assert "once the session has started" in coordinator.get(early.headers["Location"]).text
    with app.app_context():
        db.session.get(TrainingSession, session_id).starts_at = utcnow() - timedelta(hours=3)
        db.session.commit()
    assert status_on_dashboard(client) == "in_training"
    page = coordinator.get(f"/coordinator/sessions/{session_id}").text
    coordinator.post(
        f"/coordinator/sessions/{session_id}/attendance",
        data={"csrf_token": csrf_token(page), "attended": str(uid)},
    )
    assert status_on_dashboard(client) == "awaiting_review"
    item = elements(client.get("/").text, "li", data_requirement="recorded:live-training")[0]
    assert "2 of 2 hours" in item.text
    rows = list(csv.DictReader(io.StringIO(coordinator.get("/coordinator/mentors.csv").text)))
    with app.app_context():
        held_on = db.session.get(TrainingSession, session_id).starts_at.date().isoformat()
    assert next(r for r in rows if r["id"] == str(uid))["live-training_recorded_on"] == held_on
    coordinator.post(f"/coordinator/sessions/{session_id}/attendance", data={"csrf_token": csrf_token(page)})
    assert status_on_dashboard(client) == "in_training"  # unticked: the hours no longer count


def test_only_staff_manage_sessions(app, client, trainee):
    session_id = add_session(app, timedelta(days=1))
    token = csrf_token(client.get("/").text)
    assert client.get("/coordinator/sessions").status_code == 403
    assert client.get(f"/coordinator/sessions/{session_id}").status_code == 403
    assert (
        client.post(f"/coordinator/sessions/{session_id}/attendance", data={"csrf_token": token}).status_code
        == 403
    )
    anonymous = app.test_client()
    assert anonymous.post(f"/sessions/{session_id}/signup").status_code in (302, 400)
    assert user_id(app, trainee)


def test_the_dashboard_lists_upcoming_sessions_soonest_first_with_their_seats(app, client, trainee):
    later = add_session(app, timedelta(days=20), capacity=3)
    sooner = add_session(app, timedelta(days=2), capacity=1)
    past = add_session(app, -timedelta(days=1))
    press(client, f"/sessions/{later}/signup")

    listed = [item for item in elements(client.get("/").text, "li") if "data-session" in item]
    assert [item["data-session"] for item in listed] == [str(sooner), str(later)]  # not the past one
    assert "1 place left" in listed[0].text and listed[0]["data-signed-up"] == "no"
    assert "You have a place" in listed[1].text and listed[1]["data-signed-up"] == "yes"
    assert str(past) not in [item["data-session"] for item in listed]

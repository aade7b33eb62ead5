"""A certificate worth sharing (link, QR code, copy and print), an honest "not found" on /verify,
session times typed and shown in the programme's zone, calendar files, and asking before a
place is given back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry, SessionSignup, TrainingSession, utcnow

from ..conftest import user_id
from ..helpers import complete_course, post
from ..html import csrf_token, elements, text_of


def certify(app, client, coordinator, email: str) -> str:
    """Complete the course and sign the trainee off; returns the certificate id."""
    uid = complete_course(app, email)
    detail = f"/coordinator/mentors/{uid}"
    post(coordinator, detail, f"{detail}/sign-off", reason="Interviewed and ready.")
    link = next(
        a["href"] for a in elements(client.get("/").text, "a") if a.get("href", "").startswith("/verify/")
    )
    return link.removeprefix("/verify/")


def test_the_certificate_links_to_its_check_page_with_a_named_qr_code(app, client, trainee, coordinator):
    certificate_id = certify(app, client, coordinator, trainee)
    page = client.get("/certificate").text
    [link] = elements(page, "a", class_="verify-link")
    assert link["href"] == f"http://localhost/verify/{certificate_id}"
    assert link.text == f"localhost/verify/{certificate_id}"  # shown without the scheme, wraps at slashes
    assert (
        elements(link_html(page), "wbr")
        and elements(page, "span", class_="verify-link-id")[0].text == certificate_id
    )
    [qr] = elements(page, "svg", class_="qr-code")
    assert qr["role"] == "img" and "checks this certificate" in qr["aria-label"]
    # Without JavaScript the buttons stay hidden and the page says how to print.
    buttons = elements(page, "button")
    assert {b.text for b in buttons if "hidden" in b} >= {"Copy link", "Print or save as PDF"}
    assert elements(page, "button", data_copy_link=f"http://localhost/verify/{certificate_id}")
    assert "Use your browser's print command" in text_of(page)
    script = next(s["src"] for s in elements(page, "script"))
    assert script.startswith("/assets/js/share.") and client.get(script).status_code == 200


def link_html(page: str) -> str:
    start = page.index('class="verify-link"')
    return page[start : page.index("</a>", start)]


def test_an_unknown_certificate_says_so_to_a_visitor_without_offering_a_dashboard(app):
    visitor = app.test_client()
    page = visitor.get("/verify/not-a-real-certificate-id")
    assert page.status_code == 404
    text = text_of(page.text)
    assert "No certificate has this ID. Check it against the printed certificate or the QR code." in text
    assert "dashboard" not in text.lower()
    assert elements(page.text, "input", name="id", value="not-a-real-certificate-id")
    assert visitor.get("/verify/" + "x" * 300).status_code == 404  # too long to be one: no query either


def test_anyone_can_type_or_paste_an_id_to_check_it(app, client, trainee, coordinator):
    certificate_id = certify(app, client, coordinator, trainee)
    visitor = app.test_client()
    assert visitor.get("/verify/").status_code == 200
    form = visitor.get("/verify")
    assert form.status_code == 200 and elements(form.text, "input", name="id")
    description = elements(form.text, "meta", name="description")[0]["content"]
    assert "certificate" in description
    for typed in (certificate_id, f"  https://peerpath.example/verify/{certificate_id}/ "):
        went = visitor.get("/verify", query_string={"id": typed})
        assert went.status_code == 302 and went.headers["Location"].endswith(f"/verify/{certificate_id}")
    checked = visitor.get(f"/verify/{certificate_id}").text
    assert elements(checked, "div", data_certificate_state="valid")
    assert "certificate" in elements(checked, "meta", name="description")[0]["content"]
    assert trainee not in checked  # no email: nothing personal beyond the name


def schedule(coordinator, day: str, start: str, **fields):
    page = coordinator.get("/coordinator/sessions").text
    data = {
        "title": "Safeguarding evening",
        "day": day,
        "start": start,
        "minutes": "120",
        "place": "Community hall, 12 High Street",
        "capacity": "1",
        **fields,
    }
    return coordinator.post("/coordinator/sessions", data={"csrf_token": csrf_token(page), **data})


def a_future(month: int) -> int:
    """The next year in which ``month`` is still to come."""
    today = utcnow().date()
    return today.year + (1 if today.month >= month else 0)


def starts_of(app, session_id: int) -> datetime:
    with app.app_context():
        return db.session.get(TrainingSession, session_id).starts_at


def test_sessions_are_typed_in_the_programmes_zone_and_kept_in_utc(app, coordinator):
    form = coordinator.get("/coordinator/sessions").text
    assert elements(form, "label", for_="start")[0].text == "Starts (Europe/London time)"
    assert "YYYY" not in form and "HH:MM" not in form
    assert elements(form, "input", type="date", name="day") and elements(
        form, "input", type="time", name="start"
    )
    winter_year, summer_year = a_future(12), a_future(7)
    winter = schedule(coordinator, f"{winter_year}-12-10", "18:30")
    summer = schedule(coordinator, f"{summer_year}-07-10", "18:30")
    winter_id = int(winter.headers["Location"].rsplit("/", 1)[1])
    summer_id = int(summer.headers["Location"].rsplit("/", 1)[1])
    assert starts_of(app, winter_id) == datetime(winter_year, 12, 10, 18, 30, tzinfo=UTC)
    assert starts_of(app, summer_id) == datetime(summer_year, 7, 10, 17, 30, tzinfo=UTC)
    listing = coordinator.get("/coordinator/sessions").text
    assert "18:30 GMT" in listing and "18:30 BST" in listing and "Europe/London" in listing
    page = coordinator.get(f"/coordinator/sessions/{summer_id}").text
    [when] = elements(page, "time")
    assert when["datetime"] == f"{summer_year}-07-10T17:30:00Z" and when.text.endswith("18:30 BST")
    assert "20:30 BST" in text_of(page)  # it ends two hours later


def test_a_time_the_clocks_skip_is_refused(app, coordinator):
    year = utcnow().year + 1
    last_sunday = max(datetime(year, 3, d) for d in range(25, 32) if datetime(year, 3, d).weekday() == 6)
    refused = schedule(coordinator, last_sunday.date().isoformat(), "01:30")
    assert refused.status_code == 422 and "The clocks skip that time in Europe/London" in refused.text


def add_session(app, starts_at: datetime, capacity: int = 2, minutes: int = 90) -> int:
    with app.app_context():
        session = TrainingSession(
            title="Evening, with Q&A; bring a pen",
            starts_at=starts_at,
            duration_minutes=minutes,
            place="Room 2, Library",
            capacity=capacity,
        )
        db.session.add(session)
        db.session.commit()
        return session.id


def next_summer_evening() -> datetime:
    return datetime(a_future(7), 7, 10, 17, 30, tzinfo=UTC)  # 18:30 in London


def test_the_dashboard_shows_the_programmes_time_and_a_calendar_file(app, client, trainee):
    session_id = add_session(app, next_summer_evening(), capacity=1)
    [item] = elements(client.get("/").text, "li", data_session=str(session_id))
    assert "18:30 BST" in item.text and "90 minutes" in item.text and "1 place left" in item.text
    [link] = elements(client.get("/").text, "a", data_calendar="")
    calendar = client.get(link["href"])
    assert calendar.status_code == 200 and calendar.mimetype == "text/calendar"
    assert calendar.headers["Content-Disposition"].startswith("attachment;")
    text = calendar.get_data(as_text=True)
    assert "\r\nDTSTART:" + next_summer_evening().strftime("%Y%m%dT%H%M%SZ") + "\r\n" in text
    assert "SUMMARY:Evening\\, with Q&A\\; bring a pen\r\n" in text
    assert f"UID:peerpath-session-{session_id}@localhost\r\n" in text


def test_signing_up_says_what_was_booked_and_cancelling_asks_first(app, client, trainee):
    session_id = add_session(app, next_summer_evening())
    done = post(client, "/", f"/sessions/{session_id}/signup")
    flashed = text_of(client.get(done.headers["Location"]).text)
    assert "You have a place at “Evening, with Q&A; bring a pen”" in flashed and "18:30 BST" in flashed
    assert "It is on your dashboard" not in flashed

    dashboard = client.get("/").text
    [cancel] = [a for a in elements(dashboard, "a") if a.text.startswith("Cancel my place")]
    confirm = client.get(cancel["href"])
    assert confirm.status_code == 200
    assert [b for b in elements(confirm.text, "button") if b.text == "Yes, cancel my place"]
    keep = next(a for a in elements(confirm.text, "a") if a.text == "Keep my place")
    assert keep["href"] == "/#live-sessions" and "18:30 BST" in text_of(confirm.text)
    with app.app_context():  # looking at the question gives nothing back
        assert (
            db.session.scalar(
                select(SessionSignup.cancelled_at).where(SessionSignup.session_id == session_id)
            )
            is None
        )
    post(client, cancel["href"], cancel["href"])
    with app.app_context():
        assert db.session.scalar(
            select(SessionSignup.cancelled_at).where(SessionSignup.session_id == session_id)
        )
    not_held = client.get(cancel["href"])
    assert not_held.status_code == 302


def test_the_coordinator_changes_a_session_and_cancels_only_an_empty_one(
    app, coordinator, client, trainee, make_user
):
    session_id = add_session(app, next_summer_evening())
    page = coordinator.get(f"/coordinator/sessions/{session_id}").text
    assert elements(page, "a", href=f"/coordinator/sessions/{session_id}.ics")
    edit_url = f"/coordinator/sessions/{session_id}/edit"
    form = coordinator.get(edit_url).text
    assert elements(form, "input", name="start", value="18:30") and "Europe/London time" in form
    year = next_summer_evening().year
    changed = coordinator.post(
        edit_url,
        data={
            "csrf_token": csrf_token(form),
            "title": "Moved evening",
            "day": f"{year}-07-11",
            "start": "19:00",
            "minutes": "60",
            "place": "Online",
            "capacity": "1",
        },
    )
    assert changed.status_code == 302
    assert starts_of(app, session_id) == datetime(year, 7, 11, 18, 0, tzinfo=UTC)

    post(client, "/", f"/sessions/{session_id}/signup")
    with app.app_context():
        other = user_id(app, make_user(name="Second Trainee"))
        db.session.add(SessionSignup(session_id=session_id, user_id=other, signed_up_at=utcnow()))
        db.session.commit()
    too_few = coordinator.post(
        edit_url,
        data={
            "csrf_token": csrf_token(form),
            "title": "Moved",
            "day": f"{year}-07-11",
            "start": "19:00",
            "minutes": "60",
            "place": "Online",
            "capacity": "1",
        },
    )
    assert too_few.status_code == 422 and "2 trainees hold places: offer at least 2." in too_few.text
    held = coordinator.get(f"/coordinator/sessions/{session_id}").text
    assert not [b for b in elements(held, "button") if b.text == "Cancel this session"]
    # Places held: cancelling asks first, on its own page (tests/web/test_session_changes.py).
    assert elements(held, "a", href=f"/coordinator/sessions/{session_id}/cancel")

    empty_id = add_session(app, next_summer_evening())
    post(client, "/", f"/sessions/{empty_id}/signup")
    post(client, f"/sessions/{empty_id}/cancel", f"/sessions/{empty_id}/cancel")  # given back: empty again
    page = coordinator.get(f"/coordinator/sessions/{empty_id}").text
    cancelled = coordinator.post(
        f"/coordinator/sessions/{empty_id}/cancel", data={"csrf_token": csrf_token(page)}
    )
    assert cancelled.headers["Location"].endswith("/coordinator/sessions")
    with app.app_context():
        assert db.session.get(TrainingSession, empty_id) is None
        logged = db.session.execute(
            select(AuditEntry.action, AuditEntry.subject_id).where(AuditEntry.action.like("session.%"))
        ).all()
    assert sorted(logged) == [("session.cancelled", empty_id), ("session.changed", session_id)]
    assert user_id(app, trainee)


def test_a_past_session_can_be_neither_changed_nor_cancelled(app, coordinator):
    session_id = add_session(app, utcnow() - timedelta(days=1))
    page = coordinator.get(f"/coordinator/sessions/{session_id}").text
    assert "Change this session" not in page and "Cancel this session" not in page
    refused = coordinator.post(
        f"/coordinator/sessions/{session_id}/cancel", data={"csrf_token": csrf_token(page)}
    )
    assert "stays on the record" in coordinator.get(refused.headers["Location"]).text


def test_session_times_on_the_page_have_whole_second_utc_datetimes(app, client, trainee):
    add_session(app, next_summer_evening() + timedelta(microseconds=123456))
    for when in elements(client.get("/").text, "time"):
        if when.text.endswith(("GMT", "BST")):
            assert when["datetime"].endswith(":00Z") and "." not in when["datetime"]


def test_a_try_it_answer_is_folded_until_the_trainee_opens_it(app, client, trainee):
    module = app.extensions["course"].module_by_id["active-listening"]
    section = next(s for s in module.sections if "Simple, then complex" in section_html(s))
    page = client.get(f"/modules/{module.id}/{section.id}").text
    [answer] = elements(page, "details", class_="callout-answer")
    assert "open" not in answer and answer.text.strip().startswith("Show one possibility")
    assert "One possibility for Kwame" in answer.text


def section_html(section) -> str:
    return "".join(getattr(part, "html", "") for part in section.parts)

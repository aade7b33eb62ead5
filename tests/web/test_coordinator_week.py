"""A coordinator's week on the mentor list (issue 27): who is stalled (stuck in training, never
started, or waiting on staff), since when each person has been in their status, their minutes on
task and live-training hours, and the mentors CSV with registration, status changes and leavers."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from datetime import timedelta

from sqlalchemy import select, update

from app.certification.checklist import requirements
from app.certification.facts import Records, RequirementRecord
from app.certification.records import load_records
from app.coordinate.live_hours import hours_in, hours_of
from app.extensions import db
from app.models import RemovedMentor, Standing, User, utcnow

from ..conftest import user_id
from ..helpers import complete_course
from ..html import elements

DAY = timedelta(days=1)


def listed(client, query: str = "") -> list[int]:
    return [
        int(r["data-mentor"])
        for r in elements(client.get(f"/coordinator/?{query}").text, "tr")
        if "data-mentor" in r
    ]


def set_user(app, uid: int, **values) -> None:
    with app.app_context():
        db.session.execute(update(User).where(User.id == uid).values(**values))
        db.session.commit()


def set_standing(app, uid: int, **values) -> None:
    with app.app_context():
        db.session.execute(update(Standing).where(Standing.user_id == uid).values(**values))
        db.session.commit()


def people(app, make_user, coordinator, *names: str) -> dict[str, int]:
    ids = {name: user_id(app, make_user(name=name)) for name in names}
    coordinator.get("/coordinator/")  # their standings, stored
    return ids


def test_stalled_finds_the_quiet_the_never_started_and_those_waiting_on_staff(app, make_user, coordinator):
    now = utcnow()
    ids = people(
        app,
        make_user,
        coordinator,
        "Quiet",
        "Busy",
        "Never",
        "Newcomer",
        "Invited",
        "Reinvited",
        "Waiting",
        "Fresh",
    )
    set_user(app, ids["Quiet"], last_activity_at=now - 15 * DAY, created_at=now - 40 * DAY)
    set_user(app, ids["Busy"], last_activity_at=now - 2 * DAY, created_at=now - 40 * DAY)
    set_user(app, ids["Never"], created_at=now - 15 * DAY)
    set_user(app, ids["Newcomer"], created_at=now - 3 * DAY)
    set_user(app, ids["Invited"], created_at=now - 30 * DAY, invited_at=now - 20 * DAY)
    set_user(app, ids["Reinvited"], created_at=now - 30 * DAY, invited_at=now - 2 * DAY)  # counts from this
    for name in ("Waiting", "Fresh"):
        complete_course(app, make_user(name=f"{name} Reviewee"), at=now - 40 * DAY)
    coordinator.get("/coordinator/")
    with app.app_context():
        reviewees = dict(
            db.session.execute(select(User.name, User.id).where(User.name.like("% Reviewee"))).all()
        )
    set_standing(app, reviewees["Waiting Reviewee"], status_changed_at=now - 15 * DAY)
    set_standing(app, reviewees["Fresh Reviewee"], status_changed_at=now - 3 * DAY)
    assert {n: s for n, s in _statuses(app).items() if "Reviewee" in n} == {
        "Waiting Reviewee": "awaiting_review",
        "Fresh Reviewee": "awaiting_review",
    }
    stalled = set(listed(coordinator, "stalled=y"))
    assert stalled == {ids["Quiet"], ids["Never"], ids["Invited"], reviewees["Waiting Reviewee"]}
    page = coordinator.get("/coordinator/?stalled=y").text
    words = "never started 14 days after registering or being invited, or awaiting review by staff for over 14 days"
    assert words in page  # the filter's own description, and what the count says it counts
    assert "stalled (started but nothing done for 14 days" in elements(page, "p", class_="list-count")[0].text


def test_stalled_counts_the_programmes_own_days(app, make_user, coordinator):
    now = utcnow()
    ids = people(app, make_user, coordinator, "Twenty days quiet")
    set_user(app, ids["Twenty days quiet"], last_activity_at=now - 20 * DAY)
    assert listed(coordinator, "stalled=y") == [ids["Twenty days quiet"]]
    course = app.extensions["course"]
    app.extensions["course"] = replace(course, program=replace(course.program, stalled_after_days=30))
    try:
        assert listed(coordinator, "stalled=y") == []
        assert "for over 30 days" in coordinator.get("/coordinator/").text
    finally:
        app.extensions["course"] = course


def _statuses(app) -> dict[str, str]:
    with app.app_context():
        return dict(db.session.execute(select(User.name, Standing.status).join(Standing)).all())


def test_waiting_since_shows_the_day_and_days_and_sorts_both_ways(app, make_user, coordinator):
    now = utcnow()
    ids = people(app, make_user, coordinator, "Longest", "Middle", "Newest")
    for name, days in (("Longest", 30), ("Middle", 10), ("Newest", 1)):
        set_standing(app, ids[name], status_changed_at=now - days * DAY)
    assert listed(coordinator, "sort=waiting") == [ids["Longest"], ids["Middle"], ids["Newest"]]
    assert listed(coordinator, "sort=waiting&order=desc") == [ids["Newest"], ids["Middle"], ids["Longest"]]
    page = coordinator.get("/coordinator/?sort=waiting").text
    cell = elements(page, "td", data_column="waiting-since")[0]
    assert cell.text == f"{(now - 30 * DAY):%d %b %Y} · 30 days"
    assert elements(page, "th", scope="col")[7].text == "Waiting since"
    assert elements(page, "option", value="waiting")[0].text == "Waiting since"
    # Time moved the certificate on: renewal due since its window opened, not since certified.
    set_standing(
        app,
        ids["Middle"],
        status="certified",
        certified_at=now - 300 * DAY,
        status_changed_at=now - 300 * DAY,
        renewal_opens_at=now - 50 * DAY,
        expires_at=now + 30 * DAY,
    )
    assert listed(coordinator, "sort=waiting") == [ids["Middle"], ids["Longest"], ids["Newest"]]
    cells = elements(
        coordinator.get("/coordinator/?status=renewal_due").text, "td", data_column="waiting-since"
    )
    assert [c.text for c in cells] == [f"{(now - 50 * DAY):%d %b %Y} · 50 days"]


def test_minutes_on_task_and_live_hours_as_the_checklist_counts_them(app, make_user, coordinator):
    email = make_user(name="Hours Counted")
    uid = complete_course(app, email)  # 125 minutes; live training recorded at its 2 hours
    page = coordinator.get("/coordinator/").text
    progress = elements(page, "td", data_column="progress")[0].text
    assert "125 minutes on task" in progress and "2 hours of live training" in progress
    record = coordinator.get(f"/coordinator/mentors/{uid}").text
    assert elements(record, "span", data_minutes_on_task="")[0].text == "125 minutes on task"
    assert elements(record, "span", data_live_hours="")[0].text == "2 hours of live training"
    with app.app_context():
        course = app.extensions["course"]
        now = utcnow()
        live = next(r for r in course.program.requirements if r.from_sessions)
        item = next(
            i
            for i in requirements(course.program, course, load_records([uid])[uid], now)
            if i.target == live.id
        )
        hours = hours_of(course.program, [uid], now)[uid]
    assert item.progress.startswith(f"{hours:g} of {live.hours:g} hours")  # the same count


def _csv(client, query: str = "") -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(client.get(f"/coordinator/mentors.csv?{query}").text)))


def test_the_mentors_csv_has_registration_status_changes_time_and_leavers(app, make_user, coordinator):
    now = utcnow()
    done = complete_course(app, make_user(name="Completed Person"))
    ids = people(app, make_user, coordinator, "Still Here", "=Left Person", "Old Timer")
    set_user(app, ids["=Left Person"], deactivated_at=now - 2 * DAY, external_id="LEFT-1")
    set_user(app, ids["Old Timer"], created_at=now - 400 * DAY)
    with app.app_context():
        cohort = db.session.scalar(select(User.cohort_id).where(User.id == done))
        db.session.add(
            RemovedMentor(user_id=123_456, external_id="GONE-77", cohort_id=cohort, removed_at=now - DAY)
        )
        db.session.commit()
    rows = _csv(coordinator)
    by_name = {row["name"]: row for row in rows}
    assert by_name["Completed Person"]["minutes_on_task"] == "125"
    assert by_name["Completed Person"]["live_hours"] == "2"
    assert by_name["Completed Person"]["registered_on"] == now.date().isoformat()
    assert by_name["Completed Person"]["status"] == "awaiting_review"
    assert by_name["Completed Person"]["status_changed_on"] == now.date().isoformat()
    left = by_name["'=Left Person"]  # every cell spreadsheet-safe, leavers' too
    assert (left["status"], left["status_changed_on"]) == ("deactivated", (now - 2 * DAY).date().isoformat())
    assert left["external_id"] == "LEFT-1" and left["email"]
    erased = [row for row in rows if row["status"] == "erased"]
    assert len(erased) == 1
    assert re.fullmatch(r"erased-[0-9a-f]{16}", erased[0]["id"])
    assert (erased[0]["name"], erased[0]["email"], erased[0]["external_id"]) == ("", "", "")
    assert erased[0]["status_changed_on"] == (now - DAY).date().isoformat()
    assert "GONE-77" not in coordinator.get("/coordinator/mentors.csv").text
    assert _csv(coordinator)[-1]["id"] == erased[0]["id"]  # the same anonymous id each time
    without = {row["status"] for row in _csv(coordinator, "leavers=0")}
    assert not without & {"deactivated", "erased"}
    assert {row["status"] for row in _csv(coordinator, "status=not_started")} == {"not_started"}
    assert "=Left Person" not in coordinator.get("/coordinator/").text  # never on the list


def test_the_period_selects_registrations_in_the_programmes_days(app, make_user, coordinator):
    now = utcnow()
    ids = people(app, make_user, coordinator, "This Year", "Last Year")
    set_user(app, ids["Last Year"], created_at=now - 400 * DAY)
    start, end = (now - 30 * DAY).date(), now.date()
    names = {row["name"] for row in _csv(coordinator, f"from={start}&to={end}")}
    assert names == {"This Year"}
    old = (now - 400 * DAY).date()
    assert {row["name"] for row in _csv(coordinator, f"from={old}&to={old}")} == {"Last Year"}
    assert listed(coordinator, f"from={old}&to={old}") == [ids["Last Year"]]
    page = coordinator.get(f"/coordinator/?from={old}").text
    assert f"registered from {old:%d %b %Y}" in elements(page, "p", class_="list-count")[0].text
    assert "Enter a real date" in coordinator.get("/coordinator/?to=2026-13-01").text


def test_live_hours_follow_the_checklist_for_lapsed_future_and_attended_records(app):
    """Records past their validity and records dated after today do not count; sessions do."""
    with app.app_context():
        course = app.extensions["course"]
        now = utcnow()
        live = next(r for r in course.program.requirements if r.from_sessions)
        lapsing = replace(live, valid_months=12)
        program = replace(
            course.program,
            requirements=tuple(lapsing if r.id == live.id else r for r in course.program.requirements),
        )
        records = Records(
            requirement_records=(
                RequirementRecord(live.id, now - 400 * DAY, 5.0),  # lapsed
                RequirementRecord(live.id, now - 10 * DAY, 0.5),
                RequirementRecord(live.id, now + 3 * DAY, 4.0),  # not yet
                RequirementRecord("background-check", now - DAY, 9.0),  # another requirement
            ),
            sessions_attended=((now - 5 * DAY, 1.25),),
        )
        item = next(i for i in requirements(program, course, records, now) if i.target == live.id)
        assert item.progress.startswith("1.75 of ")
        assert hours_in(program, records, now) == 1.75

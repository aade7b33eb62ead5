"""What counts as done must be done: reading takes reading time; role-play retries are paced."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.course.graph import best_path, graph_of, worst_path
from app.extensions import db
from app.learning.pacing import minimum_reading_time
from app.models import RushedSection, SectionView, User

from ..conftest import user_id
from ..html import csrf_token, elements
from .test_real_scenarios import play


class Clock:
    """The server's clock for one test, moved by hand."""

    def __init__(self, monkeypatch, *modules: str):
        self.now = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
        for module in modules:
            monkeypatch.setattr(f"{module}.utcnow", lambda: self.now)

    def wait(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch, "app.learn.views", "app.learn.scenario_views", "app.learn.scenario_services")


def move_on(client, module_id: str, section_id: str):
    page = client.get(f"/modules/{module_id}/{section_id}").text
    return client.post(f"/modules/{module_id}/{section_id}/done", data={"csrf_token": csrf_token(page)})


def reads(app, email: str) -> set[str]:
    with app.app_context():
        rows = db.session.scalars(select(SectionView).where(SectionView.user_id == user_id(app, email)))
        return {row.section_id for row in rows}


def test_a_section_opened_and_left_at_once_is_not_counted_as_read(app, client, trainee, paced, clock):
    module = app.extensions["course"].modules[0]
    section = module.sections[0]
    needed = minimum_reading_time(section, paced)
    assert needed >= timedelta(seconds=paced.reading_minimum_seconds) > timedelta(0)

    page = client.get(f"/modules/{module.id}/{section.id}").text
    clock.wait(seconds=5)
    moved = client.post(f"/modules/{module.id}/{section.id}/done", data={"csrf_token": csrf_token(page)})
    assert moved.headers["Location"] == f"/modules/{module.id}/{module.sections[1].id}"
    assert "is not counted as read yet" in client.get(moved.headers["Location"]).text
    assert reads(app, trainee) == set()

    client.get(f"/modules/{module.id}/{section.id}")
    clock.wait(seconds=needed.total_seconds() + 30)
    client.post(f"/modules/{module.id}/{section.id}/done", data={"csrf_token": csrf_token(page)})
    assert reads(app, trainee) == {section.id}
    with app.app_context():
        view = db.session.scalars(select(SectionView)).one()
        assert view.seconds_read == int(needed.total_seconds() + 30)
        user = db.session.get(User, user_id(app, trainee))
        # Time on task is the reading that counted, not the gaps between clicks.
        assert user.seconds_on_task == int(needed.total_seconds() + 30)
        rushed = db.session.scalars(select(RushedSection)).one()
        assert (rushed.section_id, rushed.seconds_open) == (section.id, 5)


def test_opening_every_section_and_waiting_reads_none_but_the_last(app, client, trainee, paced, clock):
    module = app.extensions["course"].modules[0]
    pages = {s.id: client.get(f"/modules/{module.id}/{s.id}").text for s in module.sections}
    clock.wait(hours=1)
    for section in module.sections:
        client.post(
            f"/modules/{module.id}/{section.id}/done", data={"csrf_token": csrf_token(pages[section.id])}
        )
    assert reads(app, trainee) == {module.sections[-1].id}


def test_without_pacing_opening_a_section_reads_it(app, client, trainee):
    module = app.extensions["course"].modules[0]
    client.get(f"/modules/{module.id}/{module.sections[0].id}")
    assert reads(app, trainee) == {module.sections[0].id}


def start_refusal(client, scenario) -> str | None:
    page = client.get(f"/scenarios/{scenario.id}").text
    notices = elements(page, "p", role="status")
    return notices[0].text if notices and notices[0].get("data-retry-at") else None


def test_role_play_runs_wait_after_a_fail_and_stop_for_the_day_after_three(
    app, client, trainee, paced, clock
):
    assert (paced.roleplay_runs_per_day, paced.roleplay_cooldown_minutes) == (3, 20)
    scenario = app.extensions["course"].scenario_by_id["third-missed-meeting"]
    graph = graph_of(scenario)
    assert play(client, scenario, worst_path(graph, scenario.start))[1] == "false"

    refusal = start_refusal(client, scenario)
    opens = clock.now + timedelta(minutes=20)
    assert refusal and f"opens at {opens:%H:%M} UTC" in refusal
    page = client.get(f"/scenarios/{scenario.id}").text
    assert not elements(page, "input", name="choice")  # no way to start from the page...
    refused = client.post(  # ...nor by posting the first turn directly
        f"/scenarios/{scenario.id}",
        data={"csrf_token": csrf_token(page), "node": scenario.start, "position": "0", "choice": "x"},
    )
    assert refused.status_code == 302 and "opens at" in client.get(refused.headers["Location"]).text

    clock.wait(minutes=21)
    assert start_refusal(client, scenario) is None
    assert play(client, scenario, best_path(graph, scenario.start)) == ("100", "true")
    assert start_refusal(client, scenario) is None  # a pass starts no cooldown
    assert play(client, scenario, worst_path(graph, scenario.start))[1] == "false"
    clock.wait(minutes=21)
    refusal = start_refusal(client, scenario)
    assert (
        refusal
        and "3 runs of this role-play today" in refusal
        and "opens at 00:00 UTC on 8 December" in refusal
    )

    clock.wait(hours=15)  # the next day
    assert start_refusal(client, scenario) is None
    overview = client.get(f"/modules/{scenario.module_id}").text
    listed = elements(overview, "li", data_scenario=scenario.id)[0]
    assert listed["data-best-score"] == "100" and "Passed" in listed.text  # the pass stays


def signals_on_mentor_page(coordinator, mentor_id: int) -> dict[str, tuple[str, str]]:
    page = coordinator.get(f"/coordinator/mentors/{mentor_id}").text
    section = page[page.index('aria-labelledby="integrity-title"') :]
    section = section[: section.index("</section>")]
    rows, labels = elements(section, "tr"), elements(section, "th")
    assert len(rows) == len(labels) == 6
    return {
        " ".join(label.text.split()): (row["data-flagged"], " ".join(row.text.split()))
        for row, label in zip(rows, labels, strict=True)
    }


def test_the_integrity_summary_flags_a_scripted_trainee_and_not_a_newcomer(
    app, client, trainee, make_user, coordinator, paced
):
    course = app.extensions["course"]
    # Reading is paced; role-plays may be replayed at once, as a script would try to.
    app.extensions["course"] = replace(
        course,
        program=replace(
            course.program, pacing=replace(paced, roleplay_runs_per_day=0, roleplay_cooldown_minutes=0)
        ),
    )
    module = course.modules[0]
    for section in module.sections[:4]:
        move_on(client, module.id, section.id)  # open and leave at once
    home = client.get(f"/modules/{module.id}/quiz").text
    start = client.post(f"/modules/{module.id}/quiz/attempts", data={"csrf_token": csrf_token(home)})
    attempt = client.get(start.headers["Location"]).text
    client.post(
        start.headers["Location"],
        data={"csrf_token": csrf_token(attempt), "action": "submit", "confirm_unanswered": "yes"},
    )
    scenario = course.scenario_by_id["quiet-first-week"]
    for _ in range(4):
        play(client, scenario, worst_path(graph_of(scenario), scenario.start), reply="ok")

    signals = signals_on_mentor_page(coordinator, user_id(app, trainee))
    assert signals["Sections left too soon to count as read"][0] == "yes"
    assert "4 times, 4 sections" in signals["Sections left too soon to count as read"][1]
    assert signals["Blank or near-blank quiz attempts (under half the questions answered)"][0] == "yes"
    assert signals["Role-play runs"] == ("yes", "Role-play runs 4 in all; most 4 (quiet-first-week) Unusual")
    assert signals["Typed replies under 4 words"][0] == "yes"

    newcomer = make_user(name="New Comer")
    assert {flag for flag, _ in signals_on_mentor_page(coordinator, user_id(app, newcomer)).values()} == {
        "no"
    }

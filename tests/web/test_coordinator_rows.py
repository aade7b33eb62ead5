"""The coordinator list's rows: every column shows its own value, escaped."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

import pytest

from app.coordinate.presenters import mentor_rows
from app.extensions import db
from app.models import Cohort, Role, utcnow
from app.people.roster import MentorFilter, MentorRow, page_query
from app.web.templating import time_tag

from ..html import elements

ROW = MentorRow(
    id=41,
    name="Ada Lovelace",
    email="ada@example.org",
    last_activity_at=datetime(2026, 3, 5, 9, 30, tzinfo=UTC),
    cohort="Spring 2027",
    status="in_training",
    progress=37,
    quizzes_passed=2,
    quiz_best_mean=83,
    scenarios_passed=5,
    scenario_best_mean=91,
    certified_at=None,
    expires_at=None,
    external_id="MP-41",
    registered_at=datetime(2026, 1, 10, 8, 0, tzinfo=UTC),
    status_changed_at=datetime(2026, 2, 20, 12, 0, tzinfo=UTC),
    seconds_on_task=95 * 60 + 59,
    deactivated_at=None,
)
NOW = datetime(2026, 3, 6, 9, 0, tzinfo=UTC)


def cells(app, row: MentorRow, hours: dict[int, float] | None = None) -> dict[str, str]:
    with app.test_request_context("/coordinator/"):
        html = str(mentor_rows([row], hours, NOW))
    return {cell["data-column"]: " ".join(cell.text.split()) for cell in elements(html, "td")}


def test_each_column_shows_its_own_value(app):
    shown = cells(app, ROW)
    assert shown == {
        "name": "Ada Lovelace ada@example.org",
        "cohort": "Spring 2027",
        "status": "In training",
        "progress": "37% · 95 minutes on task min",  # "min" is shown, the words are read
        "quizzes": "2 passed · average best 83%",
        "role-plays": "5 passed · average best 91%",
        "last-activity": "05 Mar 2026",
        "waiting-since": "20 Feb 2026 · 13 days",
        "valid-until": "—",  # not certified
    }
    with_hours = cells(app, ROW, {41: 1.5})
    assert with_hours["progress"] == "37% · 95 minutes on task min · 1.5 hours of live training h"
    assert cells(app, ROW._replace(status_changed_at=datetime(2026, 3, 5, tzinfo=UTC)))["waiting-since"] == (
        "05 Mar 2026 · 1 day"
    )
    certified = cells(app, ROW._replace(status="renewal_due", expires_at=datetime(2027, 1, 9, tzinfo=UTC)))
    assert certified["valid-until"] == "09 Jan 2027"
    with app.test_request_context("/coordinator/"):
        html = str(mentor_rows([ROW]))
    assert elements(html, "a")[0]["href"] == "/coordinator/mentors/41"


def test_missing_values_show_as_missing_not_as_zero_averages(app):
    empty = ROW._replace(
        cohort=None,
        quizzes_passed=None,
        quiz_best_mean=None,
        scenarios_passed=None,
        scenario_best_mean=None,
        last_activity_at=None,
    )
    shown = cells(app, empty)
    assert (shown["cohort"], shown["quizzes"], shown["role-plays"], shown["last-activity"]) == (
        "—",
        "0 passed",
        "0 passed",
        "never",
    )


def test_coordinator_rows_escape_what_trainees_typed(app, coordinator, make_user):
    make_user(Role.TRAINEE, name='<img src=x onerror="alert(1)"> Mallory')
    page = coordinator.get("/coordinator/?q=Mallory").text
    assert "<img src=x" not in page
    assert not elements(page, "img")
    row = next(r for r in elements(page, "tr") if "data-mentor" in r)
    assert '<img src=x onerror="alert(1)"> Mallory' in row.text  # shown as the text they typed
    assert row["data-status"] == "not_started"


@pytest.mark.parametrize("filters", [MentorFilter(), MentorFilter(q="pat")])
def test_the_list_query_selects_the_row_fields_in_order_then_the_total(app, filters):
    with app.app_context():
        columns = list(page_query(filters, utcnow()).selected_columns.keys())
        assert columns == [*MentorRow._fields, "total"]
        db.engine.dispose()


def test_time_tag_prints_an_english_date_with_a_machine_readable_one():
    moment = datetime(2026, 3, 5, 9, 30, tzinfo=UTC)
    assert time_tag(moment) == '<time datetime="2026-03-05">05 Mar 2026</time>'
    assert time_tag(moment, "%Y") == '<time datetime="2026-03-05T09:30:00+00:00">2026</time>'
    assert time_tag(None) == "never"


def _cohort(app, name: str) -> int:
    with app.app_context():
        cohort = Cohort(name=name, invite_code=secrets.token_urlsafe(16))
        db.session.add(cohort)
        db.session.commit()
        return cohort.id


def test_remembered_select_options_follow_the_selection_and_escape_labels(app, coordinator):
    spring = _cohort(app, "Spring <b>2027</b>")
    autumn = _cohort(app, "Autumn 2027")
    for chosen, other in ((spring, autumn), (autumn, spring), (spring, autumn)):
        page = coordinator.get(f"/coordinator/?cohort={chosen}").text
        options = {option["value"]: option for option in elements(page, "option")}  # ids are unique
        assert "selected" in options[str(chosen)] and "selected" not in options[str(other)]
        assert options[str(spring)].text == "Spring <b>2027</b>"  # shown as typed, not as markup
    assert not elements(page, "b")

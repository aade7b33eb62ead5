"""Screening and live training recorded by coordinators: no certification without them."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEntry, RequirementRecord, Role, utcnow

from ..conftest import Auth
from ..helpers import complete_course, post, record_practice, status_on_dashboard
from ..html import csrf_token, elements


def record(coordinator, user_id: int, requirement: str, **fields):
    page = coordinator.get(f"/coordinator/mentors/{user_id}").text
    token = csrf_token(page)
    data = {"csrf_token": token, **fields}
    return coordinator.post(f"/coordinator/mentors/{user_id}/requirements/{requirement}", data=data)


def test_a_trainee_who_passed_everything_waits_for_the_recorded_requirements(
    app, client, trainee, coordinator, make_user
):
    user_id = complete_course(app, trainee, recorded=False)
    assert status_on_dashboard(client) == "in_training"
    item = elements(client.get("/").text, "li", data_requirement="recorded:background-check")[0]
    assert item["data-done"] == "false" and "recorded by your coordinator once done" in item.text
    detail = f"/coordinator/mentors/{user_id}"
    refused = post(coordinator, detail, f"{detail}/sign-off", reason="")
    assert refused.status_code == 302 and status_on_dashboard(client) == "in_training"

    yesterday = (utcnow() - timedelta(days=1)).date().isoformat()
    for requirement in ("interview", "references", "background-check"):
        assert (
            record(coordinator, user_id, requirement, date=yesterday, note="Checked by Sam").status_code
            == 302
        )
    record(coordinator, user_id, "live-training", date=yesterday, hours="1.5")
    assert status_on_dashboard(client) == "in_training"  # 1.5 of 2 hours
    page = client.get("/").text
    assert (
        "1.5 of 2 hours, recorded by your coordinator"
        in elements(page, "li", data_requirement="recorded:live-training")[0].text
    )
    record_practice(app, user_id)  # observed practice and the acknowledgement: their own forms
    record(coordinator, user_id, "live-training", date=yesterday, hours="0.5")
    assert status_on_dashboard(client) == "awaiting_review"
    checked = elements(client.get("/").text, "li", data_requirement="recorded:background-check")[0]
    assert checked["data-done"] == "true" and "recorded by your coordinator on" in checked.text
    assert "valid until" in checked.text

    # Four eyes (duties in program.yaml): whoever recorded the screening does not sign off.
    refused = post(coordinator, detail, f"{detail}/sign-off", reason="")
    assert refused.status_code == 302 and status_on_dashboard(client) == "awaiting_review"
    assert elements(coordinator.get(detail).text, "p", data_sign_off_refused="")
    second = app.test_client()
    Auth(second).login(make_user(Role.COORDINATOR, name="Sol Second"))
    post(second, detail, f"{detail}/sign-off", reason="")
    assert status_on_dashboard(client) == "certified"
    mentor_page = coordinator.get(detail).text
    block = elements(mentor_page, "div", data_requirement="interview")[0]
    assert block["data-done"] == "yes" and "Checked by Sam" in block.text and "Cora Coordinator" in block.text
    with app.app_context():
        actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions.count("requirement.recorded") == 5


def test_recording_checks_its_input_and_records_nothing_when_wrong(app, trainee, coordinator, make_user):
    user_id = complete_course(app, trainee, recorded=False)
    tomorrow = (utcnow() + timedelta(days=2)).date().isoformat()
    cases = [
        ("interview", {"date": "31/12/2026"}, "Enter a real date as year-month-day, for example"),
        ("interview", {"date": ""}, "Enter the date."),
        ("interview", {"date": tomorrow}, "cannot be in the future"),
        ("interview", {"date": "2026-01-05", "note": "x" * 501}, "500"),
        ("live-training", {"date": "2026-01-05"}, "Give the hours attended"),
        ("live-training", {"date": "2026-01-05", "hours": "30"}, "Between 0.25 and 24"),
        ("live-training", {"date": "2026-01-05", "hours": "two"}, "Not a valid float"),
    ]
    for requirement, fields, message in cases:
        response = record(coordinator, user_id, requirement, **fields)
        assert response.status_code == 422 and message in response.text, (fields, message)
        errors = elements(response.text, "p", class_="error")
        assert errors and all(e["id"].startswith(f"{requirement}-") for e in errors)
        if fields.get("date") == "":  # nothing typed is not a badly written date
            assert "real date" not in response.text and "Not a valid date" not in response.text
    assert record(coordinator, user_id, "no-such-check", date="2026-01-05").status_code == 404
    stranger = coordinator.application.test_client()
    Auth(stranger).login(make_user())
    token = csrf_token(stranger.get("/").text)
    forbidden = stranger.post(
        f"/coordinator/mentors/{user_id}/requirements/interview",
        data={"csrf_token": token, "date": "2026-01-05"},
    )
    assert forbidden.status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RequirementRecord)) == 0


def test_the_api_and_the_csv_say_when_each_requirement_was_recorded_and_lapses(
    app, client, trainee, coordinator, runner
):
    user_id = complete_course(app, trainee)
    secret = runner.invoke(args=["api-token", "create", "Matcher"]).output.strip().splitlines()[-1]
    api = json.loads(client.get("/api/v1/mentors", headers={"Authorization": f"Bearer {secret}"}).text)
    requirements = api["mentors"][0]["requirements"]
    recorded_on = (utcnow() - timedelta(days=3)).date().isoformat()
    assert requirements["interview"] == {"met": True, "recorded_on": recorded_on, "expires_on": None}
    check = requirements["background-check"]
    assert (
        check["met"]
        and check["recorded_on"] == recorded_on
        and check["expires_on"][:4] == str(int(recorded_on[:4]) + 3)
    )
    assert (
        requirements["live-training"]["hours"] == 2 and requirements["live-training"]["hours_required"] == 2
    )
    rows = list(csv.DictReader(io.StringIO(coordinator.get("/coordinator/mentors.csv").text)))
    mine = next(r for r in rows if r["id"] == str(user_id))
    assert mine["interview_recorded_on"] == recorded_on and mine["interview_expires_on"] == ""
    assert mine["background-check_expires_on"] == check["expires_on"]

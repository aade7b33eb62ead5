"""The funder report (/coordinator/report and its CSV) agrees with the mentor list and the mentors
CSV for the same cohort and period: seeded trainees at every status, a deactivated and an erased one."""

from __future__ import annotations

import csv
import io
import re
import secrets
from datetime import timedelta

from sqlalchemy import select, update

from app.certification.standings import record_decision
from app.coordinate.reports import last_twelve_months
from app.extensions import db
from app.models import Cohort, RemovedMentor, Role, SectionView, User, utcnow

from ..conftest import user_id
from ..helpers import complete_course
from ..html import elements


def _cohort(app, name: str) -> int:
    with app.app_context():
        cohort = Cohort(name=name, invite_code=secrets.token_urlsafe(16))
        db.session.add(cohort)
        db.session.commit()
        return cohort.id


def _join(app, email: str, cohort_id: int, **values) -> int:
    with app.app_context():
        db.session.execute(update(User).where(User.email == email).values(cohort_id=cohort_id, **values))
        db.session.commit()
        return db.session.scalar(select(User.id).where(User.email == email))


def _started(app, email: str) -> None:
    with app.app_context():
        course = app.extensions["course"]
        user = db.session.scalar(select(User).where(User.email == email))
        module = course.modules[0]
        db.session.add(
            SectionView(
                user_id=user.id,
                module_id=module.id,
                section_id=module.sections[0].id,
                module_version=module.version,
                viewed_at=utcnow(),
            )
        )
        user.last_activity_at = utcnow()
        user.standing_stale = True
        db.session.commit()


def _decide(app, trainee_id: int, actor_id: int, *kinds: str) -> None:
    with app.app_context():
        for kind in kinds:
            record_decision(trainee_id, actor_id, kind, app.extensions["course"], "Reason.")
        db.session.commit()


def seed(app, make_user) -> dict:
    """A cohort with a trainee at every status, a deactivated and an erased one; another cohort;
    and one who registered before the period."""
    spring, autumn = _cohort(app, "Spring"), _cohort(app, "Autumn")
    staff = user_id(app, make_user(Role.COORDINATOR, name="Signing Coordinator"))
    people = {
        name: make_user(name=name) for name in ("New", "Going", "Waiting", "Done", "Revoked", "Gone", "Other")
    }
    for name in ("Going", "Gone", "Other"):
        _started(app, people[name])
    for name in ("Waiting", "Done", "Revoked"):
        complete_course(app, people[name])
    ids = {name: _join(app, email, autumn if name == "Other" else spring) for name, email in people.items()}
    _decide(app, ids["Done"], staff, "sign_off")
    _decide(app, ids["Revoked"], staff, "sign_off", "revoke")
    _join(app, people["Gone"], spring, deactivated_at=utcnow())
    old = make_user(name="Long Ago")
    _join(app, old, spring, created_at=utcnow() - timedelta(days=800))
    with app.app_context():
        db.session.add(
            RemovedMentor(user_id=99_999, external_id="EXT-9", cohort_id=spring, removed_at=utcnow())
        )
        db.session.commit()
    return {"spring": spring, "autumn": autumn, "ids": ids}


def funnel(page: str, cohort: str) -> dict[str, int]:
    row = re.search(rf'<tr data-cohort="{re.escape(cohort)}">(.*?)</tr>', page, re.S)
    assert row, cohort
    return {cell["data-step"]: int(cell.text) for cell in elements(row.group(1), "td")}


def total(client, url: str) -> int:
    return int(elements(client.get(url).text, "p", class_="list-count")[0]["data-total"])


def test_the_report_agrees_with_the_list_and_the_mentors_csv(app, make_user, coordinator):
    seeded = seed(app, make_user)
    page = coordinator.get(f"/coordinator/report?cohort={seeded['spring']}")
    assert page.status_code == 200
    spring = funnel(page.text, "Spring")
    assert spring == {
        "registered": 6,  # not "Long Ago": registered before the period
        "started": 5,
        "online_done": 3,
        "reached_review": 3,
        "certified": 2,
        "valid_now": 1,
        "left": 2,  # Gone (deactivated) and the erased one
    }
    assert not elements(page.text, "tr", data_cohort="Autumn")  # the cohort filter
    with app.app_context():
        zone = app.extensions["course"].program.zone
    period = last_twelve_months(utcnow().astimezone(zone).date())
    within = f"cohort={seeded['spring']}&from={period.start}&to={period.end}"
    # The list never shows leavers: the registered still active are its total.
    assert total(coordinator, f"/coordinator/?{within}") == spring["registered"] - 1
    assert total(coordinator, f"/coordinator/?{within}&status=matchable") == spring["valid_now"]
    assert total(coordinator, f"/coordinator/?cohort={seeded['spring']}") == 6  # Long Ago too
    rows = list(csv.DictReader(io.StringIO(coordinator.get(f"/coordinator/mentors.csv?{within}").text)))
    statuses = sorted(row["status"] for row in rows)
    assert len(rows) == spring["registered"] + 1  # the erased one, by the day of erasure
    assert statuses.count("deactivated") + statuses.count("erased") == spring["left"]
    assert sum(1 for row in rows if row["certified_at"]) == spring["certified"]
    summary = dict(re.findall(r'<tr data-measure="([a-z-]+)">.*?<td>(.*?)</td>', page.text))
    assert summary["registrations"] == "6" and summary["certified"] == "2"
    assert summary["median-days"] == "0.0"  # registered and certified the same day


def test_the_report_csv_holds_the_page_numbers(app, make_user, coordinator):
    seeded = seed(app, make_user)
    page = coordinator.get("/coordinator/report").text
    lines = list(csv.reader(io.StringIO(coordinator.get("/coordinator/report.csv").text)))
    by_block: dict[str, list[list[str]]] = {}
    for line in lines[1:]:
        if line:
            by_block.setdefault(line[0], []).append(line[1:])
    summary = {name: value for name, value in by_block["summary"]}
    assert summary["registrations"] == "7" and summary["certified"] == "2"
    header, *cohorts = by_block["funnel"]
    shown = {row[0]: dict(zip(header[1:], map(int, row[1:]), strict=True)) for row in cohorts}
    for cohort in ("Spring", "Autumn"):
        on_page = funnel(page, cohort)
        assert {step: shown[cohort][step] for step in on_page} == on_page
    assert shown["All cohorts"]["registered"] == 7 and shown["All cohorts"]["erased"] == 1
    done = {row[1]: int(row[3]) for row in by_block["requirements"][1:]}
    with app.app_context():
        course = app.extensions["course"]
        live = next(r for r in course.program.requirements if r.from_sessions)
        module = course.program.modules[0].module_id
    assert done[live.id] == 3 and done[module] == 3  # the three who completed the course
    assert shown["Autumn"]["registered"] == 1 and seeded["autumn"]


def test_a_period_and_a_wrong_date(app, make_user, coordinator):
    seed(app, make_user)
    long_ago = (utcnow() - timedelta(days=800)).date()
    page = coordinator.get(f"/coordinator/report?from={long_ago - timedelta(days=1)}&to={long_ago}")
    assert funnel(page.text, "Spring")["registered"] == 1  # Long Ago alone
    wrong = coordinator.get("/coordinator/report?from=2026-02-31")
    assert wrong.status_code == 200 and "Enter a real date" in wrong.text
    backwards = coordinator.get("/coordinator/report?from=2026-05-01&to=2026-04-01")
    assert "comes before its start" in backwards.text


def test_the_report_is_for_staff_only(app, client, trainee):
    assert client.get("/coordinator/report").status_code == 403
    assert client.get("/coordinator/report.csv").status_code == 403

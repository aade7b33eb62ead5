"""The import page, its report and the cohort pages in real Chromium: axe with no violation of
any impact at 1280 and 390 px, and no sideways scroll at 320 px, before and after an import."""

from __future__ import annotations

import csv
import io
import secrets
from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import User, utcnow

from .conftest import STAFF_PASSWORD, log_in
from .test_browser import audit


def trainee_file(app, tag: str, bad: bool = False) -> bytes:
    program = app.extensions["course"].program
    required = [r for r in program.requirements if r.kind != "acknowledge" and r.rubric is None]
    day = (utcnow().date() - timedelta(days=60)).isoformat()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["name", "email", "cohort", *(r.id for r in required), "certified_on", "certified_by"])
    for n in range(3):
        writer.writerow(
            [
                f"Imported {tag} {n}",
                f"import-{tag}-{n}@example.org",
                f"Imported {tag}",
                *(day for _ in required),
                day if n == 0 else "",
                "Sam Lee, manager" if n == 0 else "",
            ]
        )
    if bad:
        writer.writerow(["", f"import-{tag}-0@example.org", "", *("2026-02-30" for _ in required), "", ""])
    return out.getvalue().encode()


def test_the_import_pages_pass_axe_and_fit_a_phone(full_live_server, new_page, tmp_path):
    server, app = full_live_server, full_live_server.app
    tag = secrets.token_hex(3)
    page = new_page(1280)
    log_in(page, server.url, "coordinator@example.org", STAFF_PASSWORD)
    page.goto(f"{server.url}/coordinator/import")
    problems = audit(page)

    bad = tmp_path / "bad.csv"
    bad.write_bytes(trainee_file(app, tag, bad=True))
    page.set_input_files("#file", str(bad))
    page.check("#create_cohorts")
    page.click("form[enctype] button[type=submit]")
    assert page.locator("[data-import-report=problems] li[data-line]").count() >= 3
    problems += audit(page)

    good = tmp_path / "good.csv"
    good.write_bytes(trainee_file(app, tag))
    page.set_input_files("#file", str(good))
    page.check("#create_cohorts")
    page.click("form[enctype] button[type=submit]")
    assert page.locator("[data-import-report=clean]").count() == 1
    problems += audit(page)
    page.click("text=Import 3 people")
    page.wait_for_url(f"{server.url}/coordinator/import")
    assert "Imported 3 new trainees" in page.text_content("main")
    problems += audit(page)

    with app.app_context():
        prior = db.session.scalar(select(User.id).where(User.email == f"import-{tag}-0@example.org"))
    page.goto(f"{server.url}/coordinator/mentors/{prior}")
    assert "Certified before PeerPath by Sam Lee, manager" in page.text_content("main")
    problems += audit(page)
    page.select_option("#cohort", label="No cohort")
    page.click("text=Move to another cohort")
    assert "is now in no cohort" in page.text_content("main")

    page.goto(f"{server.url}/coordinator/cohorts")
    problems += audit(page)
    assert problems == []

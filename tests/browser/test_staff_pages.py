"""Staff pages in real Chromium, at 1280 px and 390 px: the mentor list one line a row (cards on a
phone), the mentor record's decision first, revoking that asks first, a failed requirement form
whose error is in view, cohort counts equal to the list, no sideways scroll at 320 px, and axe
with no violation of any impact on every page visited."""

from __future__ import annotations

import secrets

import pytest
from axe_playwright_python.sync_playwright import Axe
from sqlalchemy import select

from app.auth.services import create_user
from app.extensions import db
from app.models import Cohort, Role, User

from ..helpers import complete_course
from ..web.test_matching_api import certify
from .conftest import STAFF_PASSWORD, log_in

WIDTHS = (1280, 390)
PASSWORD = "a long trainee password"


def violations(page) -> list[str]:
    found = Axe().run(page).response["violations"]
    return [f"{page.url}: {v['id']} ({v['impact']}): {v['nodes'][0]['target']}" for v in found]


@pytest.fixture(scope="module")
def staff_world(full_live_server):
    """A cohort of 52 mentors at every status (two pages of the list), made through the app's own
    records; returns the ids the tests visit."""
    app = full_live_server.app
    with app.app_context():
        first = create_user("staff-pages-0@example.org", "Staff Pages 00", PASSWORD, Role.TRAINEE)
        cohort = Cohort(name=f"Browser cohort {secrets.token_hex(3)}", invite_code=secrets.token_urlsafe(16))
        db.session.add(cohort)
        db.session.flush()
        first.cohort_id = cohort.id
        for n in range(1, 52):
            db.session.add(
                User(
                    email=f"staff-pages-{n}@example.org",
                    name=f"Staff Pages {n:02d}",
                    role=Role.TRAINEE.value,
                    password_hash=first.password_hash,
                    cohort_id=cohort.id,
                )
            )
        db.session.commit()
        cohort_id = cohort.id
    email = "staff-pages-{}@example.org".format
    world = {"cohort": cohort_id}
    world["certified"] = [certify(app, email(n)) for n in range(1, 6)]
    world["awaiting"] = complete_course(app, email(6))
    world["training"] = complete_course(app, email(7), recorded=False)
    complete_course(app, email(8))
    with app.app_context():
        world["admin"] = db.session.scalar(select(User.id).where(User.email == "admin@example.org"))
    return world


def coordinator_page(new_page, server, width: int):
    page = new_page(width)
    log_in(page, server.url, "coordinator@example.org", STAFF_PASSWORD)
    return page


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


@pytest.mark.parametrize("width", WIDTHS)
def test_the_mentor_list_is_one_line_a_row_wide_and_a_card_a_mentor_narrow(
    full_live_server, staff_world, new_page, width
):
    page = coordinator_page(new_page, full_live_server, width)
    page.goto(f"{full_live_server.url}/coordinator/?cohort={staff_world['cohort']}")
    assert page.locator("h1").inner_text() == "Mentors"
    assert page.locator("p[data-total]").get_attribute("data-total") == "52"
    rows = page.locator("tr[data-mentor]")
    assert rows.count() == 50
    heights = rows.evaluate_all("rows => rows.map(r => r.getBoundingClientRect().height)")
    if width == 1280:
        line = page.evaluate(
            "parseFloat(getComputedStyle(document.querySelector('.mentor-list td')).lineHeight)"
        )
        assert max(heights) < 2 * line  # one line a row: nothing wraps
        region = page.locator(".table-scroll").evaluate("r => [r.scrollWidth, r.clientWidth]")
        assert region[0] <= region[1]  # the table fits the page: no sideways scrolling inside it either
    else:
        assert page.locator(".mentor-list thead").bounding_box()["width"] <= 1  # headings for screen readers
        assert rows.first.evaluate("r => getComputedStyle(r).display") == "grid"
        label = page.locator("tr[data-mentor] td[data-column=status]").first
        assert label.evaluate("c => getComputedStyle(c, '::before').content") == '"Status"'
        assert min(heights) > 100  # each mentor a card
    assert no_sideways_scroll(page)
    assert violations(page) == []
    page.set_viewport_size({"width": 320, "height": 900})
    assert no_sideways_scroll(page)
    region = page.locator(".table-scroll").evaluate("r => [r.scrollWidth, r.clientWidth]")
    assert region[0] <= region[1]  # the cards fit: nothing to scroll inside the table either


@pytest.mark.parametrize("width", WIDTHS)
def test_the_decision_leads_the_mentor_record_and_revoke_asks_first(
    full_live_server, staff_world, new_page, width
):
    base = full_live_server.url
    page = coordinator_page(new_page, full_live_server, width)
    page.goto(f"{base}/coordinator/mentors/{staff_world['awaiting']}")
    sign_off = page.get_by_role("button", name="Sign off as ready to be matched")
    assert sign_off.is_visible()
    checklist = page.locator("[data-checklist]").bounding_box()["y"]
    assert page.locator("[data-certification-status]").bounding_box()["y"] < checklist
    assert sign_off.bounding_box()["y"] < checklist
    assert page.locator("[data-revoke]").count() == 0  # awaiting review: nothing to revoke
    assert page.locator("details.checklist-done").get_attribute("open") is None
    assert violations(page) == []

    mentor = staff_world["certified"][0 if width == 1280 else 1]
    page.goto(f"{base}/coordinator/mentors/{mentor}")
    assert (
        page.locator("[data-certification-status]").get_attribute("data-certification-status") == "certified"
    )
    page.click("[data-revoke] a")
    assert page.url == f"{base}/coordinator/mentors/{mentor}/revoke"
    assert "no longer offered to the matching system" in page.locator("main").inner_text()
    assert violations(page) == []
    page.click("button:has-text('Revoke certification')")
    summary = page.locator(".error-summary")
    assert "Say why" in summary.inner_text() and summary.is_visible()
    assert summary.evaluate(
        "e => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight }"
    )
    assert violations(page) == []
    page.fill("textarea[name=reason]", "A concern was raised by the school.")
    page.click("button:has-text('Revoke certification')")
    assert page.url == f"{base}/coordinator/mentors/{mentor}"
    assert page.locator("[data-certification-status]").get_attribute("data-certification-status") == "revoked"


@pytest.mark.parametrize("width", WIDTHS)
def test_a_failed_requirement_form_shows_its_error_in_view(full_live_server, staff_world, new_page, width):
    page = coordinator_page(new_page, full_live_server, width)
    page.goto(f"{full_live_server.url}/coordinator/mentors/{staff_world['training']}")
    record = page.locator("details#record-interview")
    assert record.get_attribute("open") is None
    record.locator("summary").click()
    record.get_by_role("button", name="Record").click()
    page.wait_for_load_state()
    assert page.url.endswith("#record-interview")
    reopened = page.locator("details#record-interview")
    assert reopened.get_attribute("open") is not None
    error = reopened.locator("p.error")
    assert error.inner_text() == "Enter the date."
    assert error.evaluate(
        "e => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight }"
    )
    assert violations(page) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_can_be_matched_now_on_the_cohort_page_equals_the_filtered_list(
    full_live_server, staff_world, new_page, width
):
    page = coordinator_page(new_page, full_live_server, width)
    page.goto(f"{full_live_server.url}/coordinator/cohorts")
    row = page.locator(f"tr[data-cohort='{staff_world['cohort']}']")
    matchable = row.locator("td[data-funnel=matchable] a")
    count = matchable.inner_text().split()[0]
    assert int(count) >= 3  # five certified, less any a revoke test has revoked
    assert row.locator("button.copy-button").is_visible()  # revealed by its script
    assert no_sideways_scroll(page)
    assert violations(page) == []
    matchable.click()
    assert page.locator("p[data-total]").get_attribute("data-total") == count
    statuses = page.locator("tr[data-mentor]").evaluate_all("rows => rows.map(r => r.dataset.status)")
    assert len(statuses) == int(count) and set(statuses) <= {"certified", "renewal_due"}
    assert violations(page) == []


STAFF_PAGES = {
    "coordinator@example.org": (
        "/coordinator/",
        "/coordinator/?status=nothing-here&q=zzzz",
        "/coordinator/cohorts",
        "/coordinator/standards",
        "/coordinator/mentors/{awaiting}",
        "/coordinator/mentors/{certified}/revoke",
    ),
    "admin@example.org": (
        "/admin/users",
        "/admin/users/{training}",
        "/admin/tokens",
        "/admin/audit",
        "/author/",
    ),
}


def test_every_staff_page_fits_320_px_and_passes_axe(full_live_server, staff_world, new_page):
    values = {
        "awaiting": staff_world["awaiting"],
        "training": staff_world["training"],
        "certified": staff_world["certified"][-1],
    }
    problems = []
    for email, paths in STAFF_PAGES.items():
        page = new_page(320)
        log_in(page, full_live_server.url, email, STAFF_PASSWORD)
        for path in paths:
            page.goto(full_live_server.url + path.format(**values))
            if not no_sideways_scroll(page):
                problems.append(
                    f"{path}: scrollWidth {page.evaluate('document.documentElement.scrollWidth')}"
                )
            problems += violations(page)
    assert problems == []

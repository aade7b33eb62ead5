"""In Chromium at 1280 and 390 px: the certificate's link, QR code, copy and print buttons; an
unknown /verify id; date and time inputs sized like text inputs; session times in the
programme's zone with a calendar file; asking before a place is given back; "Try it" answers
folded until asked for. axe finds nothing on any of these pages, and none scrolls sideways at 320 px."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from sqlalchemy import select

from app.certification.standings import record_decision
from app.extensions import db
from app.models import TrainingSession, User, utcnow

from ..helpers import complete_course
from .conftest import STAFF_PASSWORD, log_in, register

pytestmark = pytest.mark.browser

WIDTHS = (1280, 390)
_people = itertools.count(1)


def violations(page) -> list:
    return [(v["id"], v["impact"], v["nodes"][0]["target"]) for v in Axe().run(page).response["violations"]]


def fits_320(page) -> bool:
    """No sideways scroll at 320 px (WCAG 1.4.10), measured after a reflow."""
    page.set_viewport_size({"width": 320, "height": 800})
    fits = page.evaluate("document.documentElement.scrollWidth") <= 320
    return fits


def new_trainee(page, server) -> str:
    email = f"cert{next(_people)}@example.org"
    register(page, server.url, "Sam Certified-Mentor", email)
    return email


def certify(server, email: str) -> str:
    """Every record the program asks for, then a coordinator's sign-off through the service."""
    complete_course(server.app, email, recorded=False)
    with server.app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        coordinator = db.session.scalar(select(User).where(User.email == "coordinator@example.org"))
        event = record_decision(user.id, coordinator.id, "sign_off", server.app.extensions["course"])
        db.session.commit()
        return event.certificate_id


def summer_session(server, title: str) -> int:
    year = utcnow().year + 1
    with server.app.app_context():
        session = TrainingSession(
            title=title,
            starts_at=datetime(year, 7, 10, 17, 30, tzinfo=UTC),  # 18:30 BST
            duration_minutes=90,
            place="Community hall, 12 High Street",
            capacity=5,
        )
        db.session.add(session)
        db.session.commit()
        return session.id


@pytest.mark.parametrize("width", WIDTHS)
def test_the_certificate_can_be_shared_printed_and_checked(live_server, new_page, width):
    page = new_page(width)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    certificate_id = certify(live_server, new_trainee(page, live_server))
    page.goto(f"{live_server.url}/certificate")

    link = page.locator("a.verify-link")
    assert link.get_attribute("href").endswith(f"/verify/{certificate_id}")
    box, main = link.bounding_box(), page.locator("main").bounding_box()
    assert box["x"] + box["width"] <= main["x"] + main["width"] + 1
    qr = page.locator("svg.qr-code")
    assert qr.is_visible() and qr.get_attribute("role") == "img"
    assert "certificate" in qr.get_attribute("aria-label")
    copy, printing = (
        page.get_by_role("button", name="Copy link"),
        page.get_by_role("button", name="Print or save as PDF"),
    )
    assert copy.is_visible() and printing.is_visible()
    assert not page.locator("[data-print-hint]").is_visible()  # the buttons replace the advice
    copy.click()
    expect(page.locator("[data-copy-status]")).to_have_text("Link copied.")
    assert violations(page) == []

    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible() and not copy.is_visible()
    assert not page.locator(".site-footer").is_visible()
    assert page.locator("article.certificate").is_visible() and qr.is_visible()
    if width == WIDTHS[0]:  # paper is the same width whatever the screen
        assert page.pdf(format="A4").count(b"/Type /Page\n") == 1  # the certificate on one page
    page.emulate_media(media="screen")

    link.click()
    assert page.get_attribute("[data-certificate-state]", "data-certificate-state") == "valid"
    assert fits_320(page)
    page.goto(f"{live_server.url}/certificate")
    assert fits_320(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_a_visitor_checking_an_unknown_id_is_told_so_and_can_try_again(live_server, new_page, width):
    page = new_page(width)
    response = page.goto(f"{live_server.url}/verify/NoSuchCertificateId12345")
    assert response.status == 404
    main = page.inner_text("main")
    assert "No certificate has this ID. Check it against the printed certificate or the QR code." in main
    assert "dashboard" not in page.inner_text("body").lower()
    assert page.locator("#certificate-id").input_value() == "NoSuchCertificateId12345"
    assert violations(page) == []
    page.fill("#certificate-id", "  another-id  ")
    page.get_by_role("button", name="Check this certificate").click()
    page.wait_for_url(f"{live_server.url}/verify/another-id")
    assert fits_320(page)
    page.goto(f"{live_server.url}/verify")
    assert page.locator("h1").inner_text() == "Check a certificate" and violations(page) == []
    assert fits_320(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_session_form_fits_together_and_names_the_zone(live_server, new_page, width):
    page = new_page(width)
    log_in(page, live_server.url, "coordinator@example.org", STAFF_PASSWORD)
    page.goto(f"{live_server.url}/coordinator/sessions")
    assert page.locator("label[for=start]").inner_text() == "Starts (Europe/London time)"
    title_height = page.locator("#title").bounding_box()["height"]
    for control in ("#day", "#start", "#minutes", "#capacity"):
        height = page.locator(control).bounding_box()["height"]
        assert height >= 40 and abs(height - title_height) <= 4, (control, height, title_height)
    page.click("main form button[type=submit]")  # empty: the errors, styled alike
    assert page.locator("#day[aria-invalid=true]").count() == 1
    assert violations(page) == []
    session_id = summer_session(live_server, "Coordinator's evening")
    page.goto(f"{live_server.url}/coordinator/sessions/{session_id}")
    assert "18:30 BST" in page.inner_text("main") and violations(page) == []
    assert fits_320(page)
    page.goto(f"{live_server.url}/coordinator/sessions/{session_id}/edit")
    assert page.locator("#start").input_value() == "18:30" and violations(page) == []
    assert fits_320(page)
    page.goto(f"{live_server.url}/coordinator/sessions")
    assert fits_320(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_a_trainee_sees_the_programmes_time_downloads_it_and_is_asked_before_cancelling(
    live_server, new_page, width
):
    page = new_page(width)
    new_trainee(page, live_server)
    title = f"Summer evening at {width}"
    session_id = summer_session(live_server, title)
    page.goto(f"{live_server.url}/")
    item = page.locator(f"li[data-session='{session_id}']")
    assert "18:30 BST" in item.inner_text() and "90 minutes" in item.inner_text()
    calendar = item.locator("a[data-calendar]")
    answer = page.request.get(live_server.url + calendar.get_attribute("href"))
    assert answer.headers["content-type"].startswith("text/calendar")
    assert "BEGIN:VEVENT" in answer.text()
    with page.expect_download() as download:
        calendar.click()
    assert download.value.suggested_filename == f"peerpath-session-{session_id}.ics"

    item.get_by_role("button", name=f"Sign up for {title}").click()
    assert f"You have a place at “{title}”" in page.inner_text(".flashes")
    assert "18:30 BST" in page.inner_text(".flashes")
    assert violations(page) == []
    page.locator(f"li[data-session='{session_id}']").get_by_role(
        "link", name=f"Cancel my place at {title}"
    ).click()
    page.wait_for_url(f"{live_server.url}/sessions/{session_id}/cancel")
    assert page.locator("h1").inner_text() == "Cancel your place?" and violations(page) == []
    assert fits_320(page)
    page.get_by_role("link", name="Keep my place").click()
    assert page.get_attribute(f"li[data-session='{session_id}']", "data-signed-up") == "yes"
    page.goto(f"{live_server.url}/sessions/{session_id}/cancel")
    page.get_by_role("button", name="Yes, cancel my place").click()
    assert page.get_attribute(f"li[data-session='{session_id}']", "data-signed-up") == "no"
    assert fits_320(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_a_try_it_answer_stays_folded_until_asked_for(live_server, new_page, width):
    page = new_page(width)
    new_trainee(page, live_server)
    module = live_server.app.extensions["course"].module_by_id["active-listening"]
    section = next(
        s for s in module.sections if any("Simple, then complex" in getattr(p, "html", "") for p in s.parts)
    )
    page.goto(f"{live_server.url}/modules/{module.id}/{section.id}")
    answer = page.locator("details.callout-answer").first
    text = answer.locator("p").first
    assert not text.is_visible()
    answer.locator("summary").click()
    assert text.is_visible() and "One possibility" in text.inner_text()
    assert violations(page) == []
    assert fits_320(page)

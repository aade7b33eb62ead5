"""In Chromium at 390 px: register, read "check your email", follow the emailed link, log in;
accept an invitation; and the pages for a refused login, a broken link and invitation-only
registration. axe finds nothing at 1280 and 390 px, and nothing scrolls sideways at 320 px."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import replace

import pytest

from app.extensions import db
from app.models import User
from app.people import invitations

from .conftest import log_in
from .emailed import emailed_link
from .test_browser import audit

pytestmark = pytest.mark.browser
PASSWORD = "a long trainee password"


@contextmanager
def registration(server, mode: str):
    """The live server's registration mode for one test (it serves the whole session)."""
    course = server.app.extensions["course"]
    server.app.extensions["course"] = replace(course, program=replace(course.program, registration=mode))
    try:
        yield
    finally:
        server.app.extensions["course"] = course


def test_register_check_email_follow_the_link_and_log_in_at_390(live_server, new_page):
    base, email = live_server.url, "rhea.register@example.org"
    page = new_page(390)
    with registration(live_server, "verify_email"):
        page.goto(f"{base}/auth/register")
        page.click("main button[type=submit]")  # empty: the error summary
        assert page.locator("main .error-summary, main [role=alert]").count() >= 1
        problems = audit(page)
        page.fill("#name", "Rhea Register")
        page.fill("#email", email)
        page.fill("#password", PASSWORD)
        page.fill("#confirm", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url(f"{base}/auth/confirm-email")
        assert page.locator("h1").inner_text() == "Check your email"
        assert email in page.locator("main").inner_text()
        problems += audit(page)

        page.goto(f"{base}/auth/login")
        page.fill("#email", email)
        page.fill("#password", PASSWORD)
        page.click("main button[type=submit]")
        assert "Confirm your email before you log in" in page.locator("main").inner_text()
        problems += audit(page)

        page.goto(emailed_link(base, email, "/auth/confirm-email/"))
        page.wait_for_url(f"{base}/auth/login")
        assert "Your email is confirmed" in page.locator("body").inner_text()
        problems += audit(page)
        log_in(page, base, email, PASSWORD)
        assert page.url == f"{base}/"

        page.goto(f"{base}/auth/confirm-email/not-a-real-link")
        assert "does not work" in page.locator("h1").inner_text()
        problems += audit(page)
    assert problems == []


def test_accept_an_invitation_at_390(live_server, new_page):
    base, email = live_server.url, "ivo.invited@example.org"
    with live_server.app.test_request_context(base_url=base):
        user = User(email=email, name="Ivo Invited", password_hash="!unusable")
        db.session.add(user)
        db.session.flush()
        invitations.send_invitation(user)
        db.session.commit()
    page = new_page(390)
    link = emailed_link(base, email, "/auth/invitation/")
    page.goto(link)
    assert page.locator("h1").inner_text() == "Choose your password"
    problems = audit(page)
    page.fill("#password", "an invited person's password")
    page.fill("#confirm", "an invited person's password")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/")
    assert "Welcome to PeerPath, Ivo Invited" in page.locator("body").inner_text()
    page.goto(link)
    assert "does not work any more" in page.locator("h1").inner_text()
    problems += audit(page)
    assert problems == []


def test_invitation_only_registration_at_390(live_server, new_page):
    page = new_page(390)
    with registration(live_server, "invite_only"):
        page.goto(f"{live_server.url}/auth/register")
        assert page.locator("h1").inner_text() == "Registration is by invitation"
        assert page.locator("main form").count() == 0
        problems = audit(page)
        page.goto(f"{live_server.url}/auth/login")
        assert "Accounts are by invitation" in page.locator("main").inner_text()
    assert problems == []

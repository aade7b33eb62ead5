"""The pages where people control their email, in real Chromium: the unsubscribe confirmation and
its answer, the preferences page (signed in, and from an email's link), and the admin outbox with
a failure to retry. Each is audited with axe at 1280 and 390 px and must not scroll at 320 px."""

from __future__ import annotations

from sqlalchemy import select

from app.course.notifications import INACTIVITY
from app.extensions import db
from app.models import OutboxMessage, User, utcnow
from app.notifications import emails

from .conftest import STAFF_PASSWORD, log_in, register
from .test_browser import audit
from .test_html_checker import html_errors


def tokens(server, email: str) -> tuple[str, str]:
    with server.app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        return emails.unsubscribe_token(user, INACTIVITY), emails.preferences_token(user)


def test_unsubscribing_from_an_email_link_in_one_click(live_server, new_page):
    base = live_server.url
    page = new_page(390)
    register(page, base, "Una Subscribe", "una.subscribe@example.org")
    unsubscribe, _ = tokens(live_server, "una.subscribe@example.org")
    visitor = new_page(1280)  # the link opened in another browser: no session needed
    visitor.goto(f"{base}/email/unsubscribe/{unsubscribe}")
    assert visitor.locator("h1").inner_text() == "Unsubscribe"
    assert audit(visitor) == []
    visitor.click("main button[type=submit]")
    visitor.wait_for_selector("[data-unsubscribed]")
    assert audit(visitor) == []
    page.goto(f"{base}/email/preferences")
    assert not page.locator("input[name=kinds][value=inactivity_reminder]").is_checked()
    assert audit(page) == []


def test_preferences_from_an_email_link_and_as_a_coordinator(live_server, new_page):
    base = live_server.url
    _, preferences = tokens(live_server, "coordinator@example.org")
    visitor = new_page(390)
    visitor.goto(f"{base}/email/preferences/{preferences}")
    assert visitor.locator("input[name=kinds]").count() == 2
    assert audit(visitor) == []
    visitor.uncheck("input[name=kinds][value=coordinator_digest]")
    visitor.click("main button[type=submit]")
    visitor.wait_for_selector(".flash-success")
    assert not visitor.locator("input[name=kinds][value=coordinator_digest]").is_checked()
    assert audit(visitor) == []


def test_the_admin_outbox_with_a_failure_to_retry(live_server, new_page):
    base = live_server.url
    with live_server.app.app_context():
        db.session.add(
            OutboxMessage(
                recipient="someone-with-a-rather-long-address@example.org",
                subject="Your mentor training: next step",
                body="text",
                status="failed",
                attempts=6,
                last_attempt_at=utcnow(),
                last_error="SMTPServerDisconnected: Connection unexpectedly closed while talking to "
                "mail.example.org:587 after the greeting, so the message could not be handed over",
            )
        )
        db.session.commit()
    page = new_page(1280)
    log_in(page, base, "admin@example.org", STAFF_PASSWORD)
    page.goto(f"{base}/admin/outbox")
    assert page.locator("h1").inner_text() == "Outbox"
    assert audit(page) == []
    page.locator("tr[data-message] button").first.click()
    page.wait_for_url(f"{base}/admin/outbox")
    page.goto(f"{base}/admin/outbox?status=queued")
    assert page.locator("tr[data-message]").count() >= 1
    assert audit(page) == []


def test_the_pages_and_an_emails_html_part_are_valid_html(live_server, new_page, tmp_path):
    base = live_server.url
    page = new_page(1280)
    register(page, base, "Val Idator", "val.idator@example.org")
    unsubscribe, preferences = tokens(live_server, "val.idator@example.org")
    documents = {
        url: page.request.get(base + url).text()
        for url in (
            f"/email/unsubscribe/{unsubscribe}",
            f"/email/preferences/{preferences}",
            "/email/preferences",
        )
    }
    documents["unsubscribed"] = page.request.post(f"{base}/email/unsubscribe/{unsubscribe}").text()
    with live_server.app.test_request_context(base_url=base):
        user = db.session.scalar(select(User).where(User.email == "val.idator@example.org"))
        context = {"days_idle": 7, "started": False, "next_step": "Welcome", "next_url": f"{base}/"}
        documents["email"] = emails.render(user, INACTIVITY, context).html
    admin = new_page(1280)
    log_in(admin, base, "admin@example.org", STAFF_PASSWORD)
    documents["/admin/outbox"] = admin.request.get(f"{base}/admin/outbox").text()
    assert html_errors(documents, tmp_path) == []

"""Emails people control (issue 28): both parts from one template, the RFC 8058 headers and
one-click unsubscribe, the preferences page, the outbox page for admins, and docs/emails.md."""

from __future__ import annotations

import email
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from app.course.notifications import DIGEST, EXPIRING, INACTIVITY, KINDS, REPLIES_SCORED
from app.extensions import db
from app.models import AuditEntry, EmailOptOut, OutboxMessage, Role, User, utcnow
from app.notifications import emails
from app.people import mail

from ..html import csrf_token, elements
from .test_mail_queue import make_due, outbox, smtp  # noqa: F401  (smtp is a fixture)

SITE = "https://peerpath.example.org"
REMINDER = {"days_idle": 7, "started": True, "next_step": "Active listening", "next_url": f"{SITE}/modules/a"}
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def public_url(app):
    app.config["PUBLIC_URL"] = SITE


def person(app, email_address: str) -> User:
    return db.session.scalar(select(User).where(User.email == email_address))


def queue_reminder(app, email_address: str) -> tuple[int, str]:
    """Send one reminder outside a request (as `flask notify` does); its id and unsubscribe link."""
    with app.app_context():
        user = person(app, email_address)
        message = emails.send(user, INACTIVITY, REMINDER)
        db.session.commit()
        return message.id, emails.absolute_url(
            "site.unsubscribe", token=emails.unsubscribe_token(user, INACTIVITY)
        )


def opt_outs(app, email_address: str) -> set[str]:
    with app.app_context():
        user_id = person(app, email_address).id
        return set(db.session.scalars(select(EmailOptOut.kind).where(EmailOptOut.user_id == user_id)))


def test_both_parts_come_from_one_template_and_a_name_stays_text(app, make_user):
    address = make_user(name="Ana [click](http://evil.example) <b>")
    with app.app_context():
        rendered = emails.render(person(app, address), INACTIVITY, REMINDER)
    name = app.extensions["course"].program.identity.name
    assert rendered.subject == f"Your mentor training with {name}: next step"
    assert f"Go to your next step:\n{SITE}/modules/a" in rendered.text
    assert "<" not in rendered.text.replace("<b>", "")  # plain text: no markup but the name's own
    assert f'<a href="{SITE}/modules/a">Go to your next step</a>' in rendered.html
    assert "Ana [click](http://evil.example) &lt;b&gt;" in rendered.html
    assert 'evil.example"' not in rendered.html and "<b>" not in rendered.html
    for sentence in ("It has been 7 days", "You get this because", "Choose which emails you get"):
        assert sentence in rendered.text and sentence in rendered.html
    assert rendered.html.startswith("<!DOCTYPE html>") and "<link" not in rendered.html  # no external assets


def test_every_kind_has_a_template(app):
    templates = {path.stem for path in (ROOT / "app" / "templates" / "emails").glob("*.md")}
    assert set(KINDS) <= templates


def test_a_coordinators_requirement_warning_says_the_mentors_choices_do_not_stop_it(app, make_user):
    address = make_user(Role.COORDINATOR, name="Cora")
    context = {
        "requirement": "Background check",
        "expires_on": utcnow().date(),
        "for_coordinator": True,
        "mentor_name": "Sam Okafor",
        "mentor_url": f"{SITE}/coordinator/mentors/5",
        "url": f"{SITE}/",
    }
    with app.app_context():
        rendered = emails.render(person(app, address), EXPIRING, context)
    assert rendered.subject.startswith("Sam Okafor: Background check lapses on")
    assert f"{SITE}/coordinator/mentors/5" in rendered.text
    assert "own email choices do not stop it" in rendered.text


def test_sent_email_has_the_one_click_headers_and_prints_them_without_a_mail_server(app, make_user, capsys):
    message_id, link = queue_reminder(app, make_user())
    [message] = outbox(app)
    assert message.id == message_id and message.status == "printed"
    assert message.headers == {
        "List-Unsubscribe": f"<{link}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    assert link.startswith(f"{SITE}/email/unsubscribe/")
    assert message.html_body.startswith("<!DOCTYPE html>") and link in message.html_body
    printed = capsys.readouterr().out
    assert f"List-Unsubscribe: <{link}>" in printed and "Go to your next step" in printed
    assert "<!DOCTYPE" not in printed  # the console shows the text part


def parse(raw: str) -> email.message.Message:
    return email.message_from_string(raw)


def test_the_smtp_message_is_multipart_with_both_parts_and_the_headers(app, make_user, smtp):  # noqa: F811
    _, link = queue_reminder(app, make_user())
    with app.app_context():
        assert mail.deliver(utcnow()).sent == 1
    [raw] = smtp.messages
    sent = parse(raw)
    assert sent.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in sent.get_payload()] == ["text/plain", "text/html"]
    assert sent["List-Unsubscribe"] == f"<{link}>"
    assert sent["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text, html = (part.get_payload(decode=True).decode() for part in sent.get_payload())
    assert "Go to your next step" in text and '<a href="' in html


def test_a_failure_then_a_retry_keeps_both_parts_and_sends_once(app, make_user, smtp):  # noqa: F811
    queue_reminder(app, make_user())
    smtp.refuse = True
    with app.app_context():
        assert mail.deliver(utcnow()).retrying == 1
    [waiting] = outbox(app)
    assert (waiting.status, waiting.attempts) == ("queued", 1)
    assert waiting.html_body and waiting.headers  # nothing lost while it waits
    smtp.refuse = False
    make_due(app)
    with app.app_context():
        assert mail.deliver(utcnow()).sent == 1
    make_due(app)
    with app.app_context():
        assert mail.deliver(utcnow()).sent == 0
    [raw] = smtp.messages
    assert parse(raw).get_content_type() == "multipart/alternative"
    [sent] = outbox(app)
    assert (sent.status, sent.body, sent.html_body) == ("sent", "", None)  # its links are not kept


def test_one_click_post_unsubscribes_without_a_session_or_csrf_token_and_twice_is_fine(app, make_user):
    address = make_user()
    _, link = queue_reminder(app, address)
    stranger = app.test_client()  # a mail client: no cookie, no token
    path = link.removeprefix(SITE)
    for _ in range(2):
        response = stranger.post(path, data={"List-Unsubscribe": "One-Click"})
        assert response.status_code == 200
        assert "You are unsubscribed" in response.text
    assert opt_outs(app, address) == {INACTIVITY}


def test_get_shows_the_confirmation_and_changes_nothing(app, make_user):
    address = make_user()
    _, link = queue_reminder(app, address)
    page = app.test_client().get(link.removeprefix(SITE))
    assert page.status_code == 200
    assert "Reminders when you have not been on your training" in page.text
    [form] = [e for e in elements(page.text, "form")]
    assert form["method"] == "post" and form["action"] == link.removeprefix(SITE)
    assert opt_outs(app, address) == set()


def test_a_forged_or_misused_token_is_not_found(app, make_user):
    address = make_user()
    _, link = queue_reminder(app, address)
    client = app.test_client()
    forged = link.removeprefix(SITE)[:-3] + "abc"
    assert client.get(forged).status_code == 404
    assert client.post(forged).status_code == 404
    with app.app_context():
        preferences_token = emails.preferences_token(person(app, address))
    assert client.post(f"/email/unsubscribe/{preferences_token}").status_code == 404  # another salt
    assert client.get("/email/preferences/not-a-token").status_code == 404
    assert opt_outs(app, address) == set()


def checkbox_values(html: str) -> dict[str, bool]:
    return {e["value"]: "checked" in e for e in elements(html, "input") if e.get("name") == "kinds"}


def test_a_trainee_chooses_their_emails(app, client, trainee):
    page = client.get("/email/preferences")
    assert page.status_code == 200
    boxes = checkbox_values(page.text)
    assert DIGEST not in boxes and set(boxes) == set(emails.TRAINEE_KINDS) and all(boxes.values())
    kept = [kind for kind in emails.TRAINEE_KINDS if kind not in (INACTIVITY, REPLIES_SCORED)]
    saved = client.post("/email/preferences", data={"csrf_token": csrf_token(page.text), "kinds": kept})
    assert saved.status_code == 303
    assert opt_outs(app, trainee) == {INACTIVITY, REPLIES_SCORED}
    again = checkbox_values(client.get("/email/preferences").text)
    assert not again[INACTIVITY] and again[EXPIRING]
    client.post("/email/preferences", data={"csrf_token": csrf_token(page.text), "kinds": list(boxes)})
    assert opt_outs(app, trainee) == set()


def test_a_refused_choice_answers_422_and_keeps_the_ticks(app, client, trainee):
    page = client.get("/email/preferences")
    refused = client.post(
        "/email/preferences",
        data={"csrf_token": csrf_token(page.text), "kinds": [INACTIVITY, DIGEST]},  # not a trainee's kind
    )
    assert refused.status_code == 422
    assert checkbox_values(refused.text)[INACTIVITY]
    assert opt_outs(app, trainee) == set()


def test_a_coordinator_sees_the_digest_and_the_warning_only(app, coordinator):
    page = coordinator.get("/email/preferences")
    assert set(checkbox_values(page.text)) == {DIGEST, EXPIRING}
    assert "safeguarding notice" in page.text


def test_the_preferences_page_opens_from_an_emails_link_without_logging_in(app, make_user):
    address = make_user()
    with app.app_context():
        token = emails.preferences_token(person(app, address))
    visitor = app.test_client()
    assert visitor.get("/email/preferences").status_code == 302  # signed in only, without a token
    page = visitor.get(f"/email/preferences/{token}")
    assert page.status_code == 200 and set(checkbox_values(page.text)) == set(emails.TRAINEE_KINDS)
    saved = visitor.post(f"/email/preferences/{token}", data={"csrf_token": csrf_token(page.text)})
    assert saved.status_code == 303 and saved.headers["Location"].endswith(f"/email/preferences/{token}")
    assert opt_outs(app, address) == set(emails.TRAINEE_KINDS)


def test_the_account_page_links_to_the_preferences(client, trainee):
    assert 'href="/email/preferences"' in client.get("/auth/password").text


def failed_message(app, recipient: str = "x@example.org") -> int:
    with app.app_context():
        message = OutboxMessage(
            recipient=recipient,
            subject="Hello",
            body="b",
            html_body="<p>b</p>",
            status="failed",
            attempts=6,
            last_error="ConnectionRefusedError: [Errno 111] refused",
            last_attempt_at=utcnow(),
        )
        db.session.add(message)
        db.session.commit()
        return message.id


def test_the_outbox_page_shows_failures_and_retries_them_with_an_audit_entry(app, admin, coordinator):
    first, second = failed_message(app), failed_message(app, "y@example.org")
    assert coordinator.get("/admin/outbox").status_code == 403
    page = admin.get("/admin/outbox")
    assert page.status_code == 200
    assert "ConnectionRefusedError" in page.text and "Retry all failed" in page.text
    assert [e.text for e in elements(page.text, "dd") if e.get("data-count") == "failed"] == ["2"]
    retried = admin.post(f"/admin/outbox/{first}/retry", data={"csrf_token": csrf_token(page.text)})
    assert retried.status_code == 303
    assert {m.id: m.status for m in outbox(app)} == {first: "queued", second: "failed"}
    again = admin.post(f"/admin/outbox/{first}/retry", data={"csrf_token": csrf_token(page.text)})
    assert again.status_code == 303  # not failed any more: left as it is
    admin.post("/admin/outbox/retry-failed", data={"csrf_token": csrf_token(page.text)})
    assert {m.status for m in outbox(app)} == {"queued"} and {m.attempts for m in outbox(app)} == {0}
    queue = admin.get("/admin/outbox?status=queued")
    assert queue.status_code == 200 and "y@example.org" in queue.text
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "mail.retried")).all()
        assert sorted(e.subject_id for e in entries) == [first, second]
    assert admin.post(f"/admin/outbox/{first}/retry").status_code == 400  # no CSRF token


def test_docs_emails_md_is_what_the_samples_script_prints_now():
    environment = {
        **os.environ,
        "CONTENT_DIR": str(ROOT / "content"),
        "QUIZZES_DIR": str(ROOT / "quizzes"),
    }
    printed = subprocess.run(
        [sys.executable, "-m", "app.notifications.samples"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert printed == (ROOT / "docs" / "emails.md").read_text(), (
        "docs/emails.md is stale: run .venv/bin/python -m app.notifications.samples > docs/emails.md"
    )

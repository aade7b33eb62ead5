"""Forgotten passwords: a signed link by email that expires, works once, and reveals nothing
about which addresses have accounts."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry, OutboxMessage, User, utcnow

from ..conftest import PASSWORD, Auth
from ..helpers import post
from ..html import csrf_token

NEW_PASSWORD = "a brand new passphrase for me"


def ask_for_reset(client, email: str):
    return post(client, "/auth/reset", "/auth/reset", email=email)


def outbox(app) -> list[OutboxMessage]:
    with app.app_context():
        return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def link_in(message: OutboxMessage) -> str:
    return re.search(r"http://localhost(/auth/reset/\S+)", message.body).group(1)


def choose(client, link: str, password: str = NEW_PASSWORD, confirm: str | None = None):
    page = client.get(link)
    if page.status_code != 200:
        return page
    return client.post(
        link, data={"csrf_token": csrf_token(page.text), "password": password, "confirm": confirm or password}
    )


def test_a_reset_link_by_email_sets_a_new_password_and_signs_everyone_out(app, client, make_user):
    email = make_user(name="Forgetful Fran")
    elsewhere = app.test_client()
    Auth(elsewhere).login(email)
    asked = ask_for_reset(client, email)
    assert asked.status_code == 302 and asked.headers["Location"] == "/auth/login"
    [message] = outbox(app)
    assert message.recipient == email and "Forgetful Fran" in message.body
    link = link_in(message)
    mismatch = choose(client, link, confirm="something else entirely")
    assert mismatch.status_code == 200 and "do not match" in mismatch.text
    assert choose(client, link).headers["Location"] == "/auth/login"
    assert Auth(app.test_client()).login(email, NEW_PASSWORD).status_code == 302
    assert "do not match an account" in Auth(app.test_client()).login(email, PASSWORD).text
    assert elsewhere.get("/modules/feedback").headers["Location"].startswith("/auth/login")
    with app.app_context():
        assert db.session.scalars(select(AuditEntry.action)).all() == ["account.password_reset"]


def test_a_link_works_once(app, client, make_user):
    email = make_user()
    ask_for_reset(client, email)
    ask_for_reset(client, email)
    first, second = (link_in(m) for m in outbox(app))
    choose(client, first)
    for used in (first, second):  # spending one link spends every link issued before it
        refused = choose(app.test_client(), used, password="an attacker's chosen password")
        assert refused.status_code == 400 and 'data-reset-link="invalid"' in refused.text
    assert Auth(app.test_client()).login(email, NEW_PASSWORD).status_code == 302


def test_a_link_expires(app, client, make_user, monkeypatch):
    email = make_user()
    ask_for_reset(client, email)
    link = link_in(outbox(app)[0])
    app.config["PASSWORD_RESET_MAX_AGE"] = -1  # every signature is now older than allowed
    refused = choose(client, link)
    assert refused.status_code == 400 and "expired" in refused.text
    app.config["PASSWORD_RESET_MAX_AGE"] = 3600
    assert Auth(app.test_client()).login(email).status_code == 302  # the password did not change


def test_a_forged_or_truncated_link_is_refused(app, client, make_user):
    email = make_user()
    ask_for_reset(client, email)
    link = link_in(outbox(app)[0])
    # (the signature's last character carries two unused bits, so change one before it)
    forged = link[:-5] + ("A" if link[-5] != "A" else "Q") + link[-4:]
    for bad in (link[:-3], forged, "/auth/reset/" + "x" * 2000):
        assert client.get(bad).status_code == 400


def test_unknown_and_deactivated_addresses_get_the_same_answer_and_no_email(app, client, make_user):
    known = ask_for_reset(client, make_user()).headers["Location"]
    unknown = ask_for_reset(client, "nobody-here@example.org")
    deactivated = make_user()
    with app.app_context():
        db.session.scalar(select(User).where(User.email == deactivated)).deactivated_at = utcnow()
        db.session.commit()
    for answer in (unknown, ask_for_reset(client, deactivated)):
        assert answer.headers["Location"] == known
    assert len(outbox(app)) == 1
    invalid = ask_for_reset(client, "not an email")
    assert invalid.status_code == 200 and "Invalid email address" in invalid.text


def test_reset_requests_are_throttled_per_address(app, client, make_user):
    email = make_user()
    codes = [ask_for_reset(client, email).status_code for _ in range(7)]
    assert codes == [302] * 5 + [429] * 2
    assert len(outbox(app)) == 5


def test_links_use_the_configured_public_address_not_the_request_host(app, client, make_user):
    app.config["PUBLIC_URL"] = "https://peerpath.example.org"
    email = make_user()
    page = client.get("/auth/reset", headers={"Host": "attacker.example"})
    client.post(
        "/auth/reset",
        data={"csrf_token": csrf_token(page.text), "email": email},
        headers={"Host": "attacker.example"},
    )
    body = outbox(app)[0].body
    assert "https://peerpath.example.org/auth/reset/" in body and "attacker" not in body


def test_with_a_mail_server_configured_the_email_is_sent_over_smtp(app, client, make_user, monkeypatch):
    sent = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            sent.append(("connect", host, port))

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def starttls(self, context):
            sent.append(("starttls",))

        def login(self, user, password):
            sent.append(("login", user, password))

        def send_message(self, message):
            sent.append(("send", message["To"], message["Subject"], message.get_content()))

    monkeypatch.setattr("smtplib.SMTP", FakeSMTP)
    app.config.update(MAIL_SERVER="smtp.example.org", MAIL_PORT=587, MAIL_USERNAME="pp", MAIL_PASSWORD="pw")
    email = make_user()
    ask_for_reset(client, email).close()  # sent once the response is closed (tests/web/test_mail_queue.py)
    assert sent[:3] == [("connect", "smtp.example.org", 587), ("starttls",), ("login", "pp", "pw")]
    assert sent[3][1:3] == (email, "Reset your PeerPath password") and "/auth/reset/" in sent[3][3]
    [kept] = outbox(app)
    assert kept.status == "sent" and "/auth/reset/" not in kept.body  # a sent secret link is not kept

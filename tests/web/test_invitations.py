"""Invitations: a person a coordinator added chooses their password through a link that works
once, for a week, and confirms their email."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.auth import reset
from app.extensions import db
from app.models import AuditEntry, User
from app.people import invitations

from ..conftest import Auth
from ..html import csrf_token, elements
from ..registration import outbox

NEW_PASSWORD = "a brand new invited password"


def invited(app, email: str = "nia@example.org", **fields) -> str:
    """An account as an import makes it (a password nobody knows, email not proved), invited."""
    with app.app_context(), app.test_request_context():
        user = User(email=email, name="Nia Newcomer", password_hash="!unusable", **fields)
        db.session.add(user)
        db.session.flush()
        invitations.send_invitation(user)
        db.session.commit()
    [body] = [body for recipient, _subject, body in outbox(app) if recipient == email]
    return re.search(r"http://localhost(/auth/invitation/\S+)", body).group(1)


def stored(app, email: str) -> User:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        db.session.expunge_all()
        return user


def choose(client, link: str, password: str = NEW_PASSWORD, confirm: str | None = None):
    token = csrf_token(client.get(link).text)
    data = {"password": password, "confirm": confirm or password, "csrf_token": token}
    return client.post(link, data=data)


def test_the_invitation_email_greets_by_name_and_says_when_it_expires(app):
    invited(app)
    [(recipient, subject, body)] = outbox(app)
    assert recipient == "nia@example.org" and subject == "Your invitation to train with PeerPath"
    assert "Hello Nia Newcomer" in body and "works once and expires on" in body
    assert stored(app, "nia@example.org").invited_at is not None


def test_accepting_sets_the_password_confirms_the_email_and_signs_in(app, client):
    link = invited(app)
    page = client.get(link)
    assert page.status_code == 200 and "Choose your password" in page.text and "nia@example.org" in page.text
    answer = choose(client, link)
    assert answer.status_code == 302 and answer.headers["Location"] == "/"
    assert "Your training" in client.get("/").text
    user = stored(app, "nia@example.org")
    assert user.email_verified_at is not None and user.check_password(NEW_PASSWORD)
    with app.app_context():
        assert db.session.scalar(select(AuditEntry.action)) == "account.invitation_accepted"
    Auth(client).logout()
    assert Auth(client).login("nia@example.org", NEW_PASSWORD).headers["Location"] == "/"


def test_the_password_rules_apply_and_the_form_says_so(app, client):
    link = invited(app)
    answer = choose(client, link, "password1234")
    assert answer.status_code == 422 and elements(answer.text, "p", id="password-error")
    mismatch = choose(client, link, NEW_PASSWORD, "something else entirely")
    assert mismatch.status_code == 422 and elements(mismatch.text, "p", id="confirm-error")
    assert stored(app, "nia@example.org").email_verified_at is None


def test_a_used_link_is_refused_with_the_ways_forward(app, client):
    link = invited(app)
    choose(client, link)
    again = app.test_client().get(link)
    assert (
        again.status_code == 400
        and "ask your programme coordinator for a new invitation" in again.text.lower()
    )
    assert elements(again.text, "a", href="/auth/login") and elements(again.text, "a", href="/auth/reset")
    other = app.test_client()
    data = {"password": "another invited password", "confirm": "another invited password"}
    data["csrf_token"] = csrf_token(other.get("/auth/login").text)
    assert other.post(link, data=data).status_code == 400
    assert stored(app, "nia@example.org").check_password(NEW_PASSWORD)


def test_an_expired_invitation_is_refused(app, client, monkeypatch):
    link = invited(app)
    monkeypatch.setattr(invitations, "MAX_AGE", timedelta(seconds=-1))
    assert client.get(link).status_code == 400


def test_a_deactivated_account_cannot_accept(app, client):
    from app.models import utcnow

    link = invited(app, deactivated_at=utcnow())
    assert client.get(link).status_code == 400


def test_a_new_invitation_replaces_nothing_but_the_older_one_still_works_until_a_password_is_set(app, client):
    first = invited(app)
    with app.app_context(), app.test_request_context():
        invitations.send_invitation(db.session.scalar(select(User).where(User.email == "nia@example.org")))
        db.session.commit()
    second = re.search(r"http://localhost(/auth/invitation/\S+)", outbox(app)[-1][2]).group(1)
    assert choose(client, second).status_code == 302
    assert app.test_client().get(first).status_code == 400  # spent with the password it fingerprints


def test_a_reset_link_is_not_an_invitation(app, client):
    invited(app)
    with app.app_context():
        token = reset.make_token(db.session.scalar(select(User).where(User.email == "nia@example.org")))
    assert client.get(f"/auth/invitation/{token}").status_code == 400


def test_without_a_request_the_link_uses_public_url(app, make_app):  # app: the schema
    offline = make_app(PUBLIC_URL="https://peerpath.example.org")
    with offline.app_context():
        user = User(email="oz@example.org", name="Oz Offline", password_hash="!unusable")
        db.session.add(user)
        db.session.flush()
        invitations.send_invitation(user)
        db.session.commit()
    assert "https://peerpath.example.org/auth/invitation/" in outbox(offline)[-1][2]


def test_without_public_url_or_a_request_no_invitation_goes(app):
    with app.app_context():
        user = User(email="pip@example.org", name="Pip", password_hash="!unusable")
        db.session.add(user)
        db.session.flush()
        with pytest.raises(invitations.NoPublicAddress):
            invitations.send_invitation(user)
        db.session.rollback()
    assert outbox(app) == []


def test_a_password_reset_also_confirms_the_email(app, client):
    Auth(app.test_client()).register("Quin Forgot", "quin@example.org")
    with app.app_context():
        token = reset.make_token(db.session.scalar(select(User).where(User.email == "quin@example.org")))
    page = client.get(f"/auth/reset/{token}")
    data = {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "csrf_token": csrf_token(page.text)}
    assert client.post(f"/auth/reset/{token}", data=data).status_code == 302
    assert stored(app, "quin@example.org").email_verified_at is not None
    assert Auth(client).login("quin@example.org", NEW_PASSWORD).headers["Location"] == "/"

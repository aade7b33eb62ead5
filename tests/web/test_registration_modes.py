"""How people get an account (program.yaml ``registration:``): the email proved by a link before
the first login (verify_email, shipped), only with a cohort's invite (invite_only), or at once
(open); and an answer that never says whether an address has an account."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.auth import verification
from app.extensions import db
from app.models import AuditEntry, Cohort, User

from ..conftest import PASSWORD, Auth
from ..html import csrf_token, elements, text_of
from ..registration import outbox, set_registration

LINK = re.compile(r"http://localhost(/auth/confirm-email/\S+)")


def confirm_link(app, email: str) -> str:
    """The path of the newest confirmation link emailed to this address."""
    bodies = [body for recipient, _subject, body in outbox(app) if recipient == email]
    return LINK.findall(bodies[-1])[-1]


def account(app, email: str) -> User | None:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        db.session.expunge_all()
        return user


def test_verify_email_register_check_email_refused_login_follow_link_then_log_in(app, client, auth):
    set_registration(app, "verify_email")
    answer = auth.register("Amara Okafor", "Amara@Example.org")
    assert answer.status_code == 302 and answer.headers["Location"] == "/auth/confirm-email"
    page = client.get("/auth/confirm-email")
    assert "Check your email" in page.text and "amara@example.org" in page.text
    assert "Log out" not in client.get("/").text  # not logged in
    assert account(app, "amara@example.org").email_verified_at is None
    [(recipient, subject, _body)] = outbox(app)
    assert recipient == "amara@example.org" and subject == "Confirm your email for PeerPath"

    refused = auth.login("amara@example.org")
    assert refused.status_code == 200 and "Confirm your email before you log in" in refused.text
    assert elements(refused.text, "a", href="/auth/confirm-email")  # send the link again

    followed = client.get(confirm_link(app, "amara@example.org"))
    assert followed.status_code == 302 and followed.headers["Location"] == "/auth/login"
    assert "Your email is confirmed" in client.get("/auth/login").text
    assert account(app, "amara@example.org").email_verified_at is not None
    with app.app_context():
        assert db.session.scalar(select(AuditEntry.action)) == "account.email_verified"
    assert auth.login("amara@example.org").headers["Location"] == "/"
    assert "Your training" in client.get("/").text


def test_a_second_use_of_the_link_says_the_email_is_confirmed_already(app, client, auth):
    auth.register("Ben Ode", "ben@example.org")
    link = confirm_link(app, "ben@example.org")
    client.get(link)
    again = client.get(link)
    assert again.status_code == 302 and again.headers["Location"] == "/auth/login"
    assert "already confirmed" in client.get("/auth/login").text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 1


def test_an_expired_or_altered_link_is_refused_with_a_way_to_get_a_new_one(app, client, auth, monkeypatch):
    auth.register("Cai Late", "cai@example.org")
    link = confirm_link(app, "cai@example.org")
    for broken in (link[:-3], "/auth/confirm-email/nonsense"):
        answer = client.get(broken)
        assert answer.status_code == 400 and elements(answer.text, "a", href="/auth/confirm-email")
    monkeypatch.setattr(verification, "MAX_AGE", timedelta(seconds=-1))
    assert client.get(link).status_code == 400
    assert account(app, "cai@example.org").email_verified_at is None


def test_a_wrong_password_on_an_unconfirmed_account_says_nothing_about_confirming(app, auth):
    auth.register("Dee Guess", "dee@example.org")
    answer = Auth(app.test_client()).login("dee@example.org", "not the password at all")
    assert "do not match" in answer.text and "Confirm your email" not in answer.text


def test_registering_a_taken_address_answers_the_same_and_emails_its_owner(app, make_user):
    owner = make_user(name="Orla Owner", email="orla@example.org")
    new, taken = Auth(app.test_client()), Auth(app.test_client())
    fresh = new.register("Someone New", "fresh@example.org")
    again = taken.register("Someone Else", "ORLA@example.org")
    assert (again.status_code, again.headers["Location"]) == (fresh.status_code, fresh.headers["Location"])
    page_fresh = text_of(new.client.get("/auth/confirm-email").text)
    page_taken = text_of(taken.client.get("/auth/confirm-email").text)
    assert page_taken == page_fresh.replace("fresh@example.org", "orla@example.org")
    [(recipient, subject, body)] = [m for m in outbox(app) if m[0] == owner]
    assert subject == "Someone tried to register with your email on PeerPath"
    assert "Hello Orla Owner" in body and "/auth/login" in body and "/auth/reset" in body
    assert account(app, owner).name == "Orla Owner"  # the account is untouched
    assert Auth(app.test_client()).login(owner).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 2


def test_registering_again_before_confirming_sends_the_link_again(app, auth):
    auth.register("Eve Twice", "eve@example.org")
    Auth(app.test_client()).register("Eve Twice", "eve@example.org")
    second = [body for recipient, _subject, body in outbox(app) if recipient == "eve@example.org"][-1]
    assert "not confirmed yet" in second and LINK.search(second)


def test_send_the_link_again_answers_the_same_whoever_asks(app, client, make_user):
    Auth(app.test_client()).register("Fay Again", "fay@example.org")
    verified = make_user()
    token = csrf_token(client.get("/auth/confirm-email").text)
    for email in ("fay@example.org", "nobody@example.org", verified):
        answer = client.post("/auth/confirm-email", data={"email": email, "csrf_token": token})
        assert answer.status_code == 302 and answer.headers["Location"] == "/auth/confirm-email"
        assert "a new link is on its way" in client.get("/auth/confirm-email").text
    recipients = [recipient for recipient, _subject, _body in outbox(app)]
    assert recipients == ["fay@example.org", "fay@example.org"]
    empty = client.post("/auth/confirm-email", data={"email": "", "csrf_token": token})
    assert empty.status_code == 422 and elements(empty.text, "p", id="email-error")


def test_sending_the_link_again_is_rate_limited_per_address(app, client):
    token = csrf_token(client.get("/auth/confirm-email").text)
    codes = [
        client.post("/auth/confirm-email", data={"email": "gus@example.org", "csrf_token": token}).status_code
        for _ in range(6)
    ]
    assert codes == [302] * 5 + [429]


def test_without_public_url_a_registration_from_a_foreign_host_is_refused(app):
    client = app.test_client()
    foreign = {"base_url": "http://peerpath.example.org"}
    token = csrf_token(client.get("/auth/register", **foreign).text)
    data = {"name": "Hal Host", "email": "hal@example.org", "password": PASSWORD, "confirm": PASSWORD}
    answer = client.post("/auth/register", data={**data, "csrf_token": token}, **foreign)
    assert answer.status_code == 503 and "not set up on this site" in answer.text
    assert account(app, "hal@example.org") is None and outbox(app) == []


def test_simultaneous_registrations_of_one_email_give_one_account_and_one_answer(app):
    clients = [app.test_client() for _ in range(4)]
    answers = [Auth(each).register("Same", "same@example.org") for each in clients]
    assert {(a.status_code, a.headers["Location"]) for a in answers} == {(302, "/auth/confirm-email")}
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 1


def cohort(app, code: str = "cohort-invite-code") -> int:
    with app.app_context():
        row = Cohort(name="Spring", invite_code=code)
        db.session.add(row)
        db.session.commit()
        return row.id


def test_invite_only_without_an_invite_says_to_ask_the_coordinator(app, client):
    set_registration(app, "invite_only")
    page = client.get("/auth/register")
    assert page.status_code == 200 and "Registration is by invitation" in page.text
    assert not elements(page.text, "input", name="password")
    wrong = client.get("/auth/register?invite=not-a-code")
    assert "That invite link is not valid any more" in wrong.text and not elements(
        wrong.text, "input", name="password"
    )
    token = csrf_token(client.get("/auth/password", follow_redirects=True).text)
    data = {
        "name": "Ivy",
        "email": "ivy@example.org",
        "password": PASSWORD,
        "confirm": PASSWORD,
        "csrf_token": token,
    }
    assert "Registration is by invitation" in client.post("/auth/register", data=data).text
    assert account(app, "ivy@example.org") is None
    login = client.get("/auth/login").text
    assert "Accounts are by invitation: ask your programme coordinator" in login
    assert "Create an account" not in login


def test_invite_only_with_a_cohort_invite_works_as_verify_email(app, client):
    set_registration(app, "invite_only")
    cohort_id = cohort(app)
    page = client.get("/auth/register?invite=cohort-invite-code")
    assert elements(page.text, "input", name="password") and "Spring" in page.text
    data = {
        "name": "Jo Joiner",
        "email": "jo@example.org",
        "password": PASSWORD,
        "confirm": PASSWORD,
        "csrf_token": csrf_token(page.text),
    }
    answer = client.post("/auth/register?invite=cohort-invite-code", data=data)
    assert answer.headers["Location"] == "/auth/confirm-email"
    user = account(app, "jo@example.org")
    assert user.cohort_id == cohort_id and user.email_verified_at is None
    client.get(confirm_link(app, "jo@example.org"))
    assert Auth(client).login("jo@example.org").headers["Location"] == "/"


def test_open_registration_logs_in_at_once_without_proving_the_email(app, client, auth):
    set_registration(app, "open")
    answer = auth.register("Kim Quick", "kim@example.org")
    assert answer.headers["Location"] == "/" and "Your training" in client.get("/").text
    assert account(app, "kim@example.org").email_verified_at is None and outbox(app) == []
    auth.logout()
    assert auth.login("kim@example.org").headers["Location"] == "/"


@pytest.mark.parametrize("mode", ["verify_email", "open"])
def test_the_login_page_offers_registration_where_anyone_may_register(app, client, mode):
    set_registration(app, mode)
    assert "Create an account" in client.get("/auth/login").text


def test_create_user_on_the_command_line_is_confirmed_and_may_join_a_cohort(app, runner):
    cohort_id = cohort(app)
    result = runner.invoke(
        args=[
            "create-user",
            "lee@example.org",
            "--name",
            "Lee Line",
            "--cohort",
            "Spring",
            "--password-stdin",
        ],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    user = account(app, "lee@example.org")
    assert user.email_verified_at is not None and user.cohort_id == cohort_id
    assert Auth(app.test_client()).login("lee@example.org").headers["Location"] == "/"
    missing = runner.invoke(
        args=["create-user", "max@example.org", "--name", "Max", "--cohort", "Autumn", "--password-stdin"],
        input=PASSWORD + "\n",
    )
    assert missing.exit_code != 0 and "no cohort named 'Autumn'" in missing.output


def test_demo_and_seeded_accounts_count_as_confirmed(app, runner):
    set_registration(app, "verify_email")
    result = runner.invoke(args=["seed-demo", "--trainees", "3", "--seed", "1"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(User.email_verified_at.is_(None))) == 0
    assert (
        Auth(app.test_client()).login("trainee@example.org", "demo-trainee-pass").headers["Location"] == "/"
    )

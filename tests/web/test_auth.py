"""Accounts through the real forms: register, log in, log out, change password, staff accounts."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Role, User

from ..conftest import PASSWORD, Auth
from ..html import csrf_token, elements, text_of
from ..registration import open_registration  # noqa: F401  (a fixture)


@pytest.mark.usefixtures("open_registration")
def test_register_creates_a_logged_in_trainee(client, auth, app):
    response = auth.register("Amara Okafor", "Amara@Example.org")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    dashboard = client.get("/")
    assert "Your training" in dashboard.text and "Log out" in dashboard.text
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "amara@example.org"))
        assert user.role == Role.TRAINEE.value and user.name == "Amara Okafor"
        assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash


@pytest.mark.parametrize(
    ("name", "email", "password", "confirm", "field", "message"),
    [
        ("A", "a@example.org", "short pass", None, "password", "at least 12"),
        ("A", "a@example.org", PASSWORD, "something else entirely", "confirm", "do not match"),
        ("A", "not-an-email", PASSWORD, None, "email", "Invalid email"),
        ("", "a@example.org", PASSWORD, None, "name", "This field is required"),
    ],
)
def test_register_rerenders_with_field_errors(client, auth, name, email, password, confirm, field, message):
    response = auth.register(name, email, password, confirm)
    assert response.status_code == 200
    error = elements(response.text, "p", id=f"{field}-error")
    assert error and message in error[0].text
    assert elements(response.text, "input", name=field)[0].get("aria-invalid") == "true"
    assert elements(response.text, "input", name="email")[0]["value"] == email  # typed input kept


@pytest.mark.usefixtures("open_registration")
def test_register_refuses_a_duplicate_email_whatever_its_case(auth, make_user):
    make_user(email="taken@example.org")
    response = auth.register("Someone", "TAKEN@example.org")
    assert response.status_code == 200
    assert "already exists" in elements(response.text, "p", id="email-error")[0].text


def test_login_and_logout(client, auth, make_user):
    email = make_user()
    assert auth.login(email).headers["Location"] == "/"
    assert client.get("/modules/feedback").status_code == 200
    auth.logout()
    assert client.get("/modules/feedback").status_code == 302


def test_failed_login_says_the_same_for_a_wrong_password_and_an_unknown_email(auth, make_user):
    email = make_user()
    wrong_password = auth.login(email, "not the right password")
    unknown_email = auth.login("nobody@example.org", "not the right password")
    for response in (wrong_password, unknown_email):
        assert response.status_code == 200
        summary = elements(response.text, "div", class_="error-summary")
        assert summary and "do not match an account" in summary[0].text
    assert text_of(wrong_password.text).replace(email, "nobody@example.org") == text_of(unknown_email.text)


@pytest.mark.parametrize("path", ["/auth/login", "/auth/register", "/auth/logout", "/auth/password"])
def test_a_post_without_the_csrf_token_is_rejected(client, path):
    response = client.post(path, data={"email": "x@example.org", "password": PASSWORD})
    assert response.status_code == 400
    assert "CSRF" in response.text


@pytest.mark.parametrize(
    "path",
    ["/modules/active-listening", "/modules/active-listening/why-listening-comes-first", "/auth/password"],
)
def test_anonymous_visitors_are_sent_to_log_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")


def test_login_returns_to_the_page_asked_for_but_never_off_site(auth, make_user):
    email = make_user()
    assert auth.login(email, next_="/modules/feedback").headers["Location"] == "/modules/feedback"
    auth.logout()
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        assert auth.login(email, next_=target).headers["Location"] == "/"
        auth.logout()


def test_remember_me_sets_a_lasting_cookie(client, auth, make_user):
    email = make_user()
    auth.login(email, remember=True)
    assert client.get_cookie("remember_token") is not None


def test_change_password_checks_the_current_one_and_logs_out_other_sessions(app, client, auth, make_user):
    email = make_user()
    auth.login(email)
    other_device = app.test_client()
    Auth(other_device).login(email)
    assert other_device.get("/auth/password").status_code == 200

    page = client.get("/auth/password")
    wrong = client.post(
        "/auth/password",
        data={
            "current": "not my password at all",
            "password": "a brand new password",
            "confirm": "a brand new password",
            "csrf_token": csrf_token(page.text),
        },
    )
    assert "not your current password" in elements(wrong.text, "p", id="current-error")[0].text

    changed = client.post(
        "/auth/password",
        data={
            "current": PASSWORD,
            "password": "a brand new password",
            "confirm": "a brand new password",
            "csrf_token": csrf_token(page.text),
        },
    )
    assert changed.status_code == 302
    assert client.get("/auth/password").status_code == 200  # this session carries on
    assert other_device.get("/auth/password").status_code == 302  # the other is logged out
    auth.logout()
    assert auth.login(email).status_code == 200  # old password refused
    assert auth.login(email, "a brand new password").status_code == 302


def test_create_user_command_makes_staff_accounts(app, runner):
    result = runner.invoke(
        args=[
            "create-user",
            "Coord@Example.org",
            "--role",
            "coordinator",
            "--name",
            "Cleo Coordinator",
            "--password-stdin",
        ],
        input="coordinator password\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "coord@example.org"))
        assert (user.role, user.name, user.check_password("coordinator password")) == (
            "coordinator",
            "Cleo Coordinator",
            True,
        )
    again = runner.invoke(
        args=["create-user", "coord@example.org", "--name", "X", "--password-stdin"],
        input="whatever password\n",
    )
    assert again.exit_code != 0 and "already exists" in again.output


def test_create_user_command_refuses_a_short_password(runner):
    result = runner.invoke(
        args=["create-user", "x@example.org", "--name", "X", "--password-stdin"], input="short\n"
    )
    assert result.exit_code != 0 and "at least 12" in result.output


def test_seed_demo_prints_working_accounts_and_can_run_twice(client, runner):
    first = runner.invoke(args=["seed-demo"])
    second = runner.invoke(args=["seed-demo"])
    assert first.exit_code == second.exit_code == 0
    for email, password in (
        ("trainee@example.org", "demo-trainee-pass"),
        ("coordinator@example.org", "demo-coordinator-pass"),
    ):
        assert email in first.output and password in first.output
        auth = Auth(client)
        assert auth.login(email, password).status_code == 302
        auth.logout()


def test_the_header_shows_each_account_its_own_links_and_name(app, make_user):
    always = {"Skip to main content", "PeerPath"}
    expected = {
        Role.TRAINEE: {"Your training", "Account"},
        Role.COORDINATOR: {"Coordinator", "Account"},
        Role.AUTHOR: {"Author", "Account"},
        Role.ADMIN: {"Coordinator", "Admin", "Author", "Account"},
    }
    role_names = {
        Role.TRAINEE: "Trainee",
        Role.COORDINATOR: "Coordinator",
        Role.AUTHOR: "Author",
        Role.ADMIN: "Admin",
    }
    for role, links in expected.items():  # one worker, so later accounts reuse the header's markup
        client = app.test_client()
        Auth(client).login(make_user(role, name=f"<b>{role.value}</b> person"))
        header = client.get("/auth/password").text.split("<main")[0]
        assert {a.text for a in elements(header, "a")} == always | links
        assert f"Log out <b>{role.value}</b> person" in text_of(header)  # the name as text, not markup
        # Who is signed in, and as what, is visible (shared computers), not only read out.
        assert f"Signed in as <b>{role.value}</b> person {role_names[role]}" in text_of(header)
        current = elements(header, "a", **{"aria-current": "page"})
        assert [a.text for a in current] == ["Account"]
        assert "<b>" not in header
    anonymous = app.test_client().get("/auth/login").text.split("<main")[0]
    assert {a.text for a in elements(anonymous, "a")} == always | {"Log in", "Register"}


def test_each_role_lands_on_its_own_home_after_logging_in(app, make_user):
    homes = {
        Role.TRAINEE: "/",
        Role.COORDINATOR: "/coordinator/",
        Role.SAFEGUARDING_LEAD: "/coordinator/",
        Role.ADMIN: "/admin/users",
        Role.AUTHOR: "/author/",
    }
    for role, home in homes.items():
        client = app.test_client()
        auth = Auth(client)
        response = auth.login(make_user(role))
        assert response.status_code == 302 and response.headers["Location"] == home, role
        assert client.get("/auth/login").headers["Location"] == home  # already in: home again
        brand = elements(client.get("/auth/password").text, "a", class_="brand")[0]
        assert brand["href"] == home
    client = app.test_client()
    response = Auth(client).login(make_user(Role.COORDINATOR), next_="/coordinator/cohorts")
    assert response.headers["Location"] == "/coordinator/cohorts"  # where they were going wins

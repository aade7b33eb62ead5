"""Issue 24 items 3-6: nobody can lock someone else out, logout ends the session on the server,
registration holds under floods and races, passwords are stored with Argon2id and common ones are
refused. Each test is named after the security review's finding it reproduces."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from app.auth import forms as auth_forms
from app.auth import services, throttle
from app.extensions import db
from app.models import User, normalise_email, utcnow

from ..conftest import PASSWORD, Auth
from ..html import csrf_token
from ..registration import open_registration  # noqa: F401  (a fixture)

ATTACKER = {"REMOTE_ADDR": "203.0.113.9"}


def _login(client, email: str, password: str, environ: dict | None = None):
    page = client.get("/auth/login", environ_base=environ or {})
    data = {"email": email, "password": password, "csrf_token": csrf_token(page.text)}
    return client.post("/auth/login", data=data, environ_base=environ or {})


# ----- item 3: throttling that cannot be turned against the owner -------------------------------------


def test_f3_an_attacker_elsewhere_cannot_lock_the_owner_out(app, make_user):
    email = make_user()
    owner = app.test_client()
    assert _login(owner, email, PASSWORD).status_code == 302  # the owner's browser becomes known
    Auth(owner).logout()
    attacker = app.test_client()
    answers = [_login(attacker, email, f"guess {i}", ATTACKER).status_code for i in range(15)]
    assert answers == [200] * 10 + [429] * 5
    # Unknown devices are closed to the account, even with the right password ...
    assert _login(app.test_client(), email, PASSWORD, ATTACKER).status_code == 429
    assert _login(app.test_client(), email, PASSWORD).status_code == 429
    # ... but the owner's own browser still logs in.
    assert _login(owner, email, PASSWORD).status_code == 302


def test_f3_a_known_device_has_its_own_larger_budget(app, make_user):
    email = make_user()
    owner = app.test_client()
    assert _login(owner, email, PASSWORD).status_code == 302
    Auth(owner).logout()
    answers = [_login(owner, email, f"typo {i}").status_code for i in range(21)]
    assert answers == [200] * 20 + [429]
    refused = _login(owner, email, PASSWORD)
    assert refused.status_code == 429 and "on this device" in refused.text and refused.headers["Retry-After"]
    # The owner's typos did not use the budget of unknown devices.
    assert _login(app.test_client(), email, PASSWORD, ATTACKER).status_code == 302


def test_f3_a_device_cookie_is_signed_and_names_one_account(app, make_user):
    email, other = make_user(), make_user()
    owner = app.test_client()
    _login(owner, email, PASSWORD)
    cookie = owner.get_cookie(throttle.DEVICE_COOKIE, path="/auth/")
    assert cookie is not None and cookie.http_only
    with app.test_request_context(
        "/auth/login", headers={"Cookie": f"{throttle.DEVICE_COOKIE}={cookie.value}"}
    ):
        assert throttle.known_device(email) and throttle.known_device(other) is None
    with app.test_request_context(
        "/auth/login", headers={"Cookie": f"{throttle.DEVICE_COOKIE}={cookie.value[:-2]}xx"}
    ):
        assert throttle.known_device(email) is None  # tampered: an unknown device


def test_f17_guessing_the_current_password_is_throttled(app, client, auth, make_user):
    email = make_user()
    auth.login(email)

    def change(current: str):
        page = client.get("/auth/password").text
        return client.post(
            "/auth/password",
            data={
                "current": current,
                "password": "a brand new passphrase here",
                "confirm": "a brand new passphrase here",
                "csrf_token": csrf_token(page),
            },
        )

    answers = [change(f"guess {i}").status_code for i in range(11)]
    assert answers == [200] * 10 + [429]
    assert change(PASSWORD).status_code == 429  # even the right one waits now


def test_f20_simultaneous_guesses_cannot_slip_past_the_limit(app, make_user, monkeypatch):
    email = make_user()
    judged: list[int] = []
    real = services.authenticate

    def slow_authenticate(address, password):
        judged.append(1)
        time.sleep(0.3)  # every guess is in flight together: a check-then-count limit lets all in
        return real(address, password)

    monkeypatch.setattr(services, "authenticate", slow_authenticate)
    threads = 20
    clients = [app.test_client() for _ in range(threads)]
    tokens = [csrf_token(each.get("/auth/login").text) for each in clients]
    barrier = threading.Barrier(threads)
    codes: list[int] = []

    def guess(each, token):
        barrier.wait()
        data = {"email": email, "password": "wrong guess here", "csrf_token": token}
        codes.append(each.post("/auth/login", data=data).status_code)

    workers = [threading.Thread(target=guess, args=pair) for pair in zip(clients, tokens, strict=True)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len(judged) == 10 and sorted(codes) == [200] * 10 + [429] * 10


# ----- item 4: logout ends the session on the server ----------------------------------------------


def test_f4_copied_cookies_stop_working_after_logout(app, client, auth, make_user):
    email = make_user()
    assert auth.login(email, remember=True).status_code == 302
    session_cookie = client.get_cookie("session").value
    remember_cookie = client.get_cookie("remember_token").value
    assert auth.logout().status_code == 302
    for cookies in ({"session": session_cookie}, {"remember_token": remember_cookie}):
        thief = app.test_client()
        for name, value in cookies.items():
            thief.set_cookie(name, value)
        answer = thief.get("/auth/password")
        assert answer.status_code == 302 and "/auth/login" in answer.headers["Location"], cookies


def test_f4_log_out_everywhere_ends_every_session(app, make_user):
    email = make_user()
    here, phone = app.test_client(), app.test_client()
    Auth(here).login(email)
    Auth(phone).login(email, remember=True)
    page = here.get("/auth/password").text
    assert "Log out everywhere" in page
    answer = here.post("/auth/logout-everywhere", data={"everywhere-csrf_token": csrf_token(page)})
    assert answer.status_code == 302 and answer.headers["Location"] == "/auth/login"
    for each in (here, phone):
        assert each.get("/auth/password").status_code == 302
    assert Auth(phone).login(email).status_code == 302  # logging in again works


def test_i5_the_csrf_token_is_renewed_at_login(client, auth, make_user):
    email = make_user()
    client.get("/auth/login")
    with client.session_transaction() as session:
        before = session["csrf_token"]
    assert auth.login(email).status_code == 302
    client.get("/")
    with client.session_transaction() as session:
        after = session["csrf_token"]
    assert before and after and before != after
    auth.logout()
    client.get("/auth/login")
    with client.session_transaction() as session:
        assert session["csrf_token"] not in (before, after)  # and again at logout


# ----- item 5: registration -------------------------------------------------------------------------


def test_f7_registration_is_throttled_per_address(app, client, auth):
    answers = [
        auth.register("Flood", f"flood{i}@example.org", confirm="does not match").status_code
        for i in range(30)
    ]
    assert answers == [200] * 30
    refused = auth.register("Flood", "flood-last@example.org")
    assert refused.status_code == 429 and "Too many new accounts from this address" in refused.text
    assert Auth(app.test_client()).register("Other", "other@example.org").status_code == 429  # same address
    elsewhere = app.test_client()
    page = elsewhere.get("/auth/register", environ_base=ATTACKER).text
    data = {
        "name": "Elsewhere",
        "email": "elsewhere@example.org",
        "password": PASSWORD,
        "confirm": PASSWORD,
        "csrf_token": csrf_token(page),
    }
    assert elsewhere.post("/auth/register", data=data, environ_base=ATTACKER).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 1


@pytest.mark.usefixtures("open_registration")
def test_f13_a_registration_that_loses_the_race_gets_a_form_error_not_a_500(
    app, auth, make_user, monkeypatch
):
    email = make_user()
    # As if another request had inserted the same email after this one's check.
    monkeypatch.setattr(auth_forms.RegisterForm, "validate_email", lambda self, field: None)
    answer = auth.register("Second", email.upper())
    assert answer.status_code == 200 and "An account with this email already exists" in answer.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 1


@pytest.mark.usefixtures("open_registration")
def test_f13_simultaneous_registrations_of_one_email_give_one_account(app):
    threads = 8
    clients = [app.test_client() for _ in range(threads)]
    tokens = [csrf_token(each.get("/auth/register").text) for each in clients]
    barrier = threading.Barrier(threads)
    codes: list[int] = []

    def register(each, token):
        barrier.wait()
        data = {"name": "Same", "email": "same@example.org", "password": PASSWORD, "confirm": PASSWORD}
        codes.append(each.post("/auth/register", data={**data, "csrf_token": token}).status_code)

    workers = [threading.Thread(target=register, args=pair) for pair in zip(clients, tokens, strict=True)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sorted(codes) == [200] * (threads - 1) + [302]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 1


@pytest.mark.usefixtures("open_registration")
def test_i7_look_alike_emails_are_refused_as_duplicates(app, auth):
    assert auth.register("Trainee Two", "trainee2@example.org").status_code == 302
    for look_alike in ("ｔｒａｉｎｅｅ2@example.org", "TRAİNEE2@example.org", "  TRAINEE2@EXAMPLE.ORG "):
        answer = Auth(app.test_client()).register("Impostor", look_alike)
        assert answer.status_code == 200 and "already exists" in answer.text, look_alike
    cyrillic = Auth(app.test_client()).register("Impostor", "tr\u0430inee2@example.org")
    assert cyrillic.status_code == 200 and "different alphabets" in cyrillic.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_i7_normalised_emails_log_in_the_same_account(app, client, auth, make_user):
    email = make_user()
    assert normalise_email("ＰＥＲＳＯＮ@Example.ORG") == "person@example.org"
    assert normalise_email("Straße@example.org") == "strasse@example.org"
    assert auth.login("  " + email.upper().replace("P", "Ｐ")).status_code == 302


# ----- item 6: password storage and policy -------------------------------------------------------


def test_i1_passwords_are_hashed_with_argon2id_and_old_scrypt_hashes_upgraded_at_login(app, auth):
    with app.app_context():
        user = User(
            email="old@example.org",
            name="Old",
            password_hash=generate_password_hash(PASSWORD),
            email_verified_at=utcnow(),
        )
        db.session.add(user)
        db.session.commit()
    assert auth.login("old@example.org", "wrong password here").status_code == 200
    with app.app_context():
        assert db.session.scalar(select(User.password_hash)).startswith("scrypt:")  # not on a failure
    assert auth.login("old@example.org").status_code == 302
    with app.app_context():
        stored = db.session.scalar(select(User.password_hash))
        assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    auth.logout()
    assert auth.login("old@example.org").status_code == 302  # the upgraded hash verifies


def test_f18_common_and_repetitive_passwords_are_refused(app, client, auth, make_user):
    for weak in ("password1234", "aaaaaaaaaaaa", "Password1234", "abababababab"):
        answer = Auth(app.test_client()).register("Weak", "weak@example.org", password=weak)
        assert answer.status_code == 200, weak
        assert "most common passwords" in answer.text or "different characters" in answer.text, weak
    auth.login(make_user())
    page = client.get("/auth/password").text
    answer = client.post(
        "/auth/password",
        data={
            "current": PASSWORD,
            "password": "password1234",
            "confirm": "password1234",
            "csrf_token": csrf_token(page),
        },
    )
    assert answer.status_code == 200 and "most common passwords" in answer.text
    assert auth_forms.common_passwords() and "password1234" in auth_forms.common_passwords()

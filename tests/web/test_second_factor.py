"""Two-step login for staff (TOTP, RFC 6238) through the real forms: setting it up, logging in with
a code or a recovery code, replay and guessing refused, an admin's reset, and the setting that
makes it compulsory for staff (with a grace period)."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select

from app.auth import two_step
from app.config import Config
from app.extensions import db
from app.models import AuditEntry, RecoveryCode, Role, SecondFactor, utcnow

from ..conftest import PASSWORD, Auth, user_id
from ..html import csrf_token, elements, text_of

RECOVERY_CODE = re.compile(r"\b[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}\b")


class Clock:
    """The clock codes are checked against, set by the test: a code is made for a known moment."""

    def __init__(self) -> None:
        self.now = 63_333_334 * 30 + 5.0  # five seconds into a 30-second step, in 2030

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(two_step, "clock", clock)
    return clock


def code_at(secret: str, moment: float) -> str:
    return pyotp.TOTP(secret).at(moment)


def wrong_code(secret: str, moment: float) -> str:
    """A 6-digit code that is none of the codes accepted at this moment."""
    accepted = {code_at(secret, moment + offset) for offset in (-30, 0, 30)}
    return next(c for c in (f"{n:06d}" for n in range(1000)) if c not in accepted)


def key_on_page(html: str) -> str:
    """The key as a person would type it into their app: the grouped letters, spaces dropped."""
    return elements(html, "code", data_secret_key="")[0].text.replace(" ", "")


def session_of(app, client) -> dict:
    """What the signed session cookie holds (readable by its owner; signed, not encrypted)."""
    cookie = client.get_cookie("session")
    return app.session_interface.get_signing_serializer(app).loads(cookie.value) if cookie else {}


def enrol(client, clock: Clock) -> tuple[str, list[str]]:
    """Set up two-step login through the page: read the key, type the app's code; return the
    secret and the recovery codes shown."""
    page = client.get("/auth/two-factor")
    secret = key_on_page(page.text)
    done = client.post(
        "/auth/two-factor", data={"code": code_at(secret, clock.now), "csrf_token": csrf_token(page.text)}
    )
    assert done.status_code == 200, done.text
    return secret, RECOVERY_CODE.findall(elements(done.text, "ol", data_recovery_codes="")[0].text)


def give_code(client, code: str | None = None, recovery: str | None = None):
    page = client.get("/auth/login/code")
    data = {"csrf_token": csrf_token(page.text)}
    if code is not None:
        data["code"] = code
    if recovery is not None:
        data["recovery_code"] = recovery
    return client.post("/auth/login/code", data=data)


def staff_client(app, make_user, role: Role = Role.COORDINATOR):
    """A logged-in staff member's client and email."""
    email = make_user(role, name=f"Sam {role.value}")
    client = app.test_client()
    assert Auth(client).login(email).status_code == 302
    return client, email


def audit_actions(app, subject_id: int) -> list[tuple[str, int | None, dict]]:
    with app.app_context():
        return [
            (e.action, e.actor_id, e.details)
            for e in db.session.scalars(
                select(AuditEntry)
                .where(AuditEntry.subject_type == "user", AuditEntry.subject_id == subject_id)
                .order_by(AuditEntry.id)
            )
        ]


# ----- enrolment -----------------------------------------------------------------------------------


def test_enrolment_shows_a_qr_code_and_the_key_then_shows_recovery_codes_once(app, make_user, clock):
    client, email = staff_client(app, make_user)
    page = client.get("/auth/two-factor")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    svg = elements(page.text, "svg", class_="qr-code")
    assert svg and svg[0]["role"] == "img" and svg[0]["aria-label"] and "<path" in page.text
    assert "style=" not in page.text.split("<main")[1]  # the CSP forbids inline styles
    key = elements(page.text, "code", data_secret_key="")[0].text
    assert re.fullmatch(r"([A-Z2-7]{4} ){7}[A-Z2-7]{4}", key)  # 32 base32 letters in groups of four
    secret = key.replace(" ", "")
    code_input = elements(page.text, "input", name="code")[0]
    assert (code_input["autocomplete"], code_input["inputmode"]) == ("one-time-code", "numeric")
    assert elements(page.text, "label", for_="code")
    # The pending secret lives in the signed session cookie, and survives a reload.
    assert session_of(app, client)["second_factor_enrolment"]["secret"] == secret
    assert key_on_page(client.get("/auth/two-factor").text) == secret
    with app.app_context():
        assert db.session.get(SecondFactor, user_id(app, email)) is None

    wrong = client.post(
        "/auth/two-factor", data={"code": wrong_code(secret, clock.now), "csrf_token": csrf_token(page.text)}
    )
    assert wrong.status_code == 200
    assert "does not match" in elements(wrong.text, "p", id="code-error")[0].text
    assert elements(wrong.text, "input", name="code")[0]["aria-invalid"] == "true"
    assert elements(wrong.text, "div", class_="error-summary")
    assert key_on_page(wrong.text) == secret  # the same key: the person's app already has it

    right = client.post(
        "/auth/two-factor", data={"code": code_at(secret, clock.now), "csrf_token": csrf_token(page.text)}
    )
    assert right.status_code == 200 and right.headers["Cache-Control"] == "no-store"
    codes = RECOVERY_CODE.findall(elements(right.text, "ol", data_recovery_codes="")[0].text)
    assert len(codes) == len(set(codes)) == 10
    assert "second_factor_enrolment" not in session_of(app, client)  # the secret left the cookie
    with app.app_context():
        account_id = user_id(app, email)
        factor = db.session.get(SecondFactor, account_id)
        assert factor.secret == secret
        stored = db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == account_id)).all()
        assert len(stored) == 10 and len({r.salt for r in stored}) == 10
        for code in codes:  # only salted hashes are kept
            plain = code.replace("-", "")
            assert all(plain not in (r.code_hash + r.salt) for r in stored)
    assert [a for a, *_ in audit_actions(app, account_id)] == ["account.second_factor_enrolled"]

    again = client.get("/auth/two-factor")  # shown once: not on reload
    assert again.status_code == 200
    assert not elements(again.text, "ol", data_recovery_codes="") and not RECOVERY_CODE.search(again.text)
    assert not elements(again.text, "code", data_secret_key="") and secret not in again.text
    assert elements(again.text, "p", data_second_factor="on")
    assert elements(again.text, "span", data_recovery_codes_left="")[0].text == "10"


def test_only_staff_can_set_up_two_step_login(app, client, make_user, trainee):
    assert client.get("/auth/two-factor").status_code == 403  # a trainee
    author = app.test_client()
    Auth(author).login(make_user(Role.AUTHOR))
    assert author.get("/auth/two-factor").status_code == 403
    assert app.test_client().get("/auth/two-factor").headers["Location"].startswith("/auth/login")
    for role in (Role.COORDINATOR, Role.SAFEGUARDING_LEAD, Role.ADMIN):
        staff, _ = staff_client(app, make_user, role)
        assert elements(staff.get("/auth/two-factor").text, "code", data_secret_key=""), role


# ----- logging in ----------------------------------------------------------------------------------


def test_an_enrolled_coordinator_needs_the_code_not_just_the_password(app, make_user, clock):
    client, email = staff_client(app, make_user)
    secret, _ = enrol(client, clock)
    auth = Auth(client)
    auth.logout()

    half = auth.login(email, remember=True, next_="/coordinator/cohorts")
    assert half.status_code == 302 and half.headers["Location"] == "/auth/login/code"
    assert client.get("/coordinator/").headers["Location"].startswith("/auth/login")  # not logged in
    assert client.get_cookie("remember_token") is None
    page = client.get("/auth/login/code")
    assert page.status_code == 200
    code_input = elements(page.text, "input", name="code")[0]
    assert (code_input["autocomplete"], code_input["inputmode"]) == ("one-time-code", "numeric")

    wrong = give_code(client, wrong_code(secret, clock.now))
    assert wrong.status_code == 200 and "not right" in elements(wrong.text, "p", id="code-error")[0].text
    assert client.get("/coordinator/").status_code == 302

    clock.advance(30)  # the enrolment used this step's code; the next one
    done = give_code(client, code_at(secret, clock.now))
    assert done.status_code == 302 and done.headers["Location"] == "/coordinator/cohorts"  # next kept
    assert client.get_cookie("remember_token") is not None  # "keep me logged in" kept
    assert client.get("/coordinator/").status_code == 200
    assert "second_factor_login" not in session_of(app, client)

    auth.logout()
    auth.login(email, next_="https://evil.example/")
    clock.advance(30)
    assert (
        give_code(client, code_at(secret, clock.now)).headers["Location"] == "/coordinator/"
    )  # home, not the evil next


def test_the_code_page_without_a_right_password_first_leads_back_to_login(app, client, make_user, clock):
    staff, email = staff_client(app, make_user)
    enrol(staff, clock)
    assert client.get("/auth/login/code").headers["Location"] == "/auth/login"
    Auth(client).login(email, "not the right password at all")
    assert client.get("/auth/login/code").headers["Location"] == "/auth/login"
    Auth(client).login(email)
    assert client.get("/auth/login/code").status_code == 200
    clock.advance(two_step.LOGIN_MAX_AGE + 1)  # the half login has waited too long
    assert client.get("/auth/login/code").headers["Location"] == "/auth/login"


def test_a_code_cannot_be_used_twice(app, make_user, clock):
    client, email = staff_client(app, make_user)
    secret, _ = enrol(client, clock)
    auth = Auth(client)
    auth.logout()
    enrolment_code = code_at(secret, clock.now)
    auth.login(email)
    refused = give_code(client, enrolment_code)  # the code that confirmed the app is used up
    assert refused.status_code == 200 and "used already" in refused.text

    clock.advance(30)
    code = code_at(secret, clock.now)
    assert give_code(client, code).status_code == 302
    auth.logout()
    auth.login(email)
    replay = give_code(client, code)  # the same code, still inside its window
    assert replay.status_code == 200 and "used already" in elements(replay.text, "p", id="code-error")[0].text
    assert give_code(client, code_at(secret, clock.now - 30)).status_code == 200  # an older one neither
    clock.advance(30)
    assert give_code(client, code_at(secret, clock.now)).status_code == 302


def test_a_recovery_code_works_once(app, make_user, clock):
    client, email = staff_client(app, make_user)
    _, codes = enrol(client, clock)
    auth = Auth(client)
    auth.logout()
    auth.login(email)
    page = client.get("/auth/login/code")
    recovery_input = elements(page.text, "input", name="recovery_code")[0]
    assert recovery_input.get("inputmode") is None  # letters too: not a number pad

    done = give_code(client, recovery=codes[0])
    assert done.status_code == 302
    assert "You used a recovery code: 9 left" in client.get("/coordinator/").text
    assert client.get("/coordinator/").status_code == 200
    account_id = user_id(app, email)
    assert ("account.recovery_code_used", account_id, {"left": 9}) in audit_actions(app, account_id)

    auth.logout()
    auth.login(email)
    burnt = give_code(client, recovery=codes[0])
    assert burnt.status_code == 200
    assert "not one of your unused" in elements(burnt.text, "p", id="recovery_code-error")[0].text
    # Typed loosely (capitals, spaces for dashes), another code works.
    assert give_code(client, recovery=codes[1].upper().replace("-", " ")).status_code == 302


def test_wrong_codes_are_throttled_and_share_the_passwords_budget(app, make_user, clock):
    client, email = staff_client(app, make_user)
    secret, _ = enrol(client, clock)
    auth = Auth(client)
    auth.logout()
    assert [auth.login(email, f"wrong password {i}").status_code for i in range(4)] == [200] * 4
    assert auth.login(email).status_code == 302  # right password: to the code step
    wrong = wrong_code(secret, clock.now + 30)
    answers = [give_code(client, wrong).status_code for _ in range(18)]
    assert answers == [200] * 16 + [429] * 2  # 4 passwords + 16 codes: this known device's 20
    refused = give_code(client, code_at(secret, clock.now + 30))  # even the right code waits now
    assert refused.status_code == 429 and "Too many failed logins for this account" in refused.text
    assert refused.headers.get("Retry-After")


def test_trainees_are_never_asked_for_a_code(app, make_app, client, make_user):
    email = make_user(Role.TRAINEE)
    strict = make_app(SECOND_FACTOR_REQUIRED=True).test_client()
    for each in (client, strict):
        assert Auth(each).login(email).headers["Location"] == "/"
        home = each.get("/")
        assert home.status_code == 200 and not elements(home.text, "p", class_="flash flash-warning")


# ----- changing it ---------------------------------------------------------------------------------


def test_new_recovery_codes_and_turning_it_off_need_the_password(app, make_user, clock):
    client, email = staff_client(app, make_user)
    _, old_codes = enrol(client, clock)
    account_id = user_id(app, email)
    page = client.get("/auth/two-factor").text

    wrong = client.post(
        "/auth/two-factor/recovery-codes",
        data={"codes-password": "not my password at all", "codes-csrf_token": csrf_token(page)},
    )
    assert wrong.status_code == 200
    assert "not your password" in elements(wrong.text, "p", id="codes-password-error")[0].text
    renewed = client.post(
        "/auth/two-factor/recovery-codes",
        data={"codes-password": PASSWORD, "codes-csrf_token": csrf_token(page)},
    )
    assert renewed.status_code == 200 and renewed.headers["Cache-Control"] == "no-store"
    new_codes = RECOVERY_CODE.findall(elements(renewed.text, "ol", data_recovery_codes="")[0].text)
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)

    removed = client.post(
        "/auth/two-factor/remove", data={"remove-password": PASSWORD, "remove-csrf_token": csrf_token(page)}
    )
    assert removed.status_code == 302
    with app.app_context():
        assert db.session.get(SecondFactor, account_id) is None
        assert db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == account_id)).all() == []
    assert [a for a, *_ in audit_actions(app, account_id)] == [
        "account.second_factor_enrolled",
        "account.recovery_codes_renewed",
        "account.second_factor_removed",
    ]
    auth = Auth(client)
    auth.logout()
    assert auth.login(email).headers["Location"] == "/coordinator/"  # the password alone again


def test_a_new_device_replaces_the_old_one_after_the_password(app, make_user, clock):
    client, email = staff_client(app, make_user)
    old_secret, _ = enrol(client, clock)
    page = client.get("/auth/two-factor").text
    wrong = client.post(
        "/auth/two-factor/replace",
        data={"replace-proof": "a wrong guess at it", "replace-csrf_token": csrf_token(page)},
    )
    assert "neither your password" in elements(wrong.text, "p", id="replace-proof-error")[0].text
    assert (
        client.post(
            "/auth/two-factor/replace",
            data={"replace-proof": PASSWORD, "replace-csrf_token": csrf_token(page)},
        ).headers["Location"]
        == "/auth/two-factor"
    )
    setup = client.get("/auth/two-factor")
    new_secret = key_on_page(setup.text)
    assert new_secret != old_secret and "Keep my current device" in setup.text
    clock.advance(30)
    client.post(
        "/auth/two-factor",
        data={"code": code_at(new_secret, clock.now), "csrf_token": csrf_token(setup.text)},
    )
    with app.app_context():
        assert db.session.get(SecondFactor, user_id(app, email)).secret == new_secret
    auth = Auth(client)
    auth.logout()
    auth.login(email)
    clock.advance(30)
    assert give_code(client, code_at(old_secret, clock.now)).status_code == 200  # the old app no longer
    assert give_code(client, code_at(new_secret, clock.now)).status_code == 302


def test_guessing_the_password_to_change_the_factor_is_throttled(app, make_user, clock):
    client, _ = staff_client(app, make_user)
    enrol(client, clock)
    page = client.get("/auth/two-factor").text
    answers = [
        client.post(
            "/auth/two-factor/remove",
            data={"remove-password": f"guess number {i}", "remove-csrf_token": csrf_token(page)},
        ).status_code
        for i in range(11)
    ]
    assert answers == [200] * 10 + [429]
    refused = client.post(
        "/auth/two-factor/remove", data={"remove-password": PASSWORD, "remove-csrf_token": csrf_token(page)}
    )
    assert refused.status_code == 429  # even the right password waits now
    with app.app_context():
        assert db.session.scalar(select(SecondFactor.user_id)) is not None


# ----- the admin's reset ---------------------------------------------------------------------------


def test_an_admin_resets_a_lost_device_with_a_reason_and_it_is_audited(app, admin, make_user, clock):
    client, email = staff_client(app, make_user)
    enrol(client, clock)
    account_id = user_id(app, email)
    url = f"/admin/users/{account_id}"
    page = admin.get(url)
    assert elements(page.text, "dd", data_second_factor="yes")

    no_reason = admin.post(
        f"{url}/second-factor/reset", data={"reset_reason": "", "csrf_token": csrf_token(page.text)}
    )
    assert no_reason.status_code == 422 and elements(no_reason.text, "p", id="reset_reason-error")
    with app.app_context():
        assert db.session.get(SecondFactor, account_id) is not None

    done = admin.post(
        f"{url}/second-factor/reset",
        data={"reset_reason": "Phone lost; confirmed by a video call.", "csrf_token": csrf_token(page.text)},
    )
    assert done.status_code == 302
    with app.app_context():
        assert db.session.get(SecondFactor, account_id) is None
        assert db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == account_id)).all() == []
    assert (
        "account.second_factor_reset",
        admin.admin_id,
        {"reason": "Phone lost; confirmed by a video call."},
    ) in audit_actions(app, account_id)
    after = admin.get(url).text
    assert elements(after, "dd", data_second_factor="no")
    assert "Reset two-step login (a lost device)" in text_of(after)  # in the account's history
    auth = Auth(client)
    auth.logout()
    assert (
        auth.login(email).headers["Location"] == "/coordinator/"
    )  # the password alone until they enrol again


# ----- required by the setting ---------------------------------------------------------------------


def test_the_setting_is_read_from_the_environment(tmp_path):
    config = Config(
        str(tmp_path),
        {
            "SECRET_KEY": "x",
            "PEERPATH_SECOND_FACTOR_REQUIRED": "1",
            "PEERPATH_SECOND_FACTOR_GRACE_UNTIL": "2027-03-31",
        },
    )
    assert (
        config.SECOND_FACTOR_REQUIRED is True and config.SECOND_FACTOR_GRACE_UNTIL.isoformat() == "2027-03-31"
    )
    default = Config(str(tmp_path), {"SECRET_KEY": "x"})
    assert (default.SECOND_FACTOR_REQUIRED, default.SECOND_FACTOR_GRACE_UNTIL) == (False, None)
    with pytest.raises(ValueError, match="PEERPATH_SECOND_FACTOR_GRACE_UNTIL"):
        Config(str(tmp_path), {"SECRET_KEY": "x", "PEERPATH_SECOND_FACTOR_GRACE_UNTIL": "31/03/2027"})


def test_when_required_staff_without_a_factor_are_sent_to_set_it_up(app, make_app, make_user, clock):
    strict = make_app(SECOND_FACTOR_REQUIRED=True)
    coordinator, admin = strict.test_client(), strict.test_client()
    coordinator_email = make_user(Role.COORDINATOR)
    Auth(coordinator).login(coordinator_email)
    Auth(admin).login(make_user(Role.ADMIN))
    for client, path in ((coordinator, "/coordinator/"), (admin, "/admin/users"), (coordinator, "/")):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"] == "/auth/two-factor", path
    page = coordinator.get("/auth/two-factor")
    assert page.status_code == 200 and "need two-step login" in page.text
    assert coordinator.get("/healthz").status_code == 200
    assert coordinator.get("/api/v1/mentors").status_code == 401  # the API answers for itself

    enrol(coordinator, clock)
    assert coordinator.get("/coordinator/").status_code == 200
    # Unenforced, the same coordinator without a factor goes where they like.
    with app.app_context():
        db.session.query(SecondFactor).delete()
        db.session.commit()
    relaxed = app.test_client()
    Auth(relaxed).login(coordinator_email)
    assert relaxed.get("/coordinator/").status_code == 200


def test_during_the_grace_period_staff_get_through_with_a_banner(app, make_app, make_user):
    today = utcnow().date()
    grace = make_app(SECOND_FACTOR_REQUIRED=True, SECOND_FACTOR_GRACE_UNTIL=today + timedelta(days=7))
    client = grace.test_client()
    Auth(client).login(make_user(Role.COORDINATOR))
    for path in (
        "/coordinator/",
        "/coordinator/standards",
        "/coordinator/cohorts",
    ):  # every page, not just the first
        page = client.get(path)
        assert page.status_code == 200, path
        banner = elements(page.text, "p", class_="flash flash-warning")
        assert len(banner) == 1 and (today + timedelta(days=7)).strftime("%B %Y") in banner[0].text, path
        assert elements(page.text.split("<main")[1], "a", href="/auth/two-factor"), path

    last_day = make_app(
        SECOND_FACTOR_REQUIRED=True, SECOND_FACTOR_GRACE_UNTIL=today.isoformat()
    ).test_client()
    Auth(last_day).login(make_user(Role.COORDINATOR))
    assert last_day.get("/coordinator/").status_code == 200  # the grace date itself is still grace
    over = make_app(SECOND_FACTOR_REQUIRED=True, SECOND_FACTOR_GRACE_UNTIL=today - timedelta(days=1))
    late = over.test_client()
    Auth(late).login(make_user(Role.COORDINATOR))
    assert late.get("/coordinator/").headers["Location"] == "/auth/two-factor"

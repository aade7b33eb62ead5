"""Outsiders' probes meet a clear refusal: headers, HTTPS-only cookies, error pages that leak
nothing, oversized requests, and script injection through a name."""

from __future__ import annotations

import time

from itsdangerous import TimestampSigner

from app.models import Role

from ..conftest import PASSWORD, Auth
from ..html import csrf_token, elements


def test_every_page_carries_the_security_headers(client):
    for url in ("/", "/auth/login", "/healthz", "/no-such-page"):
        headers = client.get(url).headers
        policy = headers["Content-Security-Policy"]
        assert (
            "frame-ancestors 'none'" in policy
            and "script-src 'self'" in policy
            and "unsafe-inline" not in policy
        )
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in headers  # plain HTTP: HSTS would be ignored and misleading


def test_over_https_hsts_is_sent_and_the_session_cookie_is_secure(app, make_user):
    client = app.test_client()
    page = client.get("/auth/login", base_url="https://localhost")
    assert page.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    client.post(
        "/auth/login",
        base_url="https://localhost",
        data={"email": make_user(), "password": PASSWORD, "csrf_token": csrf_token(page.text)},
    )
    cookie = client.get_cookie("session", domain="localhost")
    assert cookie is not None and cookie.secure and cookie.http_only and cookie.same_site == "Lax"


def test_forwarded_https_is_believed_only_behind_a_trusted_proxy(make_app):
    for trust, expected in ((True, True), (False, False)):
        app = make_app(TRUST_PROXY=trust)
        response = app.test_client().get("/healthz", headers={"X-Forwarded-Proto": "https"})
        assert ("Strict-Transport-Security" in response.headers) is expected


def test_a_crash_shows_a_reference_in_the_sites_layout_and_no_internals(app, caplog):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom-for-test")
    def boom():
        raise RuntimeError("secret internals: database password is hunter2")

    response = app.test_client().get("/boom-for-test")
    assert response.status_code == 500
    reference = response.headers["X-Request-Id"]
    assert reference in response.text and elements(response.text, "main")
    assert "hunter2" not in response.text and "Traceback" not in response.text
    assert any(reference in record.getMessage() for record in caplog.records)


def test_an_oversized_request_is_refused_plainly(client):
    response = client.post("/auth/login", data={"email": "x" * (300 * 1024)})
    assert response.status_code == 413
    assert "too much to send" in response.text


def test_script_in_a_name_is_shown_as_text_everywhere(app, client, auth, make_user):
    auth.register("<script>alert('x')</script>", "sly@example.org")
    assert "<script>alert" not in client.get("/").text
    coordinator = app.test_client()
    Auth(coordinator).login(make_user(Role.COORDINATOR))
    listing = coordinator.get("/coordinator/").text
    assert "<script>alert" not in listing and "&lt;script&gt;alert" in listing


def test_guessing_a_password_is_throttled_with_a_429_in_plain_words(app, auth, make_user):
    email = make_user()
    answers = [auth.login(email, f"wrong guess number {i}").status_code for i in range(25)]
    assert answers[:10] == [200] * 10 and set(answers[10:]) == {429}
    refused = auth.login(email)  # even the right password waits now
    assert refused.status_code == 429
    assert (
        "Please wait before trying again" in refused.text
        and "Too many failed logins for this account" in refused.text
    )
    assert refused.headers.get("Retry-After")
    other = make_user()
    assert auth.login(other).status_code == 302  # another account from the same address is not locked out


def test_many_accounts_from_one_address_are_throttled_too(app, auth):
    answers = [auth.login(f"nobody{i}@example.org", "wrong password here").status_code for i in range(31)]
    assert answers[:30] == [200] * 30 and answers[30] == 429


MALFORMED_QUERIES = [
    "/coordinator/?status=sleeping&sort=password&order=sideways&page=-3&cohort=1%27%20OR%201=1&stalled=maybe",
    "/coordinator/?q=" + "%F0%9F%98%80" * 300,
    "/coordinator/?q=%00%ff%fe",
    "/coordinator/mentors.csv?page=abc&sort=%27",
    "/admin/users?role=%3Cscript%3E&state=zzz&page=1e9",
    "/admin/audit?action=%27%3B%20DROP%20TABLE%20users&page=NaN",
    "/api/v1/mentors?per_page=1e99&page=0",
    "/api/v1/mentors?since=2026-13-45",
    "/auth/register?invite=" + "x" * 5000,
    "/auth/login?next=" + "%2F" * 3000,
]


def test_malformed_query_parameters_get_a_clear_answer_never_a_crash(app, admin, runner):
    secret = runner.invoke(args=["api-token", "create", "Probe"]).output.strip().splitlines()[-1]
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a crash would show as a 500, not a test error
    for url in MALFORMED_QUERIES:
        response = admin.get(url, headers={"Authorization": f"Bearer {secret}"})
        assert response.status_code in (200, 302, 400), (url, response.status_code)
        assert "<script>" not in response.text and "Traceback" not in response.text


def test_nul_characters_are_refused_in_paths_queries_and_forms(app, client, trainee):
    assert client.get("/verify/abc%00def").status_code == 400
    assert client.get("/coordinator/?q=a%00b").status_code == 400
    page = client.get("/auth/password").text
    response = client.post(
        "/auth/password",
        data={"csrf_token": csrf_token(page), "current": "x\x00", "password": "y" * 12, "confirm": "y" * 12},
    )
    assert response.status_code == 400 and "request id" not in response.text.lower()


def test_rotating_the_secret_key_keeps_sessions_signed_with_a_fallback_key(app, client, trainee):
    assert client.get("/").text.count("Log out") == 1
    old_key = app.secret_key
    app.secret_key = "a-rotated-key-for-this-test"
    try:
        assert "Log out" not in client.get("/").text  # the old cookie no longer verifies
        app.config["SECRET_KEY_FALLBACKS"] = [old_key]
        assert "Log out" in client.get("/").text
    finally:
        app.secret_key = old_key
        app.config["SECRET_KEY_FALLBACKS"] = []


def test_a_sessions_csrf_token_is_its_own_and_keeps_working(app, make_user, monkeypatch):
    first, second = app.test_client(), app.test_client()
    Auth(first).login(make_user(name="First Person"))
    Auth(second).login(make_user(name="Second Person"))
    token = csrf_token(first.get("/").text)
    # A minute on, pages carry a newly signed token; the earlier one is still accepted.
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda _signer: int(time.time()) + 60)
    assert csrf_token(second.get("/").text) != token
    # Each session's token is accepted for that session only.
    assert second.post("/auth/logout", data={"csrf_token": token}).status_code == 400
    assert first.post("/auth/logout", data={"csrf_token": token}).status_code == 302
    assert "Log out" not in first.get("/auth/login").text


def test_a_new_secret_key_signs_a_new_csrf_token(app, client, trainee):
    old_token, old_key = csrf_token(client.get("/").text), app.secret_key
    app.secret_key = "a-rotated-key-for-this-test"
    app.config["SECRET_KEY_FALLBACKS"] = [old_key]
    try:
        token = csrf_token(client.get("/").text)
        assert token != old_token
        assert client.post("/auth/logout", data={"csrf_token": token}).status_code == 302
    finally:
        app.secret_key = old_key
        app.config["SECRET_KEY_FALLBACKS"] = []


def test_with_a_csrf_time_limit_tokens_still_work(app, client, trainee):
    app.config["WTF_CSRF_TIME_LIMIT"] = 3600
    token = csrf_token(client.get("/").text)
    assert client.post("/auth/logout", data={"csrf_token": token}).status_code == 302

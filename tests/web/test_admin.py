"""Admins manage accounts and API tokens; every such change, and every certification decision,
lands in an audit log that only admins read and that the database refuses to edit."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from app.extensions import db
from app.models import ApiToken, AuditEntry, Role, User

from ..conftest import Auth, user_id
from ..helpers import complete_course, post
from ..html import csrf_token, elements

ADMIN_ROUTES = [
    ("GET", "/admin/users"),
    ("GET", "/admin/users/{target}"),
    ("POST", "/admin/users/{target}/role"),
    ("POST", "/admin/users/{target}/deactivate"),
    ("POST", "/admin/users/{target}/reactivate"),
    ("GET", "/admin/tokens"),
    ("POST", "/admin/tokens"),
    ("POST", "/admin/tokens/{token}/revoke"),
    ("GET", "/admin/audit"),
]


def audit_actions(app) -> list[tuple[str, int | None, str, int, dict]]:
    with app.app_context():
        return [
            (e.action, e.actor_id, e.subject_type, e.subject_id, e.details)
            for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        ]


@pytest.mark.parametrize("role", [None, Role.TRAINEE, Role.COORDINATOR, Role.AUTHOR])
@pytest.mark.parametrize(("method", "route"), ADMIN_ROUTES)
def test_only_admins_reach_the_admin_area(app, runner, make_user, role, method, route):
    target = user_id(app, make_user(name="Target Person"))
    token_id = runner.invoke(args=["api-token", "create", "Matcher"]).output.split()[3]
    client = app.test_client()
    if role is not None:
        Auth(client).login(make_user(role))
    url = route.format(target=target, token=token_id)
    if method == "POST":
        token = csrf_token(client.get("/auth/login" if role is None else "/auth/password").text)
        response = client.post(url, data={"csrf_token": token, "reason": "x", "role": "admin", "name": "x"})
    else:
        response = client.get(url)
    if role is None:
        assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")
    else:
        assert response.status_code == 403
    with app.app_context():  # nothing changed
        assert db.session.get(User, target).role == "trainee" and db.session.get(User, target).is_active
        assert db.session.scalar(select(ApiToken.revoked_at)) is None
        assert db.session.scalar(select(db.func.count()).select_from(ApiToken)) == 1


def test_deactivation_ends_sessions_refuses_login_and_hides_the_mentor(app, admin, make_user, runner):
    email = make_user(name="Dana Departing")
    target = user_id(app, email)
    complete_course(app, email)
    mentor = app.test_client()
    Auth(mentor).login(email)
    assert mentor.get("/").status_code == 200
    secret = runner.invoke(args=["api-token", "create", "Matcher"]).output.strip().splitlines()[-1]
    api = {"Authorization": f"Bearer {secret}"}
    assert [m["id"] for m in json.loads(admin.get("/api/v1/mentors", headers=api).text)["mentors"]] == [
        target
    ]

    page = f"/admin/users/{target}"
    refused = post(admin, page, f"{page}/deactivate", reason="")
    assert refused.status_code == 422 and "Say why" in refused.text
    response = post(admin, page, f"{page}/deactivate", reason="Left the programme.")
    assert response.status_code == 302
    assert admin.get(page).text.count('data-active="no"') == 1

    assert mentor.get("/modules/feedback").headers["Location"].startswith("/auth/login")  # session ended
    login = Auth(app.test_client()).login(email)
    assert login.status_code == 200 and "This account has been deactivated" in login.text
    wrong = Auth(app.test_client()).login(email, password="not the password at all")
    assert "do not match an account" in wrong.text  # a guesser learns nothing about the account
    # Still reported to matching systems, so they drop the mentor, but never as matchable.
    listed = json.loads(admin.get("/api/v1/mentors", headers=api).text)["mentors"]
    assert [(m["id"], m["active"], m["matchable"]) for m in listed] == [(target, False, False)]
    assert f'data-mentor="{target}"' not in admin.get("/coordinator/").text
    assert "data-deactivated" in admin.get(f"/coordinator/mentors/{target}").text

    post(admin, page, f"{page}/reactivate", reason="Rejoined in spring.")
    assert Auth(app.test_client()).login(email).status_code == 302
    assert [a[0] for a in audit_actions(app)][-2:] == ["account.deactivated", "account.reactivated"]
    assert audit_actions(app)[-2][1:] == (admin.admin_id, "user", target, {"reason": "Left the programme."})


def test_an_admin_cannot_lock_themselves_out(app, admin):
    page = f"/admin/users/{admin.admin_id}"
    assert "This is your own account" in admin.get(page).text
    post(admin, page, f"{page}/deactivate", reason="Oops")
    post(admin, page, f"{page}/role", role="trainee")
    with app.app_context():
        me = db.session.get(User, admin.admin_id)
        assert me.is_active and me.role == "admin"
    assert audit_actions(app) == []


def test_role_changes_are_validated_applied_and_audited(app, admin, make_user):
    target = user_id(app, make_user(name="Rory Rising"))
    page = f"/admin/users/{target}"
    bad = post(admin, page, f"{page}/role", role="superuser")
    assert bad.status_code == 422 and "Not a valid choice" in bad.text
    post(admin, page, f"{page}/role", role="coordinator")
    post(admin, page, f"{page}/role", role="coordinator")  # no change, no second entry
    with app.app_context():
        assert db.session.get(User, target).role == "coordinator"
    assert audit_actions(app) == [
        ("account.role_changed", admin.admin_id, "user", target, {"old": "trainee", "new": "coordinator"})
    ]


def test_tokens_are_created_shown_once_revoked_and_audited(app, admin, client, runner):
    created = post(admin, "/admin/tokens", "/admin/tokens", name="Matching system")
    assert created.status_code == 200 and created.headers["Cache-Control"] == "no-store"
    secret = elements(created.text, "code", **{"data-secret": ""})[0].text
    assert secret.startswith("pp_")
    assert secret not in admin.get("/admin/tokens").text  # never shown again
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/mentors", headers=headers).status_code == 200
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id))
    assert post(admin, "/admin/tokens", "/admin/tokens", name="").status_code == 422
    post(admin, "/admin/tokens", f"/admin/tokens/{token_id}/revoke")
    assert client.get("/api/v1/mentors", headers=headers).status_code == 401
    assert post(admin, "/admin/tokens", f"/admin/tokens/{token_id}/revoke").status_code == 404
    runner.invoke(args=["api-token", "create", "From the shell"])
    assert audit_actions(app) == [
        ("api_token.created", admin.admin_id, "api_token", token_id, {"name": "Matching system"}),
        ("api_token.revoked", admin.admin_id, "api_token", token_id, {"name": "Matching system"}),
        ("api_token.created", None, "api_token", token_id + 1, {"name": "From the shell"}),
    ]


def test_certification_decisions_appear_in_the_audit_log_with_names(app, admin, make_user):
    email = make_user(name="Sam Signed")
    target = user_id(app, email)
    complete_course(app, email)
    mentor_page = f"/coordinator/mentors/{target}"
    post(admin, mentor_page, f"{mentor_page}/sign-off", reason="")
    post(admin, mentor_page, f"{mentor_page}/revoke", reason="Concern raised by the school.")
    assert [a[0] for a in audit_actions(app)] == ["certification.sign_off", "certification.revoke"]
    log = admin.get("/admin/audit").text
    entries = elements(log, "li", **{"data-action": "certification.revoke"})
    assert len(entries) == 1
    assert "Sam Signed" in entries[0].text and "Ada Admin" in entries[0].text
    assert "Concern raised by the school." in entries[0].text
    filtered = admin.get("/admin/audit?action=certification.sign_off").text
    assert len(elements(filtered, "li", **{"data-action": "certification.sign_off"})) == 1
    assert not elements(filtered, "li", **{"data-action": "certification.revoke"})
    bounded = admin.get("/admin/audit?action=drop-tables&page=-4")
    assert bounded.status_code == 200 and "Not a valid choice" in bounded.text


def test_the_database_refuses_to_edit_or_delete_audit_entries(app, admin, make_user):
    target = user_id(app, make_user())
    page = f"/admin/users/{target}"
    post(admin, page, f"{page}/role", role="author")
    with app.app_context():
        for statement in ("UPDATE audit_log SET action = 'nothing'", "DELETE FROM audit_log"):
            with pytest.raises(DatabaseError, match="append-only"):
                with db.engine.begin() as connection:
                    connection.execute(text(statement))
    assert len(audit_actions(app)) == 1 and audit_actions(app)[0][0] == "account.role_changed"


def test_the_account_list_searches_filters_and_bounds_its_parameters(app, admin, make_user):
    make_user(name="Quinn Quiet")
    make_user(Role.COORDINATOR, name="Cora Coordinator")
    found = admin.get("/admin/users?q=quinn").text
    assert [e.text.strip() for e in elements(found, "a") if "/admin/users/" in e.get("href", "")] == [
        "Quinn Quiet"
    ]
    coordinators = admin.get("/admin/users?role=coordinator").text
    assert len(elements(coordinators, "tr", **{"data-role": "coordinator"})) == 1
    assert not elements(coordinators, "tr", **{"data-role": "trainee"})
    for query in ("role=root", "state=gone", "q=" + "x" * 500):
        response = admin.get(f"/admin/users?{query}")
        assert response.status_code == 200 and 'class="error"' in response.text, query
    for query in ("page=0", "page=abc", "page=99999999999"):  # out of range: the first page
        assert 'data-total="3"' in admin.get(f"/admin/users?{query}").text, query

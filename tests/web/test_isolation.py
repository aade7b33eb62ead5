"""A second trainee can reach none of the first one's records by URL.

Attempts, runs and reflections are covered where they are built (test_quiz: another trainee
cannot see or submit my attempt; test_scenarios: cannot open my run; test_learning: reflections
are private); here: the mentor record, the certificate page, cohorts and API tokens.
"""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import ApiToken, Cohort, User

from ..conftest import Auth, user_id
from ..helpers import complete_course
from ..html import csrf_token


def second_trainee(app, make_user):
    client = app.test_client()
    Auth(client).login(make_user(name="Second Trainee"))
    return client


def test_a_trainee_cannot_open_or_decide_on_another_trainees_record(app, client, trainee, make_user):
    first = user_id(app, trainee)
    complete_course(app, trainee)
    other = second_trainee(app, make_user)
    token = csrf_token(other.get("/").text)
    assert other.get(f"/coordinator/mentors/{first}").status_code == 403
    for decision in ("sign-off", "revoke", "reinstate"):
        response = other.post(
            f"/coordinator/mentors/{first}/{decision}", data={"csrf_token": token, "reason": "x"}
        )
        assert response.status_code == 403
    assert other.get("/coordinator/mentors.csv").status_code == 403
    assert other.get("/certificate").status_code == 302  # they hold none; never the first trainee's


def test_a_trainee_cannot_list_create_or_filter_by_cohorts(app, client, trainee, make_user):
    other = second_trainee(app, make_user)
    token = csrf_token(other.get("/").text)
    assert other.get("/coordinator/cohorts").status_code == 403
    assert other.post("/coordinator/cohorts", data={"csrf_token": token, "name": "Mine"}).status_code == 403
    assert other.get("/coordinator/?cohort=1").status_code == 403
    with app.app_context():
        assert db.session.scalar(select(Cohort.id)) is None


def test_a_trainee_cannot_see_create_or_revoke_api_tokens(app, runner, client, trainee, make_user):
    token_id = runner.invoke(args=["api-token", "create", "Matcher"]).output.split()[3]
    other = second_trainee(app, make_user)
    csrf = csrf_token(other.get("/").text)
    assert other.get("/admin/tokens").status_code == 403
    assert other.post("/admin/tokens", data={"csrf_token": csrf, "name": "Mine"}).status_code == 403
    assert other.post(f"/admin/tokens/{token_id}/revoke", data={"csrf_token": csrf}).status_code == 403
    assert other.get("/api/v1/mentors").status_code == 401  # a session is not an API token
    with app.app_context():
        assert db.session.scalars(select(ApiToken.revoked_at)).all() == [None]


def test_a_trainee_cannot_change_another_account(app, client, trainee, make_user):
    first = user_id(app, trainee)
    other = second_trainee(app, make_user)
    csrf = csrf_token(other.get("/").text)
    for action, data in (("role", {"role": "admin"}), ("deactivate", {"reason": "x"})):
        assert (
            other.post(f"/admin/users/{first}/{action}", data={"csrf_token": csrf, **data}).status_code == 403
        )
    with app.app_context():
        account = db.session.get(User, first)
        assert account.role == "trainee" and account.is_active

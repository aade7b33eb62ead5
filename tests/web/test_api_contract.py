"""The matching API keeps its OpenAPI contract: schemathesis generates requests from the document
(valid and invalid ones) against a database with mentors in every state, and no answer may break
the document's schemas, status codes or content types, nor be a server error."""

from __future__ import annotations

from datetime import timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from app.api.openapi import document
from app.certification.facts import Status
from app.extensions import db
from app.matching import feed, webhooks
from app.models import Cohort, User, utcnow

from .test_matching_api import certify


@pytest.fixture
def bearer(app, runner, make_user):
    """A token, and mentors in each state the API reports, a removed one included."""
    with app.app_context():
        db.session.add(Cohort(name="North", invite_code="n" * 20))
        db.session.commit()
    validity = timedelta(days=app.extensions["course"].program.validity_days)
    certify(app, make_user(name="Valid Mentor"))
    certify(app, make_user(name="Renewing Mentor"), utcnow() - validity + timedelta(days=10))
    certify(app, make_user(name="Lapsed Mentor"), utcnow() - validity - timedelta(days=10))
    make_user(name="New Trainee")
    removed = make_user(name="Removed Mentor")
    certify(app, removed)
    with app.app_context():
        user = db.session.query(User).filter_by(email=removed).one()
        user.external_id = "GONE-1"
        db.session.commit()
    runner.invoke(args=["delete-user", removed, "--yes"])
    created = runner.invoke(args=["api-token", "create", "contract"])
    return created.output.strip().splitlines()[-1]


class AppOfTheTest:
    """The WSGI app schemathesis calls, and the token it sends: the running test's (each test has
    its own database), since the schema is read once, when the tests are collected."""

    app = None
    bearer = None

    def __call__(self, environ, start_response):
        return self.app(environ, start_response)


OF_THE_TEST = AppOfTheTest()
# The document the app serves (a test below checks that it is served): each operation in it
# becomes a test here, run in-process.
schema = schemathesis.openapi.from_dict(document())
schema.app = OF_THE_TEST  # as schemathesis.openapi.from_wsgi does


@schema.auth(refresh_interval=None)
class BearerOfTheTest:
    """Given to schemathesis rather than sent with every case, so that it can also leave the token
    out and expect the 401 the document promises."""

    def get(self, case, context):
        return OF_THE_TEST.bearer

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_every_answer_keeps_the_contract(case, app, bearer):
    OF_THE_TEST.app, OF_THE_TEST.bearer = app, bearer
    # Every check but one: a well-formed value can still be refused with a documented 400 when it
    # names nothing (a cohort that does not exist, or one the token may not see).
    case.call_and_validate(
        # Uncompressed: the in-process transport does not undo the app's gzip.
        headers={"Accept-Encoding": "identity"},
        excluded_checks=[positive_data_acceptance],
    )


def test_the_document_is_served_and_names_every_status_and_event_the_code_has(client):
    spec = document()
    assert client.get("/api/v1/openapi.json").json == spec
    assert spec["openapi"] == "3.1.0"
    text = str(spec)
    assert all(status.value in text for status in Status) and feed.REMOVED in text
    assert all(event in spec["webhooks"] for event in webhooks.EVENTS)


def test_the_integrators_page_is_drawn_from_the_document(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    assert (
        "/api/v1/mentors" in page.text
        and "mentor.unmatchable" in page.text
        and "webhook-signature" in page.text
    )

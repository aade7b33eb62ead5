"""Webhooks: changes detected without anyone acting, deliveries signed, retried with back-off from
the durable queue, never duplicated, and shown to admins."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from app.extensions import db
from app.matching import webhooks
from app.models import WebhookDelivery, utcnow

from ..helpers import post
from ..html import elements
from .test_matching_api import certify


class Receiver:
    """A matching system's endpoint on this machine: answers with the statuses it is given, in
    turn (then 200), and keeps every request."""

    def __init__(self, statuses: list[int]):
        self.statuses, self.received = list(statuses), []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["content-length"])).decode()
                receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"ok" if status == 200 else b"busy, try later")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/peerpath"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    made = []

    def make(statuses=()):
        made.append(Receiver(list(statuses)))
        return made[-1]

    yield make
    for server in made:
        server.close()


def register(admin, url: str, events=webhooks.EVENTS) -> str:
    page = post(
        admin, "/admin/webhooks", "/admin/webhooks", url=url, description="Matching", events=list(events)
    )
    assert page.status_code == 200, page.text
    return elements(page.text, "code", **{"data-secret": ""})[0].text.strip()


def verify(secret: str, headers: dict, body: str) -> bool:
    """What a receiver does (docs/api.md): HMAC-SHA256 over id.timestamp.body, base64."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.{body}".encode()
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return any(hmac.compare_digest(f"v1,{expected}", part) for part in headers["webhook-signature"].split())


def run(app, now):
    with app.app_context():
        return webhooks.run(app.extensions["course"], now)


def test_a_failed_delivery_is_retried_once_signed_and_never_duplicated(app, admin, make_user, receiver):
    endpoint = receiver(statuses=[503])
    secret = register(admin, endpoint.url)
    mentor = certify(app, make_user(name="Maya Matchable"))
    now = utcnow()
    events, outcome = run(app, now)
    assert (events, outcome.delivered, outcome.retrying) == (1, 0, 1)
    assert len(endpoint.received) == 1

    events, outcome = run(app, now + timedelta(seconds=30))  # not due yet: back-off
    assert (events, outcome.delivered, len(endpoint.received)) == (0, 0, 1)
    events, outcome = run(app, now + timedelta(minutes=2))
    assert (events, outcome.delivered, len(endpoint.received)) == (0, 1, 2)
    events, outcome = run(app, now + timedelta(minutes=10))
    assert (events, outcome.delivered, len(endpoint.received)) == (0, 0, 2)  # no duplicate

    (first_headers, first_body), (headers, body) = endpoint.received
    assert first_headers["webhook-id"] == headers["webhook-id"] and first_body == body
    assert verify(secret, headers, body)
    assert not verify("whsec_" + base64.b64encode(b"another secret 24 bytes.").decode(), headers, body)
    event = json.loads(body)
    assert (
        event["type"] == "mentor.matchable" and event["data"]["id"] == mentor and event["data"]["matchable"]
    )

    with app.app_context():
        endpoint_id = db.session.scalar(select(WebhookDelivery.endpoint_id))
    page = admin.get(f"/admin/webhooks/{endpoint_id}").text
    outcome_cell = elements(page, "td", **{"data-outcome": ""})[0]
    assert "Delivered" in outcome_cell.text and "busy, try later" not in page  # the last answer was 200


def test_a_certificate_that_lapses_overnight_is_announced_without_anyone_acting(
    app, admin, make_user, receiver
):
    endpoint = receiver()
    register(admin, endpoint.url, events=[webhooks.UNMATCHABLE])
    validity = timedelta(days=app.extensions["course"].program.validity_days)
    mentor = certify(app, make_user(name="Nightly Lapse"), utcnow() - validity + timedelta(hours=8))
    now = utcnow()
    run(app, now)
    assert endpoint.received == []  # matchable is not a subscribed event here
    events, outcome = run(app, now + timedelta(hours=9))
    assert (events, outcome.delivered) == (1, 1)
    event = json.loads(endpoint.received[0][1])
    assert (event["type"], event["data"]["id"], event["data"]["status"]) == (
        "mentor.unmatchable",
        mentor,
        "expired",
    )


def test_an_erased_mentor_is_announced_as_removed_without_personal_data(
    app, admin, runner, make_user, receiver
):
    endpoint = receiver()
    register(admin, endpoint.url)
    email = make_user(name="Gone Soon")
    certify(app, email)
    run(app, utcnow())
    assert runner.invoke(args=["delete-user", email, "--yes"]).exit_code == 0
    run(app, utcnow())
    removal = json.loads(endpoint.received[-1][1])
    assert removal["type"] == "mentor.removed"
    assert set(removal["data"]) == {"id", "external_id", "status", "matchable", "changed_at"}


def test_a_paused_endpoint_keeps_its_queue_until_resumed(app, admin, make_user, receiver):
    endpoint = receiver()
    register(admin, endpoint.url)
    with app.app_context():
        endpoint_id = webhooks.endpoints()[0].id
    page = f"/admin/webhooks/{endpoint_id}"
    post(admin, page, f"{page}/disable")
    certify(app, make_user(name="Queued Quietly"))
    assert run(app, utcnow())[1].delivered == 0 and endpoint.received == []
    post(admin, page, f"{page}/enable")
    assert run(app, utcnow())[1].delivered == 1 and len(endpoint.received) == 1


@pytest.mark.parametrize(
    "url, problem",
    [
        ("http://matching.example.org/hook", "Use https://"),
        ("ftp://example.org/hook", "starting with https://"),
        ("https://user:pw@example.org/hook", "no user name or password"),
    ],
)
def test_an_endpoint_address_must_be_https_except_on_this_machine(admin, url, problem):
    page = post(admin, "/admin/webhooks", "/admin/webhooks", url=url, events=[webhooks.MATCHABLE])
    assert page.status_code == 422 and problem in page.text
    assert f'value="{url}"' in page.text


def test_the_deliver_command_reports_what_it_did(app, runner):
    result = runner.invoke(args=["webhooks", "deliver"])
    assert result.exit_code == 0 and "0 new event(s); delivered 0" in result.output

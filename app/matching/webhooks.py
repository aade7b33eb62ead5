"""Webhooks: mentors' changes pushed to matching systems.

``detect`` compares every mentor with what was last published and queues one delivery per
endpoint for each change (a durable queue: the ``webhook_deliveries`` table). ``deliver`` sends
what is due, signed in the manner of the Standard Webhooks specification, and schedules retries
with back-off. ``flask webhooks deliver`` runs both, from cron or a systemd timer, so a
certificate that lapses overnight is announced on the next run with nobody acting.
Delivery is at least once: receivers dedupe on the event id (the ``webhook-id`` header)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import secrets
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import insert, select, update

from ..certification.standings import refresh_stale
from ..course import Course
from ..extensions import db
from ..models import (
    PublishedMentorState,
    RemovedMentor,
    WebhookDelivery,
    WebhookEndpoint,
    webhook_endpoint_cohorts,
)
from ..people import audit
from . import feed

MATCHABLE, UNMATCHABLE, CHANGED, REMOVED = (
    "mentor.matchable",
    "mentor.unmatchable",
    "mentor.changed",
    "mentor.removed",
)
EVENTS = (MATCHABLE, UNMATCHABLE, CHANGED, REMOVED)
EVENT_LABELS = {
    MATCHABLE: "became matchable",
    UNMATCHABLE: "stopped being matchable (revoked, lapsed, deactivated)",
    CHANGED: "changed status, validity, cohort or external id",
    REMOVED: "removed (account erased)",
}
RETRY_AFTER = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=8),
    timedelta(hours=24),
)
TIMEOUT_SECONDS = 10
# A delivery being sent is leased for this long, so overlapping runs never send it twice at once.
LEASE = timedelta(minutes=5)
BATCH = 200
RESPONSE_KEPT = 1000  # characters of a receiver's answer shown to admins
USER_AGENT = "PeerPath-Webhooks/1"
REMOVED_FINGERPRINT = "removed"


# --- endpoints -----------------------------------------------------------------------------


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def url_problem(url: str) -> str | None:
    """Why an endpoint URL is refused: HTTPS only, except plain HTTP to this machine (testing)."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return "Give a full address starting with https://."
    if parts.username or parts.password:
        return "Put no user name or password in the address; deliveries are signed instead."
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        return "Use https:// (plain http:// is accepted only for this machine, for testing)."
    return None


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def create_endpoint(
    url: str, description: str, events: list[str], cohort_ids: list[int] | None, actor_id: int | None
) -> tuple[WebhookEndpoint, str]:
    """A new endpoint and its signing secret (shown once). ``cohort_ids`` None: every cohort."""
    secret = new_secret()
    endpoint = WebhookEndpoint(
        url=url.strip(),
        description=description.strip(),
        secret=secret,
        events=" ".join(event for event in EVENTS if event in events),
        limited_to_cohorts=cohort_ids is not None,
    )
    db.session.add(endpoint)
    db.session.flush()
    if cohort_ids:
        db.session.execute(
            insert(webhook_endpoint_cohorts),
            [{"endpoint_id": endpoint.id, "cohort_id": c} for c in cohort_ids],
        )
    audit.record(
        "webhook.created",
        "webhook",
        endpoint.id,
        actor_id,
        url=endpoint.url,
        events=endpoint.events,
        cohorts=cohort_ids,
    )
    return endpoint, secret


def set_enabled(endpoint: WebhookEndpoint, enabled: bool, actor_id: int | None, now: datetime) -> bool:
    if enabled == (endpoint.disabled_at is None):
        return False
    endpoint.disabled_at = None if enabled else now
    audit.record("webhook.enabled" if enabled else "webhook.disabled", "webhook", endpoint.id, actor_id)
    return True


def endpoints() -> list[WebhookEndpoint]:
    return list(db.session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id)))


def recent_deliveries(endpoint_id: int, limit: int = 50) -> list[WebhookDelivery]:
    return list(
        db.session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.endpoint_id == endpoint_id)
            .order_by(WebhookDelivery.id.desc())
            .limit(limit)
        )
    )


def _scopes() -> dict[int, feed.Scope]:
    """Every endpoint's scope; a paused one still queues, and is sent its backlog when resumed."""
    active = list(db.session.scalars(select(WebhookEndpoint)))
    links: dict[int, set[int]] = {}
    for endpoint_id, cohort_id in db.session.execute(select(webhook_endpoint_cohorts)):
        links.setdefault(endpoint_id, set()).add(cohort_id)
    return {
        e.id: feed.Scope(frozenset(links.get(e.id, ())) if e.limited_to_cohorts else None) for e in active
    }


# --- detecting changes ---------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    user_id: int
    event: str | None  # None: recorded without telling anyone (first seen, not matchable)
    matchable: bool
    fingerprint: str
    cohort_id: int | None


def fingerprint(row) -> str:
    """What about a mentor is news to a matching system; a change here is an event."""
    return json.dumps(
        [
            row.status,
            feed.is_matchable(row),
            row.deactivated_at is None,
            feed.iso(row.expires_at),
            row.cohort,
            row.external_id,
        ],
        separators=(",", ":"),
    )


def changes(now: datetime) -> list[Change]:
    """Every mentor whose published state differs from now, removed mentors included."""
    published = {state.user_id: state for state in db.session.scalars(select(PublishedMentorState))}
    found = []
    for row in db.session.execute(feed.mentor_columns(now)):
        matchable, print_ = feed.is_matchable(row), fingerprint(row)
        old = published.get(row.id)
        if old is not None and old.fingerprint == print_:
            continue
        if old is None:
            event = MATCHABLE if matchable else None  # a newcomer is news only once matchable
        elif old.matchable != matchable:
            event = MATCHABLE if matchable else UNMATCHABLE
        else:
            event = CHANGED
        found.append(Change(row.id, event, matchable, print_, row.cohort_id))
    for gone in db.session.scalars(select(RemovedMentor)):
        old = published.get(gone.user_id)
        if old is None or old.fingerprint != REMOVED_FINGERPRINT:
            found.append(
                Change(gone.user_id, REMOVED if old else None, False, REMOVED_FINGERPRINT, gone.cohort_id)
            )
    return found


def detect(course: Course, now: datetime) -> int:
    """Queue a delivery per interested endpoint for each change; returns how many events."""
    refresh_stale(course, now)
    found = changes(now)
    news = [change for change in found if change.event]
    removed = {change.user_id for change in news if change.event == REMOVED}
    records = {
        record["id"]: record
        for record in feed.records(
            course, [c.user_id for c in news if c.user_id not in removed], sorted(removed), now
        )
    }
    scopes = _scopes()
    subscribed = {e.id: set(e.events.split()) for e in db.session.scalars(select(WebhookEndpoint))}
    deliveries = []
    for change in news:
        body = json.dumps(
            {"type": change.event, "timestamp": feed.iso(now), "data": records[change.user_id]},
            separators=(",", ":"),
        )
        event_id = f"evt_{uuid.uuid4().hex}"
        deliveries += [
            {
                "event_id": event_id,
                "endpoint_id": endpoint_id,
                "event_type": change.event,
                "mentor_id": change.user_id,
                "body": body,
                "created_at": now,
                "attempts": 0,
                "next_attempt_at": now,
            }
            for endpoint_id, scope in scopes.items()
            if change.event in subscribed[endpoint_id] and scope.admits(change.cohort_id)
        ]
    if deliveries:
        db.session.execute(insert(WebhookDelivery), deliveries)
    _publish(found, now)
    return len(news)


def _publish(found: list[Change], now: datetime) -> None:
    for change in found:
        state = db.session.get(PublishedMentorState, change.user_id)
        if state is None:
            db.session.add(
                PublishedMentorState(
                    user_id=change.user_id,
                    matchable=change.matchable,
                    fingerprint=change.fingerprint,
                    published_at=now,
                )
            )
        else:
            state.matchable, state.fingerprint, state.published_at = change.matchable, change.fingerprint, now


# --- delivering ----------------------------------------------------------------------------


def sign(secret: str, event_id: str, timestamp: int, body: str) -> str:
    """``v1,<base64 HMAC-SHA256>`` over ``id.timestamp.body`` with the secret's decoded key."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    digest = hmac.new(key, f"{event_id}.{timestamp}.{body}".encode(), hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


@dataclass(frozen=True)
class Answer:
    status: int | None  # None: no HTTP answer (refused, timed out)
    text: str

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


Sender = Callable[[str, bytes, dict[str, str]], Answer]


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is an answer to record, never a second request


_OPENER = urllib.request.build_opener(_NoRedirects)


def post(url: str, body: bytes, headers: dict[str, str]) -> Answer:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with _OPENER.open(request, timeout=TIMEOUT_SECONDS) as response:
            return Answer(response.status, response.read(RESPONSE_KEPT).decode("utf-8", "replace"))
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.read(RESPONSE_KEPT).decode("utf-8", "replace"))
    except (urllib.error.URLError, OSError, ValueError) as error:
        return Answer(None, str(getattr(error, "reason", error))[:RESPONSE_KEPT])


@dataclass(frozen=True)
class Outcome:
    delivered: int = 0
    retrying: int = 0
    gave_up: int = 0


def deliver(now: datetime, send: Sender = post) -> Outcome:
    """Send every delivery that is due, committing each before the next (a crash loses none)."""
    delivered = retrying = gave_up = 0
    due = db.session.execute(
        select(WebhookDelivery.id, WebhookDelivery.next_attempt_at)
        .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
        .where(WebhookDelivery.next_attempt_at <= now, WebhookEndpoint.disabled_at.is_(None))
        .order_by(WebhookDelivery.id)
        .limit(BATCH)
    ).all()
    db.session.commit()
    for delivery_id, due_at in due:
        if not _lease(delivery_id, due_at, now):
            continue  # another run took it
        delivery = db.session.get(WebhookDelivery, delivery_id)
        endpoint = db.session.get(WebhookEndpoint, delivery.endpoint_id)
        timestamp = int(now.timestamp())
        answer = send(
            endpoint.url,
            delivery.body.encode(),
            {
                "content-type": "application/json",
                "user-agent": USER_AGENT,
                "webhook-id": delivery.event_id,
                "webhook-timestamp": str(timestamp),
                "webhook-signature": sign(endpoint.secret, delivery.event_id, timestamp, delivery.body),
            },
        )
        delivery.attempts += 1
        delivery.last_attempt_at, delivery.last_status, delivery.last_response = (
            now,
            answer.status,
            answer.text,
        )
        if answer.delivered:
            delivery.delivered_at, delivery.next_attempt_at = now, None
            delivered += 1
        elif delivery.attempts > len(RETRY_AFTER):
            delivery.gave_up_at, delivery.next_attempt_at = now, None
            gave_up += 1
        else:
            delivery.next_attempt_at = now + RETRY_AFTER[delivery.attempts - 1]
            retrying += 1
        db.session.commit()
    return Outcome(delivered, retrying, gave_up)


def _lease(delivery_id: int, due_at: datetime, now: datetime) -> bool:
    taken = db.session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id, WebhookDelivery.next_attempt_at == due_at)
        .values(next_attempt_at=now + LEASE)
    ).rowcount
    db.session.commit()
    return taken == 1


def run(course: Course, now: datetime, send: Sender = post) -> tuple[int, Outcome]:
    """What ``flask webhooks deliver`` does: detect changes, commit them, send what is due."""
    events = detect(course, now)
    db.session.commit()
    return events, deliver(now, send)

"""Read ``notifications:`` in program.yaml: which emails PeerPath sends, and when.

Every kind has a default and can be switched off with ``enabled: false``; a missing block means
every default. ``flask --app app notify`` works out what is due from these rules and the
database (app/notifications/).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .schema import Field, boolean, check_mapping, integer, list_of

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

# Each kind of email: who receives it, and a line for the preferences page.
INACTIVITY = "inactivity_reminder"
RENEWAL = "renewal_notice"
EXPIRING = "requirement_expiring"
CERTIFIED = "certified"
REPLIES_SCORED = "replies_scored"
SESSION_CHANGED = "session_changed"
DIGEST = "coordinator_digest"
KINDS = (INACTIVITY, RENEWAL, EXPIRING, CERTIFIED, REPLIES_SCORED, SESSION_CHANGED, DIGEST)


@dataclass(frozen=True)
class NotificationRules:
    """What program.yaml asks for; the defaults are the issue's: reminders after 7 and 21 idle
    days, a renewal notice when the window opens and a week before expiry, a screening lapse
    warned 60 days ahead, and a coordinators' digest on Mondays."""

    inactivity_after_days: tuple[int, ...] = (7, 21)
    renewal_before_expiry_days: int = 7
    expiring_before_days: int = 60
    digest_weekday: int = 0  # Monday, as datetime.weekday() counts
    enabled: frozenset[str] = frozenset(KINDS)
    line: int = 1  # where the block starts, for messages that point at it

    def is_on(self, kind: str) -> bool:
        return kind in self.enabled


def _days(value) -> str | None:
    return integer(1)(value)


def _weekday(value) -> str | None:
    if isinstance(value, str) and value.lower() in WEEKDAYS:
        return None
    return "must be a weekday name: " + ", ".join(WEEKDAYS)


ENABLED = {"enabled": Field(boolean, required=False)}
KIND_FIELDS: dict[str, dict[str, Field]] = {
    INACTIVITY: {**ENABLED, "after_days": Field(list_of(_days, min_items=1), required=False)},
    RENEWAL: {**ENABLED, "before_expiry_days": Field(_days, required=False)},
    EXPIRING: {**ENABLED, "before_days": Field(_days, required=False)},
    CERTIFIED: ENABLED,
    REPLIES_SCORED: ENABLED,
    SESSION_CHANGED: ENABLED,
    DIGEST: {**ENABLED, "weekday": Field(_weekday, required=False)},
}
BLOCK_FIELDS = {kind: Field(lambda v: None, required=False) for kind in KINDS}


def load_notifications(data, report: Callable[[int, str], None]) -> NotificationRules:
    """The rules from program.yaml's ``notifications:`` block (defaults where it is silent)."""
    block = data.get("notifications")
    if block is None:
        return NotificationRules()
    if not check_mapping(block, BLOCK_FIELDS, "notifications", report):
        return NotificationRules()
    settings: dict[str, dict] = {}
    for kind in KINDS:
        if kind in block:
            entry = block[kind] if block[kind] is not None else {}
            if check_mapping(entry, KIND_FIELDS[kind], f"notifications.{kind}", report):
                settings[kind] = entry
    defaults = NotificationRules()
    enabled = frozenset(kind for kind in KINDS if settings.get(kind, {}).get("enabled", True))
    after = settings.get(INACTIVITY, {}).get("after_days", defaults.inactivity_after_days)
    weekday = settings.get(DIGEST, {}).get("weekday")
    return NotificationRules(
        inactivity_after_days=tuple(sorted(set(after))),
        renewal_before_expiry_days=settings.get(RENEWAL, {}).get(
            "before_expiry_days", defaults.renewal_before_expiry_days
        ),
        expiring_before_days=settings.get(EXPIRING, {}).get("before_days", defaults.expiring_before_days),
        digest_weekday=WEEKDAYS.index(weekday.lower()) if weekday else defaults.digest_weekday,
        enabled=enabled,
        line=block.line if hasattr(block, "line") else 1,
    )

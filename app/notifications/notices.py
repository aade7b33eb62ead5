"""The reminders a trainee's dashboard shows: the ones the email rules (``notifications:`` in
program.yaml) would send at this moment, worked out from one trainee's standing and last
activity. Pure: no Flask, no database, no clock; the caller passes ``now`` and the zone.

Days are counted in the programme's zone, as ``due.py`` counts them for the emails, so the
notice and the email turn over at the same midnight.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta, tzinfo
from typing import NamedTuple

from ..certification.facts import VALID, Standing, Status
from ..course.notifications import EXPIRING, INACTIVITY, RENEWAL, NotificationRules

# Who is nudged for being idle: people still working towards a first certificate. Someone
# awaiting review waits on staff; a certified mentor hears about renewal instead.
IDLE_STATUSES = frozenset({Status.NOT_STARTED, Status.IN_TRAINING})
REQUIZ_ALL = "pass each module's quiz again"


class IdleReminder(NamedTuple):
    """Idle for ``days_idle`` days, past the highest threshold ``after_days`` reached."""

    days_idle: int
    after_days: int
    started: bool
    next_step: str  # the step's label, as the dashboard's card words it
    next_url: str | None


class RenewalNotice(NamedTuple):
    """Renewal due: "window" once it opens, "final" in the last days before expiry."""

    stage: str
    expires_on: date
    days_left: int
    to_redo: tuple[str, ...]


class LapsingCheck(NamedTuple):
    """A recorded requirement (a background check) that lapses within the warning window."""

    requirement_id: str
    requirement: str
    expires_on: date
    days_left: int


Notice = IdleReminder | RenewalNotice | LapsingCheck


def local_day(moment: datetime, zone: tzinfo) -> date:
    return moment.astimezone(zone).date()


def thresholds_reached(
    rules: NotificationRules, since: datetime, now: datetime, zone: tzinfo
) -> tuple[int, ...]:
    """The inactivity thresholds (in days) a gap from ``since`` to ``now`` has reached, lowest first."""
    days = (local_day(now, zone) - local_day(since, zone)).days
    return tuple(n for n in rules.inactivity_after_days if n <= days)


def idle_reminder(
    rules: NotificationRules,
    status: str,
    since: datetime,
    started: bool,
    step: tuple[str, str | None],
    now: datetime,
    zone: tzinfo,
) -> IdleReminder | None:
    """The reminder for someone idle since ``since`` (last activity, or joining), or None.
    ``step`` is the next step's label and link."""
    if not rules.is_on(INACTIVITY) or status not in IDLE_STATUSES:
        return None
    reached = thresholds_reached(rules, since, now, zone)
    if not reached:
        return None
    days = (local_day(now, zone) - local_day(since, zone)).days
    return IdleReminder(days, reached[-1], started, *step)


def renewal_notice(
    rules: NotificationRules,
    standing: Standing,
    module_titles: Mapping[str, str],
    now: datetime,
    zone: tzinfo,
) -> RenewalNotice | None:
    """What a mentor due for renewal must redo, and whether the final warning applies yet."""
    if not rules.is_on(RENEWAL) or standing.status != Status.RENEWAL_DUE or standing.expires_at is None:
        return None
    to_redo = tuple(module_titles[m] for m in standing.renewal_modules if m in module_titles)
    to_redo += (*standing.lapsing_requirements, *standing.renewal_requirements)
    left = standing.expires_at - now
    final = left <= timedelta(days=rules.renewal_before_expiry_days)
    days_left = (local_day(standing.expires_at, zone) - local_day(now, zone)).days
    return RenewalNotice(
        "final" if final else "window",
        local_day(standing.expires_at, zone),
        days_left,
        to_redo or (REQUIZ_ALL,),
    )


def lapsing_checks(
    rules: NotificationRules, standing: Standing, now: datetime, zone: tzinfo
) -> tuple[LapsingCheck, ...]:
    """A valid mentor's recorded requirements that lapse within ``expiring_before_days``."""
    if not rules.is_on(EXPIRING) or standing.status not in VALID:
        return ()
    window = timedelta(days=rules.expiring_before_days)
    return tuple(
        LapsingCheck(
            item.target,
            item.title,
            local_day(item.expires_at, zone),
            (local_day(item.expires_at, zone) - local_day(now, zone)).days,
        )
        for item in standing.requirements
        if item.kind == "recorded" and item.expires_at is not None and now < item.expires_at <= now + window
    )


def notices(
    rules: NotificationRules,
    standing: Standing,
    since: datetime,
    started: bool,
    step: tuple[str, str | None],
    module_titles: Mapping[str, str],
    now: datetime,
    zone: tzinfo,
) -> tuple[Notice, ...]:
    """Every reminder due now for one trainee, in the order the dashboard lists them."""
    idle = idle_reminder(rules, standing.status, since, started, step, now, zone)
    renewal = renewal_notice(rules, standing, module_titles, now, zone)
    found: list[Notice] = [n for n in (idle, renewal) if n is not None]
    return (*found, *lapsing_checks(rules, standing, now, zone))

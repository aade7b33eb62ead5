"""The dashboard's reminders: the email rules applied to one trainee at a fixed moment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from app.certification.facts import Requirement, Standing, Status
from app.course.notifications import EXPIRING, INACTIVITY, KINDS, RENEWAL, NotificationRules
from app.notifications.notices import (
    REQUIZ_ALL,
    IdleReminder,
    LapsingCheck,
    RenewalNotice,
    idle_reminder,
    lapsing_checks,
    notices,
    renewal_notice,
    thresholds_reached,
)

NOW = datetime(2027, 3, 10, 9, 0, tzinfo=UTC)
LONDON = ZoneInfo("Europe/London")
AUCKLAND = ZoneInfo("Pacific/Auckland")
RULES = NotificationRules()
STEP = ("Continue with Listening well", "/modules/listening/2")
TITLES = {"listening": "Listening well", "boundaries": "Boundaries"}


def check(expires_at, target="background-check", title="Background check") -> Requirement:
    return Requirement("recorded", target, title, True, "recorded", NOW - timedelta(days=300), expires_at)


def certified(status=Status.CERTIFIED, expires_in=timedelta(days=200), **fields) -> Standing:
    return Standing(status, (), certified_at=NOW - timedelta(days=100), expires_at=NOW + expires_in, **fields)


def test_idle_days_are_counted_in_the_programmes_zone_and_name_the_highest_threshold():
    assert thresholds_reached(RULES, NOW - timedelta(days=6), NOW, LONDON) == ()
    assert thresholds_reached(RULES, NOW - timedelta(days=7), NOW, LONDON) == (7,)
    assert thresholds_reached(RULES, NOW - timedelta(days=30), NOW, LONDON) == (7, 21)
    # 11:30 UTC on the 3rd is already the 4th in Auckland: a day fewer there than in London.
    since = datetime(2027, 3, 3, 11, 30, tzinfo=UTC)
    assert thresholds_reached(RULES, since, NOW, LONDON) == (7,)
    assert thresholds_reached(RULES, since, NOW, AUCKLAND) == ()

    reminder = idle_reminder(RULES, Status.IN_TRAINING, NOW - timedelta(days=22), True, STEP, NOW, LONDON)
    assert reminder == IdleReminder(22, 21, True, *STEP)


def test_only_people_training_towards_a_first_certificate_are_reminded_of_idleness():
    idle = NOW - timedelta(days=40)
    assert idle_reminder(RULES, Status.NOT_STARTED, idle, False, STEP, NOW, LONDON).started is False
    for status in (
        Status.AWAITING_REVIEW,
        Status.CERTIFIED,
        Status.RENEWAL_DUE,
        Status.EXPIRED,
        Status.REVOKED,
    ):
        assert idle_reminder(RULES, status, idle, True, STEP, NOW, LONDON) is None, status
    switched_off = NotificationRules(enabled=frozenset(KINDS) - {INACTIVITY})
    assert idle_reminder(switched_off, Status.IN_TRAINING, idle, True, STEP, NOW, LONDON) is None
    later = NotificationRules(inactivity_after_days=(14,))
    assert idle_reminder(later, Status.IN_TRAINING, NOW - timedelta(days=10), True, STEP, NOW, LONDON) is None


def test_a_renewal_names_what_to_redo_and_turns_final_a_week_before_expiry():
    standing = certified(Status.RENEWAL_DUE, timedelta(days=20), renewal_modules=("boundaries",))
    notice = renewal_notice(RULES, standing, TITLES, NOW, LONDON)
    assert notice == RenewalNotice("window", (NOW + timedelta(days=20)).date(), 20, ("Boundaries",))

    lapsing = certified(Status.RENEWAL_DUE, timedelta(days=7), lapsing_requirements=("Background check",))
    final = renewal_notice(RULES, lapsing, TITLES, NOW, LONDON)
    assert final.stage == "final" and final.days_left == 7 and final.to_redo == ("Background check",)

    window_only = renewal_notice(
        RULES, certified(Status.RENEWAL_DUE, timedelta(days=30)), TITLES, NOW, LONDON
    )
    assert window_only.to_redo == (REQUIZ_ALL,)
    assert renewal_notice(RULES, certified(), TITLES, NOW, LONDON) is None
    off = NotificationRules(enabled=frozenset(KINDS) - {RENEWAL})
    assert renewal_notice(off, standing, TITLES, NOW, LONDON) is None


def test_a_check_lapsing_within_the_window_is_warned_of_once_it_is_inside_it():
    inside, outside = check(NOW + timedelta(days=60)), check(NOW + timedelta(days=61), "dbs", "DBS")
    lapsed = check(NOW - timedelta(days=1), "old", "Old check")
    standing = Standing(Status.CERTIFIED, (inside, outside, lapsed), expires_at=NOW + timedelta(days=60))
    assert lapsing_checks(RULES, standing, NOW, LONDON) == (
        LapsingCheck("background-check", "Background check", (NOW + timedelta(days=60)).date(), 60),
    )
    assert (
        lapsing_checks(NotificationRules(expiring_before_days=90), standing, NOW, LONDON)[1].requirement
        == "DBS"
    )
    not_valid = Standing(Status.IN_TRAINING, (inside,))
    assert lapsing_checks(RULES, not_valid, NOW, LONDON) == ()
    off = NotificationRules(enabled=frozenset(KINDS) - {EXPIRING})
    assert lapsing_checks(off, standing, NOW, LONDON) == ()


def test_all_notices_come_in_the_dashboards_order():
    standing = Standing(
        Status.RENEWAL_DUE,
        (check(NOW + timedelta(days=5)),),
        certified_at=NOW - timedelta(days=300),
        expires_at=NOW + timedelta(days=5),
        lapsing_requirements=("Background check",),
    )
    found = notices(RULES, standing, NOW - timedelta(days=50), True, STEP, TITLES, NOW, LONDON)
    assert [type(n) for n in found] == [RenewalNotice, LapsingCheck]  # certified: no idle reminder
    training = Standing(Status.IN_TRAINING, ())
    assert notices(RULES, training, NOW - timedelta(days=8), True, STEP, TITLES, NOW, LONDON) == (
        IdleReminder(8, 7, True, *STEP),
    )
    assert notices(RULES, training, NOW - timedelta(days=1), True, STEP, TITLES, NOW, LONDON) == ()

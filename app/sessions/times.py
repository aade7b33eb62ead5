"""Session times in the programme's zone: coordinators type wall-clock times, the database keeps UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo


def wall_clock_to_utc(day: date, start: time, zone: ZoneInfo) -> datetime | None:
    """The moment a clock in ``zone`` shows ``start`` on ``day``, in UTC; None when the clocks
    skip that time (the hour lost when summer time starts). A time shown twice when summer time
    ends is taken the first time round."""
    local = datetime.combine(day, start, tzinfo=zone)
    moment = local.astimezone(UTC)
    if moment.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return moment


def zone_label(moment: datetime, zone: ZoneInfo) -> str:
    """What the zone is called at that moment ("GMT", "BST"); a zone without an abbreviation
    (tzdata writes "+03" for some) is named by its IANA name instead."""
    name = moment.astimezone(zone).tzname() or ""
    return name if name.isalpha() else str(zone)

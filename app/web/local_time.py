"""Moments shown in the programme's time zone (``timezone:`` in content/program.yaml), with the
zone's name beside them, and machine-readable in UTC."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app
from markupsafe import Markup, escape

from ..sessions.times import zone_label

LONG = "%A %d %B %Y, %H:%M"  # Monday 07 December 2026, 18:30
SHORT = "%a %d %b %Y, %H:%M"  # Mon 07 Dec 2026, 18:30


def programme_time_text(moment: datetime, style: str = LONG) -> str:
    """The moment as the programme's clocks show it: "Monday 07 December 2026, 18:30 GMT"."""
    zone = current_app.extensions["course"].program.zone
    return f"{moment.astimezone(zone).strftime(style)} {zone_label(moment, zone)}"


def programme_time(moment: datetime, style: str = LONG) -> Markup:
    """``<time datetime="2026-12-07T18:30:00Z">Monday 07 December 2026, 18:30 GMT</time>``."""
    stamp = moment.astimezone(UTC).replace(microsecond=0, tzinfo=None).isoformat() + "Z"
    return Markup(f'<time datetime="{stamp}">{escape(programme_time_text(moment, style))}</time>')


def programme_clock(moment: datetime) -> str:
    """Just the wall-clock time with the zone, "20:30 GMT", for an end time beside its start."""
    zone = current_app.extensions["course"].program.zone
    return f"{moment.astimezone(zone):%H:%M} {zone_label(moment, zone)}"

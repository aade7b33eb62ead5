"""A live session as an iCalendar file (RFC 5545), written by hand: one VEVENT is a dozen lines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

LINE_OCTETS = 75  # RFC 5545 3.1: lines longer than this are folded


@dataclass(frozen=True)
class CalendarEvent:
    uid: str  # stable across downloads, so a calendar updates the event instead of adding another
    starts_at: datetime
    ends_at: datetime
    summary: str
    location: str
    description: str = ""
    cancelled: bool = False  # STATUS:CANCELLED, so a calendar that has the event marks it off


def ics_text(value: str) -> str:
    """A TEXT value escaped as RFC 5545 3.3.11 asks: backslash, semicolon, comma, newline."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def ics_moment(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def fold(line: str) -> str:
    """Split a content line into pieces of at most 75 octets joined by CRLF and a space, never
    inside a UTF-8 character."""
    pieces: list[str] = []
    current, size = "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        # Continuation lines start with a space, which counts toward their 75 octets.
        limit = LINE_OCTETS if not pieces else LINE_OCTETS - 1
        if size + width > limit:
            pieces.append(current)
            current, size = "", 0
        current += char
        size += width
    pieces.append(current)
    return "\r\n ".join(pieces)


def calendar_file(event: CalendarEvent, stamped_at: datetime) -> str:
    """A VCALENDAR holding one VEVENT, with CRLF line endings, times in UTC."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//PeerPath//Live sessions//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{ics_text(event.uid)}",
        f"DTSTAMP:{ics_moment(stamped_at)}",
        f"DTSTART:{ics_moment(event.starts_at)}",
        f"DTEND:{ics_moment(event.ends_at)}",
        f"SUMMARY:{ics_text(event.summary)}",
        f"LOCATION:{ics_text(event.location)}",
    ]
    if event.description:
        lines.append(f"DESCRIPTION:{ics_text(event.description)}")
    # RFC 5545 3.8.1.11: a VEVENT's status is TENTATIVE, CONFIRMED or CANCELLED.
    lines.append("STATUS:CANCELLED" if event.cancelled else "STATUS:CONFIRMED")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "".join(fold(line) + "\r\n" for line in lines)

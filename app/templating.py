"""Jinja filters shared by the templates."""

from __future__ import annotations

from datetime import datetime

from flask import Flask
from markupsafe import Markup


def install(app: Flask) -> None:
    app.jinja_env.filters["time_tag"] = time_tag


# English abbreviations whatever the server's locale (strftime's %b follows it), and about a
# fifth of strftime's cost: the coordinator list prints fifty of these.
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def time_tag(moment: datetime | None, style: str | None = None, empty: str = "never") -> Markup:
    """``<time datetime="…">24 Nov 2026</time>`` (or ``moment.strftime(style)``), or ``empty``
    when there is no moment. One call instead of four template expressions."""
    if moment is None:
        return Markup.escape(empty)
    shown = moment.strftime(style) if style else f"{moment.day:02d} {MONTHS[moment.month - 1]} {moment.year}"
    return Markup(f'<time datetime="{moment.isoformat()}">{shown}</time>')

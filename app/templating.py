"""Jinja filters shared by the templates."""

from __future__ import annotations

from datetime import datetime

from flask import Flask
from markupsafe import Markup


def install(app: Flask) -> None:
    app.jinja_env.filters["time_tag"] = time_tag


def time_tag(moment: datetime | None, style: str = "%d %b %Y", empty: str = "never") -> Markup:
    """``<time datetime="…">24 Nov 2026</time>``, or ``empty`` when there is no moment. One call
    instead of four template expressions: the coordinator list prints one per row."""
    if moment is None:
        return Markup.escape(empty)
    return Markup(f'<time datetime="{moment.isoformat()}">{moment.strftime(style)}</time>')

"""URL converters: an ``<int:…>`` id the database cannot hold is a 404, never a 500 (PostgreSQL's
integer ids stop at 2^31 - 1; a larger number names nothing)."""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

LARGEST_ID = 2**31 - 1


class DatabaseId(IntegerConverter):
    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(map, *args, **kwargs)


def install(app: Flask) -> None:
    """Every ``<int:…>`` route takes only ids the database can hold (before routes are added)."""
    app.url_map.converters["int"] = DatabaseId

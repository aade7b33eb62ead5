"""Repeated pieces of a page rendered once, then filled in per request.

A dashboard prints 27 checklist lines and 7 module cards, the coordinator list 50 rows. Their
markup, titles and links depend on the course and on a few either-or choices (done or not,
quiz passed or not); only a handful of values (a count, a name, a date) differ per trainee.
Rendered line by line through Jinja they were most of those pages' cost: 15 to 25 escapes,
attribute lookups and tests a line, 57,000 to 150,000 instructions.

``render_each(template, macro, calls)`` takes ``(choices, values)`` pairs. The first time it
meets a combination of ``choices`` it renders ``macro`` with them and with placeholders for
``values``, and keeps the markup between the placeholders; every time, it escapes the
``values`` into the gaps. So a macro used this way follows two rules, both enforced:

* ``choices`` decide the markup (ids, titles, booleans from the course and the record). They
  key a per-worker cache, so they must be few and hashable, never text a user typed; past
  ``MAX_REMEMBERED`` entries the cache stops growing.
* ``values`` are only printed (``{{ name }}``), never tested, compared or formatted: any other
  use raises ``TypeError`` when the macro is first rendered. Nothing per user (``current_user``,
  ``csrf_token()``, ``request``) is in scope inside the macro; pass what it needs as a value.
  The course is, as ``course``.

The cache is of a pure function, like ``app.urls``: every worker builds the same entries and a
restart loses nothing. It is bypassed while templates reload (debug), so edits show at once.
"""

from __future__ import annotations

import html
import re
import secrets
from collections.abc import Hashable, Iterable

from flask import Flask, current_app, request
from markupsafe import Markup, escape

MAX_REMEMBERED = 10_000

# Names a macro rendered for every user must not read: they differ per user or per request.
PER_REQUEST_NAMES = ("current_user", "csrf_token", "request", "session", "g", "get_flashed_messages")


class _Placeholder:
    """Stands in for a value while a fragment is first rendered; may only be printed."""

    __slots__ = ("name", "marker")

    def __init__(self, name: str, marker: str) -> None:
        self.name = name
        self.marker = marker

    def __html__(self) -> str:
        return self.marker

    def _refuse(self, *_args, **_kwargs):
        raise TypeError(
            f"fragment value {self.name!r} may only be printed; decide markup with a choice argument"
        )

    __str__ = __bool__ = __len__ = __iter__ = __eq__ = __lt__ = __gt__ = __add__ = __radd__ = _refuse
    __hash__ = None  # type: ignore[assignment]

    def __getattr__(self, _attribute: str):
        self._refuse()


class _PerRequest:
    """Stands in for ``current_user`` and friends inside a fragment: any use is an error."""

    def __init__(self, name: str) -> None:
        self._name = name

    def _refuse(self, *_args, **_kwargs):
        raise TypeError(f"a fragment is shared by every user: pass what it needs of {self._name!r} as a value")

    __call__ = __str__ = __bool__ = __html__ = __iter__ = _refuse

    def __getattr__(self, _attribute: str):
        self._refuse()


class Fragments:
    def __init__(self, app: Flask) -> None:
        self.app = app
        # (script root, template, macro, choices, value names) -> (static markup, value names)
        self.remembered: dict[tuple, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        # Unforgeable in content: a fresh random token around each placeholder's name.
        self.token = secrets.token_hex(8)
        self.marker = re.compile(rf"\x00{self.token}:(\w+)\x00")

    def join(self, template: str, macro: str, calls: Iterable[tuple[tuple[Hashable, ...], dict]]) -> Markup:
        """The macro called once per ``(choices, values)`` pair, the results joined."""
        script_root = request.script_root  # links in the markup follow where the app is mounted
        remembered = self.remembered
        out = []
        for choices, values in calls:
            key = (script_root, template, macro, choices, tuple(values))
            parts = remembered.get(key)
            if parts is None:
                parts = self._split(template, macro, choices, key[-1])
                if len(remembered) < MAX_REMEMBERED and not self.app.jinja_env.auto_reload:
                    remembered[key] = parts
            static, slots = parts
            out.append(static[0])
            for name, after in zip(slots, static[1:]):
                value = values[name]
                # Numbers and markup need no escaping; skipping it halves the cost of a row.
                kind = type(value)
                if kind is str:
                    out.append(html.escape(value))
                elif kind is int or isinstance(value, Markup):
                    out.append(str(value))
                else:
                    out.append(escape(value))
                out.append(after)
        return Markup("".join(out))

    def _split(self, template: str, macro: str, choices: tuple, names: tuple[str, ...]):
        """Render the macro with placeholders; the text around them is the static markup."""
        names_in_scope = {name: _PerRequest(name) for name in PER_REQUEST_NAMES}
        names_in_scope["course"] = self.app.extensions["course"]
        module = self.app.jinja_env.get_template(template).make_module(vars=names_in_scope)
        placeholders = {name: _Placeholder(name, f"\x00{self.token}:{name}\x00") for name in names}
        rendered = str(getattr(module, macro)(*choices, **placeholders))
        pieces = self.marker.split(rendered)  # static, name, static, name, …, static
        return tuple(pieces[0::2]), tuple(pieces[1::2])


def render_each(template: str, macro: str, calls: Iterable[tuple[tuple[Hashable, ...], dict]]) -> Markup:
    """``macro`` from ``template`` for each ``(choices, values)``: see the module's docstring."""
    return current_app.extensions["fragments"].join(template, macro, calls)


def install(app: Flask) -> None:
    app.extensions["fragments"] = Fragments(app)

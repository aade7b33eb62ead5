"""Repeated pieces of a page rendered once per kind of markup, then filled in per request.

The dashboard prints a checklist line per requirement and a card per module. Their markup,
titles and links depend on the course and on a few either-or choices (done or not, quiz passed
or not); only a handful of values (a count, a score) differ per trainee. Rendered one by one
through Jinja they were most of the page's cost (docs/performance.md).

A piece is a ``NamedTuple`` whose ``CHOICES`` names the fields that decide the markup; the other
fields are its values. ``render_each(template, macro, pieces)`` calls ``macro`` with every field
by name. The first time it meets a combination of choices it renders the macro with placeholders
for the values and keeps the markup between them; after that it escapes each piece's values
into the gaps. So a macro used this way follows two rules, both enforced:

* choices decide the markup (ids, titles, booleans from the course and the record). They key a
  per-worker cache, so they must be few and hashable, never text a user typed; past
  ``MAX_REMEMBERED`` entries the cache stops growing.
* values are only printed (``{{ name }}``), never tested, compared or formatted: any other use
  raises ``TypeError`` when the macro is first rendered. Nothing per user (``current_user``,
  ``csrf_token()``, ``request``) is in scope inside the macro; pass what it needs as a value.
  The course is, as ``course``.

The cache is of a pure function: every worker builds the same entries and a restart loses
nothing. It is bypassed while templates reload (debug), so edits show at once.
"""

from __future__ import annotations

import html
import re
import secrets
from collections.abc import Iterable

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
        raise TypeError(
            f"a fragment is shared by every user: pass what it needs of {self._name!r} as a value"
        )

    __call__ = __str__ = __bool__ = __html__ = __iter__ = _refuse

    def __getattr__(self, _attribute: str):
        self._refuse()


class Fragments:
    def __init__(self, app: Flask) -> None:
        self.app = app
        # (script root, template, macro, value names) -> choices -> (static markup, value indexes)
        self.remembered: dict[tuple, dict[tuple, tuple[tuple[str, ...], tuple[int, ...]]]] = {}
        self.size = 0
        # Unforgeable in content: a fresh random token around each placeholder's name.
        self.token = secrets.token_hex(8)
        self.marker = re.compile(rf"\x00{self.token}:(\w+)\x00")

    def join(
        self,
        template: str,
        macro: str,
        choice_names: tuple[str, ...],
        names: tuple[str, ...],
        calls: Iterable[tuple[tuple, tuple]],
    ) -> Markup:
        """The macro called once per ``(choices, values)`` pair, the results joined."""
        # Links in the markup follow where the app is mounted, so the script root is in the key.
        piece = (request.script_root, template, macro, choice_names, names)
        by_choices = self.remembered.setdefault(piece, {})
        out = []
        for choices, values in calls:
            parts = by_choices.get(choices)
            if parts is None:
                parts = self._split(template, macro, dict(zip(choice_names, choices, strict=True)), names)
                if self.size < MAX_REMEMBERED and not self.app.jinja_env.auto_reload:
                    by_choices[choices] = parts
                    self.size += 1
            static, slots = parts
            out.append(static[0])
            for index, after in zip(slots, static[1:], strict=True):
                value = values[index]
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

    def _split(self, template: str, macro: str, choices: dict, names: tuple[str, ...]):
        """Render the macro with placeholders; the text around them is the static markup."""
        names_in_scope = {name: _PerRequest(name) for name in PER_REQUEST_NAMES}
        names_in_scope["course"] = self.app.extensions["course"]
        module = self.app.jinja_env.get_template(template).make_module(vars=names_in_scope)
        placeholders = {name: _Placeholder(name, f"\x00{self.token}:{name}\x00") for name in names}
        rendered = str(getattr(module, macro)(**choices, **placeholders))
        pieces = self.marker.split(rendered)  # static, name, static, name, …, static
        return tuple(pieces[0::2]), tuple(names.index(name) for name in pieces[1::2])


def render_each(template: str, macro: str, pieces: Iterable[tuple]) -> Markup:
    """``macro`` from ``template`` called by name with each piece's fields; see the module's
    docstring. Every piece is of one ``NamedTuple`` type that names its ``CHOICES``."""
    pieces = list(pieces)
    if not pieces:
        return Markup("")
    kind = type(pieces[0])
    choices = kind.CHOICES
    names = tuple(name for name in kind._fields if name not in choices)
    split = [
        (tuple(getattr(piece, name) for name in choices), tuple(getattr(piece, name) for name in names))
        for piece in pieces
    ]
    return current_app.extensions["fragments"].join(template, macro, choices, names, split)


def install(app: Flask) -> None:
    app.extensions["fragments"] = Fragments(app)

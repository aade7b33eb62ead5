"""The Jinja environment and the filters shared by the templates."""

from __future__ import annotations

from datetime import datetime

from flask import Flask
from flask.templating import Environment as FlaskEnvironment
from markupsafe import Markup, escape
from wtforms import SelectField


class Environment(FlaskEnvironment):
    """Each template keeps a plain-dict copy of the globals, taken when it is loaded.

    Jinja layers a template's globals over the environment's with a ``ChainMap`` and flattens it
    into a dict on every render, reading our 25 globals one Python-level lookup at a time; each
    ``{% from … import %}`` compares the two mappings again the same way. That was about 110,000
    instructions a render and as much again per import: 6% of a section page. Every global here
    is registered while the app is built, before any template loads, as Jinja asks anyway.
    """

    def make_globals(self, d):
        return {**self.globals, **(d or {})}


def install(app: Flask) -> None:
    app.jinja_env.filters["time_tag"] = time_tag
    app.jinja_env.globals["select_options"] = SelectOptions()
    # By class, not by type name, so a subclass (QuerySelectField) is drawn as a select too.
    app.jinja_env.tests["select_field"] = lambda field: isinstance(field, SelectField)


class SelectOptions:
    """A select field's ``<option>`` elements, remembered per list of options (value, label,
    selected) as WTForms gives them. The coordinator list's filters offer every cohort: printing
    their options through Jinja, two escapes each, cost as much as the rest of the form.

    A cache of a pure function, as in ``app.urls``; past ``MAX_REMEMBERED`` lists it stops
    growing. Options' own attributes (``render_kw``) are not printed; no form sets them."""

    MAX_REMEMBERED = 1_000

    def __init__(self) -> None:
        self.remembered: dict[tuple, Markup] = {}

    def __call__(self, field) -> Markup:
        options = tuple((value, label, selected) for value, label, selected, _ in field.iter_choices())
        markup = self.remembered.get(options)
        if markup is None:
            option = Markup('<option value="{}"{}>{}</option>')
            markup = Markup("").join(
                option.format(value, Markup(" selected") if selected else "", label)
                for value, label, selected in options
            )
            if len(self.remembered) < self.MAX_REMEMBERED:
                self.remembered[options] = markup
        return markup


# English abbreviations whatever the server's locale (strftime's %b follows it), and about a
# fifth of strftime's cost: the coordinator list prints fifty of these.
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def time_tag(moment: datetime | None, style: str | None = None, empty: str = "never") -> Markup:
    """``<time datetime="2026-11-24">24 Nov 2026</time>`` (or ``moment.strftime(style)`` with the
    full timestamp), or ``empty`` when there is no moment. One call instead of four template
    expressions; the machine-readable date is as precise as the shown one, and built without
    ``isoformat`` (2.2 µs for an aware datetime, most of the call)."""
    if moment is None:
        return Markup.escape(empty)
    if style:
        return Markup(f'<time datetime="{moment.isoformat()}">{escape(moment.strftime(style))}</time>')
    day, month, year = moment.day, moment.month, moment.year
    shown = f"{day:02d} {MONTHS[month - 1]} {year}"
    return Markup(f'<time datetime="{year:04d}-{month:02d}-{day:02d}">{shown}</time>')

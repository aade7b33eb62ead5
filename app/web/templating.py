"""The Jinja environment and the filters shared by the templates."""

from __future__ import annotations

from datetime import datetime

from flask import Flask
from flask.templating import Environment as FlaskEnvironment
from markupsafe import Markup, escape
from wtforms import SelectField

from .home import home_url
from .local_time import programme_clock, programme_time
from .qr import qr_svg


class Environment(FlaskEnvironment):
    """Each template keeps a plain-dict copy of the globals, taken when it is loaded, instead of
    a ``ChainMap`` flattened on every render (docs/performance.md). Jinja asks that globals not
    change once a template is loaded anyway; ``freeze_globals`` makes that hold."""

    def make_globals(self, d):
        return {**self.globals, **(d or {})}


class FrozenGlobals(dict):
    """The environment's globals once the app is built: adding one later is an error, not a
    name silently missing from templates that loaded before it."""

    def _refuse(self, *_args, **_kwargs):
        raise TypeError("Jinja globals are fixed once the app is built: register them in create_app")

    __setitem__ = __delitem__ = update = setdefault = pop = popitem = clear = _refuse


def install(app: Flask) -> None:
    from ..certification.status import STATUS_LABELS
    from ..models import ROLE_LABELS
    from ..people.audit import ACTIONS

    app.jinja_env.globals["status_labels"] = STATUS_LABELS
    app.jinja_env.globals["role_labels"] = ROLE_LABELS
    app.jinja_env.globals["audit_actions"] = ACTIONS
    # Read per render, not fixed as a global: under FLASK_DEBUG an edited course replaces the
    # loaded one, and the organisation's name and logo must follow it.
    app.context_processor(lambda: _course_context(app.extensions["course"]))
    app.jinja_env.filters["time_tag"] = time_tag
    app.jinja_env.globals["home_url"] = home_url
    app.jinja_env.filters["programme_time"] = programme_time
    app.jinja_env.filters["programme_clock"] = programme_clock
    app.jinja_env.filters["qr_svg"] = qr_svg
    app.jinja_env.globals["select_options"] = SelectOptions()
    # By class, not by type name, so a subclass (QuerySelectField) is drawn as a select too.
    app.jinja_env.tests["select_field"] = lambda field: isinstance(field, SelectField)


def _course_context(course) -> dict:
    """``programme``: the organisation every page names (``programme:`` in program.yaml)."""
    return {"course_version": course.version, "programme": course.program.identity}


def freeze_globals(app: Flask) -> None:
    app.jinja_env.globals = FrozenGlobals(app.jinja_env.globals)


class SelectOptions:
    """A select field's ``<option>`` elements, remembered per list of options (value, label,
    selected) as WTForms gives them: the coordinator list's filters offer every cohort
    (docs/performance.md). A bounded cache of a pure function: past ``MAX_REMEMBERED`` lists it
    stops growing. Options' own attributes (``render_kw``) are not printed; no form sets them."""

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


# English abbreviations whatever the server's locale (strftime's %b follows it).
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def time_tag(moment: datetime | None, style: str | None = None, empty: str = "never") -> Markup:
    """``<time datetime="2026-11-24">24 Nov 2026</time>`` (or ``moment.strftime(style)`` with the
    full timestamp), or ``empty`` when there is no moment; the machine-readable date is as
    precise as the shown one."""
    if moment is None:
        return Markup.escape(empty)
    if style:
        # Whole seconds: the HTML standard allows at most three digits of a fraction.
        stamp = moment.replace(microsecond=0).isoformat()
        return Markup(f'<time datetime="{stamp}">{escape(moment.strftime(style))}</time>')
    day, month, year = moment.day, moment.month, moment.year
    shown = f"{day:02d} {MONTHS[month - 1]} {year}"
    return Markup(f'<time datetime="{year:04d}-{month:02d}-{day:02d}">{shown}</time>')

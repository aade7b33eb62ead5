"""The funder report: a printable page and the same numbers as CSV (people/reports.py counts)."""

from __future__ import annotations

from datetime import datetime

from flask import current_app, render_template, request
from wtforms import SelectChoice

from ..certification import standings as certification
from ..course import Course
from ..extensions import db
from ..models import utcnow
from ..web.forms import link_args
from ..web.local_time import programme_time
from . import bp, export, reports, services
from .report_forms import ReportForm

REQUIREMENT_KINDS = {"module": "Module", "scenario": "Role-play", "recorded": "Recorded by staff"}


def _course() -> Course:
    return current_app.extensions["course"]


def _arguments() -> tuple[ReportForm, reports.Period, int | None]:
    """The period asked for (by default the last twelve months) and the cohort, if one."""
    form = ReportForm(request.args)
    form.cohort.choices = [
        SelectChoice("", "Every cohort"),
        *(SelectChoice(str(c.id), c.name) for c in services.cohort_choices()),
    ]
    form.read()
    default = reports.last_twelve_months(utcnow().astimezone(_course().program.zone).date())
    period = reports.Period(form["from"].data or default.start, form.to.data or default.end)
    if period.end < period.start:
        form.to.errors.append("The end of the period comes before its start.")
        period = default
    cohort = int(form.cohort.data) if form.cohort.data and form.cohort.data.isdigit() else None
    return form, period, cohort


def _numbers(period: reports.Period, cohort: int | None, now: datetime) -> reports.Report:
    if certification.refresh_stale(_course()):  # the standings the counts read, up to date
        db.session.commit()
    return reports.report(_course(), period, cohort, now)


@bp.get("/report")
def report():
    """Registrations, certifications, the funnel by cohort and requirements done, for a period."""
    form, period, cohort = _arguments()
    now = utcnow()
    page = render_template(
        "coordinate/report.html",
        form=form,
        report=_numbers(period, cohort, now),
        counted_at=programme_time(now),
        args=link_args(form),
        funnel=reports.FUNNEL,
        funnel_labels=reports.FUNNEL_LABELS,
        requirement_kinds=REQUIREMENT_KINDS,
    )
    return page  # a wrong date shows its error and the default period, as the list does


@bp.get("/report.csv")
def report_csv():
    """The report's numbers as CSV, block by block."""
    _, period, cohort = _arguments()
    numbers = _numbers(period, cohort, utcnow())
    return export.csv_response(
        export.report_csv(numbers), f"peerpath-report-{period.start:%Y-%m-%d}-to-{period.end:%Y-%m-%d}.csv"
    )

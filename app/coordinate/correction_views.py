"""Putting a mentor's safeguarding history right: correct or void a requirement record, void a
decision made in error. The form comes back with its errors on the mentor page when refused."""

from datetime import UTC, datetime, time

from flask import abort, flash, redirect, url_for
from flask_login import current_user

from ..certification import corrections
from ..extensions import db
from ..models import CertificationEvent
from . import bp
from .forms import CorrectionForm, VoidForm
from .views import _mentor_page, _trainee_or_404


def _done(user_id: int, message: str, anchor: str):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("coordinate.mentor", user_id=user_id, _anchor=anchor))


def _refused(user_id: int, problem: str):
    """Someone else put it right first (or the address was wrong): say so on the fresh page."""
    flash(problem, "error")
    return redirect(url_for("coordinate.mentor", user_id=user_id))


@bp.post("/mentors/<int:user_id>/records/<int:record_id>/correct")
def correct_record(user_id: int, record_id: int):
    mentor = _trainee_or_404(user_id)
    form = CorrectionForm(prefix=f"record-{record_id}")
    name = f"correct-{record_id}"
    if not form.validate_on_submit():
        return _mentor_page(mentor, {name: form}, status=422)
    on = datetime.combine(form.date.data, time(), tzinfo=UTC)
    if on > datetime.now(UTC):
        form.date.errors.append("The date cannot be in the future.")
        return _mentor_page(mentor, {name: form}, status=422)
    try:
        corrections.correct_requirement(
            user_id, record_id, on, form.hours.data, form.reason.data.strip(), current_user.id
        )
    except corrections.Refused as refused:
        return _refused(user_id, str(refused))
    return _done(
        user_id, "The record is corrected; the old one stays in the history, marked.", "requirements"
    )


@bp.post("/mentors/<int:user_id>/records/<int:record_id>/void")
def void_record(user_id: int, record_id: int):
    mentor = _trainee_or_404(user_id)
    form = VoidForm(prefix=f"void-record-{record_id}")
    name = f"void-record-{record_id}"
    if not form.validate_on_submit():
        return _mentor_page(mentor, {name: form}, status=422)
    try:
        corrections.void_requirement(user_id, record_id, form.reason.data.strip(), current_user.id)
    except corrections.Refused as refused:
        return _refused(user_id, str(refused))
    return _done(user_id, "The record is void; it stays in the history, marked.", "requirements")


@bp.post("/mentors/<int:user_id>/decisions/<int:event_id>/void")
def void_decision(user_id: int, event_id: int):
    mentor = _trainee_or_404(user_id)
    decision = db.session.get(CertificationEvent, event_id)
    if decision is not None and decision.kind == "do_not_reengage" and not current_user.is_safeguarding_lead:
        abort(403)  # only a safeguarding lead lifts "do not re-engage"
    form = VoidForm(prefix=f"void-decision-{event_id}")
    name = f"void-decision-{event_id}"
    if not form.validate_on_submit():
        return _mentor_page(mentor, {name: form}, status=422)
    try:
        corrections.void_decision(user_id, event_id, form.reason.data.strip(), current_user.id)
    except corrections.Refused as refused:
        return _refused(user_id, str(refused))
    return _done(user_id, "The decision is void; it stays in the history, marked.", "history")

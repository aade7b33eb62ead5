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


def _apply(mentor, name: str, form, change, done: str, anchor: str):
    """Run ``change(reason)`` once the form is valid; the form comes back with its errors on the
    mentor page, or a refusal (someone put it right first) is said on the fresh page."""
    if not form.validate_on_submit():
        return _mentor_page(mentor, {name: form}, status=422)
    try:
        change(form.reason.data.strip())
    except corrections.Refused as refused:
        flash(str(refused), "error")
        return redirect(url_for("coordinate.mentor", user_id=mentor.id))
    db.session.commit()
    flash(done, "success")
    return redirect(url_for("coordinate.mentor", user_id=mentor.id, _anchor=anchor))


@bp.post("/mentors/<int:user_id>/records/<int:record_id>/correct")
def correct_record(user_id: int, record_id: int):
    mentor = _trainee_or_404(user_id)
    form = CorrectionForm(prefix=f"record-{record_id}")
    on = datetime.combine(form.date.data, time(), tzinfo=UTC) if form.date.data else None
    if on is not None and on > datetime.now(UTC):
        form.validate_on_submit()
        form.date.errors.append("The date cannot be in the future.")
        return _mentor_page(mentor, {f"correct-{record_id}": form}, status=422)
    return _apply(
        mentor,
        f"correct-{record_id}",
        form,
        lambda reason: corrections.correct_requirement(
            user_id, record_id, on, form.hours.data, reason, current_user.id
        ),
        "The record is corrected; the old one stays in the history, marked.",
        "requirements",
    )


@bp.post("/mentors/<int:user_id>/records/<int:record_id>/void")
def void_record(user_id: int, record_id: int):
    return _apply(
        _trainee_or_404(user_id),
        f"void-record-{record_id}",
        VoidForm(prefix=f"void-record-{record_id}"),
        lambda reason: corrections.void_requirement(user_id, record_id, reason, current_user.id),
        "The record is void; it stays in the history, marked.",
        "requirements",
    )


@bp.post("/mentors/<int:user_id>/decisions/<int:event_id>/void")
def void_decision(user_id: int, event_id: int):
    mentor = _trainee_or_404(user_id)
    decision = db.session.get(CertificationEvent, event_id)
    if decision is not None and decision.kind == "do_not_reengage" and not current_user.is_safeguarding_lead:
        abort(403)  # only a safeguarding lead lifts "do not re-engage"
    return _apply(
        mentor,
        f"void-decision-{event_id}",
        VoidForm(prefix=f"void-decision-{event_id}"),
        lambda reason: corrections.void_decision(user_id, event_id, reason, current_user.id),
        "The decision is void; it stays in the history, marked.",
        "history",
    )

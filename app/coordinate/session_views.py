"""Live training sessions: schedule, change or cancel one, see who signed up, take attendance.

Times are typed and shown in the programme's zone (``timezone:`` in content/program.yaml) and
kept in UTC."""

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..extensions import db
from ..models import TrainingSession, utcnow
from ..sessions import services as sessions
from ..sessions.times import wall_clock_to_utc
from ..web.forms import EmptyForm
from . import bp
from .session_forms import SessionForm

# What the people holding a place hear of a change (app/notifications sends session_changed).
CHANGE_TOLD = "Trainees holding a place see the new details; a new time, length or place is emailed to them."


def _program():
    return current_app.extensions["course"].program


def _starts_at(form: SessionForm):
    """The moment the form names, or None with the error on the form."""
    starts_at = wall_clock_to_utc(form.day.data, form.start.data, _program().zone)
    if starts_at is None:
        form.start.errors.append(f"The clocks skip that time in {_program().timezone}: choose another.")
    elif starts_at <= utcnow():
        form.day.errors.append("Schedule the session in the future.")
        return None
    return starts_at


@bp.route("/sessions", methods=("GET", "POST"))
def training_sessions():
    """Live training sessions: schedule one; see every session with its sign-ups."""
    form = SessionForm().label_in(_program().timezone)
    starts_at = _starts_at(form) if form.validate_on_submit() else None
    if starts_at is not None:
        fields = form.title.data, starts_at, form.minutes.data, form.place.data, form.capacity.data
        session = sessions.create_session(*fields, current_user.id)
        db.session.commit()
        flash(f"“{session.title}” is scheduled; trainees can sign up from their dashboard.", "success")
        return redirect(url_for("coordinate.training_session", session_id=session.id))
    return (
        render_template(
            "coordinate/sessions.html",
            form=form,
            sessions=sessions.sessions_with_seats(),
            zone=_program().timezone,
        ),
        422 if form.errors else 200,
    )


@bp.get("/sessions/<int:session_id>")
def training_session(session_id: int):
    """One session: who signed up, who cancelled, and attendance."""
    session = db.get_or_404(TrainingSession, session_id)
    return render_template(
        "coordinate/session.html",
        session=session,
        signups=sessions.signups_of(session.id),
        form=EmptyForm(),
        upcoming=session.starts_at > utcnow() and session.cancelled_at is None,
    )


@bp.route("/sessions/<int:session_id>/edit", methods=("GET", "POST"))
def edit_session(session_id: int):
    """Change a session's title, time, length, place or number of places."""
    session = db.get_or_404(TrainingSession, session_id)
    if session.cancelled_at is not None:
        flash(f"“{session.title}” is cancelled: it cannot be changed.", "error")
        return redirect(url_for("coordinate.training_session", session_id=session.id))
    form = SessionForm(data=_form_data(session)).label_in(_program().timezone)
    starts_at = _starts_at(form) if form.validate_on_submit() else None
    held = sessions.places_held(session.id)
    if starts_at is not None and form.capacity.data < held:
        holders = "1 trainee holds a place" if held == 1 else f"{held} trainees hold places"
        form.capacity.errors.append(f"{holders}: offer at least {held}.")
    elif starts_at is not None:
        fields = form.title.data, starts_at, form.minutes.data, form.place.data, form.capacity.data
        sessions.update_session(session, *fields, actor=current_user.id)
        db.session.commit()
        flash(f"“{session.title}” is changed. {CHANGE_TOLD}", "success")
        return redirect(url_for("coordinate.training_session", session_id=session.id))
    return render_template("coordinate/session_edit.html", form=form, session=session), (
        422 if form.errors else 200
    )


def _form_data(session: TrainingSession) -> dict:
    local = session.starts_at.astimezone(_program().zone)
    return {
        "title": session.title,
        "day": local.date(),
        "start": local.time().replace(second=0, microsecond=0),
        "minutes": session.duration_minutes,
        "place": session.place,
        "capacity": session.capacity,
    }


def _who_hears(held: int) -> str:
    if not held:
        return "Nobody holds a place yet."
    return f"The {held} trainee{'s' if held != 1 else ''} holding a place will be emailed and see it on their dashboard."


@bp.get("/sessions/<int:session_id>/cancel")
def cancel_session_confirm(session_id: int):
    """Ask before cancelling a session people hold places on: they will be emailed."""
    session = db.get_or_404(TrainingSession, session_id)
    if session.cancelled_at is not None or session.starts_at <= utcnow():
        return redirect(url_for("coordinate.training_session", session_id=session.id))
    holders = [person for signup, person in sessions.signups_of(session.id) if signup.cancelled_at is None]
    return render_template(
        "coordinate/session_cancel.html", session=session, holders=holders, form=EmptyForm()
    )


@bp.post("/sessions/<int:session_id>/cancel")
def cancel_session(session_id: int):
    """Cancel a session: deleted if nobody holds a place, else kept, marked cancelled."""
    session = db.get_or_404(TrainingSession, session_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    title, held = session.title, sessions.places_held(session.id)
    try:
        sessions.cancel_session(session, actor=current_user.id)
    except sessions.SignupRefused as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return redirect(url_for("coordinate.training_session", session_id=session_id))
    db.session.commit()
    if held:
        flash(f"“{title}” is cancelled. {_who_hears(held)}", "success")
        return redirect(url_for("coordinate.training_session", session_id=session_id))
    flash(f"“{title}” is cancelled and no longer offered to trainees.", "success")
    return redirect(url_for("coordinate.training_sessions"))


@bp.get("/sessions/<int:session_id>.ics")
def session_calendar(session_id: int):
    """The session as a calendar file for the coordinator's own calendar."""
    session = db.get_or_404(TrainingSession, session_id)
    return calendar_response(sessions.calendar_of(session, request.host.split(":")[0]), session.id)


def calendar_response(text: str, session_id: int) -> Response:
    response = Response(text, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="peerpath-session-{session_id}.ics"'
    return response


@bp.post("/sessions/<int:session_id>/attendance")
def session_attendance(session_id: int):
    """Record who attended; their hours count toward the live-training requirement."""
    session = db.get_or_404(TrainingSession, session_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if session.starts_at > utcnow():
        flash("Take attendance once the session has started.", "error")
        return redirect(url_for("coordinate.training_session", session_id=session.id))
    attended = {int(v) for v in request.form.getlist("attended") if v.isdigit()}
    try:
        count = sessions.record_attendance(session, attended, current_user.id)
    except sessions.SignupRefused as refused:
        flash(str(refused), "error")
        return redirect(url_for("coordinate.training_session", session_id=session.id))
    db.session.commit()
    flash(f"Attendance saved: {count} attended.", "success")
    return redirect(url_for("coordinate.training_session", session_id=session.id))

"""A trainee's places on live training sessions: sign up, cancel (after a confirmation page),
and a calendar file for each session."""

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..extensions import db
from ..models import TrainingSession
from ..sessions import services as sessions
from ..web.forms import EmptyForm
from ..web.local_time import programme_time_text
from . import bp

BACK_TO_PANEL = "live-sessions"


@bp.post("/sessions/<int:session_id>/signup")
@login_required
def session_signup(session_id: int):
    """Take a place on a live training session."""
    session = db.session.get(TrainingSession, session_id)
    if session is None:
        return _gone()
    booked = f"You have a place at “{session.title}”, {programme_time_text(session.starts_at)}."
    return _session_change(session_id, sessions.sign_up, booked)


@bp.get("/sessions/<int:session_id>/cancel")
@login_required
def session_cancel_confirm(session_id: int):
    """Ask before giving a place back: the seat may be gone by the time they change their mind."""
    session = db.get_or_404(TrainingSession, session_id)
    if session.cancelled_at is not None:
        flash(f"“{session.title}” is cancelled: there is no place to give back.", "info")
        return redirect(url_for("learn.dashboard", _anchor=BACK_TO_PANEL))
    if not sessions.holds_place(session.id, current_user.id):
        flash(f"You do not hold a place at “{session.title}”.", "info")
        return redirect(url_for("learn.dashboard", _anchor=BACK_TO_PANEL))
    return render_template("learn/session_cancel.html", session=session, form=EmptyForm())


@bp.post("/sessions/<int:session_id>/cancel")
@login_required
def session_cancel(session_id: int):
    """Give a place back before the session starts."""
    session = db.session.get(TrainingSession, session_id)
    if session is None:
        return _gone()
    cancelled = f"Your place at “{session.title}” is cancelled and free for someone else."
    return _session_change(session_id, sessions.cancel, cancelled)


@bp.get("/sessions/<int:session_id>.ics")
@login_required
def session_calendar(session_id: int):
    """The session as a calendar file: the exact moment, whatever zone the calendar is in."""
    session = db.get_or_404(TrainingSession, session_id)
    response = Response(sessions.calendar_of(session, request.host.split(":")[0]), mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="peerpath-session-{session.id}.ics"'
    return response


def _gone():
    flash("That session does not exist any more.", "error")
    return redirect(url_for("learn.dashboard"))


def _session_change(session_id: int, change, done: str):
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        change(session_id, current_user.id)
    except sessions.SignupRefused as refused:
        db.session.rollback()
        flash(str(refused), "error")
    else:
        db.session.commit()
        flash(done, "success")
    return redirect(url_for("learn.dashboard", _anchor=BACK_TO_PANEL))

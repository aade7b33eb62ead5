"""Cohorts: their invite links (made anew, given a last day) and funnels, and moving a trainee
from one cohort to another."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError

from ..certification import standings as certification
from ..extensions import db
from ..models import Cohort, Role, User, utcnow
from ..notifications import following
from . import bp, services
from .cohort_forms import FollowCohortForm, InviteEndForm, MoveCohortForm, RotateInviteForm
from .forms import CohortForm


def _zone():
    return current_app.extensions["course"].program.zone


def last_day(cohort: Cohort):
    """The last day the cohort's invite link works, in the programme's zone, or None."""
    if cohort.invite_expires_at is None:
        return None
    return (cohort.invite_expires_at.astimezone(_zone()) - timedelta(days=1)).date()


def end_form(cohort: Cohort) -> InviteEndForm:
    """One per cohort on the page, so each field has its own id."""
    return InviteEndForm(formdata=None, prefix=f"cohort-{cohort.id}", last_day=last_day(cohort))


@bp.route("/cohorts", methods=("GET", "POST"))
def cohorts():
    """List cohorts with their invite links and funnels; create a cohort."""
    form = CohortForm()
    if form.validate_on_submit():
        try:
            cohort = services.create_cohort(form.name.data)
            db.session.commit()
        except (IntegrityError, services.CohortNameTaken):
            db.session.rollback()
            form.name.errors.append("A cohort with this name exists already.")
        else:
            message = (
                f"Cohort “{cohort.name}” created. Share its invite link with the trainees who should join it."
            )
            flash(message, "success")
            return redirect(url_for("coordinate.cohorts"))
    return _cohorts_page(form, {}, 422 if form.errors else 200)


def _cohorts_page(form: FlaskForm, invalid: dict[int, InviteEndForm], status: int):
    if certification.refresh_stale(current_app.extensions["course"]):
        db.session.commit()
    every = services.cohorts()
    page = render_template(
        "coordinate/cohorts.html",
        form=form,
        cohorts=every,
        end_forms={c.id: invalid.get(c.id) or end_form(c) for c in every},
        rotate_form=RotateInviteForm(),
        follow_form=FollowCohortForm(),
        followed=following.followed(current_user.id),
        last_days={c.id: last_day(c) for c in every},
        zone_name=current_app.extensions["course"].program.timezone,
        now=utcnow(),
        funnels=services.cohort_funnels(utcnow()),
        since_opened=services.SINCE_OPENED,
        now_counts=services.NOW,
    )
    return page, status


@bp.post("/cohorts/<int:cohort_id>/invite")
def rotate_invite(cohort_id: int):
    """A new invite link: whoever follows the old one is told it is no longer valid."""
    cohort = db.get_or_404(Cohort, cohort_id)
    if RotateInviteForm().validate_on_submit():
        services.rotate_invite(cohort, current_user.id)
        db.session.commit()
        flash(f"“{cohort.name}” has a new invite link. The old link no longer works.", "success")
    else:
        flash("The form had expired. Try again.", "error")
    return redirect(url_for("coordinate.cohorts", _anchor=f"cohort-{cohort.id}"))


@bp.post("/cohorts/<int:cohort_id>/invite-end")
def set_invite_end(cohort_id: int):
    """The last day a cohort's invite link works, in the programme's zone (or none)."""
    cohort = db.get_or_404(Cohort, cohort_id)
    form = InviteEndForm(prefix=f"cohort-{cohort.id}")
    valid = form.validate_on_submit()
    if valid and form.last_day.data and form.last_day.data < utcnow().astimezone(_zone()).date():
        form.last_day.errors.append("Choose today or a later day.")
        valid = False
    if not valid:
        return _cohorts_page(CohortForm(formdata=None), {cohort.id: form}, 422)
    services.set_invite_end(cohort, form.last_day.data, _zone(), current_user.id)
    db.session.commit()
    day = form.last_day.data
    flash(
        f"“{cohort.name}”'s invite link works until the end of {day:%d %B %Y}."
        if day
        else f"“{cohort.name}”'s invite link stays open.",
        "success",
    )
    return redirect(url_for("coordinate.cohorts", _anchor=f"cohort-{cohort.id}"))


@bp.post("/cohorts/<int:cohort_id>/follow")
def follow_cohort(cohort_id: int):
    """Get this cohort's weekly digest, and the warnings about its mentors' lapsing checks."""
    cohort = db.get_or_404(Cohort, cohort_id)
    if FollowCohortForm().validate_on_submit():
        following.follow(current_user.id, cohort, utcnow())
        db.session.commit()
        flash(f"You follow “{cohort.name}”: its weekly digest comes to you by email.", "success")
    else:
        flash("The form had expired. Try again.", "error")
    return redirect(url_for("coordinate.cohorts", _anchor="following"))


@bp.post("/cohorts/<int:cohort_id>/unfollow")
def unfollow_cohort(cohort_id: int):
    """Stop getting this cohort's weekly digest."""
    cohort = db.get_or_404(Cohort, cohort_id)
    if FollowCohortForm().validate_on_submit():
        following.unfollow(current_user.id, cohort)
        db.session.commit()
        flash(f"You no longer follow “{cohort.name}”.", "success")
    else:
        flash("The form had expired. Try again.", "error")
    return redirect(url_for("coordinate.cohorts", _anchor="following"))


@bp.post("/mentors/<int:user_id>/cohort")
def move_to_cohort(user_id: int):
    """Move a trainee to another cohort, or out of every cohort."""
    mentor = db.session.get(User, user_id)
    if mentor is None or mentor.role != Role.TRAINEE.value:
        abort(404)
    form = MoveCohortForm().with_choices(services.cohorts())
    if not form.validate_on_submit():
        flash("Choose one of the cohorts listed.", "error")
    elif services.move_trainee(mentor, form.cohort_id, current_user.id):
        db.session.commit()
        where = f"in {dict(form.cohort.choices)[form.cohort.data]}" if form.cohort_id else "in no cohort"
        flash(f"{mentor.name} is now {where}.", "success")
    else:
        flash("Nothing changed.", "info")
    return redirect(url_for("coordinate.mentor", user_id=mentor.id, _anchor="cohort-move"))

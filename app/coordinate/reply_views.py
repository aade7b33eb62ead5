"""Scoring practice on a rubric: the queue of typed role-play replies waiting for a score, one
reply's scoring page, and observed practice recorded on a mentor's page."""

from __future__ import annotations

from datetime import UTC, datetime, time

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from ..course import Course
from ..extensions import db
from ..models import utcnow
from ..practice import observations, replies
from ..web.forms import link_args
from . import bp, services
from .practice_forms import ReplyQueueFilterForm, observation_form, reply_score_form
from .views import _mentor_page, _trainee_or_404


def _course() -> Course:
    return current_app.extensions["course"]


def _queue_filters() -> tuple[ReplyQueueFilterForm, replies.QueueFilter]:
    course = _course()
    form = ReplyQueueFilterForm(request.args)
    form.cohort.choices = [
        SelectChoice("", "Any cohort"),
        *(SelectChoice(str(c.id), c.name) for c in services.cohort_choices()),
    ]
    form.scenario.choices = [
        SelectChoice("", "Any role-play"),
        *(
            SelectChoice(s, course.scenario_by_id[s].title)
            for s in replies.required_scenarios(course.program)
        ),
    ]
    form.read()
    cohort = form.cohort.data
    return form, replies.QueueFilter(
        cohort_id=int(cohort) if cohort and cohort.isdigit() else None,
        scenario_id=form.scenario.data or None,
        page=form.page.data or 1,
    )


@bp.get("/replies")
def reply_queue():
    """Typed replies in trainees' counted role-play runs that no one has scored, oldest first."""
    form, filters = _queue_filters()
    rows, total = replies.queue_page(_course().program, filters)
    pages = max(1, -(-total // replies.PAGE_SIZE))
    args = link_args(form)
    if filters.page > pages:
        return redirect(url_for("coordinate.reply_queue", **args, **({"page": pages} if pages > 1 else {})))
    return render_template(
        "coordinate/replies.html",
        form=form,
        rows=rows,
        total=total,
        page=filters.page,
        pages=pages,
        args=args,
        course=_course(),
    )


@bp.route("/replies/<int:step_id>", methods=("GET", "POST"))
def score_reply(step_id: int):
    """Score one typed reply on the programme's rubric; a scored reply shows its scores."""
    course = _course()
    reply = replies.reply_to_score(course, step_id)
    if reply is None:
        abort(404)
    rubric = course.program.rubric_by_id[course.program.reply_review.rubric_id]
    form = reply_score_form(rubric)
    if request.method == "POST" and reply.score is not None:
        return _already_scored(step_id, f"Already scored by {reply.scored_by or 'another coordinator'}.")
    if reply.score is None and form.validate_on_submit():
        try:
            comment = (form.comment.data or "").strip() or None
            replies.score_reply(reply, rubric, form.scores(), comment, current_user.id)
        except replies.AlreadyScored as done:
            db.session.rollback()
            return _already_scored(step_id, str(done))
        db.session.commit()
        flash(f"Saved your scores for {reply.trainee.name}'s reply.", "success")
        return _to_next(course)
    page = render_template(
        "coordinate/reply.html", reply=reply, rubric=rubric, form=form, args=_kept_filters()
    )
    return page, 422 if form.errors else 200


def _already_scored(step_id: int, message: str):
    """Someone scored the reply first: their scores are shown, and nothing of ours is saved."""
    flash(message, "info")
    return redirect(url_for("coordinate.score_reply", step_id=step_id, **_kept_filters()))


def _kept_filters() -> dict[str, str]:
    """The queue's filters, carried through the scoring page so "next" stays in the same queue."""
    return {k: v for k, v in request.args.items() if k in ("cohort", "scenario") and v}


def _to_next(course: Course):
    _, filters = _queue_filters()
    following = replies.first_waiting(course.program, filters._replace(page=1))
    if following is None:
        flash("No more replies wait for a score here.", "info")
        return redirect(url_for("coordinate.reply_queue", **_kept_filters()))
    return redirect(url_for("coordinate.score_reply", step_id=following, **_kept_filters()))


@bp.post("/mentors/<int:user_id>/observations/<requirement_id>")
def record_observation(user_id: int, requirement_id: str):
    """Record observed practice with a score per criterion of the requirement's rubric."""
    mentor = _trainee_or_404(user_id)
    program = _course().program
    required = next((r for r in program.requirements if r.id == requirement_id and r.rubric), None)
    if required is None:
        abort(404)
    form = observation_form(program.rubric_by_id[required.rubric], required.id)
    valid = form.validate_on_submit()
    if valid and form.date.data > utcnow().date():
        form.date.errors.append("The date cannot be in the future.")
        valid = False
    if not valid:
        return _mentor_page(mentor, {f"requirement-{required.id}": form}, status=422)
    on = datetime.combine(form.date.data, time(), tzinfo=UTC)
    note = (form.note.data or "").strip() or None
    observations.record_observation(
        mentor.id, required, form.rubric, on, form.observer.data.strip(), form.scores(), note, current_user.id
    )
    db.session.commit()
    flash(f"Recorded observed practice for {mentor.name}.", "success")
    return redirect(url_for("coordinate.mentor", user_id=mentor.id, _anchor="requirements"))

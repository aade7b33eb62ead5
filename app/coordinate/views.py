from datetime import UTC, datetime, time, timedelta

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user
from wtforms import SelectChoice

from ..certification import duties
from ..certification import standings as certification
from ..certification.facts import VALID
from ..certification.standards import coverage as standards_coverage
from ..certification.status import STATUS_LABELS, Status
from ..course import Course
from ..extensions import db
from ..matching import external_ids
from ..models import Role, User, utcnow
from ..people import roster, safeguarding_markers
from ..practice import replies
from ..web.forms import link_args
from . import bp, export, mentor_page, presenters, services
from .forms import (
    DoNotReengageForm,
    ExternalIdForm,
    MentorFilterForm,
    ReinstateForm,
    RequirementForm,
    RevokeForm,
    SignOffForm,
    stalled_words,
)
from .reports import local_midnight

REFUSALS_SHOWN_FOR = timedelta(days=90)


def _course() -> Course:
    return current_app.extensions["course"]


def _refresh_standings() -> None:
    """Bring the stored standings up to date before a list reads them, committing only if any
    changed (on PostgreSQL an empty commit costs two round trips)."""
    if certification.refresh_stale(_course()):
        db.session.commit()


def _filters() -> tuple[MentorFilterForm, roster.MentorFilter]:
    form = MentorFilterForm(request.args)
    form.cohort.choices = [
        SelectChoice("", "Any cohort"),
        *(SelectChoice(str(c.id), c.name) for c in services.cohort_choices()),
    ]
    form.stalled.description = stalled_words(_course().program.stalled_after_days)
    form.read()
    cohort = int(form.cohort.data) if form.cohort.data and form.cohort.data.isdigit() else None
    zone, start, end = _course().program.zone, form["from"].data, form.to.data
    return form, roster.MentorFilter(
        q=(form.q.data or "").strip(),
        status=form.status.data or "",
        cohort_id=cohort,
        stalled=bool(form.stalled.data),
        lapsing_days=int(form.lapsing.data) if form.lapsing.data else None,
        sort=form.sort.data or "name",
        descending=form.order.data == "desc",
        page=form.page.data or 1,
        registered_from=local_midnight(start, zone) if start else None,
        registered_before=local_midnight(end + timedelta(days=1), zone) if end else None,
    )


@bp.get("/")
def mentors():
    """List trainees with their status and progress: filter, search, sort, page."""
    _refresh_standings()
    form, filters = _filters()
    now = utcnow()
    rows, total = roster.mentor_page(filters, now)
    pages = max(1, -(-total // roster.PAGE_SIZE))
    args = link_args(form)
    if filters.page > pages:  # an old or hand-typed link past the end: the last page there is
        return redirect(url_for("coordinate.mentors", **args, **({"page": pages} if pages > 1 else {})))
    return render_template(
        "coordinate/mentors.html",
        form=form,
        rows=rows,
        hours=presenters.live_hours(_course().program, rows, now),
        now=now,
        total=total,
        page=filters.page,
        pages=pages,
        args=args,
        described=presenters.filters_described(form),
        refusals=safeguarding_markers.recent_refusals(utcnow() - REFUSALS_SHOWN_FOR),
        replies_waiting=replies.waiting_count(_course().program),
    )


@bp.get("/mentors.csv")
def mentors_csv():
    """Export the filtered list as CSV, streamed row by row."""
    _refresh_standings()
    _, filters = _filters()
    now = utcnow()
    leavers = request.args.get("leavers") != "0"  # deactivated and erased people, unless "0"
    chunks = export.mentors_csv(_course(), filters, now, leavers=leavers)
    return _csv(chunks, f"peerpath-mentors-{now:%Y-%m-%d}.csv")


def _csv(chunks, filename: str) -> Response:
    response = Response(stream_with_context(chunks), mimetype="text/csv")
    response.headers["Content-Disposition"] = f"attachment; filename={filename}"
    return response


def _trainee_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.role != Role.TRAINEE.value:
        abort(404)
    return user


@bp.get("/mentors/<int:user_id>")
def mentor(user_id: int):
    """Show one trainee's record: progress, quiz answers, role-play transcripts, certification history."""
    return _mentor_page(_trainee_or_404(user_id))


def _mentor_page(mentor: User, invalid: dict | None = None, status: int = 200):
    """The mentor page; ``invalid`` holds the forms (by name) that come back with errors."""
    return render_template(
        "coordinate/mentor.html", **mentor_page.context(_course(), mentor, invalid)
    ), status


@bp.post("/mentors/<int:user_id>/external-id")
def set_external_id(user_id: int):
    """Set or clear the matching system's own id for a mentor."""
    mentor = _trainee_or_404(user_id)
    form = ExternalIdForm()
    if form.validate_on_submit():
        problem = external_ids.problem_with(form.external_id.data or "")
        if problem is None:
            try:
                changed = external_ids.set_external_id(mentor, form.external_id.data or "", current_user.id)
            except external_ids.ExternalIdTaken as taken:
                problem = str(taken)
            else:
                db.session.commit()
                flash(f"{mentor.name}'s external id is saved." if changed else "Nothing changed.", "success")
                return redirect(url_for("coordinate.mentor", user_id=mentor.id, _anchor="matching"))
        form.external_id.errors.append(problem)
    return _mentor_page(mentor, {"external_id_form": form}, status=422)


@bp.post("/mentors/<int:user_id>/requirements/<requirement_id>")
def record_requirement(user_id: int, requirement_id: str):
    """Record that a screening step or live training happened outside PeerPath (no results, no documents)."""
    mentor = _trainee_or_404(user_id)
    required = next((r for r in _course().program.requirements if r.id == requirement_id), None)
    # Observed practice has its own form (scores); only the trainee acknowledges the procedure.
    if required is None or required.rubric or required.kind == "acknowledge":
        abort(404)
    form = RequirementForm().with_ids_for(required.id)
    valid = form.validate_on_submit()
    if valid and form.date.data > utcnow().date():
        form.date.errors.append("The date cannot be in the future.")
        valid = False
    if valid and required.hours and not form.hours.data:
        form.hours.errors.append(
            f"Give the hours attended (this requirement needs {required.hours:g} in all)."
        )
        valid = False
    if not valid:
        return _mentor_page(mentor, {f"requirement-{required.id}": form}, status=422)
    certification.record_requirement(
        mentor.id,
        required.id,
        datetime.combine(form.date.data, time(), tzinfo=UTC),
        form.hours.data if required.hours else None,
        (form.note.data or "").strip() or None,
        current_user.id,
    )
    db.session.commit()
    flash(f"Recorded “{required.title}” for {mentor.name}.", "success")
    return redirect(url_for("coordinate.mentor", user_id=mentor.id, _anchor="requirements"))


@bp.post("/mentors/<int:user_id>/sign-off")
def sign_off(user_id: int):
    """Sign a trainee off as ready to be matched (only once everything else is done)."""
    mentor = _trainee_or_404(user_id)
    form = SignOffForm()
    certification.lock_trainee(mentor.id)  # one sign-off, one certificate, however many clicks
    standing = certification.standing_of(_course(), mentor.id)
    refusal = duties.sign_off_refusal(_course().program, current_user, mentor.id)
    if standing.status != Status.AWAITING_REVIEW:
        flash(
            f"{mentor.name} cannot be signed off now: their status is “{STATUS_LABELS[standing.status]}”.",
            "error",
        )
    elif refusal:
        flash(refusal, "error")
    elif form.validate_on_submit():
        certification.record_decision(
            mentor.id, current_user.id, "sign_off", _course(), form.reason.data or None
        )
        db.session.commit()
        flash(f"{mentor.name} is signed off and certified as ready to be matched.", "success")
    return redirect(url_for("coordinate.mentor", user_id=mentor.id))


@bp.route("/mentors/<int:user_id>/revoke", methods=("GET", "POST"))
def revoke(user_id: int):
    """Revoke a valid certificate: a page that says what revoking does and asks why, then the POST."""
    mentor = _trainee_or_404(user_id)
    form = RevokeForm()
    if request.method == "POST":
        certification.lock_trainee(mentor.id)  # simultaneous revokes: one after the other
    if certification.standing_of(_course(), mentor.id).status not in VALID:
        flash(f"{mentor.name} holds no valid certificate to revoke.", "info")
        return redirect(url_for("coordinate.mentor", user_id=mentor.id))
    if form.validate_on_submit():
        certification.record_decision(
            mentor.id, current_user.id, "revoke", _course(), form.reason.data.strip()
        )
        db.session.commit()
        flash(f"{mentor.name}'s certification is revoked.", "success")
        return redirect(url_for("coordinate.mentor", user_id=mentor.id))
    page = render_template("coordinate/revoke.html", mentor=mentor, form=form)
    return page, 422 if form.errors else 200


@bp.post("/mentors/<int:user_id>/reinstate")
def reinstate(user_id: int):
    """Lift a revocation, with a reason for the log ("do not re-engage" stays until voided)."""
    return _decide(
        user_id,
        "reinstate",
        ReinstateForm(),
        allowed=lambda s: s == Status.REVOKED and not duties.marked_do_not_reengage(user_id),
        refused="{name} is not revoked, or is marked “do not re-engage” (a safeguarding lead can void that).",
        done="{name} is reinstated.",
    )


@bp.post("/mentors/<int:user_id>/do-not-reengage")
def do_not_reengage(user_id: int):
    """A safeguarding lead's decision that this person must not mentor here again, with a reason."""
    if not current_user.is_safeguarding_lead:
        abort(403)
    return _decide(
        user_id,
        "do_not_reengage",
        DoNotReengageForm(),
        allowed=lambda s: not duties.marked_do_not_reengage(user_id),
        refused="{name} is already marked “do not re-engage”.",
        done="{name} is marked “do not re-engage”: not matchable, and a new registration with their email is refused.",
    )


def _decide(user_id: int, kind: str, form, allowed, refused: str, done: str):
    """Record a decision that needs a reason, if the trainee's status allows it."""
    mentor = _trainee_or_404(user_id)
    certification.lock_trainee(mentor.id)  # simultaneous decisions: one after the other
    if not allowed(certification.standing_of(_course(), mentor.id).status):
        flash(refused.format(name=mentor.name), "info")
    elif form.validate_on_submit():
        certification.record_decision(mentor.id, current_user.id, kind, _course(), form.reason.data.strip())
        db.session.commit()
        flash(done.format(name=mentor.name), "success")
    else:
        flash(" ".join(form.reason.errors) or "The form could not be accepted.", "error")
    return redirect(url_for("coordinate.mentor", user_id=mentor.id))


@bp.get("/standards")
def standards():
    """Which training topics the course covers, module by module, for coordinators and funders."""
    return render_template("coordinate/standards.html", coverage=standards_coverage(_course()))


@bp.get("/standards.csv")
def standards_csv():
    """Each active trainee against each training topic (met when a module teaching it is complete)."""
    _refresh_standings()
    now = utcnow()
    return _csv(export.standards_csv(_course(), now), f"peerpath-standards-{now:%Y-%m-%d}.csv")

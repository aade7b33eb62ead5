import math

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..certification.records import load_learner
from ..certification.standings import record_activity, revisit_due
from ..certification.status import standing
from ..course import Course, Module, Section
from ..extensions import db
from ..learning.pacing import Reading
from ..learning.progress import course_progress, module_progress
from ..models import Role, utcnow
from ..sessions import services as sessions
from ..web.forms import EmptyForm
from ..web.home import home_url
from . import bp, services
from .certificate import certificate_evidence
from .forms import ReflectionForm, reflection_forms
from .next_steps import dashboard_plan


def _course() -> Course:
    return current_app.extensions["course"]


def _module_or_404(module_id: str) -> Module:
    module = _course().module_by_id.get(module_id)
    if module is None:
        abort(404)
    return module


def _section_or_404(module: Module, section_id: str) -> Section:
    section = module.section_by_id.get(section_id)
    if section is None:
        abort(404)
    return section


@bp.get("/")
def dashboard():
    """Show a trainee every module with their progress; show visitors what PeerPath is."""
    if not current_user.is_authenticated:
        return render_template("learn/welcome.html", course=_course())
    if current_user.role != Role.TRAINEE:
        return redirect(home_url(current_user))  # staff have no training of their own
    now = utcnow()
    learner = load_learner(current_user)
    progress = course_progress(_course(), learner.read, learner.quizzes, learner.scenarios)
    now_standing = standing(_course().program, _course(), learner.records, now)
    return render_template(
        "learn/dashboard.html",
        course=_course(),
        standing=now_standing,
        plan=dashboard_plan(_course(), learner, now_standing, progress),
        progress=progress,
        modules_complete=sum(module.complete for module in progress),
        live_sessions=sessions.upcoming_with_seats(current_user.id, now),
        # Only a trainee with a reviewed reply has feedback to read: the others need no statement.
        reviewed=any(reply.scores is not None for reply in learner.records.replies),
    )


@bp.get("/certificate")
@login_required
def certificate():
    """Show the trainee's certificate, ready to print."""
    evidence = certificate_evidence(_course(), current_user.id, utcnow())
    if not evidence.standing.valid:
        flash("You will have a certificate once your coordinator signs you off.", "info")
        return redirect(url_for("learn.dashboard"))
    return render_template(
        "learn/certificate.html", standing=evidence.standing, evidence=evidence, program=_course().program
    )


@bp.get("/modules/<module_id>")
@login_required
def module_overview(module_id: str):
    """Show a module's aims and sections, ticking the ones read."""
    module = _module_or_404(module_id)
    learner = load_learner(current_user)
    progress = module_progress(_course(), module, learner.read, learner.quizzes, learner.scenarios)
    needed = {required.scenario_id for required in _course().program.scenarios}
    return render_template("learn/module.html", module=module, progress=progress, needed=needed)


@bp.get("/modules/<module_id>/<section_id>")
@login_required
def section(module_id: str, section_id: str):
    """Show one section; it counts as read when the trainee moves on after time to read it."""
    module = _module_or_404(module_id)
    section = _section_or_404(module, section_id)
    state = services.section_state(current_user.id, module.id, section.id)
    if not state.already_read and _course().program.pacing.reading_words_per_minute:
        if not state.open_here:  # a reload keeps the time the page was first opened
            services.open_page(current_user.id, module, section, utcnow())
            db.session.commit()
    elif not state.already_read:
        services.record_section_read(current_user.id, module, section)
        record_activity(current_user)
        db.session.commit()
    elif revisit_due(current_user):  # a re-read only adds time on task, at most once a minute
        record_activity(current_user)
        db.session.commit()
    return _render_section(module, section, state.reflections)


@bp.post("/modules/<module_id>/<section_id>/done")
@login_required
def section_done(module_id: str, section_id: str):
    """Move on to the next page, counting this section as read if it was open long enough."""
    module = _module_or_404(module_id)
    section = _section_or_404(module, section_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    pacing = _course().program.pacing
    if (
        pacing.reading_words_per_minute
        and not services.section_state(current_user.id, module.id, section.id).already_read
    ):
        reading = services.move_on(current_user.id, module, section, pacing, utcnow())
        record_activity(current_user, credit=reading.credit)
        db.session.commit()
        if not reading.counted:
            flash(_not_counted_yet(section, reading), "info")
    return redirect(_page_after(module, section))


def _not_counted_yet(section: Section, reading: Reading) -> str:
    needed = math.ceil(reading.needed.total_seconds() / 60)
    return (
        f"\u201c{section.title}\u201d is not counted as read yet: it takes about {needed} "
        f"minute{'s' if needed != 1 else ''} to read, and it counts when you move on from it after "
        "reading it. Come back to it when you have time."
    )


def _page_after(module: Module, section: Section) -> str:
    _, following = module.neighbours(section.id)
    if following:
        return url_for("learn.section", module_id=module.id, section_id=following.id)
    if module.id in _course().quiz_for_module:
        return url_for("learn.quiz_home", module_id=module.id)
    return url_for("learn.module_overview", module_id=module.id)


@bp.post("/modules/<module_id>/<section_id>/reflections/<prompt_id>")
@login_required
def save_reflection(module_id: str, section_id: str, prompt_id: str):
    """Save the trainee's private answer to one reflect prompt."""
    module = _module_or_404(module_id)
    section = _section_or_404(module, section_id)
    if prompt_id not in {prompt.id for prompt in section.reflect_prompts}:
        abort(404)
    form = ReflectionForm(prefix=prompt_id)
    if not form.validate_on_submit():
        saved = services.section_state(current_user.id, module.id, section.id).reflections
        return _render_section(module, section, saved, invalid={prompt_id: form}), 422
    services.save_reflection(current_user.id, module.id, prompt_id, form.text.data.strip())
    record_activity(current_user)
    db.session.commit()
    flash("Your reflection is saved. Only you can see it.", "success")
    return redirect(
        url_for("learn.section", module_id=module.id, section_id=section.id, _anchor=f"reflect-{prompt_id}")
    )


def _render_section(
    module: Module, section: Section, saved: dict[str, str], invalid: dict[str, ReflectionForm] | None = None
):
    forms = reflection_forms(section.reflect_prompts, saved, invalid)
    previous, following = module.neighbours(section.id)
    return render_template(
        "learn/section.html",
        done_form=EmptyForm(),
        module=module,
        quiz=_course().quiz_for_module.get(module.id),
        section=section,
        forms=forms,
        saved=saved,
        previous=previous,
        following=following,
        position=[s.id for s in module.sections].index(section.id) + 1,
    )

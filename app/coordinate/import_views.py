"""Bringing trainees in: import a CSV file (checked in a dry run, always, then imported as
checked), and email an invitation again to someone who has not chosen a password yet."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ..certification import standings as certification
from ..extensions import db
from ..models import Role, User
from ..people import import_writer, imports, invitations
from ..web.forms import EmptyForm
from . import bp
from .import_forms import ConfirmImportForm, ImportForm

# The checked file travels in the confirmation form: a little over the file's own size at most
# (it is compressed), so a request may carry twice the file limit before the server refuses it.
REQUEST_LIMIT = 2 * imports.LIMIT_BYTES + 64 * 1024
CHECKED_FOR_SECONDS = 3600


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="coordinator-import")


@bp.record_once
def _first_raise_the_limits(state) -> None:
    """The app reads every POST's form before any view runs (the CSRF and NUL checks), with the
    app-wide size limits: the import's own limits must be set before those checks, so first."""
    state.app.before_request_funcs.setdefault(None, []).insert(0, _allow_large_imports)


def _allow_large_imports() -> None:
    if request.endpoint in ("coordinate.check_import", "coordinate.confirm_import") and getattr(
        current_user, "is_staff", False
    ):
        request.max_content_length = REQUEST_LIMIT
        request.max_form_memory_size = REQUEST_LIMIT


def _plan(data: bytes, options: imports.Options) -> imports.Plan:
    program = current_app.extensions["course"].program
    return import_writer.dry_run(data, program, imports.programme_today(program), options)


@bp.get("/import")
def import_page():
    return _page(ImportForm(formdata=None), None, None, 200)


@bp.post("/import")
def check_import():
    """Check an uploaded file and show every problem, or what importing it would do."""
    form = ImportForm()
    plan, confirm = None, ConfirmImportForm(formdata=None)
    valid = form.validate_on_submit()
    upload = form.file.data if valid else None
    if valid and not upload:
        form.file.errors.append("Choose a CSV file to check.")
    elif upload:
        with upload.stream:  # a large upload waits in a temporary file: closed once read
            data = upload.read(imports.LIMIT_BYTES + 1)
        problem = _file_problem(upload.filename or "", data)
        if problem:
            form.file.errors.append(problem)
        else:
            options = imports.Options(form.create_cohorts.data, form.update.data)
            plan = _plan(data, options)
            confirm.checked.data = _signer().dumps(_payload(upload.filename, data, form, current_user.id))
    status = 200 if plan is not None and plan.clean else 422
    return _page(form, plan, confirm, status)


def _page(form: ImportForm, plan, confirm, status: int):
    requirements = current_app.extensions["course"].program.requirements
    page = render_template(
        "coordinate/import.html",
        form=form,
        plan=plan,
        confirm=confirm,
        requirements=[r for r in requirements if imports.importable(r)],
        assessed=[r for r in requirements if not imports.importable(r)],
    )
    return page, status


def _file_problem(filename: str, data: bytes) -> str | None:
    if not filename.lower().endswith((".csv", ".txt")):
        return "Choose a CSV file (its name ends in .csv): in a spreadsheet, save as “CSV UTF-8”."
    unreadable = imports.read_table(data)
    return (
        f"{unreadable.message[0].upper()}{unreadable.message[1:]}."
        if isinstance(unreadable, imports.Problem)
        else None
    )


def _payload(filename: str, data: bytes, form: ImportForm, user_id: int) -> dict:
    return {
        "name": filename,
        "csv": data.decode("utf-8-sig"),
        "create_cohorts": bool(form.create_cohorts.data),
        "update": bool(form.update.data),
        "invitations": bool(form.invitations.data),
        "by": user_id,
    }


@bp.post("/import/confirm")
def confirm_import():
    """Import the file checked on the previous page, checking it again first (the database may
    have changed since); one transaction, so a failure writes nothing."""
    form = ConfirmImportForm()
    try:
        checked = (
            _signer().loads(form.checked.data or "", max_age=CHECKED_FOR_SECONDS)
            if form.validate_on_submit()
            else None
        )
    except BadSignature:
        checked = None
    if not checked or checked.get("by") != current_user.id:
        flash("That check has expired. Choose the file and check it again.", "error")
        return redirect(url_for("coordinate.import_page"))
    plan = _plan(checked["csv"].encode(), imports.Options(checked["create_cohorts"], checked["update"]))
    if not plan.clean:
        page = ImportForm(formdata=None, create_cohorts=checked["create_cohorts"], update=checked["update"])
        return _page(page, plan, form, 422)
    course = current_app.extensions["course"]
    done = import_writer.write(plan, course, current_user.id, checked["name"])
    certification.refresh(course, done.everyone)
    invited = import_writer.invite(done.created) if checked["invitations"] else 0
    db.session.commit()
    flash(f"Imported {plan.summary()}. {invited} invitations are on their way.", "success")
    return redirect(url_for("coordinate.import_page"))


@bp.post("/mentors/<int:user_id>/invitation")
def resend_invitation(user_id: int):
    """Email the invitation again, for someone who has not chosen a password: a new link."""
    mentor = db.session.get(User, user_id)
    if mentor is None or mentor.role != Role.TRAINEE.value:
        abort(404)
    if EmptyForm().validate_on_submit() and mentor.is_active and mentor.email_verified_at is None:
        try:
            invitations.send_invitation(mentor)
        except invitations.NoPublicAddress:
            flash("Invitations cannot be emailed until the site's PUBLIC_URL is set.", "error")
        else:
            db.session.commit()
            flash(f"A new invitation is on its way to {mentor.email}.", "success")
    return redirect(url_for("coordinate.mentor", user_id=mentor.id, _anchor="invitation"))

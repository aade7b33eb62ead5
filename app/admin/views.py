from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from ..extensions import db
from ..models import RecoveryCode, Role, SecondFactor, User, remove_second_factor
from ..people import audit
from ..web.forms import link_args
from . import bp, services
from .forms import AuditFilterForm, ReasonForm, RoleForm, SecondFactorResetForm, UserFilterForm


def _pages(total: int, size: int) -> int:
    return max(1, -(-total // size))


@bp.get("/")
def index():
    return redirect(url_for("admin.users"))


@bp.get("/users")
def users():
    """Every account, with search and filters."""
    form = UserFilterForm(request.args).read()
    filters = services.UserFilter(
        q=(form.q.data or "").strip(),
        role=form.role.data or "",
        state=form.state.data or "",
        page=form.page.data or 1,
    )
    rows, total = services.user_page(filters)
    args = link_args(form)
    return render_template(
        "admin/users.html",
        form=form,
        users=rows,
        total=total,
        page=filters.page,
        pages=_pages(total, services.PAGE_SIZE),
        args=args,
    )


@bp.get("/users/<int:user_id>")
def user(user_id: int):
    account = db.get_or_404(User, user_id)
    return _user_page(account)


def _user_page(account: User, role_form=None, reason_form=None, reset_form=None, status: int = 200):
    role_form = role_form or RoleForm(role=account.role)
    history, _ = audit.page_of_entries(1, subject=("user", account.id))
    return (
        render_template(
            "admin/user.html",
            account=account,
            role_form=role_form,
            reason_form=reason_form or ReasonForm(),
            reset_form=reset_form or SecondFactorResetForm(),
            second_factor=db.session.get(SecondFactor, account.id),
            recovery_codes_left=db.session.scalar(
                select(func.count()).where(RecoveryCode.user_id == account.id, RecoveryCode.used_at.is_(None))
            ),
            history=history,
        ),
        status,
    )


@bp.post("/users/<int:user_id>/role")
def change_role(user_id: int):
    account = db.get_or_404(User, user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        return _user_page(account, role_form=form, status=422)
    try:
        changed = services.change_role(account, Role(form.role.data), current_user)
    except services.RefusedChange as refused:
        flash(str(refused), "error")
    else:
        db.session.commit()
        if changed:
            flash(f"{account.name} is now {form.role.data}.", "success")
    return redirect(url_for("admin.user", user_id=account.id))


@bp.post("/users/<int:user_id>/deactivate")
def deactivate(user_id: int):
    return _reasoned(user_id, services.deactivate, "{name} is deactivated and logged out everywhere.")


@bp.post("/users/<int:user_id>/reactivate")
def reactivate(user_id: int):
    return _reasoned(user_id, services.reactivate, "{name} can log in again.")


def _reasoned(user_id: int, change, done: str):
    account = db.get_or_404(User, user_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        return _user_page(account, reason_form=form, status=422)
    try:
        change(account, current_user, form.reason.data.strip())
    except services.RefusedChange as refused:
        flash(str(refused), "error")
    else:
        db.session.commit()
        flash(done.format(name=account.name), "success")
    return redirect(url_for("admin.user", user_id=account.id))


@bp.post("/users/<int:user_id>/second-factor/reset")
def reset_second_factor(user_id: int):
    """A lost device: remove the person's authenticator app and recovery codes, with a reason.
    They log in with their password alone until they set up a new one (or are made to)."""
    account = db.get_or_404(User, user_id)
    form = SecondFactorResetForm()
    if not form.validate_on_submit():
        return _user_page(account, reset_form=form, status=422)
    if account.id == current_user.id:
        flash("Manage your own two-step login under your account's Two-step login page.", "error")
    elif not remove_second_factor(db.session, account.id):
        flash(f"{account.name} has no two-step login to reset.", "error")
    else:
        audit.record(
            "account.second_factor_reset",
            "user",
            account.id,
            current_user.id,
            reason=form.reset_reason.data.strip(),
        )
        db.session.commit()
        flash(
            f"{account.name}'s two-step login is reset: their password alone logs them in until they set it up again.",
            "success",
        )
    return redirect(url_for("admin.user", user_id=account.id))


@bp.get("/audit")
def audit_log():
    """Who changed what: sign-offs, revocations, roles, deactivations, tokens. Newest first."""
    form = AuditFilterForm(request.args).read()
    page = form.page.data or 1
    lines, total = audit.page_of_entries(page, action=form.action.data or "")
    args = link_args(form)
    return render_template(
        "admin/audit.html",
        form=form,
        lines=lines,
        total=total,
        page=page,
        pages=_pages(total, audit.PAGE_SIZE),
        args=args,
    )

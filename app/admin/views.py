from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from ..extensions import db
from ..models import Role, User
from ..people import api_tokens as tokens
from ..people import audit
from ..web.forms import EmptyForm
from . import bp, services
from .forms import AuditFilterForm, ReasonForm, RoleForm, TokenForm, UserFilterForm


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
    args = {k: v for k, v in request.args.items() if k != "page"}
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


def _user_page(account: User, role_form=None, reason_form=None, status: int = 200):
    role_form = role_form or RoleForm(role=account.role)
    history, _ = audit.page_of_entries(1, subject=("user", account.id))
    return (
        render_template(
            "admin/user.html",
            account=account,
            role_form=role_form,
            reason_form=reason_form or ReasonForm(),
            history=history,
        ),
        status,
    )


@bp.post("/users/<int:user_id>/role")
def change_role(user_id: int):
    account = db.get_or_404(User, user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        return _user_page(account, role_form=form, status=400)
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
        return _user_page(account, reason_form=form, status=400)
    try:
        change(account, current_user, form.reason.data.strip())
    except services.RefusedChange as refused:
        flash(str(refused), "error")
    else:
        db.session.commit()
        flash(done.format(name=account.name), "success")
    return redirect(url_for("admin.user", user_id=account.id))


@bp.route("/tokens", methods=("GET", "POST"))
def api_tokens():
    """Tokens for the matching API: create one (its secret is shown once) or revoke one."""
    form = TokenForm()
    secret = None
    if form.validate_on_submit():
        token, secret = tokens.create_token(form.name.data, current_user.id)
        db.session.commit()
        form = TokenForm(formdata=None)
    response = make_response(
        render_template(
            "admin/tokens.html", form=form, tokens=tokens.all_tokens(), secret=secret, revoke_form=EmptyForm()
        ),
        400 if form.errors else 200,
    )
    response.headers["Cache-Control"] = "no-store"  # the secret must not linger in a cache
    return response


@bp.post("/tokens/<int:token_id>/revoke")
def revoke_token(token_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    if not tokens.revoke_token(token_id, current_user.id):
        abort(404)
    db.session.commit()
    flash(f"API token #{token_id} is revoked: requests with it are refused from now on.", "success")
    return redirect(url_for("admin.api_tokens"))


@bp.get("/audit")
def audit_log():
    """Who changed what: sign-offs, revocations, roles, deactivations, tokens. Newest first."""
    form = AuditFilterForm(request.args).read()
    page = form.page.data or 1
    lines, total = audit.page_of_entries(page, action=form.action.data or "")
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template(
        "admin/audit.html",
        form=form,
        lines=lines,
        total=total,
        page=page,
        pages=_pages(total, audit.PAGE_SIZE),
        args=args,
    )

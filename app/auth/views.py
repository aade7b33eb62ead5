from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from ..extensions import db, limiter, login_manager
from ..models import normalise_email
from . import bp, services
from .forms import ChangePasswordForm, EmptyForm, LoginForm, RegisterForm

login_manager.login_view = "auth.login"
login_manager.login_message = "Please log in to continue."
login_manager.login_message_category = "info"
login_manager.user_loader(services.load_user_from_cookie_id)


@bp.route("/register", methods=("GET", "POST"))
def register():
    """Create a trainee account and log it in."""
    if current_user.is_authenticated:
        return redirect(url_for("learn.dashboard"))
    invite = request.args.get("invite", "")[:64]
    cohort = services.cohort_for_invite(invite) if invite else None
    if invite and cohort is None:
        flash(
            "That invite link is not valid any more. You can still register; ask your coordinator for a new link.",
            "error",
        )
    form = RegisterForm()
    if form.validate_on_submit():
        user = services.create_user(form.email.data, form.name.data, form.password.data)
        user.cohort_id = cohort.id if cohort else None
        db.session.commit()
        login_user(user)
        flash(f"Welcome to PeerPath, {user.name}. Your training starts below.", "success")
        return redirect(url_for("learn.dashboard"))
    return render_template("auth/register.html", form=form, cohort=cohort)


def _login_account() -> str:
    return "login-account:" + normalise_email(request.form.get("email", ""))[:254]


def _failed_login(response) -> bool:
    return response.status_code == 200  # a failed login re-renders the form; success redirects


@bp.route("/login", methods=("GET", "POST"))
# Guessing is throttled per account (whoever tries) and per address (whichever accounts).
@limiter.limit(
    "10 per 15 minutes",
    key_func=_login_account,
    methods=["POST"],
    deduct_when=_failed_login,
    error_message="Too many failed logins for this account.",
)
@limiter.limit(
    "30 per 15 minutes",
    methods=["POST"],
    deduct_when=_failed_login,
    error_message="Too many failed logins from this address.",
)
def login():
    """Log in with email and password."""
    if current_user.is_authenticated:
        return redirect(url_for("learn.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user, remember=form.remember.data)
            return redirect(services.safe_next(request.args.get("next")) or url_for("learn.dashboard"))
        form.form_errors.append("That email and password do not match an account.")
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    """Log out and forget the remember-me cookie."""
    if EmptyForm().validate_on_submit():
        logout_user()
        flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=("GET", "POST"))
@login_required
def change_password():
    """Change the password, after checking the current one."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if current_user.check_password(form.current.data):
            services.change_password(current_user, form.password.data)
            db.session.commit()
            login_user(current_user)  # re-issue this session's cookie with the new version
            flash("Your password is changed. Other devices have been logged out.", "success")
            return redirect(url_for("learn.dashboard"))
        form.current.errors.append("That is not your current password.")
    return render_template("auth/password.html", form=form)

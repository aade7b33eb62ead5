from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy.exc import IntegrityError

from ..extensions import db, limiter, login_manager
from ..models import User, has_second_factor, normalise_email, utcnow
from ..people import audit, password_links, safeguarding_markers
from ..people.mail import send_email
from ..web.forms import EmptyForm
from ..web.home import home_url
from . import bp, reset, services, throttle, two_step, verification
from .forms import (
    ChangePasswordForm,
    LoginForm,
    NewPasswordForm,
    RegisterForm,
    ResetRequestForm,
)

login_manager.login_view = "auth.login"
login_manager.login_message = "Please log in to continue."
login_manager.login_message_category = "info"
login_manager.user_loader(services.load_user_from_cookie_id)


_TAKEN = "An account with this email already exists. Log in instead."
_REFUSED = "We could not create an account with these details. Please contact your programme coordinator."


@bp.route("/register", methods=("GET", "POST"))
# A few accounts per address and hour: each runs the password hash and may send an email (F7).
@throttle.registrations
def register():
    """Create a trainee account: confirmed by email first, or (``registration: open``) at once."""
    if current_user.is_authenticated:
        return redirect(url_for("learn.dashboard"))
    mode = verification.registration_mode()
    invite = request.args.get("invite", "")[:64]
    cohort = services.cohort_for_invite(invite) if invite else None
    if mode == "invite_only" and cohort is None:
        return render_template("auth/registration_closed.html", invite_refused=bool(invite))
    if invite and cohort is None:
        flash(
            "That invite link is not valid any more. You can still register; ask your coordinator for a new link.",
            "error",
        )
    form = RegisterForm()
    if form.validate_on_submit():
        if safeguarding_markers.refuse_registration(form.email.data, utcnow()):
            db.session.commit()  # the refusal, for coordinators; the person reads nothing about why
            form.form_errors.append(_REFUSED)
        elif mode != "open":
            return _register_to_confirm(form, cohort)
        elif (user := _create_account(form, cohort)) is not None:
            services.start_session(user)
            flash(f"Welcome to PeerPath, {user.name}. Your training starts below.", "success")
            return redirect(url_for("learn.dashboard"))
    return render_template("auth/register.html", form=form, cohort=cohort, by_email=mode != "open")


def _register_to_confirm(form: RegisterForm, cohort):
    """The account waits for its emailed link; the answer is the same for a taken address."""
    if _public_url("/") is None:
        current_app.logger.error("PUBLIC_URL is not set: refusing to email a link built from the Host header")
        form.form_errors.append("Registration is not set up on this site yet. Ask your coordinator.")
        return render_template("auth/register.html", form=form, cohort=cohort, by_email=True), 503
    try:
        verification.register(
            form.email.data, form.name.data, form.password.data, cohort.id if cohort else None
        )
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # the same address registered a moment ago: the same answer
    session[verification.SENT_TO] = normalise_email(form.email.data)
    return redirect(url_for("auth.check_email"))


def _create_account(form: RegisterForm, cohort) -> User | None:
    """The new account, or None with the email field's error when the email has an account
    (F13: the unique index decides, so a race between two registrations is answered the same)."""
    try:
        user = services.create_user(form.email.data, form.name.data, form.password.data, verified=False)
        user.cohort_id = cohort.id if cohort else None
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        form.email.errors.append(_TAKEN)
        return None
    return user


_DEACTIVATED = (
    "This account has been deactivated. Contact your programme coordinator if you think this is wrong."
)
_UNCONFIRMED = (
    "Confirm your email before you log in: follow the link we emailed you when you registered. "
    "It may be in your spam folder."
)


def _refusal(user: User) -> str | None:
    """Why someone who typed the right password may still not log in: said only to them, so it
    reveals nothing to a guesser."""
    if not user.is_active:
        return _DEACTIVATED
    if verification.needs_verification(user):
        return _UNCONFIRMED
    return None


@bp.route("/login", methods=("GET", "POST"))
# Guessing is throttled per account (unknown devices) or per known device, and per address; the
# code step (two_factor_views) shares the same budgets.
@throttle.login_guesses
def login():
    """Log in with email and password; staff with a second factor go on to type a code."""
    if current_user.is_authenticated:
        return redirect(home_url(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            form.form_errors.append("That email and password do not match an account.")
        elif refusal := _refusal(user):
            form.form_errors.append(refusal)
        else:
            target = services.safe_next(request.args.get("next"))
            db.session.commit()  # an older password hash upgraded to Argon2id
            if user.is_staff and has_second_factor(db.session, user.id):
                # Half logged in: nothing is signed in until the code is right.
                two_step.begin_login(user, remember=form.remember.data, next_target=target)
                return redirect(url_for("auth.login_code"))
            two_step.forget_login()
            services.start_session(user, remember=form.remember.data)
            return redirect(target or home_url(user))
    unconfirmed = _UNCONFIRMED in form.form_errors
    mode = verification.registration_mode()
    return render_template("auth/login.html", form=form, unconfirmed=unconfirmed, registration=mode)


def _end_session_here() -> None:
    if current_user.is_authenticated:
        # The server forgets the session, not just this browser: a copied session or remember-me
        # cookie names a session version that no longer loads (F4).
        services.end_sessions(current_user.id)
        db.session.commit()
    logout_user()
    services.renew_csrf_token()
    two_step.forget_login()
    two_step.forget_enrolment()


@bp.post("/logout")
def logout():
    """Log out: this session's cookies stop working on the server too."""
    if EmptyForm().validate_on_submit():
        _end_session_here()
        flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))


@bp.post("/logout-everywhere")
@login_required
def logout_everywhere():
    """End every session of the account, on every device, this one included."""
    if EmptyForm(prefix="everywhere").validate_on_submit():
        _end_session_here()
        flash("You are logged out on every device. Log in again here when you need to.", "info")
        return redirect(url_for("auth.login"))
    return redirect(url_for("auth.change_password"))


@bp.route("/password", methods=("GET", "POST"))
@login_required
# Someone at a signed-in browser may not guess the current password here either (F17): the same
# budget as the second factor's password checks, counted before the check.
@throttle.per_signed_in_account
def change_password():
    """Change the password, after checking the current one."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        account = db.session.get(User, current_user.id)
        if account.check_password(form.current.data):
            services.change_password(account, form.password.data)
            db.session.commit()
            login_user(account)  # re-issue this session's cookie with the new version
            flash("Your password is changed. Other devices have been logged out.", "success")
            return redirect(url_for("learn.dashboard"))
        db.session.rollback()
        g.second_factor_refused = True  # the throttle keeps this wrong guess counted
        form.current.errors.append("That is not your current password.")
    return render_template("auth/password.html", form=form, everywhere_form=EmptyForm(prefix="everywhere"))


def _public_url(path: str) -> str | None:
    return password_links.public_url(path)


def _email_reset_link(user: User) -> None:
    minutes = current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
    link = _public_url(url_for("auth.reset_password", token=reset.make_token(user)))
    # The organisation the trainee knows, not the software's name: ``programme:`` in program.yaml.
    organisation = current_app.extensions["course"].program.identity.name
    send_email(
        user.email,
        f"Reset your {organisation} password",
        f"Hello {user.name},\n\n"
        f"Someone (we hope you) asked to reset the password of your {organisation} training account.\n"
        f"Choose a new password here within {minutes} minutes:\n\n{link}\n\n"
        "The link works once. If you did not ask for it, ignore this email: "
        f"your password stays as it is.\n\n{organisation}\n",
    )


def _reset_email() -> str:
    return "reset-email:" + normalise_email(request.form.get("email", ""))[:254]


@bp.route("/reset", methods=("GET", "POST"))
# Each request may send an email: limit how many one person, or one address, can trigger.
@limiter.limit("5 per hour", key_func=_reset_email, methods=["POST"], error_message="Too many reset emails.")
@limiter.limit("20 per hour", methods=["POST"], error_message="Too many reset requests from this address.")
def request_reset():
    """Ask for a password-reset link by email; the answer is the same whether or not the account exists."""
    form = ResetRequestForm()
    if form.validate_on_submit() and _public_url("/") is None:
        current_app.logger.error(
            "PUBLIC_URL is not set: refusing to email a reset link built from the Host header"
        )
        form.form_errors.append(
            "Password reset by email is not set up on this site yet. Ask your coordinator."
        )
        return render_template("auth/reset_request.html", form=form), 503
    if form.validate_on_submit():
        user = reset.active_user_by_email(form.email.data)
        if user is not None:
            _email_reset_link(user)
        # The email is only queued (sent after the response, see people/mail.py), and both
        # answers commit: an unknown address takes the same path and about the same time.
        db.session.commit()
        flash(
            "If an account uses that email, a link to reset its password is on its way. "
            "Check your inbox (and spam folder) in a few minutes.",
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_request.html", form=form)


@bp.route("/reset/<token>", methods=("GET", "POST"))
def reset_password(token: str):
    """Choose a new password through the emailed link."""
    user = reset.user_for_token(token[:512])
    if user is None:
        return render_template("auth/reset_invalid.html"), 400
    form = NewPasswordForm()
    if form.validate_on_submit():
        if not reset.reset_password(user, form.password.data):
            db.session.rollback()
            return render_template("auth/reset_invalid.html"), 400
        audit.record("account.password_reset", "user", user.id, user.id)
        db.session.commit()
        logout_user()
        flash("Your password is changed and every device was logged out. Log in with the new one.", "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form, user=user)


from . import invitation_views, two_factor_views, verification_views  # noqa: E402,F401  (routes register themselves on bp)

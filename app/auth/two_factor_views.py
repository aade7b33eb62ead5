"""Two-step login for staff: set up an authenticator app, type its code after the password,
manage recovery codes, and (by a setting) require it of every coordinator, lead and admin."""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required
from markupsafe import Markup

from ..config import grace_date
from ..extensions import db
from ..models import User, has_second_factor, remove_second_factor, utcnow
from ..people import audit
from ..web.forms import EmptyForm
from ..web.home import home_url
from . import bp, services, throttle, two_step
from .forms import EnrolSecondFactorForm, PasswordCheckForm, ReplaceSecondFactorForm, SecondFactorLoginForm

# Never redirected for enrolment: the way to enrol and log out, the matching API, assets, probes.
_NOT_ENFORCED = ("/auth/", "/api/", "/static/")


def _secret_page(template: str, **context):
    """A page that shows a secret (the key being set up, recovery codes): never cached."""
    response = make_response(render_template(template, **context))
    response.headers["Cache-Control"] = "no-store"
    return response


def _staff_only() -> None:
    if not current_user.is_staff:
        abort(403)


# ----- the login's second step ---------------------------------------------------------------------


@bp.route("/login/code", methods=("GET", "POST"))
# The same budgets as the password form: a wrong code counts like a wrong password.
@throttle.login_guesses
def login_code():
    """After a right password: a code from the app, or a recovery code, completes the login."""
    if current_user.is_authenticated:
        return redirect(home_url(current_user))
    pending = two_step.pending_login()
    if pending is None:
        two_step.forget_login()
        flash("Please log in with your password first.", "info")
        return redirect(url_for("auth.login"))
    form = SecondFactorLoginForm()
    if form.validate_on_submit():
        field, refusal, left = _check_code(form, pending.user.id)
        if refusal is None:
            db.session.commit()
            two_step.forget_login()
            services.start_session(pending.user, remember=pending.remember)
            if left is not None:
                flash(
                    f"You used a recovery code: {left} left. If your device is lost, set up a new one "
                    "under Two-step login, or ask an admin to reset it.",
                    "info",
                )
            return redirect(services.safe_next(pending.next_target) or home_url(pending.user))
        # End the transaction now (a refused claim may have taken SQLite's write lock): the
        # throttle's counters are written on their own connection.
        db.session.rollback()
        field.errors.append(refusal)
    return render_template("auth/login_code.html", form=form)


def _check_code(form, user_id: int):
    """(the field to mark, why it was refused or None, recovery codes left after using one)."""
    if form.recovery_code.data:
        if not two_step.use_recovery_code(user_id, form.recovery_code.data):
            return form.recovery_code, "That is not one of your unused recovery codes.", None
        left = two_step.factor_state(user_id).recovery_codes_left
        audit.record("account.recovery_code_used", "user", user_id, user_id, left=left)
        return form.recovery_code, None, left
    if not form.code.data:
        return form.code, "Enter the 6-digit code your app shows now.", None
    if not two_step.check_totp(user_id, form.code.data):
        return (
            form.code,
            "That code is not right, or it was used already. Type the code your app shows now.",
            None,
        )
    return form.code, None, None


# ----- setting it up and managing it ---------------------------------------------------------------


@bp.route("/two-factor", methods=("GET", "POST"))
@login_required
def two_factor():
    """Without a factor (or while replacing one): the QR code and key, confirmed by a code.
    With one: its state, and forms to replace the device, renew recovery codes or turn it off."""
    _staff_only()
    state = two_step.factor_state(current_user.id)
    replacing = state is not None
    secret = two_step.pending_secret(current_user.id, replacing)
    if replacing and secret is None:
        if request.method == "POST":
            flash("Setting up a new device took too long. Give your password again to start over.", "error")
            return redirect(url_for("auth.two_factor"))
        return _manage_page(state)
    if secret is None:
        secret = two_step.start_enrolment(current_user.id)
    form = EnrolSecondFactorForm()
    if form.validate_on_submit():
        step = two_step.confirm_step(secret, form.code.data)
        if step is not None:
            return _enrolled(secret, step, replacing)
        form.code.errors.append(
            "That code does not match. Check the app shows PeerPath, then type the code it shows now."
        )
    return _secret_page(
        "auth/two_factor_setup.html",
        form=form,
        key=two_step.grouped(secret),
        qr=two_step.qr_code(secret, current_user.email),
        replacing=replacing,
        cancel_form=EmptyForm(),
    )


def _enrolled(secret: str, step: int, replacing: bool):
    """Store the factor and show its recovery codes, once."""
    codes = two_step.enrol(current_user.id, secret, step)
    audit.record(
        "account.second_factor_enrolled", "user", current_user.id, current_user.id, replaced=replacing
    )
    db.session.commit()
    two_step.forget_enrolment()
    return _secret_page("auth/recovery_codes.html", codes=codes, enrolled=True)


def _manage_page(state, replace_form=None, codes_form=None, remove_form=None):
    return render_template(
        "auth/two_factor.html",
        state=state,
        required=current_app.config.get("SECOND_FACTOR_REQUIRED"),
        replace_form=replace_form or ReplaceSecondFactorForm(prefix="replace"),
        codes_form=codes_form or PasswordCheckForm(prefix="codes"),
        remove_form=remove_form or PasswordCheckForm(prefix="remove"),
    )


def _password_is_right(password: str) -> bool:
    return db.session.get(User, current_user.id).check_password(password)


def _refuse(field, message: str) -> None:
    db.session.rollback()  # the throttle's counters are written on their own connection
    g.second_factor_refused = True  # throttle.per_signed_in_account keeps this attempt counted
    field.errors.append(message)


@bp.post("/two-factor/replace")
@login_required
@throttle.per_signed_in_account
def replace_second_factor():
    """Prove it is you (password, or a code from the current app), then set up a new device."""
    _staff_only()
    state = two_step.factor_state(current_user.id)
    if state is None:
        return redirect(url_for("auth.two_factor"))
    form = ReplaceSecondFactorForm(prefix="replace")
    if form.validate_on_submit():
        proof = two_step.normalise_code(form.proof.data)
        if (
            two_step.check_totp(current_user.id, proof)
            if len(proof) == 6 and proof.isdigit()
            else _password_is_right(form.proof.data)
        ):
            db.session.commit()  # a code given as proof is used up
            two_step.start_enrolment(current_user.id, replacing=True)
            return redirect(url_for("auth.two_factor"))
        _refuse(form.proof, "That is neither your password nor the code your app shows now.")
    return _manage_page(state, replace_form=form)


@bp.post("/two-factor/cancel")
@login_required
def cancel_replacement():
    """Keep the current device: forget the new key that was being set up."""
    _staff_only()
    if EmptyForm().validate_on_submit():
        two_step.forget_enrolment()
    return redirect(url_for("auth.two_factor"))


@bp.post("/two-factor/recovery-codes")
@login_required
@throttle.per_signed_in_account
def renew_recovery_codes():
    """Ten new recovery codes, shown once; the old ones stop working."""
    _staff_only()
    state = two_step.factor_state(current_user.id)
    if state is None:
        return redirect(url_for("auth.two_factor"))
    form = PasswordCheckForm(prefix="codes")
    if form.validate_on_submit():
        if _password_is_right(form.password.data):
            codes = two_step.replace_recovery_codes(current_user.id)
            audit.record("account.recovery_codes_renewed", "user", current_user.id, current_user.id)
            db.session.commit()
            return _secret_page("auth/recovery_codes.html", codes=codes, enrolled=False)
        _refuse(form.password, "That is not your password.")
    return _manage_page(state, codes_form=form)


@bp.post("/two-factor/remove")
@login_required
@throttle.per_signed_in_account
def turn_off_second_factor():
    """Remove the authenticator app and the recovery codes, after the password."""
    _staff_only()
    state = two_step.factor_state(current_user.id)
    if state is None:
        return redirect(url_for("auth.two_factor"))
    form = PasswordCheckForm(prefix="remove")
    if form.validate_on_submit():
        if _password_is_right(form.password.data):
            remove_second_factor(db.session, current_user.id)
            audit.record("account.second_factor_removed", "user", current_user.id, current_user.id)
            db.session.commit()
            two_step.forget_enrolment()
            flash("Two-step login is off: your password alone logs you in.", "success")
            return redirect(url_for("auth.two_factor"))
        _refuse(form.password, "That is not your password.")
    return _manage_page(state, remove_form=form)


# ----- enforcement by the setting ------------------------------------------------------------------


@bp.before_app_request
def staff_need_a_second_factor():
    """With ``SECOND_FACTOR_REQUIRED``, a signed-in staff member without a second factor is sent to
    set one up from every page but the exempt ones; before the grace date ends they are only
    reminded, on every page, by a banner."""
    config = current_app.config
    if not config.get("SECOND_FACTOR_REQUIRED"):
        return None
    path = request.path
    if request.endpoint == "static" or path.startswith(_NOT_ENFORCED) or path == "/healthz":
        return None
    if not current_user.is_authenticated or not current_user.is_staff:
        return None
    if has_second_factor(db.session, current_user.id):
        return None
    grace = grace_date(config.get("SECOND_FACTOR_GRACE_UNTIL"))
    if grace is not None and utcnow().date() <= grace:
        if request.method == "GET":
            _flash_once(
                Markup(
                    'Staff accounts need two-step login after {day}. <a href="{url}">Set it up now</a>: '
                    "it takes two minutes and a phone."
                ).format(day=f"{grace.day} {grace:%B %Y}", url=url_for("auth.two_factor")),
                "warning",
            )
        return None
    _flash_once("Staff accounts need two-step login. Set it up to continue: it takes two minutes.", "info")
    return redirect(url_for("auth.two_factor"))


def _flash_once(message: str, category: str) -> None:
    """A banner not already waiting to be shown (a redirect, a download, may leave one queued)."""
    if all(queued != message for _, queued in session.get("_flashes", ())):
        flash(message, category)

"""The pages between registering and logging in: "check your email" (and send the link again),
and the link that confirms the address."""

from flask import current_app, flash, redirect, render_template, request, session, url_for

from ..extensions import db, limiter
from ..models import normalise_email
from ..people.password_links import public_url
from . import bp, verification
from .forms import ResendLinkForm


def _resend_email() -> str:
    return "confirm-email:" + normalise_email(request.form.get("email", ""))[:254]


@bp.route("/confirm-email", methods=("GET", "POST"))
# Each request may send an email: the same limits as password-reset requests.
@limiter.limit("5 per hour", key_func=_resend_email, methods=["POST"], error_message="Too many emails.")
@limiter.limit("20 per hour", methods=["POST"], error_message="Too many requests from this address.")
def check_email():
    """Where registering leads: look for the link; or ask for it again (the same answer whatever the address)."""
    sent_to = session.get(verification.SENT_TO, "")
    form = ResendLinkForm(data={"email": sent_to} if request.method == "GET" else None)
    if not form.validate_on_submit():
        status = 422 if form.errors else 200
        return render_template("auth/check_email.html", form=form, sent_to=sent_to), status
    if public_url("/") is None:
        current_app.logger.error("PUBLIC_URL is not set: refusing to email a link built from the Host header")
        form.form_errors.append("Sending email is not set up on this site yet. Ask your coordinator.")
        return render_template("auth/check_email.html", form=form, sent_to=sent_to), 503
    user = verification.unverified_user(form.email.data)
    if user is not None:
        verification.send_link(user)
    db.session.commit()  # both answers commit: an unknown address takes the same path
    session[verification.SENT_TO] = normalise_email(form.email.data)
    flash("If that email has an account waiting to be confirmed, a new link is on its way.", "info")
    return redirect(url_for("auth.check_email"))


@bp.get("/confirm-email/<token>")
def verify_email(token: str):
    """Follow the emailed link: the address is confirmed, and the person logs in with their
    password. The link does not sign in by itself: it waits in a mailbox for two days, where a
    password (and a staff member's second factor) should still be needed to use the account."""
    outcome, _user = verification.follow(token[:512])
    if outcome == verification.INVALID:
        return render_template("auth/confirm_invalid.html"), 400
    db.session.commit()
    session.pop(verification.SENT_TO, None)
    if outcome == verification.VERIFIED:
        flash(
            "Your email is confirmed. Log in with the password you chose to start your training.", "success"
        )
    else:
        flash("Your email is already confirmed. Log in to carry on.", "info")
    return redirect(url_for("auth.login"))

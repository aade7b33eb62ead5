"""Accepting an invitation: the emailed link opens "Choose your password"."""

from flask import flash, redirect, render_template
from flask_login import logout_user

from ..extensions import db
from ..people import audit, invitations, password_links
from ..web.home import home_url
from . import bp, services
from .forms import NewPasswordForm


@bp.route("/invitation/<token>", methods=("GET", "POST"))
def accept_invitation(token: str):
    """Choose a password through the invitation: it confirms the email and signs the person in."""
    user = invitations.user_for_token(token[:512])
    if user is None:
        return render_template("auth/invitation_invalid.html"), 400
    form = NewPasswordForm()
    if not form.validate_on_submit():
        return render_template("auth/invitation.html", form=form, user=user), 422 if form.errors else 200
    if not password_links.set_password_once(user, form.password.data):
        db.session.rollback()
        return render_template("auth/invitation_invalid.html"), 400
    audit.record("account.invitation_accepted", "user", user.id, user.id)
    db.session.commit()
    db.session.refresh(user)  # the new session version, for the login cookie
    logout_user()  # whoever was signed in on this browser before
    services.start_session(user)
    flash(f"Welcome to PeerPath, {user.name}. Your password is set and your training starts here.", "success")
    return redirect(home_url(user))

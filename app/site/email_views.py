"""People control their email: a one-click unsubscribe link (RFC 8058) and a preferences page,
reachable signed in or from the link in any email PeerPath sends, without logging in."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField

from ..extensions import csrf, db
from ..models import User, utcnow
from ..notifications import emails, preferences
from . import bp


class PreferencesForm(FlaskForm):
    kinds = SelectMultipleField("Emails you get", description="Untick any you would rather not get.")


@bp.get("/email/unsubscribe/<token>")
def unsubscribe(token: str):
    """Say what the link stops, and ask for one click: a GET changes nothing, since mail
    scanners open links."""
    user, kind = emails.read_unsubscribe_token(token) or abort(404)
    return _unsubscribe_page(user, kind, token, done=kind in preferences.opted_out(user.id))


@bp.post("/email/unsubscribe/<token>")
@csrf.exempt  # RFC 8058: a mail client posts here with no session and no token; the signed URL is the proof
def unsubscribe_now(token: str):
    """One click: no login, no CSRF token; a second click (or the mail client's) changes nothing."""
    user, kind = emails.read_unsubscribe_token(token) or abort(404)
    preferences.opt_out(user.id, kind, utcnow())
    db.session.commit()
    return _unsubscribe_page(user, kind, token, done=True)


def _unsubscribe_page(user: User, kind: str, token: str, done: bool):
    return render_template(
        "site/unsubscribe.html",
        description=emails.describe(kind, user),
        done=done,
        token=token,
        preferences_url=url_for("site.email_preferences_by_token", token=emails.preferences_token(user)),
    )


@bp.route("/email/preferences", methods=("GET", "POST"))
@login_required
def email_preferences():
    """A signed-in person's choice of emails, kind by kind."""
    return _preferences(current_user, url_for("site.email_preferences"))


@bp.route("/email/preferences/<token>", methods=("GET", "POST"))
def email_preferences_by_token(token: str):
    """The same page from an email's link: the signed token stands in for logging in."""
    user = emails.read_preferences_token(token) or abort(404)
    return _preferences(user, url_for("site.email_preferences_by_token", token=token))


def _preferences(user: User, here: str):
    kinds = emails.kinds_for(user)
    off = preferences.opted_out(user.id)
    form = PreferencesForm(
        data=None if request.method == "POST" else {"kinds": [k for k in kinds if k not in off]}
    )
    form.kinds.choices = [(kind, emails.describe(kind, user)) for kind in kinds]
    if form.validate_on_submit():
        preferences.choose(user, form.kinds.data or [], utcnow())
        db.session.commit()
        flash("Your email choices are saved.", "success")
        return redirect(here, 303)
    status = 422 if form.errors else 200
    return render_template("site/email_preferences.html", form=form, user=user, kinds=kinds), status

"""Admin pages for the hand-off to matching systems: API tokens and webhook endpoints."""

from datetime import UTC, datetime, time

from flask import abort, flash, make_response, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from ..extensions import db
from ..matching import tokens, webhooks
from ..models import Cohort, WebhookEndpoint, utcnow
from ..web.forms import EmptyForm
from . import bp
from .forms import TokenForm, WebhookForm


def _with_cohorts(form):
    form.cohorts.choices = [
        SelectChoice(cohort_id, name)
        for cohort_id, name in db.session.execute(select(Cohort.id, Cohort.name).order_by(Cohort.name))
    ]
    return form


def _secret_page(template: str, status: int, **context):
    response = make_response(render_template(template, **context), status)
    response.headers["Cache-Control"] = "no-store"  # a secret must not linger in a cache
    return response


@bp.route("/tokens", methods=("GET", "POST"))
def api_tokens():
    """Tokens for the matching API: create one (its secret is shown once) or revoke one."""
    form = _with_cohorts(TokenForm())
    secret = None
    if form.validate_on_submit():
        if form.expires_on.data and form.expires_on.data <= utcnow().date():
            form.expires_on.errors.append("Choose a day after today.")
        else:
            expires_at = (
                datetime.combine(form.expires_on.data, time(), tzinfo=UTC) if form.expires_on.data else None
            )
            _, secret = tokens.create_token(
                form.name.data, current_user.id, cohort_ids=form.cohorts.data or None, expires_at=expires_at
            )
            db.session.commit()
            form = _with_cohorts(TokenForm(formdata=None))
    listed = tokens.all_tokens()
    return _secret_page(
        "admin/tokens.html",
        422 if form.errors else 200,
        form=form,
        tokens=listed,
        cohorts=tokens.cohort_names([t.id for t in listed]),
        now=utcnow(),
        secret=secret,
        revoke_form=EmptyForm(),
    )


@bp.post("/tokens/<int:token_id>/revoke")
def revoke_token(token_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    if not tokens.revoke_token(token_id, current_user.id):
        abort(404)
    db.session.commit()
    flash(f"API token #{token_id} is revoked: requests with it are refused from now on.", "success")
    return redirect(url_for("admin.api_tokens"))


@bp.route("/webhooks", methods=("GET", "POST"))
def webhook_endpoints():
    """Endpoints told when mentors change: register one (its signing secret is shown once)."""
    form = _with_cohorts(WebhookForm())
    secret = None
    if form.validate_on_submit():
        problem = webhooks.url_problem(form.url.data.strip())
        if problem:
            form.url.errors.append(problem)
        else:
            _, secret = webhooks.create_endpoint(
                form.url.data,
                form.description.data or "",
                form.events.data,
                form.cohorts.data or None,
                current_user.id,
            )
            db.session.commit()
            form = _with_cohorts(WebhookForm(formdata=None))
    return _secret_page(
        "admin/webhooks.html",
        422 if form.errors else 200,
        form=form,
        endpoints=webhooks.endpoints(),
        secret=secret,
        toggle_form=EmptyForm(),
    )


@bp.get("/webhooks/<int:endpoint_id>")
def webhook_endpoint(endpoint_id: int):
    """One endpoint and its latest deliveries, with what the receiver answered."""
    endpoint = db.session.get(WebhookEndpoint, endpoint_id) or abort(404)
    return render_template(
        "admin/webhook.html",
        endpoint=endpoint,
        deliveries=webhooks.recent_deliveries(endpoint.id),
        toggle_form=EmptyForm(),
    )


@bp.post("/webhooks/<int:endpoint_id>/<any(enable, disable):action>")
def toggle_webhook(endpoint_id: int, action: str):
    if not EmptyForm().validate_on_submit():
        abort(400)
    endpoint = db.session.get(WebhookEndpoint, endpoint_id) or abort(404)
    if webhooks.set_enabled(endpoint, action == "enable", current_user.id, utcnow()):
        db.session.commit()
        flash(
            "Deliveries to this endpoint resume on the next run."
            if action == "enable"
            else "Deliveries to this endpoint are paused; events are still queued for it.",
            "success",
        )
    return redirect(url_for("admin.webhook_endpoint", endpoint_id=endpoint.id))

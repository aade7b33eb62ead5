"""The outbox for admins: how much email waits, what failed and why, and a retry for each."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import IntegerField, SelectChoice
from wtforms.validators import NumberRange, Optional

from ..extensions import db
from ..models import utcnow
from ..models.outbox import FAILED, PRINTED, QUEUED, SENT
from ..people import audit, mail
from ..web.forms import EmptyForm, QueryForm, QuerySelectField, link_args
from . import bp

PAGE_SIZE = 50
LISTS = {FAILED: "Failed", QUEUED: "Queued", SENT: "Sent", PRINTED: "Printed (no mail server)"}


class OutboxFilterForm(QueryForm):
    status = QuerySelectField(
        "Show",
        choices=[SelectChoice(k, v) for k, v in LISTS.items()],
        default=FAILED,
        validators=[Optional()],
    )
    page = IntegerField("Page", default=1, validators=[Optional(), NumberRange(min=1, max=100_000)])


@bp.get("/outbox")
def outbox():
    """Counts by state, then one list (failures first), a page at a time."""
    form = OutboxFilterForm(request.args).read()
    status, page = form.status.data or FAILED, form.page.data or 1
    counts = mail.counts_by_status()
    return render_template(
        "admin/outbox.html",
        form=form,
        counts=counts,
        lists=LISTS,
        status=status,
        messages=mail.page_of_messages(status, page, PAGE_SIZE),
        page=page,
        pages=max(1, -(-counts.get(status, 0) // PAGE_SIZE)),
        args=link_args(form),
        retry_form=EmptyForm(),
    )


@bp.post("/outbox/<int:message_id>/retry")
def retry_message(message_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    if mail.requeue_one(message_id, utcnow()):
        audit.record("mail.retried", "outbox", message_id, current_user.id)
        db.session.commit()
        flash(f"Message #{message_id} is queued again: it goes with the next send.", "success")
    else:
        flash(f"Message #{message_id} had not failed, so it was left as it was.", "error")
    return redirect(url_for("admin.outbox"), 303)


@bp.post("/outbox/retry-failed")
def retry_all_failed():
    if not EmptyForm().validate_on_submit():
        abort(400)
    retried = mail.requeue_failed_ids(utcnow())
    for message_id in retried:
        audit.record("mail.retried", "outbox", message_id, current_user.id, all_failed=True)
    db.session.commit()
    count = len(retried)
    flash(f"Queued {count} failed message{'s' if count != 1 else ''} again.", "success")
    return redirect(url_for("admin.outbox"), 303)

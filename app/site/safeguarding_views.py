"""The programme's safeguarding procedure, open to everyone (someone worried about a young person
must not need an account), and a trainee's confirmation that they have read it."""

from __future__ import annotations

import re

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from markupsafe import Markup, escape

from ..extensions import db
from ..models import Role
from ..practice.acknowledgements import acknowledge, acknowledgement_of
from ..web.forms import EmptyForm
from . import bp

# What in a contact's "how" text can be dialled or mailed: an address, or a number of at least
# three digits (999, 116 123, +44 20 7946 0000), as programmes write them.
# A number inside a word (988lifeline.org) is not one to dial.
REACHABLE = re.compile(r"(?P<mail>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)|(?<![\w.])(?P<tel>\+?\d[\d ()-]*\d)(?![\w@])")


@bp.app_template_filter("contact_links")
def contact_links(how: str) -> Markup:
    """``how`` with its phone numbers as ``tel:`` links and its addresses as ``mailto:`` links."""
    parts, at = [], 0
    for found in REACHABLE.finditer(how):
        text = found.group()
        digits = re.sub(r"[^\d+]", "", text.replace("(0)", ""))  # +44 (0)20: the 0 is not dialled
        if found["tel"] and sum(c.isdigit() for c in digits) < 3:
            continue
        before = how[: found.start()].lower()
        texting = before.endswith("text ") and not before.endswith("call or text ")  # a text-only line
        href = f"mailto:{text}" if found["mail"] else f"sms:{digits}" if texting else f"tel:{digits}"
        parts += [escape(how[at : found.start()]), Markup('<a href="{}">{}</a>').format(href, text)]
        at = found.end()
    parts.append(escape(how[at:]))
    return Markup("").join(parts)


def _acknowledgement():
    """The signed-in trainee's confirmation, if their programme asks for one."""
    if not current_user.is_authenticated or current_user.role != Role.TRAINEE:
        return None
    return acknowledgement_of(current_user.id, current_app.extensions["course"].program)


@bp.get("/safeguarding")
def safeguarding():
    """Who to tell and what to do when worried about a young person's safety."""
    return render_template(
        "site/safeguarding.html",
        procedure=current_app.extensions["course"].program.safeguarding,
        acknowledgement=_acknowledgement(),
        form=EmptyForm(),
    )


@bp.post("/safeguarding")
@login_required
def acknowledge_procedure():
    """A trainee confirms they have read the procedure as it stands now."""
    if _acknowledgement() is None:
        abort(403)  # staff, or a programme that asks for no confirmation
    if not EmptyForm().validate_on_submit():
        abort(400)
    acknowledge(current_user.id, current_app.extensions["course"].program)
    db.session.commit()
    flash("Thank you: your programme has a record that you read its safeguarding procedure.", "success")
    return redirect(url_for("site.safeguarding", _anchor="acknowledgement"), 303)

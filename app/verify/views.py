from flask import current_app, redirect, render_template, request, url_for
from sqlalchemy import select

from ..certification.standings import standing_of
from ..extensions import db
from ..models import CertificationEvent, User, WithdrawnCertificate
from . import bp

# A certificate ID is 43 URL-safe characters; anything longer is not worth a query.
LONGEST_ID = 43


@bp.get("")
@bp.get("/")
def lookup():
    """Type or paste a certificate ID (or its whole address) and go to its check page."""
    typed = typed_certificate_id(request.args.get("id", ""))
    if typed:
        return redirect(url_for("verify.certificate", certificate_id=typed))
    return render_template("verify/lookup.html")


def typed_certificate_id(typed: str) -> str:
    """The ID from what someone typed: pasted addresses keep only their last part."""
    return typed.strip().rstrip("/").rsplit("/", 1)[-1].strip()[: LONGEST_ID + 1]


@bp.get("/<certificate_id>")
def certificate(certificate_id: str):
    """Say whether a certificate is valid, expired, revoked or its holder inactive: the organisation,
    name, program, dates and, while it stands or once it has expired, the modules it was earned on."""
    event = _sign_off(certificate_id)
    if event is None:
        if len(certificate_id) > LONGEST_ID or db.session.get(WithdrawnCertificate, certificate_id) is None:
            return render_template("verify/unknown.html", certificate_id=certificate_id), 404
        # The holder's data was deleted on request: still a clear "do not rely on this".
        return render_template("verify/certificate.html", name=None, state="revoked")
    course = current_app.extensions["course"]
    mentor = db.session.get(User, event.user_id)
    standing = standing_of(course, mentor.id)
    state = _state(standing, certificate_id, active=mentor.deactivated_at is None)
    return render_template(
        "verify/certificate.html",
        name=mentor.name,
        issued=event.at,
        standing=standing,
        state=state,
        program=course.program,
        topics=_topics(course, event.module_versions) if state in ("valid", "expired") else (),
    )


def _sign_off(certificate_id: str) -> CertificationEvent | None:
    if len(certificate_id) > LONGEST_ID:
        return None  # longer than any ID: not worth a query
    return db.session.scalar(
        select(CertificationEvent).where(
            CertificationEvent.certificate_id == certificate_id, CertificationEvent.kind == "sign_off"
        )
    )


def _topics(course, versions: dict | None) -> tuple[str, ...]:
    """The modules the certificate was earned on, by title in the course's order: what a funder
    can check against the training they paid for (a module since removed keeps its id)."""
    order = {module.id: index for index, module in enumerate(course.modules)}
    return tuple(
        course.module_by_id[module_id].title if module_id in course.module_by_id else module_id
        for module_id in sorted(versions or (), key=lambda module_id: order.get(module_id, len(order)))
    )


def _state(standing, certificate_id: str, active: bool) -> str:
    if standing.certificate_id != certificate_id:
        return "replaced"  # a newer certificate was issued after this one expired
    if standing.status == "revoked":
        return "revoked"
    if not standing.valid:
        return "expired"
    # Deactivated by an admin: not valid, and the page says no more than that they are inactive.
    return "valid" if active else "inactive"

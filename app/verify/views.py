from flask import abort, current_app, render_template
from sqlalchemy import select

from ..certification.standings import standing_of
from ..extensions import db
from ..models import CertificationEvent, User, WithdrawnCertificate
from . import bp


@bp.get("/<certificate_id>")
def certificate(certificate_id: str):
    """Say whether a certificate is valid, expired or revoked: name, date and program only."""
    event = db.session.scalar(
        select(CertificationEvent).where(
            CertificationEvent.certificate_id == certificate_id, CertificationEvent.kind == "sign_off"
        )
    )
    if event is None:
        if db.session.get(WithdrawnCertificate, certificate_id) is None:
            abort(404)
        # The holder's data was deleted on request: still a clear "do not rely on this".
        return render_template("verify/certificate.html", name=None, state="revoked")
    course = current_app.extensions["course"]
    mentor = db.session.get(User, event.user_id)
    standing = standing_of(course, mentor.id)
    return render_template(
        "verify/certificate.html",
        name=mentor.name,
        issued=event.at,
        standing=standing,
        state=_state(standing, certificate_id),
        program=course.program,
    )


def _state(standing, certificate_id: str) -> str:
    if standing.certificate_id != certificate_id:
        return "replaced"  # a newer certificate was issued after this one expired
    if standing.status == "revoked":
        return "revoked"
    return "valid" if standing.valid else "expired"

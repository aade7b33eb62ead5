from datetime import datetime

from flask import current_app, g, jsonify, request, url_for
from sqlalchemy import and_, func, or_, select

from ..certification import services as certification
from ..certification.status import Status, competency_scores, recorded_requirements
from ..extensions import csrf, db
from ..models import Standing, User, utcnow
from ..people.roster import MentorFilter, trainee_query
from . import bp, tokens

PER_PAGE_MAX = 500


def _error(status: int, message: str):
    response = jsonify(error=message)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="peerpath"'
    return response


@bp.before_request
def require_token():
    """Every API route needs ``Authorization: Bearer <token>``."""
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    token = tokens.find_active(secret.strip()) if scheme.lower() == "bearer" and secret.strip() else None
    if token is None:
        return _error(401, "A valid API token is required: send 'Authorization: Bearer <token>'.")
    g.api_token = token
    return None


csrf.exempt(bp)


@bp.get("/mentors")
def mentors():
    """List mentors for a matching system: status, dates, cohort and a 0-100 score per competency."""
    status = request.args.get("status", "")
    if status and status not in {s.value for s in Status}:
        return _error(400, f"Unknown status '{status}'.")
    since = _parse_time(request.args.get("since"))
    if request.args.get("since") and since is None:
        return _error(400, "'since' must be an ISO 8601 time, e.g. 2026-11-01T00:00:00Z.")
    try:
        page = max(1, int(request.args.get("page", 1)))
        per_page = min(PER_PAGE_MAX, max(1, int(request.args.get("per_page", 100))))
    except ValueError:
        return _error(400, "'page' and 'per_page' must be whole numbers.")
    course = current_app.extensions["course"]
    certification.refresh_stale(course)
    now = utcnow()
    query = trainee_query(MentorFilter(status=status), now)
    if since:
        # Changed since: a new status recorded, or a renewal window or expiry that came by itself.
        query = query.where(
            or_(
                Standing.status_changed_at >= since,
                and_(Standing.expires_at >= since, Standing.expires_at <= now),
                and_(Standing.renewal_opens_at >= since, Standing.renewal_opens_at <= now),
            )
        )
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.execute(query.order_by(User.id).limit(per_page).offset((page - 1) * per_page)).all()
    records = certification.load_records([row.id for row in rows])
    db.session.commit()
    mentors = [
        {
            "id": row.id,
            "name": row.name,
            "email": row.email,
            "status": row.status,
            "certified_at": _iso(row.certified_at),
            "expires_at": _iso(row.expires_at),
            "cohort": row.cohort,
            "competencies": competency_scores(course, records[row.id]),
            "requirements": recorded_requirements(course, records[row.id], now),
        }
        for row in rows
    ]
    more = page * per_page < total
    return jsonify(
        mentors=mentors,
        page=page,
        per_page=per_page,
        total=total,
        next=url_for("api.mentors", **{**request.args, "page": page + 1}) if more else None,
        # Full precision: the checkpoint a client sends back as ``since`` next time.
        generated_at=now.isoformat().replace("+00:00", "Z"),
    )


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds").replace("+00:00", "Z") if value else None

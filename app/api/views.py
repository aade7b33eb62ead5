from datetime import datetime

from flask import current_app, g, jsonify, request, url_for
from sqlalchemy import func, select

from ..certification.records import load_records
from ..certification.standings import refresh_stale
from ..certification.status import Status
from ..extensions import csrf, db
from ..models import User, utcnow
from ..people import api_tokens as tokens
from ..people.roster import MentorFilter, changed_since, trainee_query
from . import bp, serializers

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
    query_args, problem = _read_arguments()
    if problem:
        return _error(400, problem)
    status, since, page, per_page = query_args
    course = current_app.extensions["course"]
    refresh_stale(course)
    now = utcnow()
    query = trainee_query(MentorFilter(status=status), now)
    if since:
        query = changed_since(query, since, now)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.execute(query.order_by(User.id).limit(per_page).offset((page - 1) * per_page)).all()
    records = load_records([row.id for row in rows])
    db.session.commit()
    more = page * per_page < total
    return jsonify(
        mentors=[serializers.mentor(row, course, records[row.id], now) for row in rows],
        page=page,
        per_page=per_page,
        total=total,
        next=url_for("api.mentors", **{**request.args, "page": page + 1}) if more else None,
        # Full precision: the checkpoint a client sends back as ``since`` next time.
        generated_at=now.isoformat().replace("+00:00", "Z"),
    )


def _read_arguments() -> tuple[tuple, str | None]:
    """(status, since, page, per_page) from the query string, or the message for a bad one."""
    status = request.args.get("status", "")
    if status and status not in {s.value for s in Status}:
        return (), f"Unknown status '{status}'."
    since = _parse_time(request.args.get("since"))
    if request.args.get("since") and since is None:
        return (), "'since' must be an ISO 8601 time, e.g. 2026-11-01T00:00:00Z."
    try:
        page = max(1, int(request.args.get("page", 1)))
        per_page = min(PER_PAGE_MAX, max(1, int(request.args.get("per_page", 100))))
    except ValueError:
        return (), "'page' and 'per_page' must be whole numbers."
    return (status, since, page, per_page), None


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None

from datetime import datetime

from flask import current_app, g, jsonify, render_template, request, url_for

from ..certification.standings import refresh_stale
from ..extensions import csrf, db
from ..matching import feed, tokens
from ..models import utcnow
from . import bp
from .arguments import BadArguments, read_feed_query
from .openapi import document

PUBLIC = {"api.openapi", "api.docs"}


def _error(status: int, message: str, **extra):
    response = jsonify(error=message, **extra)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="peerpath"'
    return response


@bp.before_request
def require_token():
    """Every mentor route needs ``Authorization: Bearer <token>``: an active, unexpired one."""
    if request.endpoint in PUBLIC:
        return None
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    now = utcnow()
    token = tokens.find_active(secret.strip(), now) if scheme.lower() == "bearer" and secret.strip() else None
    if token is None:
        return _error(
            401,
            "A valid API token is required (not revoked, not expired): send 'Authorization: Bearer <token>'.",
        )
    g.api_scope = tokens.scope_of(token)
    if tokens.mark_used(token, now):
        db.session.commit()
    return None


csrf.exempt(bp)


@bp.errorhandler(BadArguments)
def bad_arguments(error: BadArguments):
    return _error(400, error.message, allowed=error.allowed)


@bp.get("/mentors")
def mentors():
    """Mentors for a matching system; with ``since``, every change after it, departures included."""
    query, number, size = read_feed_query(request.args, g.api_scope)
    course = current_app.extensions["course"]
    _refresh(course)
    now = utcnow()
    records, total = feed.page(course, query, g.api_scope, now, number, size)
    more = number * size < total
    return jsonify(
        mentors=records,
        page=number,
        per_page=size,
        total=total,
        next=url_for("api.mentors", **{**request.args, "page": number + 1}) if more else None,
        # Full precision: the checkpoint a client sends back as ``since`` next time.
        generated_at=_checkpoint(now),
    )


@bp.get("/mentors/<int:user_id>")
def mentor(user_id: int):
    """One mentor; an erased one answers 410 with their tombstone."""
    course = current_app.extensions["course"]
    _refresh(course)
    record = feed.one(course, user_id, g.api_scope, utcnow())
    if record is None:
        return _error(404, f"No mentor {user_id} that this token may see.")
    return jsonify(record), 410 if record["status"] == feed.REMOVED else 200


@bp.get("/openapi.json")
def openapi():
    return jsonify(document())


@bp.get("/docs")
def docs():
    return render_template("api/docs.html", spec=document())


def _refresh(course) -> None:
    if refresh_stale(course):
        db.session.commit()


def _checkpoint(now: datetime) -> str:
    return now.isoformat().replace("+00:00", "Z")

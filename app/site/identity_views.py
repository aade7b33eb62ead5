"""The programme's logo, served from the content tree: only the file ``programme: logo:`` names,
read when the course was loaded, so no part of the address ever reaches the file system."""

from __future__ import annotations

from flask import Response, abort, current_app, request

from . import bp

YEAR = 365 * 24 * 3600
# An SVG opened on its own is a document: it may draw, never run a script or load anything.
LOGO_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


@bp.get("/programme/logo")
def programme_logo():
    """The logo; its address carries the file's digest, so a browser may keep it for a year."""
    logo = current_app.extensions["course"].program.identity.logo
    if logo is None:
        abort(404)
    response = Response(logo.data, mimetype=logo.media_type)
    fresh = request.args.get("v") == logo.digest
    response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable" if fresh else "no-cache"
    response.headers["Content-Security-Policy"] = LOGO_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response

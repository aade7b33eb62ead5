from flask import Response, current_app, g, render_template

from . import bp


@bp.get("/healthz")
def healthz() -> Response:
    """Answer load balancers and benchmarks without touching the database or the session."""
    return Response("ok", mimetype="text/plain")


@bp.app_errorhandler(400)
def bad_request(error):
    """Explain a rejected form (most often an expired or missing CSRF token)."""
    return render_template(
        "site/error.html",
        code=400,
        title="That request could not be accepted",
        message=getattr(error, "description", None),
    ), 400


@bp.app_errorhandler(403)
def forbidden(_error):
    """Say the page is not for this account, without saying more."""
    return render_template(
        "site/error.html",
        code=403,
        title="This page is not available to you",
        message="Your account does not have access to this page.",
    ), 403


@bp.app_errorhandler(404)
def not_found(_error):
    """Show a helpful not-found page in the site's layout."""
    return render_template(
        "site/error.html",
        code=404,
        title="Page not found",
        message="There is nothing at this address. It may have moved.",
    ), 404


@bp.app_errorhandler(429)
def too_many(error):
    """Slow down guessing, and say so in plain words."""
    reason = getattr(error, "description", "") or "Too many attempts."
    return render_template(
        "site/error.html",
        code=429,
        title="Please wait before trying again",
        message=f"{reason} Wait 15 minutes, then try again. If you have forgotten your "
        "password, ask your coordinator.",
    ), 429


@bp.app_errorhandler(413)
def too_large(_error):
    """Refuse an oversized request in plain words."""
    return render_template(
        "site/error.html",
        code=413,
        title="That was too much to send",
        message="The request was larger than PeerPath accepts. Shorten it and try again.",
    ), 413


@bp.app_errorhandler(500)
def server_error(error):
    """Apologise, give a reference to quote, and log the failure under that reference."""
    request_id = g.get("request_id", "unknown")
    current_app.logger.error(
        "Request %s failed", request_id, exc_info=getattr(error, "original_exception", None)
    )
    return render_template(
        "site/error.html",
        code=500,
        title="Something went wrong on our side",
        message="Your work so far is saved. Please try again in a moment; if it keeps "
        f"happening, tell your coordinator this reference: {request_id}.",
        request_id=request_id,
    ), 500

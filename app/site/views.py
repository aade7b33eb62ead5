from flask import Response, current_app, flash, g, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import SecurityError

from ..web import kept_text
from . import bp

EXPIRED = "Your session had expired, so nothing was saved."


@bp.get("/privacy")
def privacy():
    """What PeerPath keeps about a person and for how long, from the program's retention settings."""
    return render_template("site/privacy.html", retention=current_app.extensions["course"].program.retention)


@bp.get("/healthz")
def healthz() -> Response:
    """Answer load balancers and benchmarks without touching the database or the session."""
    return Response("ok", mimetype="text/plain")


@bp.app_errorhandler(400)
def bad_request(error):
    """Explain a rejected form (most often an expired or missing CSRF token)."""
    if isinstance(error, SecurityError):
        # A Host header outside TRUSTED_HOSTS: no page of ours can be built for it (no URLs).
        return Response("This site does not answer to that host name.", status=400, mimetype="text/plain")
    return _error_page(400, "That request could not be accepted", getattr(error, "description", None))


@bp.app_errorhandler(403)
def forbidden(_error):
    """Say the page is not for this account, without saying more."""
    return _error_page(
        403, "This page is not available to you", "Your account does not have access to this page."
    )


@bp.app_errorhandler(404)
def not_found(_error):
    """Show a helpful not-found page in the site's layout."""
    return _error_page(404, "Page not found", "There is nothing at this address. It may have moved.")


@bp.app_errorhandler(CSRFError)
def expired_form(error):
    """A page's form sent after its session ended (logged out in another tab, or the token
    expired): nothing is saved, the text typed is kept, and the person goes back to the form,
    by way of the login page if they are logged out."""
    if request.path.startswith("/api/") or not _from_a_browser_page():
        return bad_request(error)
    page = kept_text.page_of(request.path) or url_for("learn.dashboard")
    kept = kept_text.keep(page, request.form)
    if current_user.is_authenticated or request.blueprint == "auth":  # the account pages are open to all
        flash(
            f"{EXPIRED} Your text is below: save it again." if kept else f"{EXPIRED} Please try again.",
            "error",
        )
        return redirect(page, 303)
    flash(f"{EXPIRED} Log in again, and what you typed will be back in the form, ready to save.", "error")
    return redirect(url_for("auth.login", next=page), 303)


@bp.app_errorhandler(405)
def method_not_allowed(error):
    """A form's address opened again (Enter in the address bar, a new tab, history) goes to the
    page the form was on; any other method refused says which methods the address takes (the
    Allow header), as HTTP asks."""
    if request.method in ("GET", "HEAD") and _from_a_browser_page():
        return redirect(kept_text.page_of(request.path) or url_for("learn.dashboard"), 303)
    body, code = _error_page(405, "This address does not take that kind of request", None)
    response = current_app.make_response((body, code))
    response.headers["Allow"] = ", ".join(sorted(error.valid_methods or ()))
    return response


def _from_a_browser_page() -> bool:
    """A browser asking for a page says it takes HTML; API clients and scripts do not."""
    return not request.path.startswith("/api/") and any(
        mimetype == "text/html" for mimetype, _ in request.accept_mimetypes
    )


@bp.app_errorhandler(429)
def too_many(error):
    """Slow down guessing, and say so in plain words."""
    reason = getattr(error, "description", "") or "Too many attempts."
    return _error_page(
        429,
        "Please wait before trying again",
        f"{reason} Wait a while, then try again: the page that sent you here says when you can. "
        "If you have forgotten your password, you can reset it from the login page.",
    )


@bp.app_errorhandler(413)
def too_large(_error):
    """Refuse an oversized request in plain words."""
    return _error_page(
        413,
        "That was too much to send",
        "The request was larger than PeerPath accepts. Shorten it and try again.",
    )


@bp.app_errorhandler(500)
def server_error(error):
    """Apologise, give a reference to quote, and log the failure under that reference."""
    request_id = g.get("request_id", "unknown")
    current_app.logger.error(
        "Request %s failed", request_id, exc_info=getattr(error, "original_exception", None)
    )
    return _error_page(
        500,
        "Something went wrong on our side",
        "What you just sent may not have been saved: check, and try again in a moment. If it keeps "
        f"happening, tell your coordinator this reference: {request_id}.",
    )


@bp.app_errorhandler(OperationalError)
def database_unavailable(error):
    """The database is down, restarting or busy: 503, and say plainly that nothing was saved
    (I4). The page reads nothing from the database, not even the signed-in account."""
    request_id = g.get("request_id", "unknown")
    current_app.logger.error("Request %s: database unavailable", request_id, exc_info=error)
    if request.path.startswith("/api/"):
        response = jsonify(error="The database is unavailable; nothing was changed. Try again in a minute.")
    else:
        response = current_app.make_response(render_template("site/unavailable.html", request_id=request_id))
    response.status_code = 503
    response.headers["Retry-After"] = "60"
    return response


def _error_page(code: int, title: str, message: str | None):
    """Every error in the site's layout, saying what happened and nothing about the internals;
    under /api/ as JSON, as the API's contract says every answer is."""
    if request.path.startswith("/api/"):
        return jsonify(error=f"{title}. {message}" if message else title), code
    return render_template("site/error.html", code=code, title=title, message=message), code

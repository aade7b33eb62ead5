"""HTTP hardening: security headers on every response, cookies that follow HTTPS, and a request
id for every request so an error a user reports can be found in the logs."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from flask import Flask, Response, abort, current_app, g, request, session
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

if TYPE_CHECKING:
    from itsdangerous import URLSafeTimedSerializer

# No inline scripts or styles anywhere: every page works without JavaScript, and styles
# live in the stylesheet. Inline SVG on author pages uses presentation attributes only.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class SessionFollowsHttps(SecureCookieSessionInterface):
    """Mark the session cookie Secure whenever the request came over HTTPS (or config says so).

    The signing serializer is built once per set of keys rather than on every request as Flask
    does (docs/performance.md)."""

    def __init__(self) -> None:
        self._serializers: dict[tuple, URLSafeTimedSerializer | None] = {}

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"] or request.is_secure)

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, *(app.config["SECRET_KEY_FALLBACKS"] or ()))
        serializer = self._serializers.get(keys)
        if serializer is None:
            serializer = self._serializers[keys] = super().get_signing_serializer(app)
        return serializer


def init_app(app: Flask) -> None:
    if app.config.get("TRUST_PROXY"):
        # Behind a reverse proxy: believe its X-Forwarded-For/-Proto/-Host (one hop).
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    app.session_interface = SessionFollowsHttps()

    @app.before_request
    def assign_request_id() -> None:
        g.request_id = secrets.token_hex(6)

    @app.before_request
    def refuse_nul_characters() -> None:
        """No name, answer or id has a use for NUL, and PostgreSQL refuses it in text: a 400, not a 500."""
        fields = [*request.args.lists(), *(request.form.lists() if request.method == "POST" else [])]
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in fields
        ):
            abort(400)

    @app.after_request
    def security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if "request_id" in g:
            headers.setdefault("X-Request-Id", g.request_id)
        if _personal(response):
            headers["Cache-Control"] = "no-store"
        return response


def _personal(response: Response) -> bool:
    """A response no cache may keep: any page for a signed-in person (their records, others'
    records, the audit log), a download (the mentors CSV), or an answer to an API token.

    Static assets keep their long cache. The session is read only when the request sent one or
    the view already read it (a login), so ``/healthz`` still leaves it alone."""
    if request.endpoint == "static" or response.headers.get("Cache-Control", "").startswith("public"):
        return False
    signed_in = (
        getattr(session, "accessed", True) or current_app.config["SESSION_COOKIE_NAME"] in request.cookies
    )
    return bool(
        (signed_in and session.get("_user_id"))
        or "attachment" in response.headers.get("Content-Disposition", "")
        or "Authorization" in request.headers
    )

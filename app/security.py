"""HTTP hardening: security headers on every response, cookies that follow HTTPS, CSRF tokens
signed once per session, and a request id for every request so an error a user reports can be
found in the logs."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from flask import Flask, Response, abort, current_app, g, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import generate_csrf
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

    The signing serializer is built once per set of keys, not on every request as Flask does:
    building it was a quarter of reading the session cookie, which every signed-in page does."""

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


class CsrfTokens:
    """The signed CSRF token of this session, signed once per worker rather than once a request.

    Flask-WTF signs the session's raw token with a fresh timestamp whenever a page asks for it,
    and every signed-in page asks (the header's log-out form): about 250,000 instructions, as
    much as reading the session cookie. With ``WTF_CSRF_TIME_LIMIT = None`` the timestamp is
    never checked, so every token signed for a raw token is accepted as long as the session
    holds that raw token: keeping the first one is a cache of what Flask-WTF would accept, not
    state. Rotating the secret key signs anew. With a time limit set, tokens would age in the
    cache, so every call goes to Flask-WTF as before. A view that builds a Flask-WTF form
    before the header is printed has its token signed by Flask-WTF, as before."""

    MAX_REMEMBERED = 10_000

    def __init__(self) -> None:
        self.signed: dict[tuple, str] = {}

    def __call__(self) -> str:
        config = current_app.config
        field_name = config["WTF_CSRF_FIELD_NAME"]
        token = g.get(field_name)
        if token is not None:
            return token
        if config["WTF_CSRF_TIME_LIMIT"] is not None:
            return generate_csrf()
        key = (config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key, session.get(field_name))
        token = self.signed.get(key)
        if token is None:
            token = generate_csrf()  # adds a raw token to a session that has none
            key = (key[0], session[field_name])
            if len(self.signed) >= self.MAX_REMEMBERED:
                del self.signed[next(iter(self.signed))]  # the oldest
            self.signed[key] = token
        else:
            setattr(g, field_name, token)  # so forms on the page print the same token
        return token


def csrf_token() -> str:
    """The page's CSRF token; see ``CsrfTokens``."""
    return current_app.extensions["csrf_tokens"]()


def init_app(app: Flask) -> None:
    if app.config.get("TRUST_PROXY"):
        # Behind a reverse proxy: believe its X-Forwarded-For/-Proto/-Host (one hop).
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    app.session_interface = SessionFollowsHttps()
    app.extensions["csrf_tokens"] = CsrfTokens()
    # Flask-WTF offers templates its own generate_csrf through a context processor, which
    # outranks the Jinja globals; a later processor outranks it.
    app.context_processor(lambda: {"csrf_token": csrf_token})

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
        return response

"""Guessing is throttled per account and per address, counted before the guess is judged.

The login budgets follow OWASP's device cookies ("Slow down online guessing attacks with device
cookies"): a browser that logged in to an account keeps a signed, long-lived cookie naming that
account and a random nonce. Failed logins from such a browser are counted against that device
alone, with a larger budget; failures from everywhere else share the account's budget for
unknown devices. Someone guessing from elsewhere can exhaust only the latter, so the owner's own
browser still logs in. Every attempt is also counted per address, whatever the account.

Counting comes first (F20): each budget is charged with one atomic increment *before* the
password or code is checked, and the attempt is refused if that increment went over the limit.
Simultaneous guesses therefore cannot all be judged against the same old count. An attempt that
turns out not to be a failure (a right password, a form that checked nothing) is refunded.

The password form and the second-factor code form share the login budgets: a wrong password and
a wrong code each count, so knowing the password buys no extra guesses. A signed-in person who
types their password again (changing it, or changing the second factor) has one more budget.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from functools import wraps
from typing import NamedTuple

from flask import after_this_request, current_app, g, make_response, request, session
from flask_login import current_user
from itsdangerous import BadData, URLSafeTimedSerializer
from limits import RateLimitItem, parse
from werkzeug.exceptions import TooManyRequests

from ..extensions import db, limiter
from ..models import normalise_email

# The half-logged-in state's session key (see two_step.py); read here for the account's key.
PENDING_LOGIN = "second_factor_login"

DEVICE_COOKIE = "peerpath_device"
DEVICE_MAX_AGE = 365 * 24 * 3600  # seconds: a device stays known for a year after its last login


class Budget(NamedTuple):
    scope: str
    limit: RateLimitItem
    message: str


ACCOUNT = Budget(  # failed logins from devices that never logged in to the account
    "login-account", parse("10 per 15 minutes"), "Too many failed logins for this account."
)
DEVICE = Budget(  # failed logins from one known device: more generous, and nobody else's business
    "login-device", parse("20 per 15 minutes"), "Too many failed logins for this account on this device."
)
ADDRESS = Budget("login-address", parse("30 per 15 minutes"), "Too many failed logins from this address.")
SIGNED_IN = Budget(  # the password typed again while signed in (change it, change the second factor)
    "second-factor-check", parse("10 per 15 minutes"), "Too many wrong passwords or codes."
)
REGISTRATION = Budget("register-address", parse("30 per hour"), "Too many new accounts from this address.")


# ----- device cookies ------------------------------------------------------------------------------


def _devices() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="peerpath.login-device")


def _device_cookie() -> dict:
    raw = request.cookies.get(DEVICE_COOKIE, "")
    if not raw or len(raw) > 1000:
        return {}
    try:
        value = _devices().loads(raw, max_age=DEVICE_MAX_AGE)
    except BadData:
        return {}
    return value if isinstance(value, dict) else {}


def known_device(email: str) -> str | None:
    """This browser's nonce if its device cookie is valid and names this account, else None."""
    device = _device_cookie()
    if device.get("email") and device.get("email") == normalise_email(email) and device.get("nonce"):
        return str(device["nonce"])
    return None


def trust_this_device(email: str) -> None:
    """After a complete login: give (or renew) this browser's signed device cookie."""
    email = normalise_email(email)
    nonce = known_device(email) or secrets.token_urlsafe(16)
    value = _devices().dumps({"email": email, "nonce": nonce})

    @after_this_request
    def set_cookie(response):
        response.set_cookie(
            DEVICE_COOKIE,
            value,
            max_age=DEVICE_MAX_AGE,
            httponly=True,
            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
            samesite="Lax",
            path="/auth/",
        )
        return response


# ----- counting first ------------------------------------------------------------------------------


def _address() -> str:
    return request.remote_addr or "127.0.0.1"


def _refund(taken: list[tuple[Budget, str]]) -> None:
    for budget, key in taken:
        limiter.limiter.hit(budget.limit, budget.scope, key, cost=-1)


def _refuse(budget: Budget, key: str) -> None:
    reset_at, _ = limiter.limiter.get_window_stats(budget.limit, budget.scope, key)
    wait = max(1, int(reset_at - time.time()) + 1)

    @after_this_request
    def retry_after(response):
        response.headers["Retry-After"] = str(wait)
        return response

    raise TooManyRequests(budget.message)


def charge(budgets: list[tuple[Budget, str]]) -> list[tuple[Budget, str]]:
    """Count one attempt against each budget now, atomically; 429 if any is over its limit (the
    others are refunded, so a refused attempt costs nothing). Returns what to refund later."""
    taken: list[tuple[Budget, str]] = []
    for budget, key in budgets:
        allowed = limiter.limiter.hit(budget.limit, budget.scope, key)
        taken.append((budget, key))
        if not allowed:
            _refund(taken)
            _refuse(budget, key)
    return taken


def guarded(budgets: Callable[[], list[tuple[Budget, str]]], failed: Callable[[object], bool]):
    """Charge the budgets before a POST runs the view; refund them unless ``failed(response)``."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if request.method != "POST" or not limiter.enabled:
                return view(*args, **kwargs)
            taken = charge(budgets())
            try:
                response = make_response(view(*args, **kwargs))
            except Exception:
                db.session.rollback()  # let the refund's own connection write (SQLite's lock)
                _refund(taken)
                raise
            if not failed(response):
                _refund(taken)
            return response

        return wrapped

    return decorator


# ----- the budgets of each form --------------------------------------------------------------------


def _login_email() -> str:
    if request.endpoint == "auth.login":
        email = request.form.get("email", "")
    else:  # the code step: the account whose password was given, from the signed session
        email = (session.get(PENDING_LOGIN) or {}).get("email", "")
    return normalise_email(email)[:254]


def _login_budgets() -> list[tuple[Budget, str]]:
    email = _login_email()
    nonce = known_device(email)
    own = (DEVICE, f"{email}:{nonce}") if nonce else (ACCOUNT, email)
    return [own, (ADDRESS, _address())]


def _failed_login(response) -> bool:
    return response.status_code == 200  # a failed attempt re-renders the form; success redirects


# Password and code steps of the login.
login_guesses = guarded(_login_budgets, _failed_login)


def _signed_in_budgets() -> list[tuple[Budget, str]]:
    return [(SIGNED_IN, str(current_user.id if current_user.is_authenticated else ""))]


def _refused(_response) -> bool:
    return bool(g.get("second_factor_refused"))  # set by the view when a password or code was wrong


# Changing the password or the second factor asks for the password (or a code) again: someone who
# finds a signed-in browser may not guess it there either.
per_signed_in_account = guarded(_signed_in_budgets, _refused)


def _every_attempt(_response) -> bool:
    return True


# Each registration runs the password hash and may create an account: a few per address.
registrations = guarded(lambda: [(REGISTRATION, _address())], _every_attempt)

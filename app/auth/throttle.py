"""Guessing is throttled per account (whoever tries) and per address (whichever accounts).

The password form and the second-factor code form share both budgets (``shared_limit``): a
wrong password and a wrong code each count, so knowing the password buys no extra guesses.
"""

from __future__ import annotations

from flask import g, request, session
from flask_login import current_user

from ..extensions import limiter
from ..models import normalise_email

# The half-logged-in state's session key (see two_step.py); read here for the account's key.
PENDING_LOGIN = "second_factor_login"


def _login_account() -> str:
    if request.endpoint == "auth.login":
        email = request.form.get("email", "")
    else:  # the code step: the account whose password was given, from the signed session
        email = (session.get(PENDING_LOGIN) or {}).get("email", "")
    return "login-account:" + normalise_email(email)[:254]


def _failed_login(response) -> bool:
    return response.status_code == 200  # a failed attempt re-renders the form; success redirects


per_account = limiter.shared_limit(
    "10 per 15 minutes",
    scope="login-account",
    key_func=_login_account,
    methods=["POST"],
    deduct_when=_failed_login,
    error_message="Too many failed logins for this account.",
)
per_address = limiter.shared_limit(
    "30 per 15 minutes",
    scope="login-address",
    methods=["POST"],
    deduct_when=_failed_login,
    error_message="Too many failed logins from this address.",
)


def _signed_in_account() -> str:
    return f"second-factor-check:{current_user.id if current_user.is_authenticated else ''}"


def _refused(_response) -> bool:
    return bool(g.get("second_factor_refused"))  # set by the view when a password or code was wrong


# Replacing the device, new recovery codes and turning the factor off ask for the password (or a
# code) again: someone who finds a signed-in browser may not guess it there either.
per_signed_in_account = limiter.shared_limit(
    "10 per 15 minutes",
    scope="second-factor-check",
    key_func=_signed_in_account,
    methods=["POST"],
    deduct_when=_refused,
    error_message="Too many wrong passwords or codes.",
)

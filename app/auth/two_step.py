"""Staff's second factor: time-based one-time passwords (RFC 6238, with pyotp) and recovery codes.

What lives where:
- the database: the TOTP secret (it must be readable to check a code), the last time step whose
  code was accepted, and a salted SHA-256 of each recovery code;
- the signed session cookie: the secret being enrolled until its first code confirms it, and the
  "half logged in" state between the password and the code. Nothing in a worker's memory.

Like services.py, these functions flush at most; the views commit.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from datetime import datetime

import pyotp
from flask import session
from markupsafe import Markup
from sqlalchemy import delete, func, or_, select, update

from ..extensions import db
from ..models import RecoveryCode, SecondFactor, User, remove_second_factor, utcnow
from ..web.qr import qr_svg
from .throttle import PENDING_LOGIN

ISSUER = "PeerPath"
RECOVERY_CODE_COUNT = 10
# 31 symbols, none easily mistaken for another (no i, l, o, 0 or 1); 12 of them are ~59 bits.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_LENGTH = 12
PENDING_ENROLMENT = "second_factor_enrolment"
LOGIN_MAX_AGE = 10 * 60  # seconds between the password and the code
REPLACE_MAX_AGE = 15 * 60  # seconds to finish setting up a new device once the password was checked


# ----- codes ---------------------------------------------------------------------------------------


def clock() -> float:
    """Seconds since the epoch: what codes and waiting times are checked against (tests set it)."""
    return time.time()


def new_secret() -> str:
    return pyotp.random_base32()  # 160 bits, as RFC 4226 recommends


def grouped(secret: str) -> str:
    """``ABCD EFGH …``: easier to type into an app by hand than 32 letters in a row."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code(secret: str, email: str) -> Markup:
    """The ``otpauth://`` address as an inline SVG QR code."""
    uri = pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)
    return qr_svg(uri, "QR code to scan with your authenticator app")


def normalise_code(text: str | None) -> str:
    """What was typed, without the spaces and dashes people add, lowercased (recovery codes)."""
    return "".join(ch for ch in (text or "") if ch not in " -\t").lower()


def _matching_step(secret: str, code: str) -> int | None:
    """The time step whose code this is (now, or one step either side), or None."""
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(clock())
    # The step before or after now is accepted too: a phone's clock may be a little off.
    for step in (current, current - 1, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def check_totp(user_id: int, code: str) -> bool:
    """True if the code is right and its time step newer than the last one accepted; that step is
    then claimed, so the same code (or an older one) cannot be used again."""
    secret = db.session.scalar(select(SecondFactor.secret).where(SecondFactor.user_id == user_id))
    step = _matching_step(secret, normalise_code(code)) if secret else None
    if step is None:
        return False
    # One conditional UPDATE: of two requests racing with the same code, only one changes the row.
    claimed = db.session.execute(
        update(SecondFactor)
        .where(
            SecondFactor.user_id == user_id,
            or_(SecondFactor.last_used_step.is_(None), SecondFactor.last_used_step < step),
        )
        .values(last_used_step=step)
        .execution_options(synchronize_session=False)
    )
    return claimed.rowcount == 1


def _hash_recovery_code(salt: str, code: str) -> str:
    return hashlib.sha256(bytes.fromhex(salt) + code.encode()).hexdigest()


def _new_recovery_code() -> str:
    return "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))


def replace_recovery_codes(user_id: int) -> list[str]:
    """Ten new codes, shown to the person once; the old ones stop working. Only hashes are kept."""
    db.session.execute(
        delete(RecoveryCode)
        .where(RecoveryCode.user_id == user_id)
        .execution_options(synchronize_session=False)
    )
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    for code in codes:
        salt = secrets.token_hex(16)
        db.session.add(RecoveryCode(user_id=user_id, salt=salt, code_hash=_hash_recovery_code(salt, code)))
    db.session.flush()
    return [grouped_recovery_code(code) for code in codes]


def grouped_recovery_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def use_recovery_code(user_id: int, code: str) -> bool:
    """True if the code is one of the account's unused ones; it is burnt in the same step."""
    code = normalise_code(code)
    if len(code) != RECOVERY_LENGTH:
        return False
    unused = db.session.execute(
        select(RecoveryCode.id, RecoveryCode.salt, RecoveryCode.code_hash).where(
            RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None)
        )
    ).all()
    for code_id, salt, code_hash in unused:
        if hmac.compare_digest(_hash_recovery_code(salt, code), code_hash):
            burnt = db.session.execute(
                update(RecoveryCode)
                .where(RecoveryCode.id == code_id, RecoveryCode.used_at.is_(None))
                .values(used_at=utcnow())
                .execution_options(synchronize_session=False)
            )
            return burnt.rowcount == 1  # a racing request that burnt it first wins
    return False


@dataclass(frozen=True)
class FactorState:
    enrolled_at: datetime
    recovery_codes_left: int


def factor_state(user_id: int) -> FactorState | None:
    factor = db.session.get(SecondFactor, user_id)
    if factor is None:
        return None
    left = db.session.scalar(
        select(func.count()).where(RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))
    )
    return FactorState(enrolled_at=factor.enrolled_at, recovery_codes_left=left or 0)


def enrol(user_id: int, secret: str, step: int) -> list[str]:
    """Store the confirmed secret (replacing any earlier device) and return new recovery codes.
    ``step`` is the time step of the code that confirmed it: that code is used up."""
    remove_second_factor(db.session, user_id)
    db.session.add(SecondFactor(user_id=user_id, secret=secret, last_used_step=step))
    db.session.flush()
    return replace_recovery_codes(user_id)


# ----- enrolment in the signed session -------------------------------------------------------------


def pending_secret(user_id: int, replacing: bool) -> str | None:
    """The secret being set up by this account in this browser; a replacement's is kept only
    ``REPLACE_MAX_AGE`` after the password was checked."""
    pending = session.get(PENDING_ENROLMENT)
    if not pending or pending.get("user") != user_id or bool(pending.get("replace")) != replacing:
        return None
    if replacing and clock() - pending.get("at", 0) > REPLACE_MAX_AGE:
        return None
    return pending.get("secret")


def start_enrolment(user_id: int, replacing: bool = False) -> str:
    secret = new_secret()
    session[PENDING_ENROLMENT] = {
        "user": user_id,
        "secret": secret,
        "replace": replacing,
        "at": int(clock()),
    }
    return secret


def confirm_step(secret: str, code: str) -> int | None:
    """The time step of a right code for a secret being enrolled, or None."""
    return _matching_step(secret, normalise_code(code))


def forget_enrolment() -> None:
    session.pop(PENDING_ENROLMENT, None)


# ----- "half logged in": the password was right, the code is still to come ------------------------


def begin_login(user: User, remember: bool, next_target: str | None) -> None:
    session[PENDING_LOGIN] = {
        "user": user.id,
        "version": user.session_version,
        "email": user.email,
        "remember": bool(remember),
        "next": next_target or "",
        "at": int(clock()),
    }


@dataclass(frozen=True)
class PendingLogin:
    user: User
    remember: bool
    next_target: str


def pending_login() -> PendingLogin | None:
    """The account waiting for its code, if the wait is recent and nothing changed since: the
    password is the same (session version), the account active and its factor still there."""
    pending = session.get(PENDING_LOGIN)
    if not pending or clock() - pending.get("at", 0) > LOGIN_MAX_AGE:
        return None
    user = db.session.get(User, pending.get("user"))
    if (
        user is None
        or not user.is_active
        or user.session_version != pending.get("version")
        or db.session.get(SecondFactor, user.id) is None
    ):
        return None
    return PendingLogin(
        user=user, remember=bool(pending.get("remember")), next_target=pending.get("next", "")
    )


def forget_login() -> None:
    session.pop(PENDING_LOGIN, None)

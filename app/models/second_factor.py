"""Staff's second factor: a TOTP secret (RFC 6238) and one-use recovery codes, stored as hashes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, delete, exists, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from .base import Base, UTCDateTime, utcnow


class SecondFactor(Base):
    """One authenticator app per account; enrolling again replaces it."""

    __tablename__ = "second_factors"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    # Base32, as the app was given it: TOTP needs the secret itself, so it cannot be hashed.
    secret: Mapped[str] = mapped_column(String(64))
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The last 30-second time step whose code was accepted: a code is good once (no replay).
    last_used_step: Mapped[int | None] = mapped_column(Integer)


class RecoveryCode(Base):
    """A code that stands in for the app once; only a salted SHA-256 of it is kept."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    salt: Mapped[str] = mapped_column(String(32))  # 16 random bytes, hex
    code_hash: Mapped[str] = mapped_column(String(64))  # SHA-256 hex of salt + code
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


def has_second_factor(session: Session, user_id: int) -> bool:
    return bool(session.scalar(select(exists().where(SecondFactor.user_id == user_id))))


def remove_second_factor(session: Session, user_id: int) -> bool:
    """Delete the account's factor and recovery codes (flushed, not committed); False if it had none."""
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    removed = session.execute(delete(SecondFactor).where(SecondFactor.user_id == user_id))
    return removed.rowcount > 0

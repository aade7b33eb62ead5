"""Cohorts: groups of trainees who start together, joined through an invite link."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow


class Cohort(Base):
    __tablename__ = "cohorts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    invite_code: Mapped[str] = mapped_column(String(43), unique=True)  # unguessable
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The invite link stops working at this moment; None keeps it open until it is rotated.
    invite_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

"""The certification log (append-only) and each trainee's stored standing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow


class CertificationEvent(Base):
    """A coordinator's decision: sign-off, revocation, reinstatement, "do not re-engage", or the
    void of one made in error. Rows are never edited or deleted (``append_only.py``)."""

    __tablename__ = "certification_events"
    __table_args__ = (Index("ix_certification_events_user_id_at", "user_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))  # sign_off | revoke | reinstate
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    module_versions: Mapped[dict | None] = mapped_column(JSON)  # sign_off: versions it was earned on
    content_version: Mapped[str | None] = mapped_column(String(40))  # git commit or file hash of the course
    # sign_off: the public, unguessable id of the certificate it issues
    certificate_id: Mapped[str | None] = mapped_column(String(43), unique=True)
    # kind "void": the decision it withdraws, made in error (no foreign key, as for corrections)
    voids_id: Mapped[int | None] = mapped_column(Integer, index=True)
    # sign_off brought in by an import: who certified the mentor before PeerPath (name and role as
    # the file gives them). Such a certificate stands for the training done elsewhere.
    prior_certifier: Mapped[str | None] = mapped_column(String(200))


def standing_decisions():
    """The decisions that count: not a void, and not withdrawn by one (an uncorrelated NOT IN,
    read once, for the reason ``current_requirement_records`` gives)."""
    voided = select(CertificationEvent.voids_id).where(CertificationEvent.voids_id.is_not(None))
    return (CertificationEvent.kind != "void") & CertificationEvent.id.not_in(voided.scalar_subquery())


class Standing(Base):
    """A trainee's certification standing as last computed, so lists can filter and sort in SQL.

    The pure function in app.certification.status is the truth; this row is refreshed
    whenever a trainee's records change. Time alone moves a certificate on: the list
    query turns ``certified`` into ``renewal_due`` or ``expired`` using the dates here.
    """

    __tablename__ = "standings"
    __table_args__ = (
        Index("ix_standings_status", "status"),
        Index("ix_standings_expires_at", "expires_at"),
        Index("ix_standings_progress", "progress"),
        Index("ix_standings_status_changed_at", "status_changed_at"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    status: Mapped[str] = mapped_column(String(20))
    progress: Mapped[int] = mapped_column(Integer, default=0)  # percent of requirements done
    quizzes_passed: Mapped[int] = mapped_column(Integer, default=0)
    quiz_best_mean: Mapped[int | None] = mapped_column(Integer)
    scenarios_passed: Mapped[int] = mapped_column(Integer, default=0)
    scenario_best_mean: Mapped[int | None] = mapped_column(Integer)
    certified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    renewal_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    refreshed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the stored status last changed: with the dates above, what incremental sync reads.
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WithdrawnCertificate(Base):
    """A certificate whose holder's data was deleted: its public page still answers "revoked".

    Only the random certificate id is kept, nothing that names the person.
    """

    __tablename__ = "withdrawn_certificates"

    certificate_id: Mapped[str] = mapped_column(String(43), primary_key=True)
    withdrawn_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

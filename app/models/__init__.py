"""Learner state only: who did what, against which content id and version."""

from . import append_only  # noqa: F401  (the database's own guard on the safeguarding history)
from .api_token import ApiToken
from .audit import AuditEntry
from .base import Base, utcnow
from .certification import CertificationEvent, Standing, WithdrawnCertificate, standing_decisions
from .cohort import Cohort
from .live_session import SessionSignup, TrainingSession
from .matching import (
    PublishedMentorState,
    RemovedMentor,
    WebhookDelivery,
    WebhookEndpoint,
    api_token_cohorts,
    webhook_endpoint_cohorts,
)
from .notification import CohortFollower, EmailOptOut, Notification
from .outbox import OutboxMessage
from .practice import ReplyAwaitingReview, ReplyScore, counted_replies, counted_runs
from .progress import ReadingPosition, Reflection, RushedSection, SectionView
from .quiz import QuizAttempt
from .rate_limit import RateLimitCounter
from .requirement import RequirementRecord, current_requirement_records
from .safeguarding import RefusedRegistration, SafeguardingMarker
from .scenario import ScenarioRun, ScenarioStep
from .search import is_search_object
from .second_factor import RecoveryCode, SecondFactor, has_second_factor, remove_second_factor
from .user import ROLE_LABELS, Role, SignedInUser, User, normalise_email

__all__ = [
    "CohortFollower",
    "EmailOptOut",
    "Notification",
    "ApiToken",
    "AuditEntry",
    "Base",
    "CertificationEvent",
    "Cohort",
    "OutboxMessage",
    "PublishedMentorState",
    "QuizAttempt",
    "RateLimitCounter",
    "RecoveryCode",
    "ReadingPosition",
    "RefusedRegistration",
    "RemovedMentor",
    "ReplyAwaitingReview",
    "ReplyScore",
    "SafeguardingMarker",
    "RequirementRecord",
    "Reflection",
    "ROLE_LABELS",
    "Role",
    "RushedSection",
    "ScenarioRun",
    "ScenarioStep",
    "SecondFactor",
    "SignedInUser",
    "is_search_object",
    "SectionView",
    "SessionSignup",
    "Standing",
    "TrainingSession",
    "User",
    "counted_replies",
    "counted_runs",
    "current_requirement_records",
    "standing_decisions",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WithdrawnCertificate",
    "api_token_cohorts",
    "webhook_endpoint_cohorts",
    "normalise_email",
    "has_second_factor",
    "remove_second_factor",
    "utcnow",
]

"""Learner state only: who did what, against which content id and version."""

from .api_token import ApiToken
from .audit import AuditEntry
from .base import Base, utcnow
from .certification import CertificationEvent, Standing, WithdrawnCertificate
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
from .outbox import OutboxMessage
from .progress import ReadingPosition, Reflection, RushedSection, SectionView
from .quiz import QuizAttempt
from .rate_limit import RateLimitCounter
from .requirement import RequirementRecord
from .scenario import ScenarioRun, ScenarioStep
from .search import is_search_object
from .user import ROLE_LABELS, Role, SignedInUser, User, normalise_email

__all__ = [
    "ApiToken",
    "AuditEntry",
    "Base",
    "CertificationEvent",
    "Cohort",
    "OutboxMessage",
    "PublishedMentorState",
    "QuizAttempt",
    "RateLimitCounter",
    "ReadingPosition",
    "RemovedMentor",
    "RequirementRecord",
    "Reflection",
    "ROLE_LABELS",
    "Role",
    "RushedSection",
    "ScenarioRun",
    "ScenarioStep",
    "SignedInUser",
    "is_search_object",
    "SectionView",
    "SessionSignup",
    "Standing",
    "TrainingSession",
    "User",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WithdrawnCertificate",
    "api_token_cohorts",
    "webhook_endpoint_cohorts",
    "normalise_email",
    "utcnow",
]

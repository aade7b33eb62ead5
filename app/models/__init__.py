"""Learner state only: who did what, against which content id and version."""

from .api_token import ApiToken
from .base import Base, utcnow
from .certification import CertificationEvent, Standing
from .cohort import Cohort
from .progress import Reflection, SectionView
from .quiz import QuizAttempt
from .scenario import ScenarioRun, ScenarioStep
from .user import Role, User, normalise_email

__all__ = [
    "ApiToken",
    "Base",
    "CertificationEvent",
    "Cohort",
    "QuizAttempt",
    "Reflection",
    "Role",
    "ScenarioRun",
    "ScenarioStep",
    "SectionView",
    "Standing",
    "User",
    "normalise_email",
    "utcnow",
]

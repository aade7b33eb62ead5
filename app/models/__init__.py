"""Learner state only: who did what, against which content id and version."""

from .base import Base, utcnow
from .progress import Reflection, SectionView
from .quiz import QuizAttempt
from .scenario import ScenarioRun, ScenarioStep
from .user import Role, User, normalise_email

__all__ = [
    "Base",
    "QuizAttempt",
    "utcnow",
    "Reflection",
    "Role",
    "ScenarioRun",
    "ScenarioStep",
    "SectionView",
    "User",
    "normalise_email",
]

"""Where each role starts: the page of their everyday work, not a trainee's dashboard."""

from __future__ import annotations

from flask import url_for

from ..models import Role

HOME_ENDPOINTS = {
    Role.COORDINATOR.value: "coordinate.mentors",
    Role.SAFEGUARDING_LEAD.value: "coordinate.mentors",
    Role.ADMIN.value: "admin.users",
    Role.AUTHOR.value: "author.index",
}


def home_url(user) -> str:
    """The signed-in person's home page; trainees' is their dashboard."""
    return url_for(HOME_ENDPOINTS.get(getattr(user, "role", None), "learn.dashboard"))

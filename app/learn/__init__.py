"""The trainee's path: dashboard, module overviews, sections, reflections, quizzes and role-plays."""

from flask import Blueprint

bp = Blueprint("learn", __name__)

from . import quiz_views, scenario_views, views  # noqa: E402,F401  (routes register themselves on bp)

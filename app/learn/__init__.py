"""The trainee's path: dashboard, module overviews, sections, reflections, quizzes and role-plays."""

from flask import Blueprint

bp = Blueprint("learn", __name__)

from . import presenters, quiz_views, scenario_views, session_views, views  # noqa: E402,F401  (routes and template helpers register themselves on bp)

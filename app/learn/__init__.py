"""The trainee's path: dashboard, module overviews, section pages and reflections."""

from flask import Blueprint

bp = Blueprint("learn", __name__)

from . import quiz_views, views  # noqa: E402,F401  (routes register themselves on bp)

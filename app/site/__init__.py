"""Site-wide pieces that belong to no feature: the health check, error pages and the layout's header."""

from flask import Blueprint

bp = Blueprint("site", __name__)

from . import presenters, views  # noqa: E402,F401  (routes and template globals register themselves on bp)

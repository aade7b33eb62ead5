"""Site-wide routes that belong to no feature: the health check and error pages."""

from flask import Blueprint

bp = Blueprint("site", __name__)

from . import views  # noqa: E402,F401  (routes register themselves on bp)

"""Site-wide pieces that belong to no feature: the health check, error pages and the layout's header."""

from flask import Blueprint

bp = Blueprint("site", __name__)

from . import email_views, identity_views, safeguarding_views, views  # noqa: E402,F401  (routes register themselves on bp)

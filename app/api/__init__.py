"""The matching API: lets a matching system read who is ready, with a bearer token."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from . import views  # noqa: E402,F401  (routes register themselves on bp)

"""Public certificate verification: anyone with the link can check a certificate."""

from flask import Blueprint

bp = Blueprint("verify", __name__, url_prefix="/verify")

from . import views  # noqa: E402,F401  (routes register themselves on bp)

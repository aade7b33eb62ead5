"""The coordinator area: who is in training, stuck, ready for review, certified or expired."""

from flask import Blueprint, abort
from flask_login import current_user

from ..extensions import login_manager

bp = Blueprint("coordinate", __name__, url_prefix="/coordinator")


@bp.before_request
def staff_only():
    """Every route here, present and future, is for coordinators and admins only."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.is_staff:
        abort(403)
    return None


from . import (  # noqa: E402,F401  (routes and template helpers register themselves on bp)
    cohort_views,
    correction_views,
    import_views,
    presenters,
    reply_views,
    report_views,
    session_views,
    views,
)

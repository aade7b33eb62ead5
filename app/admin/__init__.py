"""The admin area: accounts (roles, deactivation), API tokens, webhooks and the audit log."""

from flask import Blueprint, abort
from flask_login import current_user

from ..extensions import login_manager
from ..models import Role

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def admins_only():
    """Every route here, present and future, is for admins only."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.role != Role.ADMIN.value:
        abort(403)
    return None


from . import matching_views, outbox_views, views  # noqa: E402,F401  (routes register themselves on bp)

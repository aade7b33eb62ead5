"""Author pages: every quiz with its answer key, every scenario with its graph."""

from flask import Blueprint, abort
from flask_login import current_user

from ..extensions import login_manager

bp = Blueprint("author", __name__, url_prefix="/author")


@bp.before_request
def authors_only():
    """Answer keys are for authors and admins only, on every route here."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.is_author:
        abort(403)
    return None


from . import views  # noqa: E402,F401  (routes register themselves on bp)

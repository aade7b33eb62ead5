"""The layout's header: which links it shows (its choices) and what it prints (its values).
The markup is in _site_header.html.

Every page prints the header. Through Jinja it cost about 250,000 instructions a page, more
than the health check's whole request spends in the app: seven links and five reads of
``current_user``, each through its context-local proxy. As a fragment it is one lookup and
two escapes."""

from __future__ import annotations

from flask_login import current_user
from markupsafe import Markup

from ..fragments import render_each
from ..security import csrf_token
from . import bp

HEADER_VALUES = ("name", "csrf_token")


@bp.app_template_global()
def site_header() -> Markup:
    user = current_user._get_current_object()
    if user.is_authenticated:
        choices = (True, user.is_staff, user.role == "admin", user.is_author)
        values = (user.name, csrf_token())
    else:
        choices, values = (False, False, False, False), ("", "")
    return render_each("_site_header.html", "site_header", HEADER_VALUES, ((choices, values),))

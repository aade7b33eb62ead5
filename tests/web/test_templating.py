"""The Jinja environment is fixed once the app is built."""

from __future__ import annotations

import pytest


def test_a_global_added_after_the_app_is_built_is_refused(app):
    assert "status_labels" in app.jinja_env.globals and "url_for" in app.jinja_env.globals
    with pytest.raises(TypeError, match="fixed once the app is built"):
        app.jinja_env.globals["late"] = "too late"
    with pytest.raises(TypeError):
        app.jinja_env.globals.update(late="too late")
    assert "late" not in app.jinja_env.globals

"""``url_for`` for templates, remembering the paths it has built.

A dashboard links to every module, section, quiz and role-play: about fifty ``url_for`` calls,
each a walk through Werkzeug's URL map (5–6 µs). The same arguments always build the same path
under the same script root, so each worker keeps the paths it has built. This is a cache of a
pure function, not state: every worker builds the same answers, and a restart loses nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app, request, url_for

# Query strings come from visitors (the coordinator list's filters); past this many distinct
# links the cache stops growing and links are built as before.
MAX_REMEMBERED = 20_000


def install(app: Flask) -> None:
    if app.url_default_functions or app.url_build_error_handlers:
        return  # link building then depends on more than its arguments
    paths: dict[tuple, str] = {}

    def cached_url_for(endpoint: str, **values) -> str:
        if values.get("_external") or endpoint.startswith("."):
            return url_for(endpoint, **values)
        key = (request.script_root, endpoint, *values.items())
        try:
            path = paths.get(key)
        except TypeError:  # an unhashable value: build it every time
            return url_for(endpoint, **values)
        if path is None:
            path = url_for(endpoint, **values)
            if len(paths) < MAX_REMEMBERED:
                paths[key] = path
        return path

    app.jinja_env.globals["url_for"] = cached_url_for
    app.extensions["cached_url_for"] = cached_url_for


def cached_url_for(endpoint: str, **values) -> str:
    """The app's remembering ``url_for``, for helpers that templates call."""
    return current_app.extensions["cached_url_for"](endpoint, **values)


def id_links(endpoint: str, argument: str) -> Callable[[int], str]:
    """Links to ``endpoint`` for many integer ids (an ``<int:…>`` rule) at the cost of one: the
    path is built once for a sample id, and each link puts its own id in the sample's place.
    The coordinator list links fifty rows; building each through the URL map cost 3.5 µs."""
    sample = 918273645
    path = cached_url_for(endpoint, **{argument: sample})
    before, found, after = path.rpartition(str(sample))
    if not found or str(sample) in before:
        raise ValueError(f"{endpoint}'s {argument} is not a plain integer in its path {path!r}")
    return lambda id_: f"{before}{id_:d}{after}"

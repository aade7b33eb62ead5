"""What a refused form leaves behind. A form whose CSRF token no longer matches (the session
expired, or its owner logged out in another tab) saves nothing; the text typed into it is kept in
the signed session cookie, never on the server, until the form's page shows it again. Kept
values are only ever put back into a form for their owner to read and send again.

``page_of`` also serves the 405 handler: a form's address reopened in the address bar goes to
the page the form was on."""

from __future__ import annotations

import json
import zlib

from flask import current_app, request, session, url_for
from werkzeug.exceptions import HTTPException

SESSION_KEY = "kept_text"
MAX_CHARACTERS = 4000
# The cookie must stay under browsers' 4 KB limit with the rest of the session, whatever the text
# (kept text that does not compress is cut shorter).
MAX_COMPRESSED_BYTES = 1800
NEVER_KEPT = ("csrf", "password", "confirm", "current", "proof", "token", "code", "secret", "otp")
# The account pages ask for passwords and codes, and hold no text worth typing twice.
NOTHING_KEPT_FROM = ("auth",)


def page_of(path: str) -> str | None:
    """The address a browser can open (GET) nearest to ``path``: the path itself, else with its
    last segments removed one by one (a reflection's address gives its section page)."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    segments = path.rstrip("/").split("/")
    while segments:
        candidate = "/".join(segments) or "/"
        segments.pop()
        try:
            endpoint, arguments = adapter.match(candidate, method="GET")
        except HTTPException:  # not found, another method only, or a redirect to a canonical form
            continue
        if endpoint != "static":
            return url_for(endpoint, **arguments)
    return None


def keep(page: str, form) -> bool:
    """Keep the text fields of a refused form for ``page``; False if it held no text worth keeping."""
    if request.blueprint in NOTHING_KEPT_FROM:
        return False
    kept: dict[str, str] = {}
    room = MAX_CHARACTERS
    for name, value in form.items():
        if not value.strip() or any(word in name.lower() for word in NEVER_KEPT) or room <= 0:
            continue
        kept[name] = value[:room]
        room -= len(kept[name])
    while kept and len(zlib.compress(json.dumps(kept).encode())) > MAX_COMPRESSED_BYTES:
        longest = max(kept, key=lambda name: len(kept[name]))
        kept[longest] = kept[longest][: len(kept[longest]) * 3 // 4]
    if not kept:
        return False
    session[SESSION_KEY] = {"page": page, "fields": kept}
    return True


def take(page: str) -> dict[str, str]:
    """The text kept for ``page``, handed over once; nothing if it was kept for another page."""
    entry = session.get(SESSION_KEY)
    if not entry or entry.get("page") != page:
        return {}
    session.pop(SESSION_KEY)
    return {str(name): str(value) for name, value in entry.get("fields", {}).items()}

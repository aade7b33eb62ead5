"""Static files under content-hashed names with year-long caching; pages gzipped when asked."""

from __future__ import annotations

import gzip
import hashlib
import re

from app.config import PROJECT_ROOT


def test_the_stylesheet_has_a_content_hashed_name_and_is_cached_for_a_year(client):
    page = client.get("/auth/login").text
    href = re.search(r'<link rel="stylesheet" href="([^"]+)"', page).group(1)
    css = (PROJECT_ROOT / "static" / "css" / "peerpath.css").read_bytes()
    assert href == f"/assets/css/peerpath.{hashlib.sha256(css).hexdigest()[:10]}.css"
    plain = client.get(href)
    assert plain.data == css and plain.mimetype == "text/css"
    assert plain.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    packed = client.get(href, headers={"Accept-Encoding": "gzip, br"})
    assert packed.headers["Content-Encoding"] == "gzip" and gzip.decompress(packed.data) == css
    assert client.get("/assets/css/peerpath.0000000000.css").status_code == 404  # an old or made-up name


def test_pages_are_gzipped_only_for_clients_that_accept_it(client, trainee):
    plain = client.get("/")
    packed = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed.headers["Vary"]
    without_tokens = re.compile(r'name="csrf_token" value="[^"]*"')  # tokens carry a timestamp
    assert without_tokens.sub("", gzip.decompress(packed.data).decode()) == without_tokens.sub("", plain.text)
    assert len(packed.data) < len(plain.data) / 3

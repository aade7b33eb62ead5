"""Gzip for pages and JSON a browser or client can take compressed: a dashboard of 25 KB travels
as about 5 KB, which matters on a phone. Streamed responses (the CSV export) go as they are."""

from __future__ import annotations

import gzip

from flask import Flask, Response, request

COMPRESSED_TYPES = {"text/html", "application/json", "text/plain"}
SMALLEST = 1400  # below one packet, compressing saves nothing worth the work


def compress(response: Response) -> Response:
    if (
        response.mimetype not in COMPRESSED_TYPES
        or response.is_streamed
        or response.direct_passthrough
        or "Content-Encoding" in response.headers
        or "gzip" not in request.headers.get("Accept-Encoding", "")
        or not 200 <= response.status_code < 300
    ):
        return response
    body = response.get_data()
    if len(body) < SMALLEST:
        return response
    response.set_data(gzip.compress(body, compresslevel=5, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    return response


def init_app(app: Flask) -> None:
    app.after_request(compress)

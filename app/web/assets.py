"""Static files under content-hashed names, cached by browsers for a year and sent compressed.

``asset_url("css/peerpath.css")`` gives ``/assets/css/peerpath.1a2b3c4d5e.css``; a new version of
the file gets a new name, so nothing stale is ever served from a cache. Hashes and gzipped
copies are made once when the app starts (and again per request under FLASK_DEBUG, so edits
show up at once).
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Flask, Response, abort, current_app, request

YEAR = 365 * 24 * 3600
COMPRESSIBLE = {".css", ".js", ".svg", ".txt", ".json"}

bp = Blueprint("assets", __name__, url_prefix="/assets")


@dataclass(frozen=True)
class Asset:
    path: Path
    hashed_name: str
    body: bytes
    gzipped: bytes | None
    mimetype: str


def scan(folder: Path) -> dict[str, Asset]:
    """Every file under ``folder`` by its plain relative name."""
    assets = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        body = path.read_bytes()
        digest = hashlib.sha256(body).hexdigest()[:10]
        stem, dot, suffix = name.rpartition(".")
        hashed = f"{stem}.{digest}.{suffix}" if dot else f"{name}.{digest}"
        gzipped = gzip.compress(body, 9, mtime=0) if path.suffix in COMPRESSIBLE else None
        mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
        assets[name] = Asset(path, hashed, body, gzipped, mimetype)
    return assets


def _assets() -> dict[str, Asset]:
    if current_app.debug:
        return scan(Path(current_app.static_folder))
    return current_app.extensions["assets"]


def _assets_by_hashed_name() -> dict[str, Asset]:
    if current_app.debug:
        return {a.hashed_name: a for a in _assets().values()}
    return current_app.extensions["assets_by_hashed_name"]


def asset_url(name: str) -> str:
    asset = _assets().get(name)
    if asset is None:
        raise KeyError(f"no static file {name!r}")
    return f"{request.script_root}/assets/{asset.hashed_name}"


@bp.get("/<path:hashed_name>")
def serve(hashed_name: str):
    asset = _assets_by_hashed_name().get(hashed_name)
    if asset is None:
        abort(404)
    compressed = asset.gzipped is not None and "gzip" in request.headers.get("Accept-Encoding", "")
    response = Response(asset.gzipped if compressed else asset.body, mimetype=asset.mimetype)
    if compressed:
        response.headers["Content-Encoding"] = "gzip"
    response.headers["Vary"] = "Accept-Encoding"
    response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    return response


def init_app(app: Flask) -> None:
    assets = scan(Path(app.static_folder))
    app.extensions["assets"] = assets
    app.extensions["assets_by_hashed_name"] = {a.hashed_name: a for a in assets.values()}
    app.jinja_env.globals["asset_url"] = asset_url
    app.register_blueprint(bp)

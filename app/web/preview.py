"""Live preview for authors: with FLASK_DEBUG=1, edited content is reloaded on the next request.

Only in debug: production loads the course once, at start, and every worker serves the same.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, render_template

from ..course import inspect_course


def fingerprint(*folders: Path) -> tuple:
    """Name, size and modification time of every content file: cheap to take on each request."""
    files = sorted(p for folder in folders if folder.is_dir() for p in folder.rglob("*") if p.is_file())
    return tuple((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in files)


def init_app(app: Flask) -> None:
    if not app.debug:
        return
    folders = (Path(app.config["CONTENT_DIR"]), Path(app.config["QUIZZES_DIR"]))
    seen = {"fingerprint": fingerprint(*folders)}

    @app.before_request
    def reload_edited_content():
        current = fingerprint(*folders)
        if current == seen["fingerprint"]:
            return None
        course, problems = inspect_course(*folders)
        if course is None:
            errors = [p.located() for p in problems if p.severity == "error"]
            return render_template("site/content_errors.html", problems=errors), 500
        app.extensions["course"] = course
        seen["fingerprint"] = current
        return None

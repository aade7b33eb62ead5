"""Changing the rules safely: `applies_from` is validated where it is written, and a dry run says
who would change status, and why, before anything is written."""

from __future__ import annotations

import shutil

from sqlalchemy import select

from app.course.loader import inspect_course
from app.extensions import db
from app.models import Standing, utcnow

from ..helpers import FIXTURE_CONTENT, FIXTURE_QUIZZES
from .test_matching_api import certify

NEW_STEP = """  - id: safeguarding-briefing
    title: Local safeguarding briefing
    description: The programme's own safeguarding procedure, explained by its lead.
{applies}"""


def course_with_new_step(tmp_path, applies: str = ""):
    shutil.copytree(FIXTURE_CONTENT, tmp_path / "content")
    shutil.copytree(FIXTURE_QUIZZES, tmp_path / "quizzes")
    program = tmp_path / "content" / "program.yaml"
    text = program.read_text(encoding="utf-8")
    at = text.index("requirements:\n") + len("requirements:\n")
    program.write_text(text[:at] + NEW_STEP.format(applies=applies) + text[at:], encoding="utf-8")
    return program


def test_applies_from_must_be_a_date_reported_at_its_line(tmp_path):
    program = course_with_new_step(tmp_path, "    applies_from: next year\n")
    line = program.read_text(encoding="utf-8").splitlines().index("    applies_from: next year") + 1
    _, problems = inspect_course(tmp_path / "content", tmp_path / "quizzes")
    assert any(
        p.line == line and "YYYY-MM-DD" in p.message and p.path.endswith("program.yaml") for p in problems
    )


def stored_status(app, user_id: int) -> str:
    with app.app_context():
        return db.session.scalar(select(Standing.status).where(Standing.user_id == user_id))


def test_the_dry_run_says_who_would_change_and_why_and_writes_nothing(app, make_app, tmp_path, make_user):
    mentor = certify(app, make_user(name="Certified Before"))
    assert app.test_cli_runner().invoke(args=["certification", "refresh", "--all"]).exit_code == 0
    assert stored_status(app, mentor) == "certified"

    course_with_new_step(tmp_path)  # no applies_from: binds every certificate at once
    changed = make_app(CONTENT_DIR=tmp_path / "content", QUIZZES_DIR=tmp_path / "quizzes")
    result = changed.test_cli_runner().invoke(args=["certification", "refresh", "--all", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "1 trainee(s) would change status; nothing was written." in result.output
    assert "certified -> expired" in result.output and "Local safeguarding briefing" in result.output
    assert stored_status(app, mentor) == "certified"


def test_with_applies_from_the_same_change_ends_no_certificate(app, make_app, tmp_path, make_user):
    mentor = certify(app, make_user(name="Certified Before"))
    app.test_cli_runner().invoke(args=["certification", "refresh", "--all"])
    course_with_new_step(tmp_path, f"    applies_from: {utcnow().date().isoformat()}\n")
    changed = make_app(CONTENT_DIR=tmp_path / "content", QUIZZES_DIR=tmp_path / "quizzes")
    result = changed.test_cli_runner().invoke(args=["certification", "refresh", "--all", "--dry-run"])
    assert "0 trainee(s) would change status" in result.output, result.output
    assert stored_status(app, mentor) == "certified"

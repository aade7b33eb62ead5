"""``flask --app app content check``: validate the whole content tree like a compiler.

Registered as a Flask plugin command (see pyproject.toml) rather than on the app, so it
runs even when the content is too broken for the app to start.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import ScriptInfo

from ..config import content_dirs
from ..course import inspect_course
from ..course.errors import ContentProblem, display_path
from ..course.identity import example_problem as example_identity_problem
from ..course.procedure import example_problem
from .cues import cue_problems, cue_report


@click.group("content")
def content_group() -> None:
    """Check the course content."""


@content_group.command("check")
@click.option("--strict", is_flag=True, help="Fail on warnings too (CI does).")
@click.option(
    "--database", is_flag=True, help="Also name ids that have learner records but are gone from the content."
)
@click.option(
    "--report", is_flag=True, help="Also print how far length alone predicts each quiz's and role-play's key."
)
@click.option(
    "--deploy",
    is_flag=True,
    help="Also refuse what must not reach a server: the shipped example safeguarding procedure and identity.",
)
@click.pass_context
def check_command(ctx: click.Context, strict: bool, database: bool, report: bool, deploy: bool) -> None:
    """Validate every module, quiz, scenario and the program; print each problem as path:line:column."""
    content_dir, quizzes_dir = content_dirs()
    course, problems = inspect_course(content_dir, quizzes_dir)
    if course is not None:
        problems += cue_problems(course)
        if deploy:
            # An error only here: the demo and CI run on the example; a server must not.
            program_path = display_path(content_dir / "program.yaml")
            refusals = (
                example_problem(course.program.safeguarding, program_path),
                example_identity_problem(course.program.identity, program_path),
            )
            problems += [refusal for refusal in refusals if refusal]
        if report:
            click.echo(cue_report(course) + "\n")
    if database:
        if course is None:
            click.echo(
                "The database comparison needs content without errors: fix the errors below first.", err=True
            )
        else:
            problems += _orphans(ctx, course, content_dir, quizzes_dir)
    for problem in sorted(problems):
        click.echo(problem.located())
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    files = len({p.path for p in problems})
    summary = f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
    if problems:
        click.echo(f"{summary} in {files} file{'s' * (files != 1)}.", err=True)
    else:
        click.echo(
            f"Content is valid: {len(course.modules)} modules, {len(course.quizzes)} quizzes, "
            f"{len(course.scenarios)} scenarios ({course.version})."
        )
    if errors or (strict and warnings):
        ctx.exit(1)


def _orphans(ctx: click.Context, course, content_dir: Path, quizzes_dir: Path) -> list[ContentProblem]:
    from .orphans import orphaned_records

    app = ctx.ensure_object(ScriptInfo).load_app()
    with app.app_context():
        return orphaned_records(
            course,
            display_path(content_dir / "modules"),
            display_path(quizzes_dir),
            display_path(content_dir / "scenarios"),
        )

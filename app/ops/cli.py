"""Commands under ``flask --app app``: staff accounts and demo data."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from ..auth.forms import MIN_PASSWORD
from ..auth.services import create_user
from ..certification.preview import status_changes
from ..certification.standings import refresh, refresh_stale
from ..content_tools.gift import parse_gift, to_quiz_yaml
from ..content_tools.scenario_graph import scenario_svg
from ..course.graph import graph_of, path_facts
from ..extensions import db
from ..learning.item_stats import GradedAttempt, item_stats
from ..models import Cohort, QuizAttempt, Role, User, normalise_email, remove_second_factor, utcnow
from ..people import audit, personal_data, safeguarding_markers
from ..practice.replies import rebuild_review_queue
from . import import_cli, mail_cli, matching_cli, notify_cli
from .backup import BackupRefused, backup_sqlite
from .seed import DEMO_TRAINEE_PASSWORD, seed_trainees

DEMO_ACCOUNTS = (
    ("trainee@example.org", "Tess Trainee", Role.TRAINEE, "demo-trainee-pass"),
    ("coordinator@example.org", "Cora Coordinator", Role.COORDINATOR, "demo-coordinator-pass"),
    ("admin@example.org", "Ada Admin", Role.ADMIN, "demo-admin-pass"),
)


def init_app(app: Flask) -> None:
    app.cli.add_command(create_user_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(quiz_stats_command)
    app.cli.add_command(scenario_group)
    app.cli.add_command(certification_group)
    app.cli.add_command(quiz_group)
    app.cli.add_command(backup_command)
    app.cli.add_command(export_user_command)
    app.cli.add_command(delete_user_command)
    app.cli.add_command(safeguarding_group)
    matching_cli.init_app(app)
    mail_cli.init_app(app)
    import_cli.init_app(app)
    notify_cli.init_app(app)


@click.command("create-user")
@with_appcontext
@click.argument("email")
@click.option("--name", required=True, help="The person's full name.")
@click.option(
    "--role", type=click.Choice([r.value for r in Role]), default=Role.TRAINEE.value, show_default=True
)
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from standard input instead of prompting."
)
@click.option(
    "--cohort", "cohort_name", help="Put the person in this cohort (its name, as coordinators see it)."
)
def create_user_command(
    email: str, name: str, role: str, password_stdin: bool, cohort_name: str | None
) -> None:
    """Create an account, e.g. a coordinator: create-user EMAIL --role coordinator --name "Full Name".
    Whoever runs this vouches for the email, so the account counts as confirmed."""
    if db.session.scalar(select(User.id).where(User.email == normalise_email(email))):
        raise click.ClickException(f"an account for {email} already exists")
    cohort = db.session.scalar(select(Cohort).where(Cohort.name == cohort_name)) if cohort_name else None
    if cohort_name and cohort is None:
        raise click.ClickException(f"no cohort named {cohort_name!r}")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < MIN_PASSWORD:
        raise click.ClickException(f"the password must be at least {MIN_PASSWORD} characters")
    user = create_user(email, name, password, Role(role), verified=True)
    user.cohort_id = cohort.id if cohort else None
    db.session.commit()
    click.echo(f"Created {user.role} {user.email} ({user.name}).")


@click.command("seed-demo")
@click.option(
    "--trainees",
    type=click.IntRange(0, 1_000_000),
    default=0,
    help="Also create this many trainees with varied progress.",
)
@click.option("--seed", type=int, help="Random seed, for the same trainees every time.")
@with_appcontext
def seed_demo_command(trainees: int, seed: int | None) -> None:
    """Create the demo accounts (once) and print how to log in with them; optionally many demo trainees."""
    for email, name, role, password in DEMO_ACCOUNTS:
        if not db.session.scalar(select(User.id).where(User.email == email)):
            create_user(email, name, password, role, verified=True)
    db.session.commit()
    if trainees:
        started = time.perf_counter()
        result = seed_trainees(current_app.extensions["course"], trainees, seed)
        db.session.commit()
        click.echo(
            f"Created {result.trainees:,} trainees in {result.cohorts} cohorts with {result.section_views:,} sections "
            f"read, {result.quiz_attempts:,} quiz attempts, {result.scenario_runs:,} role-plays and "
            f"{result.decisions:,} decisions in {time.perf_counter() - started:.1f} s "
            f"(their password: {DEMO_TRAINEE_PASSWORD})."
        )
    click.echo("Demo accounts (for trying PeerPath locally; never use these on a server):")
    for email, _name, role, password in DEMO_ACCOUNTS:
        click.echo(f"  {role.value:<12} {email:<26} password: {password}")


@click.command("quiz-stats")
@click.argument("quiz_id", required=False)
@with_appcontext
def quiz_stats_command(quiz_id: str | None) -> None:
    """Print item statistics for one quiz, or every quiz: answers, share right, discrimination, unused options."""
    course = current_app.extensions["course"]
    if quiz_id and quiz_id not in course.quiz_by_id:
        raise click.ClickException(f"no quiz '{quiz_id}'; quizzes: {', '.join(course.quiz_by_id)}")
    for quiz in [course.quiz_by_id[quiz_id]] if quiz_id else course.quizzes:
        rows = db.session.execute(
            select(QuizAttempt.score, QuizAttempt.answers, QuizAttempt.credits).where(
                QuizAttempt.quiz_id == quiz.id, QuizAttempt.submitted_at.is_not(None)
            )
        ).all()
        attempts = [GradedAttempt(row.score, row.answers or {}, row.credits or {}) for row in rows]
        click.echo(f"\n{quiz.id}: {len(attempts)} graded attempts (pass mark {quiz.pass_mark}%)")
        click.echo(f"  {'question':<34} {'answers':>7} {'right':>6} {'discr.':>6}  options nobody picked")
        for item in item_stats(quiz, attempts):
            right = f"{item.share_right:.0%}" if item.share_right is not None else "-"
            discrimination = f"{item.discrimination:+.2f}" if item.discrimination is not None else "-"
            flag = "  <- review" if item.discrimination is not None and item.discrimination < 0.2 else ""
            click.echo(
                f"  {item.question_id:<34} {item.answered:>7} {right:>6} {discrimination:>6}  "
                f"{', '.join(item.never_chosen) or '-'}{flag}"
            )


@click.group("scenario")
def scenario_group() -> None:
    """Tools for role-play authors."""


@scenario_group.command("graph")
@click.argument("scenario_id")
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, writable=True), help="Write here instead of <id>.svg."
)
@with_appcontext
def scenario_graph_command(scenario_id: str, output: str | None) -> None:
    """Write a scenario's branching graph as SVG: nodes, choices with their points, endings marked."""
    course = current_app.extensions["course"]
    scenario = course.scenario_by_id.get(scenario_id)
    if scenario is None:
        raise click.ClickException(
            f"no scenario '{scenario_id}'; scenarios: {', '.join(course.scenario_by_id)}"
        )
    facts = path_facts(graph_of(scenario), scenario.start)
    target = Path(output or f"{scenario.id}.svg")
    target.write_text(scenario_svg(scenario), encoding="utf-8")
    click.echo(
        f"Wrote {target}: {len(scenario.nodes)} nodes, {len(facts.endings)} endings, "
        f"{facts.shortest}-{facts.longest} decisions, points {facts.worst}-{facts.best}."
    )


@click.group("certification")
def certification_group() -> None:
    """Certification standings."""


@certification_group.command("refresh")
@click.option("--all", "everyone", is_flag=True, help="Recompute every trainee, not only those marked stale.")
@click.option(
    "--dry-run", is_flag=True, help="Say how many people would change status and why; write nothing."
)
@with_appcontext
def certification_refresh(everyone: bool, dry_run: bool) -> None:
    """Recompute stored standings, e.g. after a deploy that changes a module version or the program.
    Run it with --all --dry-run first: a program change should not end certificates by surprise."""
    course = current_app.extensions["course"]
    if dry_run:
        changes = status_changes(course, utcnow())
        click.echo(f"{sum(changes.values())} trainee(s) would change status; nothing was written.")
        for (old, new, why), count in changes.most_common():
            click.echo(f"{count:>6}  {old} -> {new}  ({why})")
        return
    if everyone:
        count = refresh(
            course, list(db.session.scalars(select(User.id).where(User.role == Role.TRAINEE.value)))
        )
        rebuild_review_queue(course)  # the program may now review replies in other role-plays
    else:
        count = refresh_stale(course)
    db.session.commit()
    click.echo(f"Refreshed {count} standings.")


@click.group("quiz")
def quiz_group() -> None:
    """Quiz tools for authors."""


@quiz_group.command("import-gift")
@click.argument("gift_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--module", "module_id", required=True, help="The module the quiz belongs to.")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False),
    help="Where to write the YAML (default: quizzes/<module>.yaml).",
)
@with_appcontext
def import_gift_command(gift_file: str, module_id: str, output: str | None) -> None:
    """Convert a Moodle GIFT file into a PeerPath quiz, reporting what cannot be converted with its line."""
    course = current_app.extensions["course"]
    if module_id not in course.module_by_id:
        raise click.ClickException(f"no module '{module_id}'; modules: {', '.join(course.module_by_id)}")
    target = Path(output) if output else Path(current_app.config["QUIZZES_DIR"]) / f"{module_id}.yaml"
    if target.exists() and not output:
        raise click.ClickException(f"{target} exists already: choose another file with --output")
    text = Path(gift_file).read_text(encoding="utf-8", errors="replace")
    questions, problems = parse_gift(text)
    for problem in problems:
        click.echo(f"{gift_file}:{problem.line}: {problem.message}", err=True)
    if not questions:
        raise click.ClickException("no question could be converted")
    target.write_text(to_quiz_yaml(questions, module_id, module_id), encoding="utf-8")
    click.echo(
        f"Wrote {len(questions)} questions to {target}; {len(problems)} could not be converted. "
        "Review the feedback, add explanations, set 'draw', then run: flask --app app content check"
    )


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace PATH if it exists.")
@with_appcontext
def backup_command(path: Path, force: bool) -> None:
    """Write a consistent copy of the SQLite database to PATH while the app keeps serving."""
    if path.exists() and not force:
        raise click.ClickException(f"{path} exists already; choose another name or add --force")
    try:
        size = backup_sqlite(db.engine, path)
    except BackupRefused as refused:
        raise click.ClickException(str(refused)) from None
    click.echo(f"Backed up the database to {path} ({size:,} bytes).")


def _person(email: str) -> User:
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise click.ClickException(f"no account uses {email}")
    return user


@click.command("export-user")
@click.argument("email")
@click.option("--output", "-o", type=click.File("w"), default="-", help="Write here instead of the console.")
@with_appcontext
def export_user_command(email: str, output) -> None:
    """Write everything PeerPath holds about one person as JSON (a data-protection access request)."""
    json.dump(personal_data.export_user(_person(email)), output, indent=2, ensure_ascii=False)
    output.write("\n")


@click.command("delete-user")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def delete_user_command(email: str, yes: bool) -> None:
    """Delete one person and all their records (a data-protection erasure request).

    Their certificates' public pages will answer "revoked". Export first if they asked for a copy.
    """
    user = _person(email)
    if not yes:
        click.confirm(f"Delete {user.name} <{user.email}> and every record about them?", abort=True)
    withdrawn = personal_data.delete_user(
        user, marker_years=current_app.extensions["course"].program.retention.safeguarding_marker_years
    )
    db.session.commit()
    click.echo(
        f"Deleted the account and records of {email}; {withdrawn} certificate(s) now verify as revoked."
    )


@click.group("safeguarding")
def safeguarding_group() -> None:
    """Safeguarding records that outlive an account, and staff sign-in."""


@safeguarding_group.command("purge-markers")
@with_appcontext
def purge_markers_command() -> None:
    """Delete safeguarding markers past their retention period (run monthly)."""
    purged = safeguarding_markers.purge_expired(utcnow())
    db.session.commit()
    click.echo(f"Deleted {purged} marker(s) past their retention period.")


@safeguarding_group.command("reset-second-factor")
@click.argument("email")
@click.option(
    "--reason", required=True, help="Why, for the audit log (e.g. the only admin lost their phone)."
)
@with_appcontext
def reset_second_factor_command(email: str, reason: str) -> None:
    """Remove a staff member's authenticator and recovery codes from the server (audited): for
    when no admin can sign in to do it on the admin page."""
    user = _person(email)
    if not remove_second_factor(db.session, user.id):
        raise click.ClickException(f"{email} has no two-step login to reset")
    audit.record("account.second_factor_reset", "user", user.id, None, reason=reason.strip())
    db.session.commit()
    click.echo(
        f"Reset {email}'s two-step login: their password alone logs them in until they set it up again."
    )

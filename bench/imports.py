"""`python -m bench.imports`: how long importing trainees takes, on a fresh migrated SQLite
database (or PostgreSQL with --pg and DATABASE_URL). 10,000 people with their screening dates,
one in ten certified before PeerPath, invitations queued: the check, then the import in one
transaction. Nothing here is a test: it measures."""

from __future__ import annotations

import argparse
import csv
import io
import os
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from app import create_app
from app.certification import standings
from app.extensions import db
from app.models import Cohort, Role, User, utcnow
from app.people import import_writer, imports

ROOT = Path(__file__).resolve().parent.parent
BUDGET_SECONDS = 30.0


def trainee_file(program, rows: int) -> bytes:
    today = utcnow().date()
    required = [r for r in program.requirements if imports.importable(r)]
    columns = [
        "name",
        "email",
        "cohort",
        "external_id",
        *(r.id for r in required),
        "certified_on",
        "certified_by",
    ]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for i in range(rows):
        prior = i % 10 == 0
        writer.writerow(
            [f"Mentor {i}", f"mentor{i}@example.org", "Bench", f"ext-{i}"]
            + [(today - timedelta(days=200)).isoformat() for _ in required]
            + [
                (today - timedelta(days=100)).isoformat() if prior else "",
                "Sam Lee, manager" if prior else "",
            ]
        )
    return out.getvalue().encode()


def timed(label: str, rows: int, work):
    start = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - start
    print(f"{label:<34} {seconds:7.2f} s  {rows / seconds:9,.0f} rows/s")
    return result, seconds


def migrated_app(url: str):
    """A new app on a freshly migrated database, with a coordinator and the file's cohort."""
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench-secret"}
    upgrade = [sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"]
    subprocess.run(upgrade, cwd=ROOT, env=env, check=True, capture_output=True)
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench-secret",
            "PUBLIC_URL": "https://bench.example.org",
            # Queued, as on a server: `flask mail send` sends them later (nothing is sent here).
            "MAIL_SERVER": "smtp.invalid",
        }
    )
    with app.app_context():
        coordinator = User(
            email="bench@example.org", name="Bench", role=Role.COORDINATOR.value, password_hash="!"
        )
        db.session.add_all([coordinator, Cohort(name="Bench", invite_code="bench-code")])
        db.session.commit()
    return app


def measure(course, rows: int) -> None:
    data = trainee_file(course.program, rows)
    print(f"{rows:,} rows, {len(data) / 1024:,.0f} KiB, {db.engine.dialect.name}")
    coordinator = db.session.scalar(select(User.id).where(User.email == "bench@example.org"))
    today = imports.programme_today(course.program)
    check = lambda: import_writer.dry_run(data, course.program, today, imports.Options())  # noqa: E731
    plan, checking = timed("check (the dry run)", rows, check)
    assert plan.clean, plan.problems[:5]
    write = lambda: import_writer.write(plan, course, coordinator, "bench.csv")  # noqa: E731
    done, writing = timed("people, history, certifications", rows, write)
    _, refreshing = timed("standings refreshed", rows, lambda: standings.refresh(course, done.everyone))
    invited, inviting = timed("invitations queued", rows, lambda: import_writer.invite(done.created))
    _, committing = timed("commit", rows, db.session.commit)
    total = checking + writing + refreshing + inviting + committing
    verdict = "within" if total < BUDGET_SECONDS else "OVER"
    print(
        f"{'total':<34} {total:7.2f} s  {rows / total:9,.0f} rows/s "
        f"({verdict} the {BUDGET_SECONDS:.0f} s budget; {invited:,} invitations)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument(
        "--pg", action="store_true", help="use DATABASE_URL (PostgreSQL) instead of a new SQLite file"
    )
    args = parser.parse_args()
    # The demo content's safeguarding procedure is the shipped example, which only a demo may serve.
    os.environ.setdefault("PEERPATH_DEMO", "1")
    with tempfile.TemporaryDirectory() as folder:
        app = migrated_app(os.environ["DATABASE_URL"] if args.pg else f"sqlite:///{folder}/bench.db")
        with app.app_context():
            measure(app.extensions["course"], args.rows)


if __name__ == "__main__":
    main()

"""`python -m bench.notify`: how long `flask --app app notify --dry-run` takes on 10,000 seeded
trainees (`seed-demo`, on a fresh migrated SQLite database, or PostgreSQL with --pg and
DATABASE_URL), with every coordinator following every cohort so the digests are worked out too.
Prints the seconds and what would be sent, per kind. Nothing here is a test: it measures."""

from __future__ import annotations

import argparse
import os
import re
import tempfile
import time

from sqlalchemy import select

from app import create_app
from app.extensions import db
from app.models import Cohort, Role, User
from app.models.notification import CohortFollower
from bench.run import flask

BUDGET_SECONDS = 30.0
SECRET = "bench-secret"


def follow_every_cohort(url: str) -> int:
    """Every coordinator follows every cohort: the most digests a programme could ask for."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET})
    with app.app_context():
        staff = db.session.scalars(
            select(User.id).where(User.role.in_([Role.COORDINATOR.value, Role.SAFEGUARDING_LEAD.value]))
        ).all()
        cohorts = db.session.scalars(select(Cohort.id)).all()
        db.session.add_all(CohortFollower(user_id=u, cohort_id=c) for u in staff for c in cohorts)
        db.session.commit()
        db.engine.dispose()
    return len(staff) * len(cohorts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainees", type=int, default=10_000)
    parser.add_argument(
        "--pg", action="store_true", help="use DATABASE_URL (PostgreSQL) instead of a new SQLite file"
    )
    options = parser.parse_args()
    # The demo content's safeguarding procedure is the shipped example, which only a demo may serve.
    os.environ.setdefault("PEERPATH_DEMO", "1")
    with tempfile.TemporaryDirectory() as folder:
        url = os.environ["DATABASE_URL"] if options.pg else f"sqlite:///{folder}/bench.db"
        env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": SECRET}
        env["PUBLIC_URL"] = "https://bench.example.org"
        if options.pg:
            flask(env, "db", "downgrade", "base")
        flask(env, "db", "upgrade")
        started = time.perf_counter()
        flask(env, "seed-demo", "--trainees", str(options.trainees), "--seed", "1")
        print(
            f"seeded {options.trainees:,} trainees in {time.perf_counter() - started:.1f} s ({url.split(':')[0]})"
        )
        print(f"{follow_every_cohort(url):,} cohort follows (every coordinator, every cohort)")
        started = time.perf_counter()
        output = flask(env, "notify", "--dry-run")
        seconds = time.perf_counter() - started
    counts = re.findall(r"^(\w+): (\d+)", output, re.MULTILINE)
    print(output.splitlines()[0])
    for kind, count in counts:
        print(f"  {kind:<22} {int(count):>7,}")
    verdict = "within" if seconds < BUDGET_SECONDS else "OVER"
    print(
        f"notify --dry-run: {seconds:.2f} s ({verdict} the {BUDGET_SECONDS:.0f} s budget, app start included)"
    )


if __name__ == "__main__":
    main()

"""Bulk demo trainees: every stage a coordinator sees, in cohorts, consistent with the rules."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from app.certification.standings import refresh_stale, standing_of
from app.extensions import db
from app.models import Cohort, Role, User, utcnow
from app.people.roster import MentorFilter, trainee_query


def test_seed_demo_creates_trainees_at_every_stage_in_cohorts(app, runner):
    result = runner.invoke(args=["seed-demo", "--trainees", "400", "--seed", "7"])
    assert result.exit_code == 0, result.output
    assert "Created 400 trainees in 2 cohorts" in result.output
    with app.app_context():
        course = app.extensions["course"]
        refresh_stale(course)  # as every reader of the list does first
        rows = db.session.execute(trainee_query(MentorFilter(), utcnow())).all()
        statuses = Counter(row.status for row in rows)
        assert len(rows) == 401  # and the demo trainee
        for status in ("not_started", "in_training", "awaiting_review", "certified", "expired", "revoked"):
            assert statuses[status] >= 5, statuses
        assert db.session.scalar(select(func.count()).select_from(Cohort)) == 2
        assert (
            db.session.scalar(
                select(func.count()).where(User.role == Role.TRAINEE.value, User.cohort_id.is_(None))
            )
            == 1
        )  # the demo trainee
        # the stored standings the list reads agree with the rules computed live
        sample = [row for row in rows if row.status in ("awaiting_review", "in_training")][:20]
        for row in sample:
            assert standing_of(course, row.id).status == row.status
        stalled = db.session.execute(trainee_query(MentorFilter(stalled=True), utcnow())).all()
        assert 0 < len(stalled) < 401


def test_seeding_twice_adds_new_trainees_beside_the_old(app, runner):
    runner.invoke(args=["seed-demo", "--trainees", "30"])
    runner.invoke(args=["seed-demo", "--trainees", "30"])
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(User.role == Role.TRAINEE.value)) == 61

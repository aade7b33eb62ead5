"""Pages issue the same number of SQL statements however many trainees there are (and trainee
pages at most four), and the coordinator list's sorts and filters are served by indexes.
Counts and plans, never times: timing belongs to bench/."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import event, select, text

from app.certification.standings import refresh_stale
from app.extensions import db
from app.models import Role, Standing, User, utcnow
from app.ops.seed import seed_trainees
from app.people import roster
from app.people.roster import MentorFilter, effective_status, status_is

from ..conftest import Auth

TRAINEE_PAGE_BUDGET = 4


@contextmanager
def counted(app):
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def statements_per_page(app, trainee, staff, runner) -> dict[str, int]:
    course = app.extensions["course"]
    module = course.modules[0]
    secret = runner.invoke(args=["api-token", "create", "Budget"]).output.strip().splitlines()[-1]
    pages = {
        "section": (trainee, f"/modules/{module.id}/{module.sections[1].id}", {}),
        "dashboard": (trainee, "/", {}),
        "module overview": (trainee, f"/modules/{module.id}", {}),
        "quiz": (trainee, f"/modules/{module.id}/quiz", {}),
        "role-play": (trainee, f"/scenarios/{course.scenarios[0].id}", {}),
        "coordinator list": (staff, "/coordinator/", {}),
        "filtered search": (staff, "/coordinator/?q=a&status=in_training&sort=progress&order=desc", {}),
        "csv": (staff, "/coordinator/mentors.csv", {}),
        "cohorts": (staff, "/coordinator/cohorts", {}),
        "api": (staff, "/api/v1/mentors?per_page=50", {"Authorization": f"Bearer {secret}"}),
    }
    counts = {}
    for name, (client, url, headers) in pages.items():
        client.get(url, headers=headers).get_data()  # the first visit may refresh stale standings
        with counted(app) as statements:
            response = client.get(url, headers=headers)
            response.get_data()
        assert response.status_code == 200, (name, response.status_code)
        counts[name] = len(statements)
    return counts


def test_statement_counts_do_not_grow_with_the_number_of_trainees(app, runner, make_user, trainee):
    staff = app.test_client()
    Auth(staff).login(make_user(role=Role.COORDINATOR))
    with app.app_context():
        seed_trainees(app.extensions["course"], 12, seed=1)
        db.session.commit()
    few = statements_per_page(app, app_client(app, trainee), staff, runner)
    with app.app_context():
        seed_trainees(app.extensions["course"], 240, seed=2)
        db.session.commit()
    many = statements_per_page(app, app_client(app, trainee), staff, runner)
    assert many == few
    for page in ("section", "dashboard", "module overview", "quiz", "role-play"):
        assert few[page] <= TRAINEE_PAGE_BUDGET, (page, few[page])


def app_client(app, email):
    client = app.test_client()
    Auth(client).login(email)
    return client


def test_status_filter_in_sql_agrees_with_the_effective_status(app, make_user):
    """The index-friendly predicate picks exactly the rows whose effective status is asked for."""
    now = utcnow()
    day = timedelta(days=1)
    cases = [
        ("not_started", None, None),
        ("in_training", None, None),
        ("awaiting_review", None, None),
        ("revoked", None, None),
        ("expired", now - 10 * day, now - 100 * day),
        ("certified", now + 100 * day, now + 50 * day),
        ("certified", now + 20 * day, now - day),  # the renewal window has opened
        ("certified", now - day, now - 60 * day),  # expired since the last refresh
        ("renewal_due", now + 10 * day, now - 50 * day),
        ("renewal_due", now - day, now - 61 * day),
    ]
    with app.app_context():
        for n, (stored, expires, renewal) in enumerate(cases):
            user = User(email=f"s{n}@example.org", name=f"S {n}", password_hash="x", standing_stale=False)
            db.session.add(user)
            db.session.flush()
            db.session.add(
                Standing(
                    user_id=user.id, status=stored, expires_at=expires, renewal_opens_at=renewal, progress=0
                )
            )
        db.session.commit()
        effective = dict(
            db.session.execute(select(Standing.user_id, effective_status(now)).select_from(Standing)).all()
        )
        for status in (
            "not_started",
            "in_training",
            "awaiting_review",
            "revoked",
            "certified",
            "renewal_due",
            "expired",
        ):
            picked = set(db.session.scalars(select(Standing.user_id).where(status_is(status, now))))
            assert picked == {uid for uid, s in effective.items() if s == status}, status
        assert set(effective.values()) >= {"certified", "renewal_due", "expired"}


def plan(query) -> list[str]:
    compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})
    if db.engine.dialect.name == "sqlite":
        return [row[3] for row in db.session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")).all()]
    # A test database is too small for PostgreSQL to prefer an index by itself: forbid sequential
    # scans, so the plan shows whether an index *can* serve the query without sorting.
    db.session.execute(text("SET LOCAL enable_seqscan = off"))
    return [row[0] for row in db.session.execute(text(f"EXPLAIN {compiled}")).all()]


@pytest.mark.parametrize("sort", ["name", "email", "activity"])
@pytest.mark.parametrize("descending", [False, True])
def test_the_list_reads_a_page_from_an_index_without_sorting_every_trainee(app, runner, sort, descending):
    with app.app_context():
        seed_trainees(app.extensions["course"], 300, seed=3)
        db.session.commit()
        db.session.execute(text("ANALYZE"))
        filters = MentorFilter(sort=sort, descending=descending)
        steps = plan(roster.page_query(filters, utcnow()))
        assert any("ix_users_active_role_" in step for step in steps), steps
        assert not any(
            "TEMP B-TREE" in step or step.strip().startswith("->  Sort") or step.startswith("Sort")
            for step in steps
        ), steps
        by_status = plan(roster.count_query(MentorFilter(status="in_training"), utcnow()))
        assert any("ix_standings_status" in step for step in by_status), by_status
        db.session.rollback()


def test_a_search_reads_the_search_index_instead_of_every_trainee(app):
    with app.app_context():
        seed_trainees(app.extensions["course"], 300, seed=4)
        db.session.commit()
        db.session.execute(text("ANALYZE"))
        search = MentorFilter(q="patel")
        if db.engine.dialect.name == "postgresql":
            # 300 trainees are few enough that the role index wins; without it (in this
            # transaction only) the plan shows whether the trigram index can serve the search.
            for index in ("name", "email", "activity"):
                db.session.execute(text(f"DROP INDEX ix_users_active_role_{index}"))
            # A search counts its matches in the page's own statement: that is the one to read.
            queries = [roster.page_query(search, utcnow())]
        else:  # SQLite weighs no status index against the trigram table
            combined = MentorFilter(q="patel", status="in_training", sort="progress")
            queries = [
                roster.count_query(search, utcnow()),
                roster.count_query(combined, utcnow()),
                roster.page_query(combined, utcnow()),
            ]
        for query in queries:
            steps = plan(query)
            assert any("user_search" in step or "ix_users_search_trgm" in step for step in steps), "\n".join(
                steps
            )
        db.session.rollback()


@pytest.mark.parametrize(
    "filters",
    [
        MentorFilter(),
        MentorFilter(status="in_training", sort="progress", descending=True),
        MentorFilter(q="patel", sort="progress", descending=True),
        MentorFilter(q="pa", status="in_training", sort="name"),
        MentorFilter(q="example", sort="quiz", stalled=True),
        MentorFilter(q="e", sort="activity", descending=True),
    ],
)
def test_a_page_holds_the_same_rows_and_total_as_the_whole_sorted_list(app, filters):
    """Each page carries its total (a search counts and sorts its matches by id, then reads the
    page's rows in full); a page past the end, with no row to carry it, counts apart."""
    with app.app_context():
        seed_trainees(app.extensions["course"], 130, seed=5)
        db.session.commit()
        refresh_stale(app.extensions["course"])
        now = utcnow()
        everyone = [tuple(row) for row in roster.mentor_rows(filters, now)]
        assert everyone, "the search should match someone"
        for page in (1, 2, 3, 4):
            rows, total = roster.mentor_page(replace(filters, page=page), now)
            start = (page - 1) * roster.PAGE_SIZE
            assert [tuple(row) for row in rows] == everyone[start : start + roster.PAGE_SIZE]
            assert total == len(everyone)
        db.session.rollback()

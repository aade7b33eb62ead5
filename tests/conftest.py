"""Fixtures: an app on a fresh database per test, a client, and helpers that use the real forms."""

from __future__ import annotations

import os
from dataclasses import replace
from itertools import count
from pathlib import Path

import pytest
from sqlalchemy import select, text
from werkzeug.security import generate_password_hash

from app import create_app
from app.course import load_course
from app.course.model import Pacing
from app.extensions import db
from app.models import Role, User, utcnow

from .helpers import FIXTURE_CONTENT, FIXTURE_QUIZZES
from .html import csrf_token

PASSWORD = "a long enough test password"
_PASSWORD_HASH = generate_password_hash(PASSWORD)  # scrypt is slow on purpose: hash once
_emails = count(1)


@pytest.fixture(scope="session", autouse=True)
def real_course_loaded_once():
    """Parse the tests' course once per test run: it is immutable, so every app can share it.

    The app's tests run on tests/fixtures/course, never on content/: a programme's own modules
    must not break them. ``CONTENT_DIR`` and ``QUIZZES_DIR`` point there for the whole run, so
    every app, `flask` command and server a test starts reads it unless told otherwise. Tests
    that build their own content in temporary folders still load it fresh.
    """
    real = (FIXTURE_CONTENT, FIXTURE_QUIZZES)
    shipped = load_course(*real)
    # Pacing off, as program.yaml's "0 switches a rule off" allows, so tests of other features
    # need not wait between pages; the `paced` fixture puts the shipped pacing back.
    course = replace(shipped, program=replace(shipped.program, pacing=Pacing()))

    def load(content_dir, quizzes_dir):
        if (Path(content_dir), Path(quizzes_dir)) == real:
            return course
        return load_course(content_dir, quizzes_dir)

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CONTENT_DIR", str(FIXTURE_CONTENT))
        patch.setenv("QUIZZES_DIR", str(FIXTURE_QUIZZES))
        patch.setattr("app.load_course", load)
        yield


@pytest.fixture
def paced(app):
    """The app with the pacing rules program.yaml ships (reading time, role-play cooldown, runs a day)."""
    shipped = load_course(FIXTURE_CONTENT, FIXTURE_QUIZZES).program.pacing
    course = app.extensions["course"]
    app.extensions["course"] = replace(course, program=replace(course.program, pacing=shipped))
    return shipped


@pytest.fixture
def database_url(tmp_path) -> str:
    """The database for one test: ``DATABASE_URL`` (e.g. PostgreSQL in CI) or a fresh SQLite file."""
    return os.environ.get("DATABASE_URL") or f"sqlite:///{tmp_path / 'test.db'}"


_schema_ready: set[str] = set()


def empty_database() -> None:
    """Give the test an empty schema: a new SQLite file gets its tables; a shared server
    database gets them once per run and is emptied before every test."""
    if db.engine.dialect.name != "postgresql":
        db.create_all()
        return
    url = str(db.engine.url)
    if url not in _schema_ready:
        db.drop_all()
        db.create_all()
        _schema_ready.add(url)
        return
    tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    with db.engine.begin() as connection:
        # The safeguarding history refuses TRUNCATE (app/models/append_only.py): the triggers are
        # off for this transaction only, as a superuser's replication session would have them.
        connection.execute(text("SET LOCAL session_replication_role = replica"))
        connection.execute(text(f"TRUNCATE TABLE {tables} RESTART IDENTITY CASCADE"))


def forget_schema() -> None:
    """For a test that drops tables: the next test builds them again."""
    _schema_ready.clear()


def pytest_report_header(config) -> str:
    url = os.environ.get("DATABASE_URL", "")
    engine = (
        url.split(":", 1)[0] if url else "sqlite (a new file per test; set DATABASE_URL to use PostgreSQL)"
    )
    return f"PeerPath database: {engine}"


@pytest.fixture
def app(database_url):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "test"})
    with app.app_context():
        empty_database()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def make_app(database_url):
    """More apps for one test (a restart, other settings), on its database; their connections are
    closed when the test ends, so no pooled connection outlives its engine."""
    made = []

    def make(**settings):
        app = create_app(
            {"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "test", **settings}
        )
        made.append(app)
        return app

    yield make
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def pytest_collection_modifyitems(items):
    """Mark the slow tiers by folder, so ``pytest -m "not browser and not server"`` is a fast loop."""
    for item in items:
        tier = item.path.parent.name
        if tier in ("server", "browser"):
            item.add_marker(tier)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app):
    """Create a user directly in the database and return its email; the password is PASSWORD."""

    def make(role: Role = Role.TRAINEE, name: str = "Test Person", email: str | None = None) -> str:
        email = email or f"person{next(_emails)}@example.org"
        with app.app_context():
            # Made as staff make accounts: the email counts as confirmed, whatever the registration mode.
            user = User(email=email, name=name, role=role.value, password_hash=_PASSWORD_HASH)
            user.email_verified_at = utcnow()
            db.session.add(user)
            db.session.commit()
        return email

    return make


class Auth:
    """Logs in and out through the real forms, CSRF token and all."""

    def __init__(self, client):
        self.client = client

    def login(self, email: str, password: str = PASSWORD, remember: bool = False, next_: str | None = None):
        page = self.client.get("/auth/login")
        data = {"email": email, "password": password, "csrf_token": csrf_token(page.text)}
        if remember:
            data["remember"] = "y"
        url = "/auth/login" + (f"?next={next_}" if next_ else "")
        return self.client.post(url, data=data)

    def logout(self):
        page = self.client.get("/auth/password")  # a page every signed-in role may open
        return self.client.post("/auth/logout", data={"csrf_token": csrf_token(page.text)})

    def register(self, name: str, email: str, password: str = PASSWORD, confirm: str | None = None):
        page = self.client.get("/auth/register")
        return self.client.post(
            "/auth/register",
            data={
                "name": name,
                "email": email,
                "password": password,
                "confirm": password if confirm is None else confirm,
                "csrf_token": csrf_token(page.text),
            },
        )


@pytest.fixture
def auth(client):
    return Auth(client)


@pytest.fixture
def trainee(make_user, auth):
    """A logged-in trainee's email."""
    email = make_user(Role.TRAINEE, name="Tomás Trainee")
    auth.login(email)
    return email


def user_id(app, email: str) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == email))


@pytest.fixture
def admin(app, make_user):
    """A logged-in admin's client; ``client.admin_id`` is their user id."""
    client = app.test_client()
    email = make_user(Role.ADMIN, name="Ada Admin")
    Auth(client).login(email)
    client.admin_id = user_id(app, email)
    return client


@pytest.fixture
def coordinator(app, make_user):
    """A logged-in coordinator's client."""
    client = app.test_client()
    Auth(client).login(make_user(Role.COORDINATOR, name="Cora Coordinator"))
    return client

"""A live PeerPath server and Debian's Chromium, for tests that use the real browser.

The browser suite runs against its own SQLite database and a copy of the course whose
program asks for one module and one role-play, so a whole journey fits in one test; the
web suite covers the full program on both databases.
"""

from __future__ import annotations

import os
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from sqlalchemy import delete
from werkzeug.serving import make_server

from app import create_app
from app.auth.services import create_user
from app.extensions import db
from app.models import RateLimitCounter, Role

from ..helpers import FIXTURE_CONTENT, FIXTURE_QUIZZES
from .emailed import LIVE_APPS, emailed_link

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = Path(__file__).parent / "screenshots"
STAFF_PASSWORD = "browser staff password"


def browser_program() -> str:
    """The tests' program cut down to one module and one role-play, so a journey fits a test;
    its training standards stay (the modules name them), recorded requirements and the review of
    typed replies are left out,
    and pacing is off (the web suite tests it with a clock it controls)."""
    program = yaml.safe_load((FIXTURE_CONTENT / "program.yaml").read_text())
    program.update(
        modules=[{"module": "active-listening"}],
        scenarios=[{"scenario": "quiet-first-week"}],
        minimum_minutes=0,
    )
    program.pop("requirements", None)
    program.pop("reply_review", None)  # scored replies have their own tests on the whole course
    program.pop("renewal", None)
    program.pop("pacing", None)
    return yaml.safe_dump(program, sort_keys=False, allow_unicode=True)


@pytest.fixture(scope="session")
def playwright_browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(
            f"browser suite skipped: {CHROMIUM} is missing (apt-get install chromium chromium-driver)"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("browser suite skipped: the playwright package is missing (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@contextmanager
def serve(
    root: Path,
    program_text: str | None = None,
    course: tuple[Path, Path] = (FIXTURE_CONTENT, FIXTURE_QUIZZES),
):
    """The app served over HTTP from a thread on a copy of ``course`` (the tests' own by default)
    under ``root`` (with ``program_text`` as its program.yaml when given), with a coordinator, an
    author and an admin."""
    shutil.copytree(course[0], root / "content")
    shutil.copytree(course[1], root / "quizzes")
    if program_text is not None:
        (root / "content" / "program.yaml").write_text(program_text)
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{root / 'live.db'}",
            "SECRET_KEY": "browser",
            "DEMO": True,  # the shipped example safeguarding procedure
            "CONTENT_DIR": root / "content",
            "QUIZZES_DIR": root / "quizzes",
        }
    )
    with app.app_context():
        db.create_all()
        create_user("coordinator@example.org", "Cora Coordinator", STAFF_PASSWORD, Role.COORDINATOR)
        create_user("author@example.org", "Ari Author", STAFF_PASSWORD, Role.AUTHOR)
        create_user("admin@example.org", "Ada Admin", STAFF_PASSWORD, Role.ADMIN)
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.app = app
    server.url = f"http://127.0.0.1:{server.server_port}"
    LIVE_APPS[server.url] = app
    try:
        yield server
    finally:
        server.shutdown()
        LIVE_APPS.pop(server.url, None)
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, playwright_browser):
    """The cut-down course (one module, one role-play, nothing recorded by staff)."""
    with serve(tmp_path_factory.mktemp("live"), browser_program()) as server:
        yield server


@pytest.fixture(scope="session")
def full_live_server(tmp_path_factory, playwright_browser):
    """The tests' course whole: every module, role-play and requirement staff record."""
    with serve(tmp_path_factory.mktemp("full")) as server:
        yield server


@pytest.fixture(autouse=True)
def fresh_throttle_budgets():
    """Each test starts with the servers' throttling counters empty: the suite signs up more
    people from 127.0.0.1 in an hour than the registration budget allows one address. (Turning
    the limiter off instead would leak into later apps: flask-limiter keeps ``enabled`` on its one
    shared instance.) The throttles themselves are tested in tests/web."""
    for app in LIVE_APPS.values():
        with app.app_context():
            db.session.execute(delete(RateLimitCounter))
            db.session.commit()
    yield


@pytest.fixture
def new_page(playwright_browser):
    """Pages in fresh browser contexts (separate cookies), closed after the test."""
    contexts = []

    def make(width: int = 1280):
        context = playwright_browser.new_context(viewport={"width": width, "height": 900})
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def log_in(page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/auth/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: url.startswith(base) and "/auth/login" not in url)  # each role's home


def register(page, base: str, name: str, email: str, password: str = "a long trainee password") -> None:
    page.goto(f"{base}/auth/register")
    page.fill("#name", name)
    page.fill("#email", email)
    page.fill("#password", password)
    page.fill("#confirm", password)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/auth/register" not in url)
    if page.url == f"{base}/auth/confirm-email":  # registration: verify_email, as shipped
        page.goto(emailed_link(base, email.lower(), "/auth/confirm-email/"))
        log_in(page, base, email, password)
    page.wait_for_url(f"{base}/")

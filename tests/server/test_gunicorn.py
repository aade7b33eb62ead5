"""Against gunicorn with four worker processes: the same submission from many places is recorded
exactly once, and killing workers mid-request loses nothing that was already committed."""

from __future__ import annotations

import itertools
import os
import random
import signal
import threading
import time

from sqlalchemy import func, select, text
from werkzeug.datastructures import MultiDict

from app.extensions import db
from app.models import QuizAttempt, ScenarioStep, SectionView, User

from ..conftest import PASSWORD, Auth
from ..helpers import answer_fields, drawn_questions, race, start
from ..html import csrf_token
from .conftest import WORKERS, ConnectionLost, HttpClient

SENDERS = 16
KILLS = 6
BOOT_SECONDS = 3.0  # a worker younger than this may still be loading the course


def logged_in(gunicorn, make_user) -> HttpClient:
    browser = gunicorn.client()
    assert Auth(browser).login(make_user()).status_code == 302
    return browser


def tab_of(browser: HttpClient) -> HttpClient:
    """Another tab of the same browser: the same session cookie, its own connection."""
    return HttpClient(browser.port, dict(browser.cookies))


def test_one_quiz_submission_sent_sixteen_times_at_once_is_graded_once(app, gunicorn, make_user):
    browser = logged_in(gunicorn, make_user)
    url, page = start(browser)
    fields = MultiDict(
        [
            ("csrf_token", csrf_token(page)),
            ("action", "submit"),
            *answer_fields(drawn_questions(app, page), right=True),
        ]
    )
    codes = race(lambda: tab_of(browser).post(url, fields).status_code, SENDERS)
    assert codes == [302] * SENDERS  # every sender is sent on to the one result
    with app.app_context():
        graded = db.session.execute(select(QuizAttempt.score, QuizAttempt.submitted_at)).all()
    assert len(graded) == 1 and graded[0].score == 100 and graded[0].submitted_at is not None
    assert browser.get(f"{url}/result").status_code == 200


def test_one_role_play_turn_sent_sixteen_times_at_once_is_recorded_once(app, gunicorn, make_user):
    browser = logged_in(gunicorn, make_user)
    scenario = app.extensions["course"].scenarios[0]
    url = f"/scenarios/{scenario.id}"
    node = scenario.nodes[scenario.start]
    data = {"csrf_token": csrf_token(browser.get(url).text), "node": node.id, "position": "0"}
    if node.reply_prompt:
        browser.post(url, {**data, "reply": "A typed reply."})
    codes = race(
        lambda: tab_of(browser).post(url, {**data, "choice": node.choices[0].id}).status_code, SENDERS
    )
    assert set(codes) == {302}
    with app.app_context():
        assert db.session.scalars(select(ScenarioStep.position)).all() == [0]


def test_killing_workers_mid_request_loses_nothing_already_committed(app, gunicorn):
    """Four people register and read sections non-stop while workers are SIGKILLed one at a time.
    Every registration and every read that was answered had been committed first, so each one
    must be in the database afterwards; interrupted requests may or may not have landed."""
    pages = [(m.id, s.id) for m in app.extensions["course"].modules for s in m.sections[:3]]
    accounts: set[str] = set()
    reads: set[tuple[str, str, str]] = set()
    interrupted: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def keep_using_the_site(reader: int) -> None:
        for n in itertools.count():
            if stop.is_set():
                return
            email = f"reader{reader}-{n}@example.org"
            browser = gunicorn.client()
            try:
                if Auth(browser).register(f"Reader {reader}-{n}", email).status_code != 302:
                    continue
                with lock:
                    accounts.add(email)
                for module_id, section_id in random.sample(pages, 3):
                    if browser.get(f"/modules/{module_id}/{section_id}").status_code == 200:
                        with lock:
                            reads.add((email, module_id, section_id))
            except ConnectionLost as lost:
                with lock:
                    interrupted.append(str(lost))

    readers = [threading.Thread(target=keep_using_the_site, args=(r,)) for r in range(4)]
    for reader in readers:
        reader.start()
    kills = 0
    try:
        while kills < KILLS:
            booted = gunicorn.worker_pids(older_than=BOOT_SECONDS)  # never one still starting up
            if booted:
                os.kill(random.choice(booted), signal.SIGKILL)
                kills += 1
            time.sleep(1.0)
    finally:
        stop.set()
        for reader in readers:
            reader.join()

    print(
        f"{kills} kills, {len(interrupted)} requests cut off, {len(accounts)} registrations, {len(reads)} reads"
    )
    assert interrupted, f"none of {kills} kills interrupted a request: the test proved nothing"
    with app.app_context():
        stored_accounts = set(db.session.scalars(select(User.email)))
        stored_reads = set(
            db.session.execute(
                select(User.email, SectionView.module_id, SectionView.section_id).join(
                    SectionView, SectionView.user_id == User.id
                )
            ).all()
        )
        views = db.session.scalar(select(func.count()).select_from(SectionView))
        if db.engine.dialect.name == "sqlite":
            with db.engine.connect() as connection:
                assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    assert accounts and reads, "nothing went through between the kills"
    assert accounts <= stored_accounts, sorted(accounts - stored_accounts)
    assert reads <= stored_reads, sorted(reads - stored_reads)[:5]
    assert views == len(stored_reads)  # and nothing was recorded twice
    gunicorn.wait_for_workers()
    assert gunicorn.client().get("/healthz").status_code == 200


def test_login_throttling_counts_across_all_four_workers(app, gunicorn, make_user):
    """Counters live in the database, not in a worker's memory: 10 failures per account in all."""
    email = make_user()
    guesser = gunicorn.client()

    def guess(password: str) -> int:
        page = guesser.get("/auth/login").text
        data = {"email": email, "password": password, "csrf_token": csrf_token(page)}
        return guesser.post("/auth/login", data).status_code

    codes = [guess(f"wrong guess number {n}") for n in range(25)]
    assert codes == [200] * 10 + [429] * 15
    assert guess(PASSWORD) == 429  # the account is closed to this address until the window ends


def test_f2_slow_clients_cannot_take_the_site_down(gunicorn):
    """Twice as many slow clients as workers, each sending a header line every second (security
    review F2): with sync workers every other request waited for them; /healthz must keep answering."""
    import http.client
    import socket

    slow, stop = [], threading.Event()
    for _ in range(2 * WORKERS):
        connection = socket.create_connection(("127.0.0.1", gunicorn.port))
        connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        slow.append(connection)

    def dribble():
        while not stop.wait(1):
            for connection in slow:
                try:
                    connection.sendall(b"X-Slow: 1\r\n")
                except OSError:
                    pass

    sender = threading.Thread(target=dribble, daemon=True)
    sender.start()
    try:
        time.sleep(1.5)  # the slow clients hold whatever they can
        answers = []
        for _ in range(3):
            probe = http.client.HTTPConnection("127.0.0.1", gunicorn.port, timeout=5)  # liveness, not speed
            probe.request("GET", "/healthz")
            answers.append(probe.getresponse().status)
            probe.close()
        assert answers == [200, 200, 200]
    finally:
        stop.set()
        for connection in slow:
            connection.close()

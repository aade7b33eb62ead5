"""Simultaneous submissions (double clicks, retries, several workers) record exactly once."""

from __future__ import annotations

import threading

from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from app.extensions import db
from app.models import QuizAttempt, ScenarioStep

from ..helpers import THREADS, answer_fields, drawn_questions, race, start
from ..html import csrf_token


def cookie_clients(app, client, count: int):
    """Separate test clients sharing one logged-in session cookie, like tabs of one browser."""
    session = client.get_cookie("session")
    clients = []
    for _ in range(count):
        other = app.test_client()
        other.set_cookie(session.key, session.value, domain=session.domain)
        clients.append(other)
    return clients


def test_a_quiz_attempt_submitted_at_once_from_several_places_is_graded_once(app, client, trainee):
    url, page = start(client)
    fields = MultiDict(
        [
            ("csrf_token", csrf_token(page)),
            ("action", "submit"),
            *answer_fields(drawn_questions(app, page), right=True),
        ]
    )
    tabs = iter(cookie_clients(app, client, THREADS))
    lock = threading.Lock()

    def submit():
        with lock:
            tab = next(tabs)
        return tab.post(url, data=fields).status_code

    assert race(submit) == [302] * THREADS
    with app.app_context():
        graded = db.session.execute(select(QuizAttempt.score, QuizAttempt.submitted_at)).all()
    assert len(graded) == 1 and graded[0].score == 100 and graded[0].submitted_at is not None


def test_a_role_play_turn_taken_at_once_from_several_places_is_recorded_once(app, client, trainee):
    scenario = app.extensions["course"].scenarios[0]
    page = client.get(f"/scenarios/{scenario.id}").text
    first = scenario.nodes[scenario.start].choices[0]
    data = {"csrf_token": csrf_token(page), "node": scenario.start, "position": "0", "choice": first.id}
    if scenario.nodes[scenario.start].reply_prompt:
        client.post(f"/scenarios/{scenario.id}", data={**data, "reply": "A typed reply."})
    client.post(f"/scenarios/{scenario.id}", data=data)  # the run exists; now race the second turn
    page = client.get(f"/scenarios/{scenario.id}").text
    node = scenario.nodes[first.to]
    data = {"csrf_token": csrf_token(page), "node": node.id, "position": "1", "choice": node.choices[0].id}
    if node.reply_prompt:
        client.post(f"/scenarios/{scenario.id}", data={**data, "reply": "A typed reply."})
    tabs = iter(cookie_clients(app, client, THREADS))
    lock = threading.Lock()

    def turn():
        with lock:
            tab = next(tabs)
        return tab.post(f"/scenarios/{scenario.id}", data=data).status_code

    assert set(race(turn)) == {302}
    with app.app_context():
        positions = db.session.scalars(select(ScenarioStep.position).order_by(ScenarioStep.position)).all()
        assert positions == [0, 1]
        assert (
            db.session.scalar(
                select(func.count()).select_from(ScenarioStep).where(ScenarioStep.position == 1)
            )
            == 1
        )

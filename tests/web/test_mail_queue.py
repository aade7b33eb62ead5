"""Email off the request path (review F8, I2): every message is queued in the outbox in the
request's transaction, sent after the response, and retried by ``flask mail send``; an unreachable
mail server never gives a 500, and a reset request takes the same time for known and unknown
addresses. Without a mail server, messages are printed to the console, never logged."""

from __future__ import annotations

import logging
import socket
import socketserver
import statistics
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.extensions import db
from app.models import OutboxMessage, utcnow
from app.people import mail

from ..helpers import post
from ..html import csrf_token


class FakeSMTP(socketserver.ThreadingTCPServer):
    """Just enough SMTP for smtplib: it keeps each message, can answer slowly, or refuse (451)."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _SMTPHandler)
        self.port = self.server_address[1]
        self.messages: list[str] = []
        self.delay = 0.0
        self.refuse = False


class _SMTPHandler(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        server: FakeSMTP = self.server
        time.sleep(server.delay)
        self.reply("220 fake.test ESMTP")
        lines: list[bytes] | None = None
        while line := self.rfile.readline():
            if lines is not None:  # reading DATA
                if line.rstrip(b"\r\n") == b".":
                    if server.refuse:
                        self.reply("451 4.3.0 try again later")
                    else:
                        server.messages.append(b"".join(lines).decode())
                        self.reply("250 2.0.0 queued")
                    lines = None
                else:
                    lines.append(line[1:] if line.startswith(b"..") else line)
                continue
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                self.reply("250 fake.test")
            elif verb == b"DATA":
                self.reply("354 go ahead")
                lines = []
            elif verb == b"QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 OK")


@pytest.fixture
def smtp(app):
    server = FakeSMTP()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_SECURITY="none")
    yield server
    server.shutdown()
    server.server_close()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def ask_for_reset(client, email: str):
    return post(client, "/auth/reset", "/auth/reset", email=email)


def outbox(app) -> list[OutboxMessage]:
    with app.app_context():
        messages = list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        db.session.expunge_all()
        return messages


def make_due(app) -> None:
    """As if the time to retry had come."""
    with app.app_context():
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status == "queued")
            .values(next_attempt_at=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()


def test_f8_an_unreachable_mail_server_gives_302_for_known_and_unknown_and_the_message_stays_queued(
    app, client, make_user
):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=closed_port(), MAIL_SECURITY="none")
    known = ask_for_reset(client, make_user())
    unknown = ask_for_reset(client, "nobody-here@example.org")
    assert (known.status_code, unknown.status_code) == (302, 302)
    assert known.headers["Location"] == unknown.headers["Location"]
    [queued] = outbox(app)
    assert (queued.status, queued.attempts) == ("queued", 0)
    known.close()  # the server has sent the response: now the app tries, and fails, to send
    unknown.close()
    [tried] = outbox(app)
    assert (tried.status, tried.attempts) == ("queued", 1)
    assert "Connection" in tried.last_error and tried.sent_at is None
    assert tried.next_attempt_at > utcnow()  # `flask mail send` retries it later


def test_f8_a_reset_takes_the_same_time_whether_or_not_the_account_exists(app, client, make_user, smtp):
    smtp.delay = 0.4  # a slow mail server: sending inside the request would show it
    known = [make_user() for _ in range(5)]
    unknown = [f"nobody-{n}@example.org" for n in range(5)]

    def timed(email):
        token = csrf_token(client.get("/auth/reset").text)
        started = time.perf_counter()
        response = client.post("/auth/reset", data={"csrf_token": token, "email": email})
        elapsed = time.perf_counter() - started
        assert response.status_code == 302
        return elapsed, response

    known_runs = [timed(email) for email in known]
    unknown_runs = [timed(email) for email in unknown]
    known_median = statistics.median(seconds for seconds, _ in known_runs)
    unknown_median = statistics.median(seconds for seconds, _ in unknown_runs)
    assert known_median < smtp.delay / 2
    assert abs(known_median - unknown_median) < 0.1
    assert smtp.messages == []  # nothing was sent while the browser waited
    for _, response in known_runs + unknown_runs:
        response.close()
    assert len(smtp.messages) == 5
    assert {m.status for m in outbox(app)} == {"sent"}


def test_i2_without_a_mail_server_the_reset_link_is_printed_to_the_console_and_never_logged(
    app, client, make_user, caplog, capsys
):
    caplog.set_level(logging.DEBUG)
    assert ask_for_reset(client, make_user()).status_code == 302
    [message] = outbox(app)
    assert message.status == "printed"
    link = next(line for line in message.body.splitlines() if "/auth/reset/" in line)
    token = link.rsplit("/", 1)[1]
    assert link in capsys.readouterr().out  # development still reads it at once
    assert not any(token in record.getMessage() for record in caplog.records)


def test_f8_mail_send_delivers_what_is_left_and_marks_it_sent(app, client, make_user, runner, smtp):
    email = make_user()
    ask_for_reset(client, email)  # never closed: as if the worker died before sending
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 0 and "Sent 1;" in result.output
    [sent] = smtp.messages
    assert f"To: {email}" in sent and "/auth/reset/" in sent
    [message] = outbox(app)
    assert (message.status, message.attempts, message.next_attempt_at) == ("sent", 1, None)
    assert message.sent_at is not None and message.body == ""  # the sent link is not kept
    again = runner.invoke(args=["mail", "send"])
    assert again.exit_code == 0 and "Sent 0;" in again.output and len(smtp.messages) == 1


def test_f8_a_failing_send_is_retried_later_and_never_sent_twice(app, client, make_user, runner, smtp):
    smtp.refuse = True
    ask_for_reset(client, make_user()).close()
    [message] = outbox(app)
    assert (message.status, message.attempts) == ("queued", 1) and "451" in message.last_error
    smtp.refuse = False
    assert "Sent 0;" in runner.invoke(args=["mail", "send"]).output  # not due yet: it waits its back-off
    make_due(app)
    assert "Sent 1;" in runner.invoke(args=["mail", "send"]).output
    make_due(app)
    assert "Sent 0;" in runner.invoke(args=["mail", "send"]).output
    assert len(smtp.messages) == 1
    [message] = outbox(app)
    assert (message.status, message.attempts) == ("sent", 2)


def test_f8_two_senders_at_once_send_a_message_once(app, client, make_user, smtp, make_app):
    smtp.delay = 0.3
    ask_for_reset(client, make_user())  # still queued: the response was not closed
    other = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, MAIL_SECURITY="none")
    barrier = threading.Barrier(2)
    outcomes = []

    def send(an_app):
        with an_app.app_context():
            barrier.wait()
            outcomes.append(mail.deliver(utcnow()))
            db.session.remove()

    threads = [threading.Thread(target=send, args=(a,)) for a in (app, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcome.sent for outcome in outcomes) == [0, 1]
    assert len(smtp.messages) == 1


def test_f8_mail_send_gives_up_after_the_last_retry_and_says_so(app, client, make_user, runner, smtp):
    smtp.refuse = True
    ask_for_reset(client, make_user())
    for _ in range(len(mail.RETRY_AFTER)):
        assert runner.invoke(args=["mail", "send"]).exit_code == 0
        make_due(app)
    last = runner.invoke(args=["mail", "send"])
    assert last.exit_code == 1 and "gave up on 1" in last.output
    [message] = outbox(app)
    assert (message.status, message.attempts, message.next_attempt_at) == ("failed", 6, None)
    status = runner.invoke(args=["mail", "status"]).output
    assert "failed: 1" in status and f"failed #{message.id}" in status and "451" in status
    smtp.refuse = False
    assert "Queued 1" in runner.invoke(args=["mail", "retry-failed"]).output
    assert "Sent 1;" in runner.invoke(args=["mail", "send"]).output and len(smtp.messages) == 1


def test_mail_send_without_a_mail_server_says_so(runner):
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 1 and "MAIL_SERVER is not set" in result.output

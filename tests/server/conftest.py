"""PeerPath served by gunicorn with four worker processes, on the test's database, and a small
HTTP client that talks to it the way the Flask test client does (so the same helpers work)."""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
import yaml

from app.config import PROJECT_ROOT

from ..helpers import FIXTURE_CONTENT, FIXTURE_QUIZZES

WORKERS = 4


@dataclass
class Response:
    status_code: int
    text: str
    headers: http.client.HTTPMessage


class ConnectionLost(Exception):
    """The server closed the connection without answering (e.g. its worker was killed)."""


@dataclass
class HttpClient:
    """One browser: its own connection and cookies, redirects not followed."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    def get(self, path: str) -> Response:
        return self._send("GET", path)

    def post(self, path: str, data) -> Response:
        items = data.items(multi=True) if hasattr(data, "items") and hasattr(data, "getlist") else data
        body = urlencode(list(items.items()) if isinstance(items, dict) else list(items))
        return self._send("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"})

    def _send(self, method: str, path: str, body: str | None = None, headers: dict | None = None) -> Response:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            connection.request(method, path, body=body, headers=headers)
            reply = connection.getresponse()
            text = reply.read().decode()
        except (ConnectionError, http.client.RemoteDisconnected, http.client.IncompleteRead) as lost:
            raise ConnectionLost(f"{method} {path}: {lost!r}") from lost
        finally:
            connection.close()
        for header in reply.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return Response(reply.status, text, reply.headers)


@dataclass
class Gunicorn:
    process: subprocess.Popen
    port: int
    log: Path

    def client(self) -> HttpClient:
        return HttpClient(self.port)

    def worker_pids(self, older_than: float = 0.0) -> list[int]:
        """The master's live children (Linux /proc), optionally only those running ``older_than`` seconds."""
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        ticks = os.sysconf("SC_CLK_TCK")
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            # fields[0] is the state, [1] the parent, [19] the start time in ticks after boot
            age = uptime - int(fields[19]) / ticks
            if int(fields[1]) == self.process.pid and fields[0] != "Z" and age >= older_than:
                pids.append(int(stat.parent.name))
        return pids

    def wait_for_workers(self, count: int = WORKERS, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while len(self.worker_pids()) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"gunicorn did not bring back {count} workers:\n{self.log.read_text()}")
            time.sleep(0.1)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _content_without_pacing(root: Path) -> dict[str, str]:
    """A copy of the course with pacing off, so opening a page records it as read at once and the
    suite can check that every answered read survives a killed worker (test_pacing covers pacing),
    and registration open, so the workers' tests sign people up in one request
    (test_registration_modes covers proving the email)."""
    shutil.copytree(FIXTURE_CONTENT, root / "content")
    shutil.copytree(FIXTURE_QUIZZES, root / "quizzes")
    program = yaml.safe_load((root / "content" / "program.yaml").read_text())
    program.pop("pacing", None)
    program["registration"] = "open"
    (root / "content" / "program.yaml").write_text(
        yaml.safe_dump(program, sort_keys=False, allow_unicode=True)
    )
    return {"CONTENT_DIR": str(root / "content"), "QUIZZES_DIR": str(root / "quizzes")}


@pytest.fixture
def gunicorn(app, database_url, tmp_path):
    """Serve the app (whose fixture has just made the schema) with gunicorn, as in production."""
    port = _free_port()
    log = tmp_path / "gunicorn.log"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test",
        "PYTHONUNBUFFERED": "1",
        "PEERPATH_DEMO": "1",  # the shipped example safeguarding procedure is served
        **_content_without_pacing(tmp_path / "course"),
    }
    with log.open("w") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--workers",
                str(WORKERS),
                "--bind",
                f"127.0.0.1:{port}",
                "app:create_app()",
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    server = Gunicorn(process, port, log)
    deadline = time.monotonic() + 60
    while True:
        try:
            if server.client().get("/healthz").status_code == 200:
                break
        except (ConnectionLost, OSError):
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise AssertionError(f"gunicorn did not start:\n{log.read_text()}")
        time.sleep(0.2)
    server.wait_for_workers()
    yield server
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()

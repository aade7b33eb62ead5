"""Hardening from the security review (issue 24, items 11 and 12): verification of a deactivated
mentor (F6), CSV formula triggers after any separator (F14), no caching of personal pages (F16),
``instance/`` on a fresh clone (F21), and gunicorn's forwarded headers only with TRUST_PROXY (I3)."""

from __future__ import annotations

import csv
import http.client
import io
import os
import socket
import subprocess
import sys
import time

from sqlalchemy import select

from app import PeerPath, create_app
from app.config import PROJECT_ROOT
from app.extensions import db
from app.models import CertificationEvent, Role

from ..conftest import Auth, user_id
from ..helpers import complete_course, post
from ..html import elements

TRIGGERS = ("=", "+", "-", "@")


def test_f6_a_deactivated_mentors_certificate_does_not_verify_as_valid(app, admin, make_user):
    email = make_user(name="Dana Departed")
    complete_course(app, email)
    mentor_page = f"/coordinator/mentors/{user_id(app, email)}"
    post(admin, mentor_page, f"{mentor_page}/sign-off", reason="")
    with app.app_context():
        certificate = db.session.scalar(select(CertificationEvent.certificate_id))
    anonymous = app.test_client()
    assert elements(
        anonymous.get(f"/verify/{certificate}").text, "div", **{"data-certificate-state": "valid"}
    )

    account = f"/admin/users/{user_id(app, email)}"
    assert post(admin, account, f"{account}/deactivate", reason="Private matter XYZ.").status_code == 302
    page = anonymous.get(f"/verify/{certificate}")
    assert page.status_code == 200
    assert not elements(page.text, "div", **{"data-certificate-state": "valid"})
    assert elements(page.text, "div", **{"data-certificate-state": "inactive"})
    assert "Not valid" in page.text and "no longer active" in page.text
    assert "Valid until" not in page.text and "Private matter" not in page.text  # no reason given

    post(admin, account, f"{account}/reactivate", reason="Back.")
    assert elements(
        anonymous.get(f"/verify/{certificate}").text, "div", **{"data-certificate-state": "valid"}
    )


def test_f14_csv_neutralises_formula_triggers_after_any_separator(app, make_user, coordinator):
    names = ["Sam;=1+1;x", "Ann,@SUM(1)", "Tab\t+cmd", "Line\n-2+3", "Pipe| =1", "Anne-Marie Smith"]
    for name in names:
        make_user(name=name)
    text = coordinator.get("/coordinator/mentors.csv").text
    exported = {row["name"] for row in csv.DictReader(io.StringIO(text))}
    assert exported == {
        "Sam;'=1+1;x",
        "Ann,'@SUM(1)",
        "Tab\t'+cmd",
        "Line\n'-2+3",
        "Pipe| '=1",
        "Anne-Marie Smith",  # a hyphen inside a name is left alone
    }
    # However a spreadsheet splits the file (a ";" locale, tabs, lines), no piece starts a formula.
    for separator in (";", ",", "\t", "|", "\n"):
        for piece in text.replace("\r\n", "\n").split(separator):
            assert not piece.strip(' "').startswith(TRIGGERS), (separator, piece)


def test_f16_no_store_on_signed_in_pages_and_exports(app, coordinator, client, make_user, runner):
    mentor = user_id(app, make_user(name="Cached Carl"))
    for url in (
        f"/coordinator/mentors/{mentor}",
        "/coordinator/mentors.csv",
        "/coordinator/",
        "/auth/password",
    ):
        response = coordinator.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", url

    trainee = app.test_client()
    Auth(trainee).login(make_user(Role.TRAINEE, name="Tia Trainee"))
    assert trainee.get("/").headers["Cache-Control"] == "no-store"

    created = runner.invoke(args=["api-token", "create", "matching"])
    secret = created.output.strip().splitlines()[-1]
    api = client.get("/api/v1/mentors", headers={"Authorization": f"Bearer {secret}"})
    assert api.status_code == 200 and api.headers["Cache-Control"] == "no-store"

    # Public pages and fingerprinted assets keep their caching.
    assert "no-store" not in client.get("/auth/login").headers.get("Cache-Control", "")
    asset = next(
        a["href"]
        for a in elements(coordinator.get("/coordinator/").text, "link")
        if "/assets/" in a.get("href", "")
    )
    assert coordinator.get(asset).headers["Cache-Control"].startswith("public")


def test_f21_db_upgrade_on_a_fresh_clone_creates_instance(tmp_path, monkeypatch):
    instance = tmp_path / "fresh-clone" / "instance"
    monkeypatch.setattr(PeerPath, "auto_find_instance_path", lambda self: str(instance))
    monkeypatch.setenv("SECRET_KEY", "x")
    monkeypatch.setenv("PEERPATH_DEMO", "1")  # on the shipped example safeguarding procedure
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app()
    assert instance.is_dir()
    try:
        result = app.test_cli_runner().invoke(args=["db", "upgrade"])
        assert result.exit_code == 0, result.output
        assert (instance / "peerpath.db").is_file()
        assert not (instance / "secret_key").exists()  # SECRET_KEY was set: no key file
    finally:
        with app.app_context():
            db.engine.dispose()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _headers_through_gunicorn(tmp_path, trust_proxy: bool) -> dict[str, str]:
    """Serve with gunicorn as the README says (from the repository root) and ask /healthz with a
    forged X-Forwarded-Proto from 127.0.0.1."""
    port = _free_port()
    env = {
        key: value for key, value in os.environ.items() if key not in ("TRUST_PROXY", "FORWARDED_ALLOW_IPS")
    }
    env |= {
        "SECRET_KEY": "test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'gunicorn.db'}",
        "PEERPATH_DEMO": "1",
    }
    if trust_proxy:
        env["TRUST_PROXY"] = "1"
    log = tmp_path / f"gunicorn-{trust_proxy}.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "--workers", "1",
             "--bind", f"127.0.0.1:{port}", "app:create_app()"],
            cwd=PROJECT_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/healthz", headers={"X-Forwarded-Proto": "https"})
                response = connection.getresponse()
                response.read()
                connection.close()
                return {key.lower(): value for key, value in response.getheaders()}
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"gunicorn did not answer:\n{log.read_text()}") from None
                time.sleep(0.2)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_i3_gunicorn_trusts_forwarded_headers_only_with_trust_proxy(tmp_path):
    # Untrusted: a local client cannot make plain HTTP look like HTTPS (no HSTS, no Secure cookie).
    assert "strict-transport-security" not in _headers_through_gunicorn(tmp_path, trust_proxy=False)
    # TRUST_PROXY: gunicorn and the app's ProxyFix both believe the proxy on this machine.
    assert "strict-transport-security" in _headers_through_gunicorn(tmp_path, trust_proxy=True)


def test_i3_gunicorn_conf_follows_trust_proxy(monkeypatch):
    from gunicorn.app.base import Application

    class Settings(Application):
        def init(self, parser, opts, args):
            return None

        def load(self):
            return None

    def forwarded(environ: dict[str, str]) -> list[str]:
        for key in ("TRUST_PROXY", "FORWARDED_ALLOW_IPS"):
            monkeypatch.delenv(key, raising=False)
        for key, value in environ.items():
            monkeypatch.setenv(key, value)
        settings = Settings.__new__(Settings)
        settings.usage, settings.prog, settings.cfg = None, None, None
        settings.load_default_config()
        settings.load_config_from_file(str(PROJECT_ROOT / "gunicorn.conf.py"))
        return settings.cfg.forwarded_allow_ips

    assert forwarded({}) == []
    assert forwarded({"TRUST_PROXY": "no"}) == []
    assert forwarded({"TRUST_PROXY": "1"}) == ["127.0.0.1", "::1"]
    assert forwarded({"TRUST_PROXY": "yes", "FORWARDED_ALLOW_IPS": "10.0.0.0/8"}) == ["10.0.0.0/8"]
    assert forwarded({"TRUST_PROXY": "true"}) == ["127.0.0.1", "::1"]

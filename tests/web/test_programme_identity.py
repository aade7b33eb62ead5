"""The programme's identity on every page, in the reset email, on the certificate and on its
check page; the certificate's evidence; the logo served from the content tree and nothing else."""

from __future__ import annotations

import re
from datetime import timedelta

from click.testing import CliRunner
from sqlalchemy import select

from app.content_tools.check import content_group
from app.course.errors import display_path
from app.course.identity import EXAMPLE_REFUSED
from app.extensions import db
from app.models import CertificationEvent, OutboxMessage, RequirementRecord, Role, utcnow
from app.people.mail import from_header

from ..conftest import Auth, user_id
from ..helpers import complete_course, copy_course, post, practice_fields
from ..html import elements, text_of

RIVERSIDE_LOGO = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40" role="img">'
    b'<circle cx="20" cy="20" r="18" fill="#0b6e4f"/></svg>'
)
RIVERSIDE = """\
programme:
  name: Riverside Youth Mentoring
  short_name: Riverside
  logo: brand/riverside.svg
  contact:
    email: mentoring@riverside.example
    url: https://riverside.example/mentoring
  signatory:
    name: Dana Okoro
    role: Programme Director
"""


def items(page: str, marker: str) -> list[str]:
    """The text of each item of the list marked ``marker`` (a data attribute)."""
    start = page.index("<ul", page.index(marker) - 40)
    return [" ".join(li.text.split()) for li in elements(page[start : page.index("</ul>", start)], "li")]


def certify(app, client, coordinator, email: str) -> str:
    """Complete the course and sign the trainee off; returns the certificate id."""
    uid = complete_course(app, email)
    detail = f"/coordinator/mentors/{uid}"
    post(coordinator, detail, f"{detail}/sign-off", reason="Interviewed and ready.")
    page = client.get("/certificate").text
    return elements(page, "a", class_="verify-link")[0]["href"].rsplit("/", 1)[1]


def riverside(tmp_path, make_app):
    """An app on a copy of the course whose programme.yaml names Riverside and its own logo: no
    template is touched."""
    content, quizzes = copy_course(tmp_path)
    (content / "brand").mkdir()
    (content / "brand" / "riverside.svg").write_bytes(RIVERSIDE_LOGO)
    program = content / "program.yaml"
    program.write_text(RIVERSIDE + program.read_text(encoding="utf-8"), encoding="utf-8")
    return make_app(CONTENT_DIR=content, QUIZZES_DIR=quizzes)


def test_without_an_identity_the_pages_name_peerpath_and_serve_no_logo(client):
    page = client.get("/auth/login").text
    [brand] = elements(page, "a", class_="brand")
    assert brand.text.strip() == "PeerPath" and not elements(page, "img", class_="brand-logo")
    assert re.search(r"<title>[^<]* · PeerPath</title>", page)
    assert elements(page, "p", data_powered_by="")[0].text == "Powered by PeerPath"
    assert not elements(page, "p", data_programme_contact="")
    assert client.get("/programme/logo").status_code == 404


def test_a_copied_course_with_its_own_name_and_logo_shows_them_everywhere(app, tmp_path, make_app, make_user):
    branded = riverside(tmp_path, make_app)
    client, coordinator = branded.test_client(), branded.test_client()
    trainee = make_user(name="Tomás Trainee")
    Auth(client).login(trainee)
    Auth(coordinator).login(make_user(Role.COORDINATOR, name="Cora Coordinator"))

    page = client.get("/").text
    [brand] = elements(page, "a", class_="brand")
    [logo] = elements(page, "img", class_="brand-logo")
    assert logo["alt"] == "Riverside Youth Mentoring" and "Riverside Youth Mentoring" in brand.text
    assert re.search(r"<title>[^<]* · Riverside</title>", page)
    assert "Powered by PeerPath" in page and "mentoring@riverside.example" in page
    served = client.get(logo["src"])
    assert served.data == RIVERSIDE_LOGO and served.mimetype == "image/svg+xml"

    certificate_id = certify(branded, client, coordinator, trainee)
    certificate = text_of(client.get("/certificate").text)
    assert "Riverside Youth Mentoring" in certificate and "Dana Okoro Programme Director" in certificate
    check = branded.test_client().get(f"/verify/{certificate_id}").text
    assert elements(check, "dd", data_organisation="")[0].text == "Riverside Youth Mentoring"

    post(branded.test_client(), "/auth/reset", "/auth/reset", email=trainee)
    with branded.app_context():
        [email] = db.session.scalars(select(OutboxMessage)).all()
    assert email.subject == "Reset your Riverside Youth Mentoring password"
    assert "your Riverside Youth Mentoring training account" in email.body
    assert email.body.rstrip().endswith("Riverside Youth Mentoring")


def test_the_logo_is_cached_by_its_digest_and_cannot_run_script(tmp_path, make_app, app):
    branded = riverside(tmp_path, make_app)
    client = branded.test_client()
    digest = branded.extensions["course"].program.identity.logo.digest
    fresh = client.get(f"/programme/logo?v={digest}")
    assert fresh.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "sandbox" in fresh.headers["Content-Security-Policy"]
    assert "default-src 'none'" in fresh.headers["Content-Security-Policy"]
    stale = client.get("/programme/logo?v=0123456789")
    assert stale.data == RIVERSIDE_LOGO and stale.headers["Cache-Control"] == "no-cache"
    # Only the configured file: no address reaches another one in the content tree.
    for path in (
        "/programme/logo/program.yaml",
        "/programme/program.yaml",
        "/programme/logo/../program.yaml",
    ):
        assert client.get(path).status_code == 404


def test_the_certificate_lists_what_was_completed_and_on_which_version(app, client, trainee, coordinator):
    certify(app, client, coordinator, trainee)
    course = app.extensions["course"]
    page = client.get("/certificate").text
    modules = items(page, "data-modules")
    assert modules == [f"{m.title} (version {m.version})" for m in course.modules]
    assert elements(page, "span", data_content_version="")[0].text == course.version[:12]
    roleplays = items(page, "data-roleplays")
    assert roleplays == [course.scenario_by_id[s.scenario_id].title for s in course.program.scenarios]
    checks = items(page, "data-checks")
    assert checks[0] == "125 minutes of online training"
    live = next(r for r in course.program.requirements if r.from_sessions)
    assert checks[1] == f"{live.hours:g} hours of live training"
    assert checks[2:] == [f"{r.title}: completed" for r in course.program.requirements]
    # No signatory without ``programme:``: the name alone, as before.
    assert not elements(page, "p", data_signatory="")


def test_the_check_page_names_the_topics_only_while_the_certificate_stands(app, client, trainee, coordinator):
    certificate_id = certify(app, client, coordinator, trainee)
    course = app.extensions["course"]
    visitor = app.test_client()
    page = visitor.get(f"/verify/{certificate_id}").text
    topics = items(page, "data-topics")
    assert topics == [m.title for m in course.modules]
    assert elements(page, "dd", data_organisation="")[0].text == "PeerPath"
    assert "Certified on" in text_of(page) and "Valid until" in text_of(page)

    detail = f"/coordinator/mentors/{user_id(app, trainee)}"
    post(coordinator, detail, f"{detail}/revoke", reason="Concern raised by the school.")
    revoked = visitor.get(f"/verify/{certificate_id}").text
    assert elements(revoked, "div", **{"data-certificate-state": "revoked"})
    assert not elements(revoked, "ul", data_topics="")
    assert "The programme has withdrawn this certificate." in text_of(revoked)


def test_the_deploy_check_refuses_an_example_identity_at_its_line(tmp_path, monkeypatch):
    content, quizzes = copy_course(tmp_path)
    program = content / "program.yaml"
    own_procedure = program.read_text(encoding="utf-8").replace("  example: true\n", "")
    program.write_text("programme:\n  example: true\n  name: Example Mentoring Trust\n" + own_procedure)
    monkeypatch.setenv("CONTENT_DIR", str(content))
    monkeypatch.setenv("QUIZZES_DIR", str(quizzes))
    result = CliRunner().invoke(content_group, ["check", "--deploy"])
    assert result.exit_code == 1
    assert f"{display_path(program)}:2:3: error: {EXAMPLE_REFUSED}" in result.output
    assert "1 error, 0 warnings in 1 file." in result.output
    assert CliRunner().invoke(content_group, ["check", "--strict"]).exit_code == 0


def test_mail_comes_from_the_organisation_unless_mail_from_names_another(tmp_path, make_app, app):
    branded = riverside(tmp_path, make_app)
    with branded.app_context():
        assert from_header("PeerPath <no-reply@riverside.example>") == (
            "Riverside Youth Mentoring <no-reply@riverside.example>"
        )
        assert (
            from_header("no-reply@riverside.example")
            == "Riverside Youth Mentoring <no-reply@riverside.example>"
        )
        assert (
            from_header("Riverside Team <team@riverside.example>")
            == "Riverside Team <team@riverside.example>"
        )


def test_an_imported_certificate_names_who_certified_the_mentor_before(app, client, trainee):
    """Brought in by an import with its screening: no modules or minutes done here to list."""
    with app.app_context():
        program = app.extensions["course"].program
        for required in program.requirements:
            db.session.add(
                RequirementRecord(
                    user_id=user_id(app, trainee),
                    requirement_id=required.id,
                    completed_on=utcnow() - timedelta(days=40),
                    hours=required.hours,
                    recorded_at=utcnow(),
                    **practice_fields(program, required),
                )
            )
        db.session.add(
            CertificationEvent(
                user_id=user_id(app, trainee),
                kind="sign_off",
                at=utcnow() - timedelta(days=30),
                certificate_id="imported-certificate-0001",
                prior_certifier="Leeds Mentoring Hub (Programme Lead)",
            )
        )
        db.session.commit()
    page = client.get("/certificate")
    assert page.status_code == 200, page.headers.get("Location")
    shown = text_of(page.text)
    assert "certified as a peer mentor by Leeds Mentoring Hub (Programme Lead) before PeerPath" in shown
    assert "minutes of online training" not in shown and not elements(page.text, "ul", data_modules="")
    assert f"{program.requirements[0].title}: completed" in shown

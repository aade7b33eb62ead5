"""In Chromium at 1280 and 390 px, on a course with its own ``programme:``: the header's logo and
name, the certificate with its evidence (still one printed page with every module, role-play and
recorded step of the tests' whole course), and the check page with its topics. axe finds nothing
and nothing scrolls sideways at 320 px."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import select

from app.auth.services import create_user
from app.certification.standings import record_decision
from app.extensions import db
from app.models import Role, User, utcnow

from ..helpers import FIXTURE_CONTENT, FIXTURE_QUIZZES, complete_course
from .conftest import STAFF_PASSWORD, log_in, serve
from .test_browser import audit
from .test_html_checker import fetch_all, html_errors

pytestmark = pytest.mark.browser

LOGO = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 40" width="120" height="40" role="img">'
    '<title>Riverside Youth Mentoring</title><rect width="40" height="40" rx="8" fill="#0b6e4f"/>'
    '<text x="48" y="26" font-size="14" fill="#0b6e4f">Riverside</text></svg>'
)
IDENTITY = """\
programme:
  name: Riverside Youth Mentoring
  short_name: Riverside
  logo: brand/riverside.svg
  contact:
    email: mentoring@riverside.example
    phone: 01632 960123
    url: https://riverside.example/mentoring
  signatory:
    name: Dana Okoro
    role: Programme Director
"""


@pytest.fixture(scope="module")
def branded_server(tmp_path_factory, playwright_browser):
    """The tests' whole course, with its own name, logo, contact and signatory."""
    source = tmp_path_factory.mktemp("riverside-source") / "content"
    shutil.copytree(FIXTURE_CONTENT, source)
    (source / "brand").mkdir()
    (source / "brand" / "riverside.svg").write_text(LOGO, encoding="utf-8")
    program = source / "program.yaml"
    program.write_text(IDENTITY + program.read_text(encoding="utf-8"), encoding="utf-8")
    with serve(tmp_path_factory.mktemp("riverside"), course=(source, FIXTURE_QUIZZES)) as server:
        yield server


def certified_mentor(server) -> tuple[str, str]:
    """A trainee with every record, signed off: (email, certificate id)."""
    email = "riverside.mentor@example.org"
    with server.app.app_context():
        create_user(email, "Sam Certified-Mentor", STAFF_PASSWORD, Role.TRAINEE)
        db.session.scalar(select(User).where(User.email == email)).email_verified_at = utcnow()
        db.session.commit()
    complete_course(server.app, email)
    with server.app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        coordinator = db.session.scalar(select(User).where(User.email == "coordinator@example.org"))
        event = record_decision(user.id, coordinator.id, "sign_off", server.app.extensions["course"])
        db.session.commit()
        return email, event.certificate_id


def test_the_programme_shows_on_its_pages_its_certificate_and_its_check(branded_server, new_page, tmp_path):
    email, certificate_id = certified_mentor(branded_server)
    page = new_page(1280)
    log_in(page, branded_server.url, email, STAFF_PASSWORD)

    page.goto(f"{branded_server.url}/certificate")
    logo = page.locator(".site-header img.brand-logo")
    assert logo.get_attribute("alt") == "Riverside Youth Mentoring"
    assert page.evaluate("img => img.complete && img.naturalWidth > 0", logo.element_handle())
    assert page.title().endswith("· Riverside")
    assert page.locator("[data-powered-by]").inner_text() == "Powered by PeerPath"
    assert "Dana Okoro" in page.locator("[data-signatory]").inner_text()
    assert page.locator("[data-modules] li").count() == len(branded_server.app.extensions["course"].modules)
    assert audit(page) == []

    page.emulate_media(media="print")
    assert page.locator("[data-certificate-evidence]").is_visible()
    pdf = page.pdf(format="A4")
    assert pdf.count(b"/Type /Page\n") == 1  # the whole evidence on one page
    page.emulate_media(media="screen")

    page.goto(f"{branded_server.url}/verify/{certificate_id}")
    assert page.locator("[data-organisation]").inner_text() == "Riverside Youth Mentoring"
    assert page.locator("[data-topics] li").count() > 0
    assert audit(page) == []

    phone = new_page(390)
    phone.goto(f"{branded_server.url}/verify")
    assert phone.locator(".site-header img.brand-logo").is_visible()
    assert audit(phone) == []

    documents = fetch_all(page, branded_server.url, ["/certificate", f"/verify/{certificate_id}", "/verify/"])
    assert html_errors(documents, tmp_path) == []

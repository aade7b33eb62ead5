"""A programme's own module (``kind: local``) in the running app: read, not quizzed, it counts
towards the certificate and is the one module that teaches the programme's rules."""

from __future__ import annotations

import html

from app.course.program import PROGRAM_RULES
from app.models import Role

from ..conftest import Auth
from ..helpers import complete_course, copy_course, status_on_dashboard
from ..html import elements
from ..unit.test_local_modules import add_local_module

TITLE = "Our programme's rules and contacts"


def local_app(make_app, tmp_path):
    content, quizzes = copy_course(tmp_path)
    add_local_module(content)
    return make_app(CONTENT_DIR=content, QUIZZES_DIR=quizzes)


def test_a_trainee_reads_a_local_module_with_no_quiz_and_can_be_signed_off(
    app, make_app, make_user, tmp_path
):
    local = local_app(make_app, tmp_path)
    email = make_user(name="Lena Local")
    client = local.test_client()
    Auth(client).login(email)
    dashboard = html.unescape(client.get("/").text)
    card = next(li for li in elements(dashboard, "li", class_="module-card") if TITLE in li.text)
    assert "Sections read: 0 of 4" in card.text and "Quiz" not in card.text
    assert f"Read every section of {TITLE}" in dashboard and f"Pass the {TITLE} quiz" not in dashboard
    assert client.get("/modules/our-programme/quiz").status_code == 404
    module = local.extensions["course"].module_by_id["our-programme"]
    for page in ["/modules/our-programme", *(f"/modules/our-programme/{s.id}" for s in module.sections)]:
        answer = client.get(page)
        assert answer.status_code == 200 and "/modules/our-programme/quiz" not in answer.text, page
    complete_course(local, email)
    assert status_on_dashboard(client) == "awaiting_review"


def test_the_standards_page_shows_the_programmes_rules_taught_by_the_local_module(
    app, make_app, make_user, tmp_path
):
    local = local_app(make_app, tmp_path)
    coordinator = local.test_client()
    Auth(coordinator).login(make_user(Role.COORDINATOR))
    page = coordinator.get("/coordinator/standards").text
    row = elements(page, "tr", data_standard=PROGRAM_RULES)[0]
    assert row["data-covered"] == "yes" and TITLE in row.text
    assert not elements(page, "tr", data_covered="no")

"""/safeguarding: the programme's procedure for everyone, linked from every page's footer, and a
trainee's confirmation that they read it, asked again when the procedure changes."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry, RequirementRecord, Role, utcnow
from app.site.safeguarding_views import contact_links

from ..conftest import Auth, user_id
from ..helpers import FIXTURE_CONTENT, FIXTURE_QUIZZES, complete_course, post
from ..html import elements, text_of
from .test_matching_api import certify

ACKNOWLEDGE = "safeguarding-procedure"


def procedure_of(app):
    return app.extensions["course"].program.safeguarding


def acknowledgements(app, uid: int) -> list[RequirementRecord]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(RequirementRecord)
                .where(RequirementRecord.user_id == uid, RequirementRecord.requirement_id == ACKNOWLEDGE)
                .order_by(RequirementRecord.id)
            )
        )


def test_a_visitor_reads_the_whole_procedure_without_an_account(app, client):
    procedure = procedure_of(app)
    page = client.get("/safeguarding")
    assert page.status_code == 200
    html = page.text
    assert [h.text for h in elements(html, "h1")] == ["Our safeguarding procedure"]
    text = text_of(html)
    assert procedure.lead.name in text and procedure.lead.hours in text
    assert procedure.out_of_hours.name in text and procedure.out_of_hours.hours in text
    assert all(line.name in text for line in procedure.crisis_lines)
    steps = " ".join(elements(html, "ol", class_="procedure-steps")[0].text.split())
    at = [steps.index(step) for step in procedure.steps]  # every step, in the programme's order
    assert at == sorted(at)
    links = {a.get("href") for a in elements(html, "a")}
    assert "tel:999" in links and "tel:01632960000" in links  # the example's numbers are dialled
    assert "mailto:safeguarding@example.org" in links
    assert elements(html, "p", class_="procedure-example")  # the shipped example says so
    assert "This is the example procedure shipped with PeerPath" in text
    assert "I have read this procedure" not in text  # nothing to confirm without an account


def test_contact_text_links_numbers_and_addresses_and_escapes_the_rest():
    assert str(contact_links("Call 0800 1111, free")) == 'Call <a href="tel:08001111">0800 1111</a>, free'
    assert 'href="mailto:lead@example.org"' in contact_links("email lead@example.org")
    assert 'href="sms:85258"' in contact_links("Text 85258, free")
    assert str(contact_links("chat at 988lifeline.org")) == "chat at 988lifeline.org"
    assert str(contact_links("<b>12</b>")) == "&lt;b&gt;12&lt;/b&gt;"  # two digits: not a number to call


def test_every_page_links_to_the_procedure_from_its_footer(app, client, make_user):
    visitor_pages = ["/", "/auth/login", "/privacy", "/safeguarding", "/no-such-page"]
    for url in visitor_pages:
        footer = client.get(url).text.split('class="site-footer"', 1)[1]
        assert 'href="/safeguarding"' in footer, url
        assert "Worried about someone's safety? Our safeguarding procedure" in text_of(footer), url
    Auth(client).login(make_user(Role.COORDINATOR))
    footer = client.get("/coordinator/").text.split('class="site-footer"', 1)[1]
    assert 'href="/safeguarding"' in footer


def test_a_trainee_confirms_reading_it_and_the_record_carries_the_version(app, client, trainee):
    procedure = procedure_of(app)
    page = client.get("/safeguarding")
    assert elements(page.text, "section", id="acknowledgement")[0]["data-acknowledged"] == "never"
    assert "I have read this procedure" in page.text

    response = post(client, "/safeguarding", "/safeguarding")
    assert response.status_code == 303 and response.headers["Location"].endswith(
        "/safeguarding#acknowledgement"
    )
    uid = user_id(app, trainee)
    [record] = acknowledgements(app, uid)
    assert record.version == procedure.version and record.recorded_by == uid
    assert record.completed_on.date() == utcnow().date()
    with app.app_context():
        entry = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "practice.acknowledged")
        ).one()
        assert (entry.subject_id, entry.actor_id, entry.details["version"]) == (uid, uid, procedure.version)

    page = client.get("/safeguarding")
    assert elements(page.text, "section", id="acknowledgement")[0]["data-acknowledged"] == "current"
    assert "You confirmed you had read this procedure on" in text_of(page.text)
    assert "I have read this procedure" not in page.text
    post(client, "/safeguarding", "/safeguarding")  # a second click (another tab) adds nothing
    assert len(acknowledgements(app, uid)) == 1


def test_the_dashboard_task_links_to_the_procedure(app, client, trainee):
    row = elements(client.get("/").text, "li", data_requirement=f"recorded:{ACKNOWLEDGE}")
    assert row and 'href="/safeguarding"' in client.get("/").text


def changed_course(tmp_path, step_text: str):
    shutil.copytree(FIXTURE_CONTENT, tmp_path / "content")
    shutil.copytree(FIXTURE_QUIZZES, tmp_path / "quizzes")
    program = tmp_path / "content" / "program.yaml"
    text = program.read_text(encoding="utf-8")
    at = text.index("  steps:\n", text.index("\nsafeguarding:")) + len("  steps:\n")
    program.write_text(text[:at] + f"    - {step_text}\n" + text[at:], encoding="utf-8")
    return {"CONTENT_DIR": tmp_path / "content", "QUIZZES_DIR": tmp_path / "quizzes"}


def test_a_changed_procedure_says_so_and_asks_again(app, client, trainee, make_app, tmp_path):
    post(client, "/safeguarding", "/safeguarding")
    uid = user_id(app, trainee)
    first = procedure_of(app).version

    changed = make_app(**changed_course(tmp_path, "Check the lead's new direct line on the notice board."))
    assert procedure_of(changed).version != first
    other = changed.test_client()
    Auth(other).login(trainee)
    page = other.get("/safeguarding")
    assert elements(page.text, "section", id="acknowledgement")[0]["data-acknowledged"] == "stale"
    assert "The procedure has changed since you confirmed reading it" in text_of(page.text)
    assert "Check the lead's new direct line on the notice board." in text_of(page.text)

    post(other, "/safeguarding", "/safeguarding")
    assert [r.version for r in acknowledgements(changed, uid)] == [first, procedure_of(changed).version]
    assert "You confirmed you had read this procedure" in text_of(other.get("/safeguarding").text)


def test_only_a_trainee_can_confirm(app, client, make_user):
    assert client.post("/safeguarding").status_code in (302, 400)  # a visitor: log in first (or CSRF)
    coordinator = app.test_client()
    Auth(coordinator).login(make_user(Role.COORDINATOR))
    page = coordinator.get("/safeguarding")
    assert page.status_code == 200 and "I have read this procedure" not in page.text
    assert post(coordinator, "/auth/password", "/safeguarding").status_code == 403


def test_without_a_procedure_the_page_still_says_whom_to_tell(app, client, trainee):
    course = app.extensions["course"]
    app.extensions["course"] = replace(course, program=replace(course.program, safeguarding=None))
    page = client.get("/safeguarding")
    assert page.status_code == 200
    assert "tell your programme coordinator now" in text_of(page.text)
    assert "I have read this procedure" not in page.text
    assert post(client, "/privacy", "/safeguarding").status_code == 403


def observed_practice(program, required) -> dict:
    """A passing observation for a requirement scored on a rubric; nothing more for the others."""
    if not required.rubric:
        return {}
    return {
        "observer": "Sam Observer",
        "scores": {c.id: 2 for c in program.rubric_by_id[required.rubric].criteria},
    }


def test_with_only_the_acknowledgement_left_the_next_step_is_the_procedure(app, client, trainee):
    uid = complete_course(app, trainee, recorded=False)
    program = app.extensions["course"].program
    with app.app_context():
        for required in program.requirements:
            if required.kind != "acknowledge":
                db.session.add(
                    RequirementRecord(
                        user_id=uid,
                        requirement_id=required.id,
                        completed_on=utcnow() - timedelta(days=3),
                        hours=required.hours,
                        recorded_at=utcnow(),
                        **observed_practice(program, required),
                    )
                )
        db.session.commit()
    page = client.get("/").text
    assert elements(page, "section", class_="next-action")[0]["data-next-step"] == "acknowledge"
    button = elements(page, "a", data_next_action="")[0]
    assert button["href"] == "/safeguarding" and "safeguarding procedure" in button.text
    row = elements(page, "li", data_requirement=f"recorded:{ACKNOWLEDGE}")[0]
    assert row["data-state"] == "not_started" and 'href="/safeguarding"' in page

    post(client, "/safeguarding", "/safeguarding")
    page = client.get("/").text
    assert elements(page, "section", class_="next-action")[0]["data-next-step"] == "awaiting_review"
    assert elements(page, "li", data_requirement=f"recorded:{ACKNOWLEDGE}")[0]["data-done"] == "true"


def test_a_certified_mentor_is_asked_to_read_a_changed_procedure_again(app, trainee, make_app, tmp_path):
    certify(app, trainee)
    changed = make_app(**changed_course(tmp_path, "Save the out-of-hours number in your phone today."))
    client = changed.test_client()
    Auth(client).login(trainee)
    page = client.get("/").text
    assert elements(page, "section", class_="certification")[0]["data-certification-status"] == "renewal_due"
    assert elements(page, "section", class_="next-action")[0]["data-next-step"] == "acknowledge"
    notice = elements(page, "p", data_reacknowledge="")[0]
    assert "safeguarding procedure has changed" in notice.text and "pass every module quiz" not in page

    post(client, "/safeguarding", "/safeguarding")
    page = client.get("/").text
    assert elements(page, "section", class_="certification")[0]["data-certification-status"] == "certified"
    assert not elements(page, "p", data_reacknowledge="")

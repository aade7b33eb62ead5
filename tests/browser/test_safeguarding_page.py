"""/safeguarding in a real browser: accessible at a desktop's and a phone's width, no sideways
scrolling at 320 px, one printed page, the acknowledgement by keyboard; and a reviewed reply's
feedback on the role-play's run page."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import ReplyScore, RequirementRecord, User, utcnow

from ..web.test_reply_feedback import finished_run
from .conftest import register
from .test_browser import audit
from .test_html_checker import html_errors


def user_id(server, email: str) -> int:
    with server.app.app_context():
        return db.session.scalar(select(User.id).where(User.email == email))


def test_a_visitor_reads_the_procedure_accessibly_and_it_prints_on_one_page(full_live_server, new_page):
    page = new_page(1280)
    page.goto(f"{full_live_server.url}/")
    page.click("footer a[data-safeguarding-link]")
    assert page.url == f"{full_live_server.url}/safeguarding"
    assert page.locator("h1").inner_text() == "Our safeguarding procedure"
    assert page.locator("ol.procedure-steps > li").count() >= 2
    assert page.locator("a[href^='tel:']").count() >= 2
    assert audit(page) == []
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible() and not page.locator(".site-footer").is_visible()
    pdf = page.pdf(format="A4")
    assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") == 1, (
        "the procedure prints on more than one page"
    )


def test_a_trainee_confirms_reading_it_with_the_keyboard(full_live_server, new_page, tmp_path):
    base = full_live_server.url
    page = new_page(390)
    register(page, base, "Kit Keyboard", "kit.keyboard@example.org")
    page.goto(f"{base}/safeguarding")
    documents = {"unconfirmed": page.request.get(f"{base}/safeguarding").text()}
    documents["visitor"] = new_page().request.get(f"{base}/safeguarding").text()
    assert audit(page) == []
    page.locator("h1").focus()
    for _ in range(80):  # Tab through the contacts' links to the button
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "I have read this procedure":
            break
    else:
        raise AssertionError("the confirmation button is not reachable by Tab")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-acknowledged=current]")
    assert "You confirmed you had read this procedure on" in page.locator("#acknowledgement").inner_text()
    assert audit(page) == []
    documents["confirmed"] = page.request.get(f"{base}/safeguarding").text()
    assert html_errors(documents, tmp_path) == []
    with full_live_server.app.app_context():
        record = db.session.scalars(
            select(RequirementRecord).where(
                RequirementRecord.user_id == user_id(full_live_server, "kit.keyboard@example.org")
            )
        ).one()
        assert record.version == full_live_server.app.extensions["course"].program.safeguarding.version


def test_a_reviewed_reply_shows_its_feedback_on_the_run_page(full_live_server, new_page, tmp_path):
    base = full_live_server.url
    page = new_page(1280)
    register(page, base, "Fran Feedback", "fran.feedback@example.org")
    uid = user_id(full_live_server, "fran.feedback@example.org")
    program = full_live_server.app.extensions["course"].program
    rubric = program.rubric_by_id[program.reply_review.rubric_id]
    run_id, steps = finished_run(
        full_live_server.app,
        uid,
        ("Evenings sound hard.", "Not sure you fit?"),
        utcnow() - timedelta(hours=1),
    )
    with full_live_server.app.app_context():
        db.session.add(
            ReplyScore(
                step_id=steps[0],
                user_id=uid,
                rubric_id=rubric.id,
                scores={c.id: 2 for c in rubric.criteria},
                comment="A warm, accurate reflection.",
                scored_at=utcnow(),
            )
        )
        db.session.commit()
    page.goto(f"{base}/scenarios/quiet-first-week/runs/{run_id}")
    review = page.locator("[data-reply-review=scored]")
    assert review.count() == 1
    text = review.inner_text()
    assert rubric.criteria[0].title in text and "Strong" in text and rubric.criteria[0].strong[:30] in text
    assert "A warm, accurate reflection." in text
    assert "Waiting for your coordinator's review" in page.locator("[data-reply-review=waiting]").inner_text()
    assert audit(page) == []
    page.goto(f"{base}/")
    assert page.locator("#feedback li[data-feedback-run]").count() == 1
    assert audit(page) == []
    urls = ["/", f"/scenarios/quiet-first-week/runs/{run_id}", "/scenarios/quiet-first-week"]
    assert html_errors({url: page.request.get(base + url).text() for url in urls}, tmp_path) == []

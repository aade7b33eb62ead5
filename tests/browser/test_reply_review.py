"""The coordinator's reply queue, the scoring form and the observed-practice form in a real
browser: accessible at a desktop's and a phone's width, no sideways scrolling at 320 px, and the
rubric's radio groups usable with the keyboard alone."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.auth.services import create_user
from app.extensions import db
from app.models import Role, User, utcnow

from ..helpers import passed_run
from .conftest import STAFF_PASSWORD, log_in
from .test_browser import audit, has_visible_focus
from .test_html_checker import fetch_all, html_errors

SCENARIO = "quiet-first-week"
LONG_REPLY = (
    "It sounds like the first week has been lonely, and that nobody has really asked how you are.\n"
    "Whatwouldhelpmostrightnowifyoucouldchooseanythingatall? " * 2
)


def trainee_with_typed_replies(server, email: str, name: str) -> tuple[list[int], int]:
    """A trainee whose passing run of the role-play has typed replies, made in the database."""
    with server.app.app_context():
        create_user(email, name, "a long trainee password", Role.TRAINEE)
        user = db.session.scalar(select(User).where(User.email == email))
        course = server.app.extensions["course"]
        _, steps = passed_run(
            course, user.id, SCENARIO, (LONG_REPLY, LONG_REPLY), utcnow() - timedelta(days=1)
        )
        db.session.commit()
        return [s.id for s in steps], user.id


def test_the_queue_and_the_scoring_form_are_accessible_and_work_by_keyboard(full_live_server, new_page):
    base = full_live_server.url
    (first, second), _ = trainee_with_typed_replies(full_live_server, "rae-reply@example.org", "Rae Reply")
    page = new_page(1280)
    log_in(page, base, "coordinator@example.org", STAFF_PASSWORD)
    page.goto(f"{base}/coordinator/replies")
    assert page.locator(f"li.reply-item[data-step='{first}']").count() == 1
    assert audit(page) == []
    page.click(f"li.reply-item[data-step='{first}'] a.button")
    assert page.url.endswith(f"/coordinator/replies/{first}")
    assert audit(page) == []

    # Submitted empty: the error summary takes focus and links to the first group's first radio.
    page.click("main form.rubric-form button[type=submit]")
    assert page.locator(".error-summary").count() == 1
    assert audit(page) == []
    criteria = page.locator("fieldset.rubric-criterion")
    groups = criteria.count()
    assert groups >= 3

    # Keyboard alone: Tab into each group, arrows move the choice, Tab leaves the group.
    page.focus(".error-summary")
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.type") == "radio":
            break
    for _ in range(groups):
        assert page.evaluate("() => document.activeElement.type") == "radio"
        assert has_visible_focus(page)
        page.keyboard.press("Space")  # chooses the focused option (Strong, the first)
        page.keyboard.press("ArrowDown")  # moves the choice to Adequate
        page.keyboard.press("Tab")
    checked = page.evaluate(
        "() => [...document.querySelectorAll('fieldset.rubric-criterion input:checked')].map(i => i.value)"
    )
    assert checked == ["1"] * groups
    assert page.evaluate("() => document.activeElement.tagName") == "TEXTAREA"
    page.keyboard.type("Warm, and it leaves the choice with her.")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/coordinator/replies/{second}")
    assert "Saved your scores for Rae Reply" in page.locator(".flashes").inner_text()

    page.goto(f"{base}/coordinator/replies/{first}")
    assert page.locator("[data-scored] [data-score='1']").count() == groups
    assert audit(page) == []


def test_the_observed_practice_form_on_the_mentor_page_is_accessible(full_live_server, new_page):
    base = full_live_server.url
    _, trainee = trainee_with_typed_replies(full_live_server, "obi-observed@example.org", "Obi Observed")
    page = new_page(1280)
    log_in(page, base, "coordinator@example.org", STAFF_PASSWORD)
    page.goto(f"{base}/coordinator/mentors/{trainee}")
    program = full_live_server.app.extensions["course"].program
    required = next(r for r in program.requirements if r.rubric)
    page.click(f"#record-{required.id} > summary")
    form = page.locator(f"#record-{required.id} form")
    form.locator("button[type=submit]").click()
    assert page.locator(f"#record-{required.id} .error-summary").count() == 1
    assert audit(page) == []
    page.fill(f"#observe-{required.id}-observer", "J. Smith, coordinator")
    page.fill(f"#observe-{required.id}-date", (utcnow() - timedelta(days=1)).date().isoformat())
    for group in page.locator(f"#record-{required.id} fieldset.rubric-criterion").all():
        group.locator("input[value='2']").check()
    page.locator(f"#record-{required.id} form button[type=submit]").click()
    result = page.locator(".observation-result")
    assert result.get_attribute("data-passed") == "yes"
    assert audit(page) == []


def test_the_queue_the_scoring_page_and_the_observation_form_are_valid_html(
    full_live_server, new_page, tmp_path
):
    base = full_live_server.url
    (step, _), trainee = trainee_with_typed_replies(full_live_server, "val-reply@example.org", "Val Reply")
    page = new_page(1280)
    log_in(page, base, "coordinator@example.org", STAFF_PASSWORD)
    documents = fetch_all(
        page, base, ["/coordinator/", "/coordinator/replies", f"/coordinator/replies/{step}"]
    )
    # The two forms as they come back refused, with their error summaries and field errors.
    page.goto(f"{base}/coordinator/replies/{step}")
    page.click("main form.rubric-form button[type=submit]")
    documents["scoring, refused"] = page.content()
    program = full_live_server.app.extensions["course"].program
    required = next(r for r in program.requirements if r.rubric)
    page.goto(f"{base}/coordinator/mentors/{trainee}")
    page.click(f"#record-{required.id} > summary")
    page.locator(f"#record-{required.id} form button[type=submit]").click()
    documents["observation, refused"] = page.content()
    assert html_errors(documents, tmp_path) == []

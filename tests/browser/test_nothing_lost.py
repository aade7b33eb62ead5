"""Nothing typed or chosen is lost, in real Chromium at desktop and phone widths: ordering
questions moved item by item, errors shown where the trainee looks, a form's address reopened,
and a reflection sent after logging out in another tab."""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import replace

import pytest
from axe_playwright_python.sync_playwright import Axe

from .conftest import register
from .test_browser import put_in_order, shown_order

QUIZ_MODULE = "feedback"  # the shipped quiz with an ordering question
PASSWORD = "a long trainee password"


def violations(page) -> list[str]:
    return [
        f"{page.url}: {v['id']} ({v['impact']}): {v['nodes'][0]['target']}"
        for v in Axe().run(page).response["violations"]
    ]


def in_viewport(page, selector: str) -> bool:
    return page.evaluate(
        """(selector) => { const box = document.querySelector(selector).getBoundingClientRect();
            return box.top >= 0 && box.top < window.innerHeight && box.bottom > 0; }""",
        selector,
    )


def fits(page, width: int = 320) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth") <= width


@contextmanager
def short_order_quiz(server):
    """The feedback quiz cut to its ordering question and one single-answer question, both drawn."""
    course = server.app.extensions["course"]
    quiz = course.quiz_for_module[QUIZ_MODULE]
    order = next(q for q in quiz.questions if q.type == "order")
    single = next(q for q in quiz.questions if q.type == "single")
    short = replace(quiz, questions=(order, single), draw=0, cooldown_minutes=0, max_attempts=0)
    server.app.extensions["course"] = replace(
        course, quizzes=tuple(short if q.id == quiz.id else q for q in course.quizzes)
    )
    try:
        yield order, single
    finally:
        server.app.extensions["course"] = course


def reflect_section(server):
    course = server.app.extensions["course"]
    return next(
        (module, section, section.reflect_prompts[0])
        for module in course.modules
        for section in module.sections
        if section.reflect_prompts
    )


@pytest.mark.parametrize("width", [1280, 390])
def test_an_ordering_question_keeps_its_order_through_every_reload(full_live_server, new_page, width):
    base = full_live_server.url
    page = new_page(width)
    register(page, base, "Olu Order", f"order{width}@example.org", PASSWORD)
    with short_order_quiz(full_live_server) as (order, single):
        page.goto(f"{base}/modules/{QUIZ_MODULE}/quiz")
        page.click("main form button")
        page.wait_for_url(re.compile(r".*/attempts/\d+$"))
        attempt_url = page.url
        assert page.locator("select").count() == 0
        assert violations(page) == []
        first = shown_order(page, order)
        with page.expect_navigation():
            page.click(f"button[name=move][value='{order.id}:{first[1]}:up']")
        moved = [first[1], first[0], *first[2:]]
        assert page.url == f"{attempt_url}#item-{order.id}-{first[1]}"
        assert in_viewport(page, f"#item-{order.id}-{first[1]}")
        assert shown_order(page, order) == moved
        positions = page.eval_on_selector_all(
            f"input[type=hidden][name^='q-{order.id}-']", "inputs => inputs.map(i => i.value)"
        )
        assert sorted(positions) == [str(n) for n in range(1, len(first) + 1)]  # never a duplicate
        assert "Answered 1 of 2 questions." in page.inner_text("main")
        last = moved[-1]
        page.focus(f"button[name=move][value='{order.id}:{last}:up']")  # by keyboard too
        with page.expect_navigation():
            page.keyboard.press("Enter")
        page.keyboard.press("Tab")  # the page came back at the moved item: Tab reaches its buttons
        assert page.evaluate("() => document.activeElement.value") == f"{order.id}:{last}:up"
        moved = [*moved[:-2], last, moved[-2]]
        assert moved != first
        assert shown_order(page, order) == moved

        page.click("button[value=submit]")  # the single question is unanswered
        assert "You have not answered question" in page.inner_text("[role=alert]")
        assert shown_order(page, order) == moved
        assert violations(page) == []
        assert fits(page, width) if width < 1280 else True

        page.click("button[value=save]")
        page.wait_for_url(f"{base}/modules/{QUIZ_MODULE}/quiz")
        page.goto(attempt_url)
        assert shown_order(page, order) == moved

        put_in_order(page, order)
        right = next(o for o in single.options if o.correct)
        page.check(f"#q-{single.id}-{right.id}")
        page.click("button[value=submit]")
        page.wait_for_url(re.compile(r".*/result$"))
        assert "2 right · 0 not right" in page.inner_text("main")
        assert page.locator("[data-next-step]").count() == 1
        assert violations(page) == []


@pytest.mark.parametrize("width", [1280, 390])
def test_an_empty_reflection_shows_its_error_in_view(live_server, new_page, width):
    base = live_server.url
    page = new_page(width)
    register(page, base, "Rae Reflect", f"reflect{width}@example.org", PASSWORD)
    module, section, prompt = reflect_section(live_server)
    page.goto(f"{base}/modules/{module.id}/{section.id}")
    page.click(f"#reflect-{prompt.id} button[type=submit]")
    page.wait_for_url(re.compile(rf".*#reflect-{prompt.id}$"))
    assert in_viewport(page, f"#reflect-{prompt.id}-form .error-summary")
    assert in_viewport(page, f"#{prompt.id}-text-error")
    assert page.evaluate("() => document.activeElement.classList.contains('error-summary')")
    page.click(f"#reflect-{prompt.id}-form .error-summary a")
    assert page.evaluate("() => document.activeElement.id") == f"{prompt.id}-text"
    assert violations(page) == []


@pytest.mark.parametrize("width", [1280, 390])
def test_a_reopened_form_address_lands_on_its_page(live_server, new_page, width):
    base = live_server.url
    page = new_page(width)
    register(page, base, "Rory Reopen", f"reopen{width}@example.org", PASSWORD)
    module, section, prompt = reflect_section(live_server)
    for post_only, page_url in (
        (f"/modules/{module.id}/{section.id}/reflections/{prompt.id}", f"/modules/{module.id}/{section.id}"),
        (f"/modules/{module.id}/quiz/attempts", f"/modules/{module.id}/quiz"),
    ):
        response = page.goto(base + post_only)
        assert response.status == 200 and page.url == base + page_url
        assert page.locator(".site-header").count() == 1
    assert violations(page) == []


@pytest.mark.parametrize("width", [1280, 390])
def test_a_reflection_sent_after_logging_out_elsewhere_comes_back_after_login(live_server, new_page, width):
    base = live_server.url
    page = new_page(width)
    email = f"away{width}@example.org"
    register(page, base, "Ari Away", email, PASSWORD)
    module, section, prompt = reflect_section(live_server)
    section_url = f"{base}/modules/{module.id}/{section.id}"
    page.goto(section_url)
    other_tab = page.context.new_page()
    other_tab.goto(base + "/")
    other_tab.click("form[action$='/auth/logout'] button")
    other_tab.wait_for_url(re.compile(r".*/auth/login$"))

    text = "I noticed I wanted to fix things rather than listen."
    page.fill(f"#{prompt.id}-text", text)
    page.click(f"#reflect-{prompt.id} button[type=submit]")
    page.wait_for_url(re.compile(r".*/auth/login\?next=.*"))
    assert "nothing was saved" in page.inner_text("main")
    assert violations(page) == []
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{section_url}#reflect-{prompt.id}")  # the form's fragment survives the redirects
    assert page.input_value(f"#{prompt.id}-text") == text
    assert page.locator("[data-kept-text]").count() == 1
    assert violations(page) == []
    page.click(f"#reflect-{prompt.id} button[type=submit]")
    page.wait_for_url(re.compile(rf".*#reflect-{prompt.id}$"))
    assert "Your reflection is saved" in page.inner_text("main")
    assert page.input_value(f"#{prompt.id}-text") == text


def test_the_quiz_attempt_and_section_fit_320_px(live_server, full_live_server, new_page):
    page = new_page(320)
    register(page, full_live_server.url, "Nia Narrow", "narrow@example.org", PASSWORD)
    with short_order_quiz(full_live_server):
        page.goto(f"{full_live_server.url}/modules/{QUIZ_MODULE}/quiz")
        page.click("main form button")
        page.wait_for_url(re.compile(r".*/attempts/\d+$"))
        assert fits(page)
    module, section, prompt = reflect_section(full_live_server)
    page.goto(f"{full_live_server.url}/modules/{module.id}/{section.id}")
    page.click(f"#reflect-{prompt.id} button[type=submit]")  # with its error showing
    page.wait_for_url(re.compile(rf".*#reflect-{prompt.id}$"))
    assert fits(page)

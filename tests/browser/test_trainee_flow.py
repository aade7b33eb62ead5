"""The trainee's dashboard leads with the next step, and every pass points forward (issue 25,
items 1 and 4), in real Chromium at 1280 px and 390 px, audited with axe."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from app.course.graph import best_path, graph_of

from .conftest import register

MODULE, SCENARIO = "active-listening", "quiet-first-week"
AXE = Axe()


def course(server):
    return server.app.extensions["course"]


def violations(page) -> list[str]:
    return [f"{page.url}: {v['id']} ({v['impact']})" for v in AXE.run(page).response["violations"]]


def tab_presses_to(page, selector: str, start_in_main: bool = False) -> int | None:
    """Tab presses from the top of a freshly loaded page (or from the start of main) until
    ``selector`` has focus."""
    page.reload()
    if start_in_main:
        page.evaluate("() => { const m = document.querySelector('main'); m.tabIndex = -1; m.focus(); }")
    for presses in range(1, 60):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => document.activeElement === document.querySelector({selector!r})"):
            return presses
    return None


def fits(page, width: int) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", [1280, 390])
def test_a_new_trainees_next_action_is_on_the_first_screen_and_the_first_stop_in_main(
    live_server, new_page, width
):
    page = new_page(width)
    register(page, live_server.url, "Nia New", f"nia-{width}@example.org")
    button = page.locator("[data-next-action]")
    module = course(live_server).module_by_id[MODULE]
    assert button.inner_text().strip() == f"Start: {module.title} \u2014 {module.sections[0].title}"
    box = button.bounding_box()
    viewport = page.viewport_size["height"]
    assert box["y"] + box["height"] <= viewport, box
    assert tab_presses_to(page, "[data-next-action]", start_in_main=True) in (1, 2)
    from_top = tab_presses_to(page, "[data-next-action]")
    print(f"\n{width} px: next action top {box['y']:.0f} px, {from_top} Tab presses from the top")
    assert page.locator("details.task-details").evaluate("d => d.open")
    assert violations(page) == []


@pytest.mark.parametrize("width", [1280, 390])
def test_reading_the_module_leads_to_its_quiz_and_folds_the_task_list(live_server, new_page, width):
    page = new_page(width)
    base = live_server.url
    register(page, base, "Rae Reader", f"rae-{width}@example.org")
    module = course(live_server).module_by_id[MODULE]
    page.goto(f"{base}/modules/{MODULE}/{module.sections[0].id}")
    page.goto(f"{base}/")
    assert page.locator("[data-next-action]").inner_text().startswith("Continue where you left off: ")
    assert not page.locator("details.task-details").evaluate("d => d.open")
    for section in module.sections:
        page.goto(f"{base}/modules/{MODULE}/{section.id}")
    page.goto(f"{base}/")
    assert page.locator("[data-next-action]").inner_text().strip() == f"Take the {module.title} quiz"
    assert violations(page) == []
    page.goto(f"{base}/modules/{MODULE}")
    assert violations(page) == []


def choose(page, choice_id: str) -> None:
    page.check(f"#choice-{choice_id}")
    with page.expect_navigation():
        page.click("main form button[type=submit]")


@pytest.mark.parametrize("width", [1280, 390])
def test_after_each_turn_focus_lands_on_the_new_turn_and_a_pass_points_forward(live_server, new_page, width):
    page = new_page(width)
    base = live_server.url
    register(page, base, "Tam Turns", f"tam-{width}@example.org")
    scenario = course(live_server).scenario_by_id[SCENARIO]
    page.goto(f"{base}/scenarios/{SCENARIO}")
    assert violations(page) == []
    turns_checked = 0
    for turn, edge in enumerate(best_path(graph_of(scenario), scenario.start), 1):
        if page.locator("textarea[name=reply]").count():
            page.fill("textarea[name=reply]", "It sounds like the evenings are the hard part.")
            with page.expect_navigation():
                page.click("main form button[type=submit]")
            assert page.evaluate("() => location.hash") == f"#turn-{turn}"
        choose(page, edge.choice_id)
        if re.search(r"/runs/\d+$", page.url):
            break
        assert page.evaluate("() => location.hash") == f"#turn-{turn + 1}"
        heading = page.locator(f"h2#turn-{turn + 1}")
        assert heading.get_attribute("tabindex") == "-1" and heading.is_visible()
        page.keyboard.press("Tab")
        focused = page.evaluate("() => [document.activeElement.name, document.activeElement.type]")
        assert focused in (["choice", "radio"], ["reply", "textarea"]), (turn, focused)
        assert "The strongest response here" in page.locator(".turn-feedback").inner_text()
        turns_checked += 1
        if turns_checked == 1:
            assert violations(page) == []
    assert turns_checked >= 2
    print(f"\n{width} px: 1 Tab press from each new turn to its first control")
    page.wait_for_url(re.compile(r".*/runs/\d+$"))
    primary = page.locator("main .next-step .button").first
    assert primary.get_attribute("data-next-step-button") == "" and primary.inner_text().startswith("Next")
    again = page.locator("main .next-step a", has_text="Play again")
    assert "button-secondary" in again.get_attribute("class")
    assert page.locator("dl.code-legend").is_visible()
    assert violations(page) == []


def test_nothing_scrolls_sideways_at_320_px(live_server, new_page):
    page = new_page(320)
    base = live_server.url
    register(page, base, "Sam Small", "sam-320@example.org")
    scenario = course(live_server).scenario_by_id[SCENARIO]
    pages = [f"{base}/", f"{base}/modules/{MODULE}", f"{base}/scenarios/{SCENARIO}"]
    for url in pages:
        page.goto(url)
        assert fits(page, 320), url
    for edge in best_path(graph_of(scenario), scenario.start):
        if page.locator("textarea[name=reply]").count():
            page.fill("textarea[name=reply]", "You sound lonely in the evenings.")
            with page.expect_navigation():
                page.click("main form button[type=submit]")
        choose(page, edge.choice_id)
        assert fits(page, 320), page.url
    page.wait_for_url(re.compile(r".*/runs/\d+$"))
    assert fits(page, 320), page.url
    page.goto(f"{base}/")
    assert fits(page, 320)


@pytest.mark.parametrize("width", [1280, 390])
def test_the_whole_course_dashboard_leads_too(full_live_server, new_page, width):
    """The shipped course: every module, role-play and step staff record."""
    page = new_page(width)
    register(page, full_live_server.url, "Fay Full", f"fay-{width}@example.org")
    box = page.locator("[data-next-action]").bounding_box()
    assert box["y"] + box["height"] <= page.viewport_size["height"], box
    from_top = tab_presses_to(page, "[data-next-action]")
    print(
        f"\nwhole course, {width} px: next action top {box['y']:.0f} px, {from_top} Tab presses from the top"
    )
    summary = page.locator("[data-task-summary]").inner_text()
    program = full_live_server.app.extensions["course"].program
    by_staff = len([r for r in program.requirements if r.kind != "acknowledge"])
    assert summary == (
        f"0 of {len(program.modules)} modules · 0 of {len(program.scenarios)} role-plays · "
        f"0 of {by_staff} steps your coordinator records"
    )
    assert violations(page) == []
    page.set_viewport_size({"width": 320, "height": 900})
    assert fits(page, 320)

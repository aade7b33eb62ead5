"""Screenshots for the README, and the figures the UX work is judged by.

`make screenshots` serves the whole course with seeded demo trainees, walks a new trainee, a
part-way trainee, a quiz, the coordinator list and a mentor record in Debian's Chromium at 1280
and 390 px, writes docs/screenshots/*.png and prints where the dashboard's first action sits
(px from the top, Tab presses from the top of the page) and how tall 50 list rows are.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
from playwright.sync_api import sync_playwright

from app.config import PROJECT_ROOT
from app.extensions import db
from app.ops.seed import seed_trainees

from .conftest import CHROMIUM, CHROMIUM_ARGS, STAFF_PASSWORD, log_in, register, serve
from .test_browser import answer_quiz_correctly

OUT = PROJECT_ROOT / "docs" / "screenshots"
WIDTHS = (1280, 390)
# The README shows the course and the example identity a programme starts from.
SHIPPED = (PROJECT_ROOT / "content", PROJECT_ROOT / "quizzes")
NEXT_ACTION = "main a.button >> nth=0"


def unpaced_program() -> str:
    """The shipped program without reading pace, so the walk-through can click straight on."""
    program = yaml.safe_load((SHIPPED[0] / "program.yaml").read_text())
    program.pop("pacing", None)
    return yaml.safe_dump(program, sort_keys=False, allow_unicode=True)


def first_action(page) -> tuple[int, int]:
    """The top of the main call to action in px, and Tab presses from the page's top to reach it."""
    box = page.locator(NEXT_ACTION).bounding_box()
    target = page.locator(NEXT_ACTION).get_attribute("href")
    page.evaluate("() => { window.scrollTo(0, 0); document.activeElement && document.activeElement.blur(); }")
    for presses in range(1, 200):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.getAttribute('href')") == target:
            return round(box["y"]), presses
    return round(box["y"]), -1


MAX_HEIGHT = 2400  # px: the top of long pages is what a reader of the README needs


def shoot(page, name: str, width: int) -> None:
    height = min(page.evaluate("document.documentElement.scrollHeight"), MAX_HEIGHT)
    clip = {"x": 0, "y": 0, "width": width, "height": height}
    page.screenshot(path=str(OUT / f"{name}-{width}.png"), full_page=True, clip=clip)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        with serve(Path(folder), unpaced_program(), SHIPPED) as server:
            with server.app.app_context():
                seed_trainees(server.app.extensions["course"], 200, 7)
                db.session.commit()
            base = server.url
            for width in WIDTHS:
                page = browser.new_context(viewport={"width": width, "height": 800}).new_page()
                register(page, base, f"Sam Screenshot {width}", f"sam{width}@example.org")
                y, presses = first_action(page)
                print(f"new trainee's dashboard at {width} px: first action at {y} px, {presses} Tab presses")
                shoot(page, "dashboard-new", width)
                module = server.app.extensions["course"].modules[0]
                page.goto(f"{base}/modules/{module.id}/{module.sections[0].id}")
                for _ in range(len(module.sections) - 1):
                    page.click("button[data-next]")
                page.goto(f"{base}/modules/{module.id}/quiz")
                page.locator("main form button").first.click()
                answer_quiz_correctly(page, server, module.id)
                shoot(page, "quiz-result", width)
                page.goto(base + "/")
                shoot(page, "dashboard-part-way", width)
                staff = browser.new_context(viewport={"width": width, "height": 800}).new_page()
                log_in(staff, base, "coordinator@example.org", STAFF_PASSWORD)
                staff.goto(f"{base}/coordinator/")
                height = staff.evaluate("document.documentElement.scrollHeight")
                rows = staff.locator("main table tbody tr").count()
                print(f"coordinator list at {width} px: {rows} rows, page {height} px tall")
                shoot(staff, "coordinator-list", width)
                staff.goto(f"{base}/coordinator/?status=awaiting_review")
                staff.locator("main table tbody tr a").first.click()  # a mentor waiting for a decision
                shoot(staff, "mentor-record", width)
        browser.close()


if __name__ == "__main__":
    main()

"""The frame around every page: each role lands on its own home, the header says who is signed
in and fits a 320 px screen, a visitor's error page offers no dashboard, the tab has an icon."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from .conftest import STAFF_PASSWORD, log_in

HOMES = {
    "coordinator@example.org": ("/coordinator/", "Cora Coordinator", "Coordinator"),
    "admin@example.org": ("/admin/users", "Ada Admin", "Admin"),
    "author@example.org": ("/author/", "Ari Author", "Author"),
}


def fits(page, width: int) -> bool:
    page.set_viewport_size({"width": width, "height": 800})
    return page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", (1280, 390))
def test_each_role_lands_home_and_the_header_says_who_is_signed_in(live_server, new_page, width):
    base = live_server.url
    for email, (home, name, role) in HOMES.items():
        page = new_page(width)
        log_in(page, base, email, STAFF_PASSWORD)
        assert page.url == base + home, email
        signed_in = page.locator(".site-header .signed-in")
        assert signed_in.is_visible() and name in signed_in.inner_text() and role in signed_in.inner_text()
        assert page.locator(".site-header a[aria-current=page]").count() == 1
        assert page.locator(".brand").get_attribute("href") == home
        assert fits(page, 320), (email, "header or page wider than 320 px")
        page.set_viewport_size({"width": width, "height": 800})
        assert Axe().run(page).response["violations"] == []


@pytest.mark.parametrize("width", (1280, 390))
def test_a_visitor_meets_no_dashboard_and_every_page_has_an_icon(live_server, new_page, width):
    base = live_server.url
    page = new_page(width)
    response = page.goto(f"{base}/no-such-page")
    assert response.status == 404
    links = page.locator("main a").all_inner_texts()
    assert not any("dashboard" in text.lower() for text in links) and "Go to the home page" in links
    icon = page.locator("link[rel=icon]").get_attribute("href")
    answer = page.request.get(base + icon)
    assert answer.ok and answer.headers["content-type"].startswith("image/svg+xml")
    assert page.locator("meta[name=description]").get_attribute("content")
    assert fits(page, 320)

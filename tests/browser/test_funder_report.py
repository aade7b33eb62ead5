"""The funder report in Chromium: axe with no violation at 1280 and 390 px, no sideways scroll at
320 px, and on paper no navigation, filters or buttons, one whole table per block; the report and
the mentor list with its new filters and columns are valid HTML (the Nu Html Checker)."""

from __future__ import annotations

from .conftest import STAFF_PASSWORD, log_in
from .test_browser import audit
from .test_html_checker import html_errors


def test_the_report_page_and_its_print_layout(full_live_server, new_page):
    page = new_page(1280)
    log_in(page, full_live_server.url, "coordinator@example.org", STAFF_PASSWORD)
    page.goto(f"{full_live_server.url}/coordinator/")
    page.get_by_role("link", name="Report", exact=True).click()
    assert page.url.startswith(f"{full_live_server.url}/coordinator/report")
    assert page.locator("table[data-report]").count() == 3
    assert audit(page) == []
    page.emulate_media(media="print")
    for hidden in (".site-header", ".subnav", "form.filters"):
        assert not page.locator(hidden).first.is_visible(), hidden
    blocks = page.locator("section.report-block")
    assert blocks.count() == 3
    assert blocks.evaluate_all("bs => bs.map(b => getComputedStyle(b).breakInside)") == ["avoid"] * 3
    page.emulate_media(media="screen")
    page.goto(f"{full_live_server.url}/coordinator/report?from=2026-02-31")
    assert page.locator("#from-error, .error").first.is_visible()
    assert audit(page) == []


def test_the_report_and_the_filtered_list_are_valid_html(full_live_server, new_page, tmp_path):
    page = new_page(1280)
    base = full_live_server.url
    log_in(page, base, "coordinator@example.org", STAFF_PASSWORD)
    urls = (
        "/coordinator/report",
        "/coordinator/report?from=2026-02-31",
        "/coordinator/?stalled=y&sort=waiting&order=desc",
        "/coordinator/?from=2026-01-01&to=2026-12-31",
    )
    documents = {url: page.request.get(base + url).text() for url in urls}
    assert html_errors(documents, tmp_path) == []

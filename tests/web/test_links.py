"""Links in pages follow where the app is mounted and keep their query strings."""

from __future__ import annotations

from ..html import elements


def test_links_follow_the_script_root_they_are_served_under(app, client, trainee):
    module = app.extensions["course"].modules[0]
    overview = f"/modules/{module.id}"
    at_root = client.get("/").text
    assert elements(at_root, "a", href=overview)

    mounted = client.get("/", base_url="http://localhost/peerpath").text
    assert elements(mounted, "a", href=f"/peerpath{overview}")
    assert not elements(mounted, "a", href=overview)
    assert elements(client.get("/").text, "a", href=overview)  # and back again


def csv_link(page: str) -> str:
    return next(a["href"] for a in elements(page, "a") if a.text.strip() == "Download CSV")


def test_links_with_query_strings_keep_their_arguments(coordinator):
    page = coordinator.get("/coordinator/?q=ann&status=in_training").text
    assert csv_link(page) == "/coordinator/mentors.csv?q=ann&status=in_training"
    assert csv_link(coordinator.get("/coordinator/?q=bob").text) == "/coordinator/mentors.csv?q=bob"

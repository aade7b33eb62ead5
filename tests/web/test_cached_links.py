"""Templates remember the links they build; the remembered links must stay right."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import select

from app.extensions import db
from app.models import Role, User
from app.urls import id_links

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


def test_id_links_build_what_url_for_builds(app):
    with app.test_request_context("/", base_url="http://localhost/peerpath"):
        link = id_links("coordinate.mentor", "user_id")
        for user_id in (1, 7, 918273645, 10**12):
            assert link(user_id) == url_for("coordinate.mentor", user_id=user_id)
        assert link(7).startswith("/peerpath/")


def test_coordinator_rows_link_to_each_mentor(app, coordinator, make_user):
    email = make_user(Role.TRAINEE, name="Mallory Quinn")
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == email))
    page = coordinator.get("/coordinator/?q=Mallory").text
    row = next(r for r in elements(page, "tr") if "data-mentor" in r)
    assert row["data-mentor"] == str(user_id)
    (link,) = elements(page, "a", href=f"/coordinator/mentors/{user_id}")
    assert link.text == "Mallory Quinn"

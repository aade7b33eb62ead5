"""Repeated page pieces are rendered once per choice of markup and filled in per request."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

import pytest
from jinja2 import ChoiceLoader, DictLoader

from app.extensions import db
from app.fragments import render_each
from app.models import Cohort, Role, utcnow
from app.people.roster import MentorFilter, MentorRow, page_query
from app.templating import time_tag

from ..html import elements

PIECES = {
    "pieces.html": (
        "{% macro line(done, name, count) %}<li class=\"{{ 'done' if done }}\">{{ name }}: {{ count }}</li>{% endmacro %}"
        "{% macro tests_a_value(name) %}{% if name %}{{ name }}{% endif %}{% endmacro %}"
        "{% macro reads_the_user(name) %}{{ current_user.name }}{% endmacro %}"
        "{% macro link(module_id, name) %}<a href=\"{{ url_for('learn.module_overview', module_id=module_id) }}\">{{ name }}</a>{% endmacro %}"
    )
}


@pytest.fixture
def pieces(app):
    app.jinja_env.loader = ChoiceLoader([DictLoader(PIECES), app.jinja_env.loader])
    return app


def test_values_are_escaped_into_markup_chosen_by_the_choices(pieces):
    with pieces.test_request_context("/"):
        html = render_each(
            "pieces.html",
            "line",
            ("name", "count"),
            [((True,), ("<b>Ann</b> & co", 3)), ((False,), ("Bo", 0))],
        )
    assert html == '<li class="done">&lt;b&gt;Ann&lt;/b&gt; &amp; co: 3</li><li class="">Bo: 0</li>'


def test_each_choice_is_rendered_once_and_then_reused(pieces):
    fragments = pieces.extensions["fragments"]
    with pieces.test_request_context("/"):
        for count in range(5):
            render_each("pieces.html", "line", ("name", "count"), [((True,), ("Ann", count))])
        render_each("pieces.html", "line", ("name", "count"), [((False,), ("Ann", 1))])
    remembered = [by_choices for piece, by_choices in fragments.remembered.items() if piece[1] == "pieces.html"]
    assert sum(map(len, remembered)) == 2


def test_links_inside_a_piece_follow_the_script_root(pieces):
    with pieces.test_request_context("/"):
        at_root = render_each("pieces.html", "link", ("name",), [(("feedback",), ("Feedback",))])
    with pieces.test_request_context("/", base_url="http://localhost/peerpath"):
        mounted = render_each("pieces.html", "link", ("name",), [(("feedback",), ("Feedback",))])
    assert at_root == '<a href="/modules/feedback">Feedback</a>'
    assert mounted == '<a href="/peerpath/modules/feedback">Feedback</a>'


def test_a_value_that_decides_markup_is_refused(pieces):
    with pieces.test_request_context("/"), pytest.raises(TypeError, match="may only be printed"):
        render_each("pieces.html", "tests_a_value", ("name",), [((), ("Ann",))])


def test_a_piece_cannot_read_who_is_signed_in(pieces):
    with pieces.test_request_context("/"), pytest.raises(TypeError, match="shared by every user"):
        render_each("pieces.html", "reads_the_user", ("name",), [((), ("Ann",))])


def test_coordinator_rows_escape_what_trainees_typed(app, coordinator, make_user):
    make_user(Role.TRAINEE, name='<img src=x onerror="alert(1)"> Mallory')
    page = coordinator.get("/coordinator/?q=Mallory").text
    assert "<img src=x" not in page
    assert not elements(page, "img")
    row = next(r for r in elements(page, "tr") if "data-mentor" in r)
    assert '<img src=x onerror="alert(1)"> Mallory' in row.text  # shown as the text they typed
    assert row["data-status"] == "not_started"


def test_the_list_query_selects_the_row_fields_in_order(app):
    with app.app_context():
        columns = list(page_query(MentorFilter(), utcnow()).selected_columns.keys())
        assert columns == list(MentorRow._fields)
        db.engine.dispose()


def test_time_tag_prints_an_english_date_with_a_machine_readable_one():
    moment = datetime(2026, 3, 5, 9, 30, tzinfo=UTC)
    assert time_tag(moment) == '<time datetime="2026-03-05">05 Mar 2026</time>'
    assert time_tag(moment, "%Y") == '<time datetime="2026-03-05T09:30:00+00:00">2026</time>'
    assert time_tag(None) == "never"


def _cohort(app, name: str) -> int:
    with app.app_context():
        cohort = Cohort(name=name, invite_code=secrets.token_urlsafe(16))
        db.session.add(cohort)
        db.session.commit()
        return cohort.id


def test_remembered_select_options_follow_the_selection_and_escape_labels(app, coordinator):
    spring = _cohort(app, "Spring <b>2027</b>")
    autumn = _cohort(app, "Autumn 2027")
    for chosen, other in ((spring, autumn), (autumn, spring), (spring, autumn)):
        page = coordinator.get(f"/coordinator/?cohort={chosen}").text
        options = {option["value"]: option for option in elements(page, "option")}  # ids are unique
        assert "selected" in options[str(chosen)] and "selected" not in options[str(other)]
        assert options[str(spring)].text == "Spring <b>2027</b>"  # shown as typed, not as markup
    assert not elements(page, "b")

"""Dashboard pieces are rendered once per choice of markup and filled in per request, by name."""

from __future__ import annotations

from typing import NamedTuple

import pytest
from jinja2 import ChoiceLoader, DictLoader

from app.learn.presenters import ModuleCard
from app.web.fragments import render_each

from ..html import elements

PIECES = {
    "pieces.html": (
        "{% macro line(done, name, count) %}<li class=\"{{ 'done' if done }}\">{{ name }}: {{ count }}</li>{% endmacro %}"
        "{% macro tests_a_value(done, name, count) %}{% if name %}{{ name }}{% endif %}{% endmacro %}"
        "{% macro reads_the_user(done, name, count) %}{{ current_user.name }}{% endmacro %}"
        "{% macro link(module_id, name) %}<a href=\"{{ url_for('learn.module_overview', module_id=module_id) }}\">{{ name }}</a>{% endmacro %}"
    )
}


class Line(NamedTuple):
    CHOICES = ("done",)

    done: bool
    name: str
    count: int = 0


class Link(NamedTuple):
    CHOICES = ("module_id",)

    module_id: str
    name: str


@pytest.fixture
def pieces(app):
    app.jinja_env.loader = ChoiceLoader([DictLoader(PIECES), app.jinja_env.loader])
    return app


def test_values_are_escaped_into_markup_chosen_by_the_choices(pieces):
    with pieces.test_request_context("/"):
        html = render_each("pieces.html", "line", [Line(True, "<b>Ann</b> & co", 3), Line(False, "Bo", 0)])
    assert html == '<li class="done">&lt;b&gt;Ann&lt;/b&gt; &amp; co: 3</li><li class="">Bo: 0</li>'


def test_each_choice_is_rendered_once_and_then_reused(pieces):
    fragments = pieces.extensions["fragments"]
    with pieces.test_request_context("/"):
        for count in range(5):
            render_each("pieces.html", "line", [Line(True, "Ann", count)])
        render_each("pieces.html", "line", [Line(False, "Ann", 1)])
    remembered = [
        by_choices for piece, by_choices in fragments.remembered.items() if piece[1] == "pieces.html"
    ]
    assert sum(map(len, remembered)) == 2


def test_links_inside_a_piece_follow_the_script_root(pieces):
    with pieces.test_request_context("/"):
        at_root = render_each("pieces.html", "link", [Link("feedback", "Feedback")])
    with pieces.test_request_context("/", base_url="http://localhost/peerpath"):
        mounted = render_each("pieces.html", "link", [Link("feedback", "Feedback")])
    assert at_root == '<a href="/modules/feedback">Feedback</a>'
    assert mounted == '<a href="/peerpath/modules/feedback">Feedback</a>'


def test_a_value_that_decides_markup_is_refused(pieces):
    with pieces.test_request_context("/"), pytest.raises(TypeError, match="may only be printed"):
        render_each("pieces.html", "tests_a_value", [Line(True, "Ann")])


def test_a_piece_cannot_read_who_is_signed_in(pieces):
    with pieces.test_request_context("/"), pytest.raises(TypeError, match="shared by every user"):
        render_each("pieces.html", "reads_the_user", [Line(True, "Ann")])


def test_each_module_card_value_lands_in_its_own_place(app):
    module = app.extensions["course"].modules[0]
    card = ModuleCard(
        module_id=module.id,
        next_section_id=module.sections[3].id,
        started=True,
        one_minute_left=False,
        quiz="tried",
        sections_read=3,
        minutes_left=17,
        best_score=64,
        scenarios_passed=1,
        needed=2,
        needed_all_passed=False,
        needed_passed=1,
    )
    with app.test_request_context("/"):
        html = str(render_each("learn/_dashboard.html", "module_card", [card]))
    progress = elements(html, "progress")[0]
    assert (progress["value"], progress["max"]) == ("3", str(len(module.sections)))
    assert "About 17 minutes of reading left." in " ".join(elements(html, "p", class_="meta")[0].text.split())
    quiz = elements(html, "p", class_="meta quiz-status")[0]
    assert "best 64%, not passed yet" in quiz.text and quiz["data-quiz-passed"] == "false"
    role_plays = [p for p in elements(html, "p", class_="meta") if p.get("data-scenarios-passed")][0]
    assert role_plays["data-scenarios-passed"] == "1"
    assert "Role-plays for your certificate: 1 of 2 passed." in " ".join(role_plays.text.split())

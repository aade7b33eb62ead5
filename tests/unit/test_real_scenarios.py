"""The shipped role-plays meet the course's bar: shape, endings, scoring and (for MI) coding.

The rules live in tests/course_quality.py and name no role-play: they hold for whatever
content/ and quizzes/ hold, so a programme's own copy is checked the same way."""

from __future__ import annotations

import pytest

from app.course import load_course

from ..course_quality import SHIPPED, module_problems, persona_problems, scenario_problems

COURSE = load_course(*SHIPPED)
SCENARIOS = [pytest.param(s, id=s.id) for s in COURSE.scenarios]


def test_every_required_module_but_a_local_one_has_at_least_two_scenarios():
    assert [p for p in module_problems(COURSE) if "role-plays" in p] == []


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_role_play_is_shaped_and_scored_as_the_course_asks(scenario):
    """Three decisions on every path, three endings, the best path 100 and the worst a fail, only
    the best choice at every turn reaching 100, and MITI-coded good practice where MI is taught."""
    assert scenario_problems(COURSE, scenario) == []


def test_the_role_plays_of_a_module_teaching_mi_are_held_to_miti_coding():
    taught = [m for m in COURSE.modules if "motivational interviewing" in m.title.lower()]
    assert taught and all(COURSE.scenarios_for_module.get(m.id) for m in taught)


def test_most_required_role_plays_have_a_mentee_under_18():
    """Mentors in these programmes meet young people of about 12 to 24; practice should too."""
    assert persona_problems(COURSE) == []

"""The standards map: which modules teach each training topic, and each mentor's record against it."""

from __future__ import annotations

import csv
import io

from app.certification.standards import coverage, standards_met
from app.certification.status import QuizResult, Records
from app.course import load_course
from app.course.program import PROGRAM_RULES

from ..conftest import Auth, user_id
from ..helpers import FIXTURE_CONTENT, FIXTURE_QUIZZES, complete_course
from ..html import elements

COURSE = load_course(FIXTURE_CONTENT, FIXTURE_QUIZZES)


def test_the_course_covers_every_topic_its_program_lists_but_the_programmes_own_rules():
    items = coverage(COURSE)
    assert len(items) >= 8
    for item in items:
        if item.standard.id == PROGRAM_RULES:
            assert not item.modules, "only a programme's own local module teaches its rules"
            continue
        assert item.modules, f"no module teaches {item.standard.id}"
        assert all(item.standard.id in m.standards for m in item.modules)
    safety = next(i for i in items if i.standard.id == "youth-safety-and-reporting")
    assert "boundaries-safety-closure" in [m.id for m in safety.modules]


def test_a_topic_is_met_once_a_module_teaching_it_is_complete():
    module = COURSE.module_by_id["goal-setting"]
    required = next(m for m in COURSE.program.modules if m.module_id == module.id)
    halfway = Records(sections_read={(module.id, s.id): None for s in module.sections})
    assert not standards_met(COURSE, halfway)["mentor-expectations"]
    done = Records(
        sections_read=halfway.sections_read,
        quiz_results=(QuizResult(required.quiz_id, module.version, 100, True, None),),
    )
    met = standards_met(COURSE, done)
    assert met["mentor-expectations"] and not met["closure"]


def test_coordinators_see_the_map_each_mentors_topics_and_a_csv(app, coordinator, make_user, client):
    page = coordinator.get("/coordinator/standards").text
    rows = elements(page, "tr", **{"data-covered": "yes"})
    assert len(rows) == len(COURSE.program.standards) - 1
    rules = elements(page, "tr", data_standard=PROGRAM_RULES, data_covered="no")[0]
    assert "write a local module" in rules.text and "docs/authoring.md" in rules.text
    closure = elements(page, "tr", data_standard="closure")[0]
    assert "Boundaries, safety and closure" in closure.text

    finished = make_user(name="Finley Finished")
    complete_course(app, finished)
    make_user(name="Sam Started")
    mentor_page = coordinator.get(f"/coordinator/mentors/{user_id(app, finished)}").text
    assert len(elements(mentor_page, "li", data_met="yes")) == len(COURSE.program.standards) - 1

    table = list(csv.DictReader(io.StringIO(coordinator.get("/coordinator/standards.csv").text)))
    by_name = {row["name"]: row for row in table}
    assert by_name["Finley Finished"]["closure"] == "yes" and by_name["Sam Started"]["closure"] == "no"
    assert set(by_name["Sam Started"]) >= {s.id for s in COURSE.program.standards}

    trainee = app.test_client()
    Auth(trainee).login(make_user())
    assert trainee.get("/coordinator/standards").status_code == 403
    assert trainee.get("/coordinator/standards.csv").status_code == 403

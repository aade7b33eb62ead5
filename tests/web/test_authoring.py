"""Author tools through the app: answer keys and graphs for authors only, live preview, GIFT import."""

from __future__ import annotations

import shutil
import textwrap

import pytest
import yaml

from app import create_app
from app.models import Role

from ..conftest import Auth, empty_database
from ..helpers import FIXTURE_CONTENT, FIXTURE_QUIZZES
from ..html import elements


@pytest.mark.parametrize(
    ("role", "expected"),
    [(None, 302), (Role.TRAINEE, 403), (Role.COORDINATOR, 403), (Role.AUTHOR, 200), (Role.ADMIN, 200)],
)
def test_author_pages_are_for_authors_and_admins(app, make_user, role, expected):
    client = app.test_client()
    if role:
        Auth(client).login(make_user(role))
    for url in ("/author/", "/author/quizzes/feedback", "/author/scenarios/quiet-first-week"):
        assert client.get(url).status_code == expected, url


def test_the_answer_key_marks_right_options_and_the_scenario_page_draws_the_graph(app, make_user):
    client = app.test_client()
    Auth(client).login(make_user(Role.AUTHOR))
    quiz = app.extensions["course"].quiz_by_id["feedback"]
    page = client.get("/author/quizzes/feedback").text
    for question in quiz.questions:
        marked = {e["data-option"] for e in elements(page, "li", data_correct="true") if e.get("data-option")}
        assert question.correct_ids <= marked
        assert question.explanation_html.strip() in page
    scenario = client.get("/author/scenarios/quiet-first-week").text
    assert "<svg" in scenario and "START: " in scenario and "END: " in scenario
    assert elements(
        scenario,
        "li",
        data_choice=app.extensions["course"]
        .scenario_by_id["quiet-first-week"]
        .nodes[app.extensions["course"].scenario_by_id["quiet-first-week"].start]
        .choices[0]
        .id,
    )


def test_the_footer_shows_the_content_version_to_authors_only(app, make_user):
    version = app.extensions["course"].version
    assert version.startswith(("git:", "files:"))
    for role, shown in (
        (Role.AUTHOR, True),
        (Role.ADMIN, True),
        (Role.TRAINEE, False),
        (Role.COORDINATOR, False),
    ):
        client = app.test_client()
        Auth(client).login(make_user(role))
        assert bool(elements(client.get("/privacy").text, "span", data_content_version=version)) is shown, (
            role
        )
    assert not elements(app.test_client().get("/").text, "span", data_content_version=version)


def test_with_debug_on_edited_content_is_picked_up_without_a_restart(tmp_path, make_app, make_user):
    shutil.copytree(FIXTURE_CONTENT, tmp_path / "content")
    shutil.copytree(FIXTURE_QUIZZES, tmp_path / "quizzes")
    app = make_app(DEBUG=True, CONTENT_DIR=tmp_path / "content", QUIZZES_DIR=tmp_path / "quizzes")
    with app.app_context():
        empty_database()
    client = app.test_client()
    module = tmp_path / "content" / "modules" / "feedback.md"
    before = client.get("/").text
    module.write_text(
        module.read_text().replace("title: Giving and receiving feedback", "title: Feedback that lands")
    )
    after = client.get("/").text
    assert "Feedback that lands" in after and "Feedback that lands" not in before
    module.write_text(module.read_text().replace("minutes: 28", "minutes: soon"))
    broken = client.get("/")
    assert broken.status_code == 500
    assert "feedback.md:6:1: error: &#39;minutes&#39; must be a whole number" in broken.text
    module.write_text(module.read_text().replace("minutes: soon", "minutes: 28"))
    assert client.get("/").status_code == 200


def test_without_debug_content_is_loaded_once(tmp_path, database_url):
    shutil.copytree(FIXTURE_CONTENT, tmp_path / "content")
    shutil.copytree(FIXTURE_QUIZZES, tmp_path / "quizzes")
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "t",
            "CONTENT_DIR": tmp_path / "content",
            "QUIZZES_DIR": tmp_path / "quizzes",
        }
    )
    module = tmp_path / "content" / "modules" / "feedback.md"
    module.write_text(
        module.read_text().replace("title: Giving and receiving feedback", "title: Feedback that lands")
    )
    assert app.extensions["course"].module_by_id["feedback"].title == "Giving and receiving feedback"


GIFT = textwrap.dedent("""\
    // A small bank
    ::Reflect first:: Your mentee says "I'm fine." What do you do? {
        =Reflect the doubt # A reflection keeps them talking.
        ~Change the subject # That skips the signal.
        ~Give advice # Too early.
    }

    ::Essay:: Describe active listening. {}
    """)


def test_import_gift_writes_a_quiz_that_loads_and_reports_the_rest(app, tmp_path):
    source = tmp_path / "bank.gift"
    source.write_text(GIFT)
    target = tmp_path / "out.yaml"
    result = app.test_cli_runner().invoke(
        args=["quiz", "import-gift", str(source), "--module", "feedback", "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert f"{source}:8: essay questions are not supported" in result.output
    quiz = yaml.safe_load(target.read_text())
    assert quiz["module"] == "feedback" and [q["id"] for q in quiz["questions"]] == ["reflect-first"]
    assert quiz["questions"][0]["options"][0] == {
        "id": "a",
        "text": "Reflect the doubt",
        "correct": True,
        "feedback": "A reflection keeps them talking.",
    }
    unknown = app.test_cli_runner().invoke(
        args=["quiz", "import-gift", str(source), "--module", "nope", "-o", str(target)]
    )
    assert unknown.exit_code != 0 and "no module 'nope'" in unknown.output

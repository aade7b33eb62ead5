"""The shipped example safeguarding procedure is fine for the demo and CI, and refused where real
trainees would read it: by ``content check --deploy`` and by the app's start-up on a server."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from app import create_app
from app.content_tools.check import content_group
from app.course.errors import display_path

from ..helpers import FIXTURE_CONTENT, FIXTURE_QUIZZES

REFUSAL = (
    "the safeguarding procedure is the shipped example: "
    "fill in your programme's own contacts and remove 'example: true'"
)
SHIPPED = FIXTURE_CONTENT / "program.yaml"  # the tests' copy of the shipped program


def example_line(program: Path) -> int:
    return next(
        number
        for number, line in enumerate(program.read_text(encoding="utf-8").splitlines(), 1)
        if line.strip() == "example: true"
    )


@pytest.fixture(autouse=True)
def on_a_server(monkeypatch):
    """As a server runs: no debug, no demo switch, whatever the developer's shell has set; the
    course is the tests' copy of the shipped one."""
    for name in ("PEERPATH_DEMO", "FLASK_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CONTENT_DIR", str(FIXTURE_CONTENT))
    monkeypatch.setenv("QUIZZES_DIR", str(FIXTURE_QUIZZES))


@pytest.fixture
def own_procedure(tmp_path) -> Path:
    """A copy of the course whose programme has filled in its own procedure."""
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, content)
    program = content / "program.yaml"
    text = program.read_text(encoding="utf-8")
    assert "  example: true\n" in text
    program.write_text(
        text.replace("  example: true\n", "").replace(
            "Example Lead (replace with your designated safeguarding lead)", "Sam Okafor"
        ),
        encoding="utf-8",
    )
    return content


def check(*options: str):
    return CliRunner().invoke(content_group, ["check", *options])


def server_app(content_dir: Path = FIXTURE_CONTENT, **settings):
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "SECRET_KEY": "x",
            "CONTENT_DIR": content_dir,
            "QUIZZES_DIR": FIXTURE_QUIZZES,
            **settings,
        }
    )


def test_the_deploy_check_refuses_the_example_naming_the_file_and_line():
    result = check("--deploy")
    assert result.exit_code == 1
    located = f"{display_path(SHIPPED)}:{example_line(SHIPPED)}:3: error: {REFUSAL}"
    assert located in result.output
    assert "1 error, 0 warnings in 1 file." in result.output


def test_the_strict_check_ci_runs_accepts_the_example():
    result = check("--strict")
    assert result.exit_code == 0, result.output
    assert "Content is valid" in result.output and "example" not in result.output


def test_the_deploy_check_accepts_a_programmes_own_procedure(own_procedure, monkeypatch):
    monkeypatch.setenv("CONTENT_DIR", str(own_procedure))
    result = check("--deploy", "--strict")
    assert result.exit_code == 0, result.output
    assert "Content is valid" in result.output


def test_a_server_refuses_to_start_on_the_example_and_says_where_it_is():
    with pytest.raises(SystemExit) as caught:
        server_app()
    message = str(caught.value.code)
    assert message == f"PeerPath cannot start: {display_path(SHIPPED)}:{example_line(SHIPPED)}: {REFUSAL}"
    assert "Traceback" not in message


@pytest.mark.parametrize("settings", [{"TESTING": True}, {"DEBUG": True}, {"DEMO": True}])
def test_tests_debug_and_the_demo_may_serve_the_example(settings):
    app = server_app(**settings)
    assert app.extensions["course"].program.safeguarding.example


@pytest.mark.parametrize("value", ["1", "true", "yes"])
def test_the_demo_switch_is_read_from_the_environment(monkeypatch, value):
    monkeypatch.setenv("PEERPATH_DEMO", value)
    assert server_app().extensions["course"].program.safeguarding.example


def test_the_demo_switch_off_is_off(monkeypatch):
    monkeypatch.setenv("PEERPATH_DEMO", "0")
    with pytest.raises(SystemExit):
        server_app()


def test_a_server_starts_on_a_programmes_own_procedure(own_procedure):
    app = server_app(own_procedure)
    procedure = app.extensions["course"].program.safeguarding
    assert not procedure.example and procedure.lead.name == "Sam Okafor"

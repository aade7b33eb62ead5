"""``content check``: the real course passes; every planted mistake is named with file, line and column."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from app.content_tools.check import content_group

from ..course_quality import SHIPPED
from ..helpers import FIXTURE_CONTENT, FIXTURE_QUIZZES, copy_course


def check(content: Path, quizzes: Path, *args: str):
    return CliRunner().invoke(
        content_group, ["check", *args], env={"CONTENT_DIR": str(content), "QUIZZES_DIR": str(quizzes)}
    )


@pytest.fixture
def tree(tmp_path) -> tuple[Path, Path]:
    """A copy of the tests' course to plant mistakes in."""
    return copy_course(tmp_path)


def plant(path: Path, old: str, new: str, count: int = 1) -> int:
    """Replace text in a file; return the 1-based line where the change lands."""
    text = path.read_text()
    assert old in text, old
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, count))
    return line


def test_the_shipped_course_passes_even_strictly():
    result = check(*SHIPPED, "--strict")
    assert result.exit_code == 0, result.output
    assert "Content is valid: " in result.output


def test_the_tests_course_passes_even_strictly_and_is_counted():
    result = check(FIXTURE_CONTENT, FIXTURE_QUIZZES, "--strict")
    assert result.exit_code == 0, result.output
    assert "Content is valid: 8 modules, 8 quizzes, 16 scenarios" in result.output


def test_every_planted_mistake_is_reported_in_one_run(tree):
    content, quizzes = tree
    modules, scenarios = content / "modules", content / "scenarios"
    expected = []

    line = plant(modules / "feedback.md", "\ntitle:", "\ntittle:") + 1
    expected.append(
        f"{modules / 'feedback.md'}:{line}:1: error: unknown key 'tittle' in front matter (did you mean 'title'?)"
    )
    line = (
        plant(
            modules / "active-listening.md",
            "## Common mistakes\n",
            "## Common mistakes\n\nSee [the roadblocks](#nowhere) and ![](x.png).\n",
        )
        + 2
    )
    expected.append(
        f"{modules / 'active-listening.md'}:{line}:1: error: link to '#nowhere' finds no heading in this section"
    )
    expected.append(f"{modules / 'active-listening.md'}:{line}:1: error: image without alt text")
    line = (
        plant(
            modules / "goal-setting.md",
            "## Common goal-setting mistakes\n",
            "## Common goal-setting mistakes\n\nRead [feedback](/modules/feedbak) first.\n\n#### Too deep\n",
        )
        + 2
    )
    expected.append(
        f"{modules / 'goal-setting.md'}:{line}:1: error: link to module 'feedbak', which does not exist"
    )
    expected.append(f"{modules / 'goal-setting.md'}:{line + 2}:1: error: heading level jumps from h2 to h4")
    line = plant(modules / "conflict-resolution.md", "::: warning", "::: warnign")
    expected.append(f"{modules / 'conflict-resolution.md'}:{line}:1: error: unknown container 'warnign'")
    first_id, second_id = [
        q["id"] for q in yaml.safe_load((quizzes / "feedback.yaml").read_text())["questions"][:2]
    ]
    line = plant(quizzes / "feedback.yaml", f"  - id: {second_id}\n", f"  - id: {first_id}\n")
    expected.append(
        f"{quizzes / 'feedback.yaml'}:{line}:5: error: question id '{first_id}' is used twice in this quiz"
    )
    line = plant(quizzes / "goal-setting.yaml", "pass_mark: 80", "pass_mark: 180")
    expected.append(
        f"{quizzes / 'goal-setting.yaml'}:{line}:1: error: 'pass_mark' must be a whole number of at least 1 and at most 100"
    )
    text = (scenarios / "quiet-first-week.yaml").read_text()
    target = text.split("to: ", 1)[1].split("\n")[0]
    line = plant(scenarios / "quiet-first-week.yaml", f"to: {target}\n", "to: nowhere-node\n")
    expected.append(f"{scenarios / 'quiet-first-week.yaml'}:{line}:9: error: choice")
    line = plant(scenarios / "the-rant-after-shift.yaml", "code: Q\n", "code: ASK\n")
    expected.append(
        f"{scenarios / 'the-rant-after-shift.yaml'}:{line}:9: error: 'code' has unknown behaviour code ASK"
    )

    result = check(content, quizzes)
    assert result.exit_code == 1
    for message in expected:
        assert any(row.startswith(message) for row in result.output.splitlines()), (message, result.output)
    assert (
        "does not exist in content/modules" not in result.output
    )  # no cascade from the broken feedback module


def test_warnings_pass_unless_strict(tree):
    content, quizzes = tree
    line = plant(quizzes / "feedback.yaml", "    explanation: |", "    commentary_removed: |")
    plant(quizzes / "feedback.yaml", "    commentary_removed: |", "    explanation: |")
    text = (quizzes / "feedback.yaml").read_text()
    start = text.index("    explanation: |")
    end = text.index("\n  - id:", start)
    (quizzes / "feedback.yaml").write_text(text[:start] + text[end + 1 :])
    relaxed = check(content, quizzes)
    assert relaxed.exit_code == 0
    assert "warning: question" in relaxed.output and "has no explanation" in relaxed.output
    assert check(content, quizzes, "--strict").exit_code == 1
    assert line > 0


def test_a_thin_module_is_a_warning(tree):
    content, quizzes = tree
    text = (content / "modules" / "feedback.md").read_text()
    third_section = text.index("\n## ", text.index("\n## ", text.index("\n## ") + 1) + 1)
    (content / "modules" / "feedback.md").write_text(text[:third_section] + "\n")
    result = check(content, quizzes)
    assert re.search(
        r"feedback.md:\d+:1: warning: the module has \d{3} words: under 1,000 is thin for a module",
        result.output,
    )


def test_unknown_standards_and_bad_requirements_are_named_with_their_line(tree):
    content, quizzes = tree
    module_line = plant(
        content / "modules" / "goal-setting.md",
        "standards: [mentor-expectations]",
        "standards: [mentor-expectatons]",
    )
    program = content / "program.yaml"
    hours_line = plant(program, "    hours: 2\n", "    hours: -2\n")
    twice_line = plant(program, "  - id: references\n", "  - id: interview\n")
    result = check(content, quizzes)
    assert result.exit_code == 1
    out = result.output
    assert re.search(
        rf"modules/goal-setting\.md:{module_line}:\d+: error: standard 'mentor-expectatons' is not among", out
    ), out
    assert re.search(
        rf"program\.yaml:{hours_line}:\d+: error: 'hours' must be a number of hours above 0", out
    ), out
    assert re.search(
        rf"program\.yaml:{twice_line}:\d+: error: requirement id 'interview' is used twice", out
    ), out

"""``notifications:`` in program.yaml: defaults, switches, and mistakes reported at path:line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.course import ContentError, load_course
from app.course.notifications import KINDS, NotificationRules

from ..helpers import FIXTURE_CONTENT, FIXTURE_QUIZZES


def course_with_program(tmp_path: Path, edit) -> Path:
    """A copy of the tests' content whose program.yaml is changed by ``edit(text) -> text``."""
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, content)
    program = content / "program.yaml"
    program.write_text(edit(program.read_text(encoding="utf-8")), encoding="utf-8")
    return content


def line_of(content: Path, text: str) -> int:
    lines = (content / "program.yaml").read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if line.strip().startswith(text))


def problems(content: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_course(content, FIXTURE_QUIZZES)
    return [str(p) for p in caught.value.problems]


def at_line(problem: str, line: int) -> bool:
    return f"program.yaml:{line}:" in problem


def test_the_shipped_block_gives_the_issues_defaults():
    rules = load_course(FIXTURE_CONTENT, FIXTURE_QUIZZES).program.notifications
    assert rules == NotificationRules(line=rules.line)
    assert rules.inactivity_after_days == (7, 21) and rules.digest_weekday == 0
    assert all(rules.is_on(kind) for kind in KINDS)


def test_without_the_block_every_default_applies(tmp_path):
    def drop_block(text: str) -> str:
        start = text.index("notifications:\n")
        end = text.index("# Done outside PeerPath")
        return text[:start] + text[end:]

    rules = load_course(course_with_program(tmp_path, drop_block), FIXTURE_QUIZZES).program.notifications
    assert rules == NotificationRules()


def test_enabled_false_switches_a_kind_off_and_settings_are_read(tmp_path):
    def edit(text: str) -> str:
        text = text.replace("  certified: {}\n", "  certified:\n    enabled: false\n")
        text = text.replace("after_days: [7, 21]", "after_days: [30, 10]")
        return text.replace("weekday: monday", "weekday: Friday")

    rules = load_course(course_with_program(tmp_path, edit), FIXTURE_QUIZZES).program.notifications
    assert not rules.is_on("certified") and rules.is_on("replies_scored")
    assert rules.inactivity_after_days == (10, 30)  # sorted: the highest reached is the one sent
    assert rules.digest_weekday == 4


def test_an_unknown_kind_is_reported_at_its_line(tmp_path):
    content = course_with_program(tmp_path, lambda t: t.replace("  certified: {}\n", "  certificate: {}\n"))
    found = problems(content)
    assert any("certificate" in p for p in found), found
    line = line_of(content, "certificate:")
    block = line_of(content, "notifications:")
    assert any(at_line(p, line) or at_line(p, block) for p in found if "certificate" in p), found


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("after_days: [7, 21]", "after_days: [7, 0]", "after_days"),
        ("after_days: [7, 21]", "after_days: [-7]", "after_days"),
        ("before_expiry_days: 7", "before_expiry_days: 0", "before_expiry_days"),
        ("before_days: 60", "before_days: -60", "before_days"),
    ],
)
def test_zero_or_negative_day_counts_are_reported_at_their_line(tmp_path, old, new, key):
    content = course_with_program(tmp_path, lambda t: t.replace(old, new))
    [problem] = problems(content)
    assert at_line(problem, line_of(content, f"{key}:")), problem
    assert key in problem


@pytest.mark.parametrize("day", ["mondays", "1", "weekend"])
def test_a_digest_day_that_is_not_a_weekday_name_is_reported_at_its_line(tmp_path, day):
    content = course_with_program(tmp_path, lambda t: t.replace("weekday: monday", f"weekday: {day}"))
    [problem] = problems(content)
    assert at_line(problem, line_of(content, "weekday:")), problem
    assert "weekday name" in problem


def test_enabled_must_be_true_or_false(tmp_path):
    content = course_with_program(
        tmp_path, lambda t: t.replace("  certified: {}\n", "  certified:\n    enabled: nope\n")
    )
    [problem] = problems(content)
    assert at_line(problem, line_of(content, "enabled:")), problem

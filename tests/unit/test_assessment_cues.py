"""``content check`` keeps assessments valid: each planted cue is reported at its file and line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from ..course_quality import SHIPPED
from ..helpers import FIXTURE_CONTENT, FIXTURE_QUIZZES, copy_course
from .test_content_check import check

PADDING = " And that is what I would say to them, calmly and kindly, every single time it came up."


@pytest.fixture
def tree(tmp_path) -> tuple[Path, Path]:
    return copy_course(tmp_path)


def rewrite(path: Path, change) -> dict:
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000))
    return data


def line_of(path: Path, text: str) -> int:
    lines = path.read_text().splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


def reported_lines(output: str, path: Path, severity: str, fragment: str) -> list[int]:
    pattern = re.compile(rf"^{re.escape(str(path))}:(\d+):\d+: {severity}: .*{re.escape(fragment)}")
    return [int(m.group(1)) for row in output.splitlines() if (m := pattern.match(row))]


def test_the_shipped_course_has_no_length_cue_and_prints_its_figures():
    result = check(*SHIPPED, "--strict", "--report")
    assert result.exit_code == 0, result.output
    assert "always longest" in result.output


def test_the_report_gives_each_role_plays_figures():
    result = check(FIXTURE_CONTENT, FIXTURE_QUIZZES, "--report")
    assert result.exit_code == 0, result.output
    assert re.search(r"^third-missed-meeting\s+85\s+\d+%\s+\d+%", result.output, re.MULTILINE)


def test_a_quiz_whose_keys_are_all_the_longest_is_reported_at_its_first_such_question(tree):
    content, quizzes = tree
    path = quizzes / "feedback.yaml"

    def lengthen_keys(data):
        for question in data["questions"]:
            for option in question["options"]:
                if question["type"] == "single" and option.get("correct"):
                    option["text"] += PADDING

    data = rewrite(path, lengthen_keys)
    singles = [q for q in data["questions"] if q["type"] == "single" and len(q["options"]) >= 3]
    relaxed, strict = check(content, quizzes), check(content, quizzes, "--strict")
    assert relaxed.exit_code == 0 and strict.exit_code == 1
    fragment = (
        f"the key is the longest option in {len(singles)} of {len(singles)} single-answer questions (100%"
    )
    assert reported_lines(strict.output, path, "warning", fragment) == [
        line_of(path, f"- id: {singles[0]['id']}")
    ], strict.output


def test_a_quiz_whose_keys_are_all_the_shortest_is_reported(tree):
    content, quizzes = tree
    path = quizzes / "goal-setting.yaml"

    def lengthen_distractors(data):
        for question in data["questions"]:
            for option in question["options"]:
                if question["type"] == "single" and not option.get("correct"):
                    option["text"] += PADDING

    rewrite(path, lengthen_distractors)
    result = check(content, quizzes, "--strict")
    assert reported_lines(result.output, path, "warning", "the key is the shortest option in"), result.output


def _pad_top_choices(data):
    for node in data["nodes"].values():
        choices = node.get("choices", [])
        if choices:
            top = max(choices, key=lambda c: c["points"])
            top["text"] += PADDING * 2


def test_a_role_play_that_always_longest_passes_is_reported_at_the_ending_it_reaches(tree):
    content, quizzes = tree
    path = content / "scenarios" / "third-missed-meeting.yaml"
    rewrite(path, _pad_top_choices)
    result = check(content, quizzes, "--strict")
    assert result.exit_code == 1
    assert reported_lines(
        result.output,
        path,
        "warning",
        "always choosing the longest reply reaches ending 'back-on-track' with 100%",
    ) == [line_of(path, "back-on-track:")], result.output


def test_a_role_play_that_always_shortest_passes_is_reported(tree):
    content, quizzes = tree
    path = content / "scenarios" / "quiet-first-week.yaml"

    def pad_the_rest(data):
        for node in data["nodes"].values():
            choices = node.get("choices", [])
            top = max((c["points"] for c in choices), default=None)
            for choice in choices:
                if choice["points"] != top:
                    choice["text"] += PADDING * 2

    rewrite(path, pad_the_rest)
    result = check(content, quizzes, "--strict")
    assert reported_lines(result.output, path, "warning", "always choosing the shortest reply reaches"), (
        result.output
    )


def test_a_poor_ending_that_can_pass_is_an_error_at_the_ending(tree):
    content, quizzes = tree
    path = content / "scenarios" / "missed-the-goal.yaml"
    rewrite(path, lambda data: data["nodes"]["learned-from-it"].update(outcome="poor"))
    result = check(content, quizzes)
    assert result.exit_code == 1
    assert reported_lines(
        result.output, path, "error", "ending 'learned-from-it' is poor, yet a path into it scores 100%"
    ) == [line_of(path, "learned-from-it:")], result.output


def test_a_role_play_without_a_poor_ending_is_an_error(tree):
    content, quizzes = tree
    path = content / "scenarios" / "two-minds-about-college.yaml"

    def no_poor(data):
        for node in data["nodes"].values():
            if node.get("outcome") == "poor":
                node["outcome"] = "mixed"

    rewrite(path, no_poor)
    result = check(content, quizzes)
    assert reported_lines(result.output, path, "error", "no ending has 'outcome: poor'") == [
        line_of(path, "nodes:")
    ], result.output


def test_a_missing_or_unknown_outcome_is_named_at_its_line(tree):
    content, quizzes = tree
    path = content / "scenarios" / "last-meeting.yaml"
    text = path.read_text()
    first = text.index("    outcome: ")
    line = text[:first].count("\n") + 1
    end = text.index("\n", first)
    path.write_text(text[:first] + "    outcome: fine" + text[end:])
    result = check(content, quizzes)
    assert reported_lines(result.output, path, "error", "'outcome' must be one of good, mixed, poor") == [
        line
    ]
    text = path.read_text()
    path.write_text(text.replace("    outcome: fine\n", ""))
    result = check(content, quizzes)
    assert reported_lines(result.output, path, "error", "is missing required key 'outcome'"), result.output


def test_a_question_naming_no_section_or_a_wrong_one_is_reported_at_the_question(tree):
    content, quizzes = tree
    path = quizzes / "active-listening.yaml"
    text = path.read_text()
    first = text.index("    section: ")
    question_line = text[: text.rindex("  - id: ", 0, first)].count("\n") + 1
    end = text.index("\n", first)
    path.write_text(text[:first] + text[end + 1 :])
    result = check(content, quizzes, "--strict")
    assert result.exit_code == 1
    assert reported_lines(result.output, path, "warning", "names no section") == [question_line]

    second = path.read_text().index("    section: ")
    line = path.read_text()[:second].count("\n") + 1
    plant = path.read_text()
    end = plant.index("\n", second)
    path.write_text(plant[:second] + "    section: feedback/no-such-page" + plant[end:])
    result = check(content, quizzes)
    assert reported_lines(
        result.output, path, "error", "'section' names 'no-such-page', which is not a section of 'feedback'"
    ) == [line], result.output


def test_an_uncoded_choice_in_a_coded_role_play_is_a_warning_at_the_choice(tree):
    content, quizzes = tree
    path = content / "scenarios" / "two-minds-about-college.yaml"
    text = path.read_text()
    first = text.index("        code: ")
    end = text.index("\n", first)
    path.write_text(text[:first] + text[end + 1 :])
    choice_line = text[: text.rindex("      - id: ", 0, first)].count("\n") + 1
    result = check(content, quizzes, "--strict")
    assert reported_lines(result.output, path, "warning", "has no behaviour code") == [choice_line]

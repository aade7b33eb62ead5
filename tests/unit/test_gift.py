"""Importing Moodle GIFT question banks: what converts, what is reported, and that the quiz loads."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from app.content_tools.gift import GiftProblem, parse_gift, to_quiz_yaml
from app.course import load_course

from ..helpers import VALID_BODY, VALID_FRONT_MATTER, write_module

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "gift"
BANK = (FIXTURES / "bank.gift").read_text(encoding="utf-8")
MOODLE_FIXTURE = Path("/work/shared/fixtures/moodle-gift/questions.gift.txt")
NOT_IN_PEERPATH = "PeerPath quizzes have single, multiple, true_false and order questions"


def line_of(needle: str, text: str = BANK) -> int:
    """The 1-based line of the first line containing ``needle``."""
    return next(number for number, line in enumerate(text.splitlines(), 1) if needle in line)


def by_id(questions: list[dict]) -> dict[str, dict]:
    return {question["id"]: question for question in questions}


def test_the_bank_converts_every_supported_question_and_reports_the_rest():
    questions, problems = parse_gift(BANK)

    assert [(q["id"], q["type"]) for q in questions] == [
        ("open-questions", "single"),
        ("reflections", "multiple"),
        ("good-habits", "multiple"),
        ("privacy", "true_false"),
        ("q-5", "true_false"),  # untitled: numbered by position in the file
        ("q-6", "true_false"),
        ("privacy-2", "true_false"),  # titles repeat, ids do not
        ("privacy-3", "true_false"),
        ("upset", "single"),
        ("closed", "single"),
        ("escapes-all-of-them", "single"),
    ]
    assert len(problems) == 9
    assert all(
        list(q) in (["id", "type", "prompt", "options"], ["id", "type", "prompt", "options", "explanation"])
        for q in questions
    )


def test_single_choice_with_feedback_general_feedback_and_answers_over_several_lines():
    assert by_id(parse_gift(BANK)[0])["open-questions"] == {
        "id": "open-questions",
        "type": "single",
        "prompt": "Which of these is an open question?",
        "options": [
            {
                "id": "a",
                "text": "What was that like for you?",
                "correct": True,
                "feedback": "Right: it invites her to say more in her own words.",
            },
            {
                "id": "b",
                "text": "Did that upset you?",
                "feedback": "A yes/no question tends to close the conversation down.",
            },
            {"id": "c", "text": "You must have been upset."},
        ],
        "explanation": "Open questions start with *what*, *how* or *tell me*.",
    }


def test_weights_make_a_multiple_response_question_and_positive_weights_are_right():
    assert by_id(parse_gift(BANK)[0])["reflections"] == {
        "id": "reflections",
        "type": "multiple",
        "prompt": "Which of these are reflections?",
        "options": [
            {
                "id": "a",
                "text": "It sounds like you felt let down.",
                "correct": True,
                "feedback": "Yes: a complex reflection.",
            },
            {
                "id": "b",
                "text": "You're worried about the exam.",
                "correct": True,
                "feedback": "Yes: a simple reflection.",
            },
            {"id": "c", "text": "Why did you do that?", "feedback": "No: that is a question."},
        ],
    }


def test_true_false_feedback_goes_to_the_option_that_shows_it():
    questions = by_id(parse_gift(BANK)[0])
    # {T#wrong#right}: 'true' is right and shows the second feedback, 'false' shows the first.
    assert questions["privacy"] == {
        "id": "privacy",
        "type": "true_false",
        "prompt": "Corrective feedback belongs in private.",
        "options": [
            {"id": "true", "text": "True", "correct": True, "feedback": "Right: never in front of friends."},
            {"id": "false", "text": "False", "feedback": "Not quite: correct in private."},
        ],
        "explanation": "Consent, timing and privacy decide whether feedback lands.",
    }
    # {F#wrong#right}: 'false' is right, so choosing 'true' shows the feedback for a wrong answer.
    assert questions["q-5"]["options"] == [
        {"id": "true", "text": "True", "feedback": "Silence can give her time to think."},
        {"id": "false", "text": "False", "correct": True, "feedback": "Yes: silence can help."},
    ]
    assert questions["q-6"]["options"] == [
        {"id": "true", "text": "True"},
        {"id": "false", "text": "False", "correct": True},
    ]
    assert questions["privacy-2"]["options"][1] == {"id": "false", "text": "False", "correct": True}
    assert questions["privacy-3"]["options"][0] == {"id": "true", "text": "True", "correct": True}


def test_html_becomes_markdown_and_format_markers_are_dropped():
    questions = by_id(parse_gift(BANK)[0])
    assert questions["upset"] == {
        "id": "upset",
        "type": "single",
        "prompt": "Which is **best** when a mentee is *upset*?\nPick one & only one.",
        "options": [
            {"id": "a", "text": "*Listen* first", "correct": True, "feedback": "Yes."},
            {"id": "b", "text": "Fix it <now>", "feedback": "**No**: wait."},
        ],
    }
    assert questions["closed"]["prompt"] == "Which is a **closed** question?"
    assert questions["closed"]["options"][1] == {
        "id": "b",
        "text": "Did you enjoy it?",
        "correct": True,
        "feedback": "Yes: *yes* or *no*.",
    }


def test_escaped_characters_are_text_not_syntax():
    assert by_id(parse_gift(BANK)[0])["escapes-all-of-them"] == {
        "id": "escapes-all-of-them",
        "type": "single",
        "prompt": "Write {braces}: a = b, 1 ~ 2, #1 and C:\\Temp.\nNew line.",
        "options": [
            {"id": "a", "text": "Escape them", "correct": True, "feedback": "Yes: = ~ # { } all work."},
            {"id": "b", "text": "Leave them"},
        ],
    }


def unsupported(kind: str) -> str:
    return f"{kind} questions are not supported: {NOT_IN_PEERPATH}"


@pytest.mark.parametrize(
    ("title", "message"),
    [
        pytest.param("::Essay::", unsupported("essay"), id="essay"),
        pytest.param("::Matching::", unsupported("matching"), id="matching"),
        pytest.param("::Numerical::", unsupported("numerical"), id="numerical"),
        pytest.param("::Short answer::", unsupported("short-answer"), id="short-answer"),
        pytest.param(
            "::Missing word::",
            "missing-word questions (question text after the {answers}: 'what the mentee said.') are not "
            f"supported: {NOT_IN_PEERPATH}; to keep this one, write the blank as _____ "
            "and move the {answers} to the end",
            id="missing-word",
        ),
        pytest.param(
            "::One option::",
            "this multiple-choice question has only 1 answer: PeerPath questions need at least two options",
            id="one-option",
        ),
        pytest.param(
            "::No right answer::",
            "this multiple-choice question has no right answer: "
            "mark one with = or give it a positive %weight%",
            id="no-right-answer",
        ),
        pytest.param(
            "::Description::",
            "description items (text with no {answers}) are not supported: they are not questions; "
            "put the text in the module instead",
            id="description",
        ),
        pytest.param("::Unclosed::", "the answers opened with '{' are never closed with '}'", id="unclosed"),
    ],
)
def test_each_unsupported_question_is_reported_on_its_first_line(title, message):
    problems = parse_gift(BANK)[1]
    assert GiftProblem(line_of(title), message) in problems


def test_problems_come_in_file_order_and_read_like_compiler_messages():
    problems = parse_gift(BANK)[1]
    assert [p.line for p in problems] == sorted(p.line for p in problems)
    assert str(problems[0]) == f"line {line_of('::Essay::')}: {unsupported('essay')}"


@pytest.mark.parametrize(
    ("answers", "kind", "correct"),
    [
        ("{=a ~b ~c}", "single", ["a"]),
        ("{~b =a ~c}", "single", ["b"]),
        ("{=a =b ~c}", "multiple", ["a", "b"]),
        ("{~%100%a ~b ~c}", "multiple", ["a"]),
        ("{=a ~%50%b ~%-50%c}", "multiple", ["a", "b"]),
        ("{~%33.3%a ~%33.3%b ~%0%c ~%33.4%d}", "multiple", ["a", "b", "d"]),
        ("{=%0%a ~%100%b}", "multiple", ["b"]),
    ],
)
def test_choice_questions_are_single_or_multiple_by_their_marks(answers, kind, correct):
    questions, problems = parse_gift(f"Which? {answers}")
    assert problems == []
    assert questions[0]["type"] == kind
    assert [o["id"] for o in questions[0]["options"] if o.get("correct")] == correct


@pytest.mark.parametrize(
    ("answers", "right"), [("{T}", "true"), ("{TRUE}", "true"), ("{F}", "false"), ("{FALSE}", "false")]
)
def test_true_false_spellings(answers, right):
    [question], problems = parse_gift(f"::tf:: Is it? {answers}")
    assert problems == []
    assert [(o["id"], o.get("correct", False)) for o in question["options"]] == [
        ("true", right == "true"),
        ("false", right == "false"),
    ]


def test_ids_are_slugs_of_titles_unique_and_numbered_when_untitled():
    gift = (
        "::Café au lait!:: A? {T}\n\n::café AU LAIT:: B? {T}\n\n"
        "::Café au lait:: C? {F}\n\nD? {T}\n\n::?!:: E? {F}\n"
    )
    questions, problems = parse_gift(gift)
    assert problems == []
    assert [q["id"] for q in questions] == ["cafe-au-lait", "cafe-au-lait-2", "cafe-au-lait-3", "q-4", "q-5"]


def test_option_ids_run_through_the_alphabet():
    answers = " ".join(["=right"] + [f"~wrong {n}" for n in range(27)])
    [question], _ = parse_gift(f"Which? {{{answers}}}")
    ids = [o["id"] for o in question["options"]]
    assert ids[:3] == ["a", "b", "c"] and ids[25:] == ["z", "aa", "ab"]


def test_windows_line_endings_a_byte_order_mark_and_comment_only_blocks():
    gift = "\ufeff// only a comment\r\n\r\n// another\r\n::One:: Yes?\r\n{\r\n=yes\r\n~no\r\n}\r\n"
    questions, problems = parse_gift(gift)
    assert problems == []
    assert questions[0]["id"] == "one" and questions[0]["options"][1] == {"id": "b", "text": "no"}


@pytest.mark.parametrize(
    "gift",
    [
        "",
        "\n\n",
        "{",
        "}",
        "::",
        "::a",
        "::a::",
        "{#",
        "\\",
        "{~}",
        "{=}",
        "{~%%}",
        "{#}",
        "x {T} {F}",
        "{T###}",
        "{~a#}",
        "::x::{=a ~b}",
        "[html]<b",
        "{~%-%a ~b}",
        "\ue000{\ue007}",
        "::\\::x:: {T}",
        "{->}",
        "{~a ~b} after",
    ],
)
def test_bad_input_is_reported_never_raised(gift):
    questions, problems = parse_gift(gift)
    assert all(isinstance(p, GiftProblem) and p.line >= 1 and p.message for p in problems)
    assert all(q["options"] and q["prompt"] for q in questions)


def test_non_text_input_is_reported():
    not_text: object = b"{T}"
    expected = [GiftProblem(1, "GIFT input must be text, not bytes")]
    assert parse_gift(not_text) == ([], expected)  # type: ignore[arg-type]


def test_yaml_round_trips_with_true_and_false_as_string_ids():
    questions, _ = parse_gift(BANK)
    text = to_quiz_yaml(questions, "sample", "sample", pass_mark=70)

    assert text.startswith("# Imported from a Moodle GIFT file.")
    assert "add an explanation" in text.splitlines()[1]
    assert "id: 'true'" in text and "id: 'false'" in text
    data = yaml.safe_load(text)
    assert list(data) == [
        "id",
        "module",
        "pass_mark",
        "draw",
        "shuffle",
        "max_attempts",
        "cooldown_minutes",
        "questions",
    ]
    assert (data["id"], data["module"], data["pass_mark"], data["draw"], data["shuffle"]) == (
        "sample",
        "sample",
        70,
        0,
        True,
    )
    assert (data["max_attempts"], data["cooldown_minutes"]) == (0, 0)
    assert data["questions"] == questions
    assert [o["id"] for o in by_id(data["questions"])["privacy"]["options"]] == ["true", "false"]


def test_shared_questions_do_not_become_yaml_aliases():
    [question], _ = parse_gift("::same:: Yes? {T}")
    text = to_quiz_yaml([question, {**question, "id": "other", "options": question["options"]}], "q", "m")
    assert "&" not in text and "*" not in text


def write_quiz(root: Path, text: str) -> None:
    write_module(root, "sample", VALID_FRONT_MATTER + VALID_BODY)
    (root / "quizzes" / "sample.yaml").write_text(text, encoding="utf-8")


def test_the_converted_quiz_loads_in_the_app(tmp_path):
    questions, _ = parse_gift(BANK)
    write_quiz(tmp_path, to_quiz_yaml(questions, "sample", "sample"))

    quiz = load_course(tmp_path, tmp_path / "quizzes").quiz_for_module["sample"]

    assert [q.id for q in quiz.questions] == [q["id"] for q in questions]
    assert [q.type for q in quiz.questions] == [q["type"] for q in questions]
    loaded = {q.id: q for q in quiz.questions}
    assert loaded["reflections"].correct_ids == {"a", "b"}
    assert loaded["privacy"].correct_ids == {"true"}
    assert loaded["q-5"].correct_ids == {"false"}
    assert "<strong>best</strong>" in loaded["upset"].prompt_html
    assert (quiz.pass_mark, quiz.draw, quiz.shuffle) == (80, 0, True)


def test_moodles_own_gift_fixture_is_converted_or_reported(tmp_path):
    if not MOODLE_FIXTURE.is_file():
        pytest.skip(f"Moodle's GIFT fixture is not here ({MOODLE_FIXTURE}); a fresh clone has no ../shared")
    text = MOODLE_FIXTURE.read_text(encoding="utf-8")
    question_lines = [n for n, line in enumerate(text.splitlines(), 1) if line.startswith("::")]

    questions, problems = parse_gift(text)

    assert len(questions) + len(problems) == len(question_lines)
    assert {p.line for p in problems} <= set(question_lines)
    assert [q["type"] for q in questions] == ["single", "multiple", "true_false", "true_false"]
    write_quiz(tmp_path, to_quiz_yaml(questions, "sample", "sample"))
    assert len(load_course(tmp_path, tmp_path / "quizzes").quiz_for_module["sample"].questions) == len(
        questions
    )

"""One urgency rule: nothing the course presents as right lets a safeguarding concern wait.

The rule (content/modules/safeguarding-young-people.md, "The urgency rule"): danger right now,
emergency services first; talk of suicide or self-harm, the safeguarding lead now, while the
young person is still there; any other worry or disclosure, the lead the same day, before you go
home. A sentence that pairs a safety concern with one of the delays below contradicts it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import yaml

from app.config import PROJECT_ROOT

# Delays a trainee might read as permission to wait: next meetings, days later, "promptly"
# (which the expert review found vague beside a disclosure), whenever convenient.
DELAYS = (
    "tomorrow",
    "next session",
    "next meeting",
    "next time you meet",
    "next time you see",
    "when you next see",
    "next week",
    "later this week",
    "end of the week",
    "in a few days",
    "within a week",
    "promptly",
    "when you get a chance",
    "when you have a moment",
    "at your next supervision",
    "next check-in",
)
# What makes a sentence about a safeguarding concern rather than, say, a study plan.
CONCERN = re.compile(
    r"\b(disclos\w*|abus\w*|self-harm\w*|suicid\w*|unsafe|danger\w*|groom\w*|safeguarding|safety|"
    r"at risk|overdose|exploit\w*|hurt(ing)? (her|him|them)sel(f|ves)|hits|sextortion|nude|threat\w*)",
    re.IGNORECASE,
)
# A sentence that says not to wait ("don't leave it until next session") agrees with the rule.
NOT_WAITING = re.compile(
    r"\b(don't|do not|never|not|no need to|won't)\s+(\w+\s+){0,4}?(wait|leave it|hold|put it off|until)\w*"
    r"|\brather than\b|\binstead of\b|\bwithout waiting\b|\bcan't wait\b|\bcannot wait\b",
    re.IGNORECASE,
)


def sentences(text: str) -> Iterator[str]:
    for paragraph in re.split(r"\n\s*\n", text):
        yield from re.split(r"(?<=[.!?])\s+", " ".join(paragraph.split()))


def taught_as_right() -> Iterator[tuple[str, str]]:
    """(where, text) for everything presented to trainees as the right thing to do."""
    for path in sorted((PROJECT_ROOT / "content" / "modules").glob("*.md")):
        yield path.name, path.read_text(encoding="utf-8")
    for path in sorted((PROJECT_ROOT / "quizzes").glob("*.yaml")):
        for question in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]:
            where = f"{path.name} {question['id']}"
            yield where, question.get("explanation", "")
            for option in question["options"]:
                if option.get("correct") or question["type"] == "order":
                    yield where, f"{option['text']}\n\n{option.get('feedback', '')}"
    for path in sorted((PROJECT_ROOT / "content" / "scenarios").glob("*.yaml")):
        for node_id, node in yaml.safe_load(path.read_text(encoding="utf-8"))["nodes"].items():
            where = f"{path.name} {node_id}"
            if node.get("ending") and node.get("outcome") == "good":
                yield where, node["debrief"]
            choices = node.get("choices", [])
            top = max((c["points"] for c in choices), default=None)
            for choice in choices:
                if choice["points"] == top and not choice.get("critical"):
                    yield f"{where} {choice['id']}", f"{choice['text']}\n\n{choice['feedback']}"


def contradictions() -> list[str]:
    found = []
    for where, text in taught_as_right():
        for sentence in sentences(text):
            delays = [d for d in DELAYS if re.search(rf"\b{re.escape(d)}\b", sentence, re.I)]
            if delays and CONCERN.search(sentence) and not NOT_WAITING.search(sentence):
                found.append(f"{where}: {delays} in {sentence!r}")
    return found


def test_nothing_taught_as_right_lets_a_safeguarding_concern_wait():
    assert contradictions() == []


@pytest.mark.parametrize(
    ("sentence", "flagged"),
    [
        ("Tell your coordinator about the disclosure at your next session.", True),
        ("If she mentions self-harm, raise it promptly with the lead.", True),
        # The shipped key the expert review found (motivational-interviewing.yaml, 7 December 2026).
        (
            "If a mentee mentions hurting themselves or anyone else, listen kindly and tell your "
            "programme coordinator promptly, even if they ask you to keep it secret.",
            True,
        ),
        ("Say you can't keep this to yourself because his safety matters, and tell the lead promptly.", True),
        ("Don't wait until next session to pass on a disclosure.", False),
        ("Shall we start next session with how the revision went?", False),
    ],
)
def test_the_search_tells_a_delay_from_a_warning_against_one(sentence, flagged):
    delays = [d for d in DELAYS if re.search(rf"\b{re.escape(d)}\b", sentence, re.I)]
    assert bool(delays and CONCERN.search(sentence) and not NOT_WAITING.search(sentence)) is flagged

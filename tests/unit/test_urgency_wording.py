"""One urgency rule: nothing the course presents as right lets a safeguarding concern wait.

The rule (taught in the safeguarding module's "The urgency rule"): danger right now, emergency
services first; talk of suicide or self-harm, the safeguarding lead now, while the young person is
still there; any other worry or disclosure, the lead the same day, before you go home. A sentence
that pairs a safety concern with a delay contradicts it. The search (tests/course_quality.py)
reads every module, quiz and role-play file of the shipped course, whatever it contains.
"""

from __future__ import annotations

import pytest

from ..course_quality import SHIPPED, lets_a_concern_wait, urgency_contradictions


def test_nothing_taught_as_right_lets_a_safeguarding_concern_wait():
    assert urgency_contradictions(*SHIPPED) == []


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
    assert bool(lets_a_concern_wait(sentence)) is flagged

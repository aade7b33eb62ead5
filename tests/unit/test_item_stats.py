"""Item statistics for authors, as a pure function over graded attempts."""

from __future__ import annotations

import pytest

from app.learning.item_stats import GradedAttempt, item_stats

from .test_grading import MULTIPLE, ORDER, SINGLE, TRUE_FALSE, quiz


def attempt(score: int, **answers: tuple[tuple[str, ...], float]) -> GradedAttempt:
    return GradedAttempt(
        score, {q: a for q, (a, _) in answers.items()}, {q: c for q, (_, c) in answers.items()}
    )


def test_discrimination_share_right_and_unpicked_options():
    strong = [attempt(90, s=(("b",), 1.0), tf=(("true",), 1.0)) for _ in range(4)]
    weak = [attempt(30, s=(("a",), 0.0), tf=(("true",), 1.0)) for _ in range(4)]
    middle = [attempt(60, s=(("b",), 1.0), tf=(("true",), 1.0)) for _ in range(3)]
    stats = {
        s.question_id: s
        for s in item_stats(quiz(SINGLE, TRUE_FALSE, MULTIPLE, ORDER), strong + weak + middle)
    }

    assert stats["s"].answered == 11
    assert stats["s"].share_right == pytest.approx(7 / 11)
    assert stats["s"].discrimination == pytest.approx(1.0)  # top 27% all right, bottom 27% all wrong
    assert stats["s"].never_chosen == ("c",)
    assert stats["tf"].discrimination == pytest.approx(0.0)  # everyone right: it tells nobody apart
    assert stats["tf"].never_chosen == ("false",)
    assert (
        stats["m"].answered,
        stats["m"].share_right,
        stats["m"].discrimination,
        stats["m"].never_chosen,
    ) == (0, None, None, ())


def test_a_question_drawn_only_in_one_group_has_no_discrimination_yet():
    attempts = [attempt(95, o=(("first", "second", "third", "fourth"), 1.0))] + [
        attempt(10) for _ in range(4)
    ]
    stats = {s.question_id: s for s in item_stats(quiz(ORDER), attempts)}
    assert stats["o"].answered == 1 and stats["o"].discrimination is None
    assert stats["o"].never_chosen == ()  # ordering questions use every option

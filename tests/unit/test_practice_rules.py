"""Certification's practice rules as pure functions: reviewed typed replies, observed practice
scored on a rubric, and the acknowledgement of the programme's current safeguarding procedure."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.certification.status import RequirementRecord, ReviewedReply, Status, requirements, standing
from app.course.practice import ReplyReview

from .test_certification import COURSE, DAY, PROGRAM, SIGNED, T0, everything, signed

SCENARIOS = [s.scenario_id for s in PROGRAM.scenarios]
REVIEW = PROGRAM.reply_review
CRITERIA = len(PROGRAM.rubric_by_id[REVIEW.rubric_id].criteria)
OBSERVED = next(r for r in PROGRAM.requirements if r.pass_total is not None)
ACKNOWLEDGE = next(r for r in PROGRAM.requirements if r.kind == "acknowledge")


def reply(scenario_id: str, score: int | None, at=T0) -> ReviewedReply:
    """A typed reply scored ``score`` on every criterion (None: not reviewed yet)."""
    return ReviewedReply(
        scenario_id, None if score is None else (score,) * CRITERIA, None if score is None else at
    )


def item(records, kind: str, target: str | None = None, program=PROGRAM, now=T0 + DAY):
    found = [i for i in requirements(program, COURSE, records, now) if i.kind == kind]
    return next(i for i in found if target is None or i.target == target)


def with_record(records, requirement_id: str, on=T0, **fields):
    """``records`` with this requirement's record replaced by one made ``on`` with ``fields``."""
    kept = tuple(r for r in records.requirement_records if r.requirement_id != requirement_id)
    return replace(records, requirement_records=(*kept, RequirementRecord(requirement_id, on, **fields)))


# Reviewed replies


def test_the_replies_item_is_on_the_checklist_only_when_the_program_asks_for_review():
    assert item(everything(), "replies").target == REVIEW.rubric_id
    kinds = {i.kind for i in requirements(replace(PROGRAM, reply_review=None), COURSE, everything(), T0)}
    assert "replies" not in kinds


def test_with_no_typed_replies_there_is_nothing_to_review():
    done = item(everything(), "replies")
    assert done.done and done.progress == "no typed replies to review"
    assert standing(PROGRAM, COURSE, everything(), T0 + DAY).status == Status.AWAITING_REVIEW


def test_certification_waits_until_every_counted_reply_is_reviewed():
    records = replace(everything(), replies=(reply(SCENARIOS[0], 2), reply(SCENARIOS[0], None)))
    waiting = item(records, "replies")
    assert not waiting.done
    assert waiting.progress == "1 of 2 reviewed, average 2.0 of 2 (needs 1.0)"
    assert standing(PROGRAM, COURSE, records, T0 + DAY).status == Status.IN_TRAINING
    reviewed = replace(records, replies=(reply(SCENARIOS[0], 2), reply(SCENARIOS[0], 1, T0 + DAY)))
    assert item(reviewed, "replies").done
    assert item(reviewed, "replies").done_at == T0 + DAY
    assert standing(PROGRAM, COURSE, reviewed, T0 + DAY).status == Status.AWAITING_REVIEW


def test_a_poor_reply_never_passes():
    poor = replace(everything(), replies=(reply(SCENARIOS[0], 0), reply(SCENARIOS[-1], 1)))
    found = item(poor, "replies")
    assert not found.done  # mean 0.5: every reply reviewed, below the bar
    assert found.progress == "2 of 2 reviewed, average 0.5 of 2 (needs 1.0)"
    assert standing(PROGRAM, COURSE, poor, T0 + 30 * DAY).status == Status.IN_TRAINING


def test_a_mean_just_below_the_bar_is_not_shown_as_reaching_it():
    scores = ReviewedReply(SCENARIOS[0], (1,) * (CRITERIA * 10 - 1) + (0,), T0)
    found = item(replace(everything(), replies=(scores,)), "replies")
    assert not found.done and "average 0.9 of 2" in found.progress


def test_one_weak_criterion_is_made_up_by_strong_ones():
    mixed = ReviewedReply(SCENARIOS[0], (0,) + (2,) * (CRITERIA - 1), T0)
    assert item(replace(everything(), replies=(mixed,)), "replies").done


def test_replies_wait_for_every_role_play_to_be_passed():
    records = replace(
        everything(),
        scenario_results=tuple(r for r in everything().scenario_results if r.scenario_id != SCENARIOS[-1]),
        replies=(reply(SCENARIOS[0], 2),),
    )
    found = item(records, "replies")
    assert not found.done
    assert found.progress.endswith("the rest once you pass every role-play")


def test_replies_of_role_plays_the_program_does_not_require_are_not_counted():
    records = replace(everything(), replies=(reply("not-a-required-role-play", None),))
    assert item(records, "replies").done


def test_the_bar_is_the_programs():
    records = replace(everything(), replies=(reply(SCENARIOS[0], 1),))
    strict = replace(PROGRAM, reply_review=ReplyReview(REVIEW.rubric_id, 1.5))
    assert item(records, "replies").done
    assert not item(records, "replies", program=strict).done


# Observed practice


def test_observed_practice_passes_at_its_pass_total():
    assert item(
        with_record(everything(), OBSERVED.id, score_total=OBSERVED.pass_total), "recorded", OBSERVED.id
    ).done
    below = with_record(everything(), OBSERVED.id, score_total=OBSERVED.pass_total - 1)
    failed = item(below, "recorded", OBSERVED.id)
    maximum = PROGRAM.rubric_by_id[OBSERVED.rubric].maximum
    assert not failed.done
    assert failed.progress.startswith(
        f"scored {OBSERVED.pass_total - 1} of {maximum}, needs {OBSERVED.pass_total}"
    )
    assert standing(PROGRAM, COURSE, below, T0 + DAY).status == Status.IN_TRAINING


def test_a_later_passing_observation_clears_a_failed_one():
    failed = RequirementRecord(OBSERVED.id, T0, score_total=0)
    passed = RequirementRecord(OBSERVED.id, T0 + DAY, score_total=OBSERVED.pass_total + 1)
    kept = tuple(r for r in everything().requirement_records if r.requirement_id != OBSERVED.id)
    found = item(
        replace(everything(), requirement_records=(*kept, failed, passed)),
        "recorded",
        OBSERVED.id,
        now=T0 + 2 * DAY,
    )
    assert found.done and found.done_at == T0 + DAY
    assert found.progress.startswith(f"scored {OBSERVED.pass_total + 1} of")


def test_observed_practice_without_any_record_says_the_coordinator_records_it():
    records = replace(
        everything(),
        requirement_records=tuple(
            r for r in everything().requirement_records if r.requirement_id != OBSERVED.id
        ),
    )
    assert item(records, "recorded", OBSERVED.id).progress == "recorded by your coordinator once done"


# The acknowledgement


def test_the_acknowledgement_counts_only_for_the_current_procedure():
    current = item(everything(), "recorded", ACKNOWLEDGE.id)
    assert current.done and current.progress.startswith("you acknowledged the procedure on")
    stale = with_record(everything(), ACKNOWLEDGE.id, version="0123456789ab")
    found = item(stale, "recorded", ACKNOWLEDGE.id)
    assert not found.done and "acknowledged an earlier version" in found.progress
    assert standing(PROGRAM, COURSE, stale, T0 + DAY).status == Status.IN_TRAINING


def test_never_acknowledged_asks_the_trainee_to_read_it():
    records = with_record(everything(), "interview")
    records = replace(
        records,
        requirement_records=tuple(
            r for r in records.requirement_records if r.requirement_id != ACKNOWLEDGE.id
        ),
    )
    assert (
        item(records, "recorded", ACKNOWLEDGE.id).progress
        == "read the safeguarding procedure and acknowledge it"
    )


def test_a_changed_procedure_asks_a_certified_mentor_again_and_they_stay_valid():
    mentor = signed(everything())
    assert standing(PROGRAM, COURSE, mentor, SIGNED + DAY).status == Status.CERTIFIED
    changed = replace(PROGRAM, safeguarding=replace(PROGRAM.safeguarding, version="fedcba987654"))
    due = standing(changed, COURSE, mentor, SIGNED + DAY)
    assert due.status == Status.RENEWAL_DUE and due.valid
    assert due.renewal_requirements == (ACKNOWLEDGE.title,)
    assert due.expires_at == SIGNED + PROGRAM.validity_days * DAY  # not cut short
    again = with_record(mentor, ACKNOWLEDGE.id, SIGNED + DAY, version="fedcba987654")
    renewed = standing(changed, COURSE, again, SIGNED + 2 * DAY)
    assert renewed.status == Status.CERTIFIED and renewed.renewal_requirements == ()


def test_a_certified_mentor_who_never_acknowledged_is_not_valid():
    """Only a stale acknowledgement keeps a certificate valid: a missing one is a missing step."""
    mentor = signed(everything())
    missing = replace(
        mentor,
        requirement_records=tuple(
            r for r in mentor.requirement_records if r.requirement_id != ACKNOWLEDGE.id
        ),
    )
    assert standing(PROGRAM, COURSE, missing, SIGNED + DAY).status == Status.EXPIRED


@pytest.mark.parametrize("kind", ["replies", "recorded"])
def test_every_practice_item_has_a_title_and_progress(kind):
    for found in requirements(PROGRAM, COURSE, everything(), T0 + DAY):
        if found.kind == kind:
            assert found.title and found.progress

"""Certification status across every transition, as a pure function with a fixed clock."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from app.certification.status import (
    Event,
    QuizResult,
    Records,
    RequirementRecord,
    ScenarioResult,
    Status,
    add_months,
    competency_scores,
    standing,
)
from app.course import load_course

from ..helpers import FIXTURE_CONTENT, FIXTURE_QUIZZES

COURSE = load_course(FIXTURE_CONTENT, FIXTURE_QUIZZES)
PROGRAM = COURSE.program
T0 = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)
SIGNED = T0 + 2 * DAY
VERSIONS = {m.id: m.version for m in COURSE.modules}


def quiz_passes(at: datetime, version_bump: dict[str, int] | None = None) -> tuple[QuizResult, ...]:
    return tuple(
        QuizResult(
            m.quiz_id,
            COURSE.module_by_id[m.module_id].version + (version_bump or {}).get(m.module_id, 0),
            90,
            True,
            at,
        )
        for m in PROGRAM.modules
    )


def recorded(at: datetime, skip: str = "") -> tuple[RequirementRecord, ...]:
    """Every requirement a coordinator records, done on ``at`` (live training in one session)."""
    return tuple(
        RequirementRecord(r.id, at, r.hours, *_practice(r)) for r in PROGRAM.requirements if r.id != skip
    )


def _practice(required) -> tuple:
    """Observed practice scored at its pass total; the acknowledgement of the current procedure."""
    if required.pass_total is not None:
        return (required.pass_total, None)
    if required.kind == "acknowledge":
        return (None, PROGRAM.safeguarding.version)
    return (None, None)


def everything(at: datetime = T0, minutes: float = 130) -> Records:
    return Records(
        sections_read={(m.id, s.id): at for m in COURSE.modules for s in m.sections},
        quiz_results=quiz_passes(at),
        scenario_results=tuple(ScenarioResult(s.scenario_id, 100, at) for s in PROGRAM.scenarios),
        minutes_on_task=minutes,
        requirement_records=recorded(at),
    )


def signed(records: Records, *more: Event, at: datetime = SIGNED) -> Records:
    return replace(records, events=(Event("sign_off", at, VERSIONS, "cert-1"), *more))


FIRST = COURSE.modules[0]
CASES = [
    ("nothing yet", Records(), T0, Status.NOT_STARTED),
    (
        "one section read",
        Records(sections_read={(FIRST.id, FIRST.sections[0].id): T0}),
        T0,
        Status.IN_TRAINING,
    ),
    ("everything but the time on task", everything(minutes=119), T0, Status.IN_TRAINING),
    ("everything done", everything(), T0, Status.AWAITING_REVIEW),
    (
        "everything but the background check",
        replace(everything(), requirement_records=recorded(T0, skip="background-check")),
        T0,
        Status.IN_TRAINING,
    ),
    (
        "live training short of its hours",
        replace(
            everything(),
            requirement_records=recorded(T0, skip="live-training")
            + (RequirementRecord("live-training", T0, 1.5),),
        ),
        T0,
        Status.IN_TRAINING,
    ),
    (
        "live training made up of two sessions",
        replace(
            everything(),
            requirement_records=recorded(T0, skip="live-training")
            + (
                RequirementRecord("live-training", T0, 1.5),
                RequirementRecord("live-training", T0 + DAY, 0.5),
            ),
        ),
        T0 + DAY,
        Status.AWAITING_REVIEW,
    ),
    (
        "a requirement recorded with a date still to come does not count yet",
        replace(everything(), requirement_records=recorded(T0 + 5 * DAY)),
        T0,
        Status.IN_TRAINING,
    ),
    ("signed off", signed(everything()), SIGNED + DAY, Status.CERTIFIED),
    ("inside the renewal window", signed(everything()), SIGNED + 310 * DAY, Status.RENEWAL_DUE),
    (
        "renewed inside the window",
        replace(
            signed(everything()), quiz_results=everything().quiz_results + quiz_passes(SIGNED + 306 * DAY)
        ),
        SIGNED + 400 * DAY,
        Status.CERTIFIED,
    ),
    ("past its validity", signed(everything()), SIGNED + 366 * DAY, Status.EXPIRED),
    (
        "re-passed after expiry: back for review",
        replace(
            signed(everything()), quiz_results=everything().quiz_results + quiz_passes(SIGNED + 370 * DAY)
        ),
        SIGNED + 371 * DAY,
        Status.AWAITING_REVIEW,
    ),
    (
        "signed off again after expiry",
        replace(
            signed(everything()),
            quiz_results=everything().quiz_results + quiz_passes(SIGNED + 370 * DAY),
            events=(
                Event("sign_off", SIGNED, VERSIONS, "cert-1"),
                Event("sign_off", SIGNED + 372 * DAY, VERSIONS, "cert-2"),
            ),
        ),
        SIGNED + 373 * DAY,
        Status.CERTIFIED,
    ),
    ("revoked", signed(everything(), Event("revoke", SIGNED + DAY)), SIGNED + 2 * DAY, Status.REVOKED),
    (
        "reinstated",
        signed(everything(), Event("revoke", SIGNED + DAY), Event("reinstate", SIGNED + 2 * DAY)),
        SIGNED + 3 * DAY,
        Status.CERTIFIED,
    ),
    (
        "revoked before any sign-off",
        replace(everything(), events=(Event("revoke", T0 + DAY),)),
        T0 + 2 * DAY,
        Status.REVOKED,
    ),
]


@pytest.mark.parametrize(
    ("records", "now", "expected"), [pytest.param(r, n, e, id=name) for name, r, n, e in CASES]
)
def test_status_transitions(records, now, expected):
    assert standing(PROGRAM, COURSE, records, now).status == expected


def test_a_lapsed_background_check_ends_a_valid_certificate_until_it_is_recorded_again():
    check = next(r for r in PROGRAM.requirements if r.valid_months)
    old_check = SIGNED - 35 * 30 * DAY  # lapses about a month after the sign-off
    records = signed(
        replace(
            everything(),
            requirement_records=recorded(T0, skip=check.id) + (RequirementRecord(check.id, old_check),),
        )
    )
    lapses = add_months(old_check, check.valid_months)
    valid = standing(PROGRAM, COURSE, records, SIGNED + DAY)
    assert valid.expires_at == lapses  # what the stored list reads
    # Lapsing inside what would be the renewal window: due for renewal now, naming the record.
    assert valid.status == Status.RENEWAL_DUE and valid.lapsing_requirements == (check.title,)
    assert valid.renewal_opens_at == lapses - timedelta(days=PROGRAM.renewal_window_days)
    lapsed = standing(PROGRAM, COURSE, records, lapses + DAY)
    assert lapsed.status == Status.EXPIRED
    item = next(i for i in lapsed.requirements if i.target == check.id)
    assert not item.done and item.progress.startswith(f"lapsed on {lapses:%d %B %Y}")
    again = replace(
        records,
        requirement_records=records.requirement_records + (RequirementRecord(check.id, lapses + DAY),),
    )
    assert standing(PROGRAM, COURSE, again, lapses + 2 * DAY).status == Status.CERTIFIED


def test_a_record_lapsing_before_the_certificate_opens_the_renewal_window_before_the_lapse():
    check = next(r for r in PROGRAM.requirements if r.valid_months)
    lapses = SIGNED + 200 * DAY
    checked = add_months(lapses, -check.valid_months)
    records = signed(
        replace(
            everything(),
            requirement_records=recorded(T0, skip=check.id) + (RequirementRecord(check.id, checked),),
        )
    )
    window = timedelta(days=PROGRAM.renewal_window_days)
    early = standing(PROGRAM, COURSE, records, SIGNED + DAY)
    assert early.status == Status.CERTIFIED and early.lapsing_requirements == (check.title,)
    assert early.expires_at == add_months(checked, check.valid_months)
    inside = standing(PROGRAM, COURSE, records, early.expires_at - window + DAY)
    assert inside.status == Status.RENEWAL_DUE


def test_a_requirement_added_after_sign_off_must_be_recorded_for_the_certificate_to_stay_valid():
    records = signed(replace(everything(), requirement_records=recorded(T0, skip="interview")))
    assert standing(PROGRAM, COURSE, records, SIGNED + DAY).status == Status.EXPIRED


def test_recorded_requirements_say_who_records_them_on_the_checklist():
    items = {
        i.target: i for i in standing(PROGRAM, COURSE, Records(), T0).requirements if i.kind == "recorded"
    }
    assert set(items) == {r.id for r in PROGRAM.requirements} and len(items) >= 4
    assert items["interview"].progress == "recorded by your coordinator once done"
    assert (
        items["live-training"].progress
        == "0 of 2 hours, recorded by your coordinator or attended at a PeerPath session"
    )
    done = {
        i.target: i for i in standing(PROGRAM, COURSE, everything(), T0).requirements if i.kind == "recorded"
    }
    assert done["background-check"].progress.startswith(
        "recorded by your coordinator on 10 January 2026, valid until 10 January 2029"
    )


def test_months_are_added_by_the_calendar():
    assert add_months(datetime(2026, 1, 31, tzinfo=UTC), 1) == datetime(2026, 2, 28, tzinfo=UTC)
    assert add_months(datetime(2027, 11, 30, tzinfo=UTC), 3) == datetime(2028, 2, 29, tzinfo=UTC)
    assert add_months(datetime(2026, 5, 10, tzinfo=UTC), 36) == datetime(2029, 5, 10, tzinfo=UTC)


def test_certification_dates_and_the_renewal_window():
    result = standing(PROGRAM, COURSE, signed(everything()), SIGNED + DAY)
    assert result.certified_at == SIGNED and result.certificate_id == "cert-1"
    assert result.expires_at == SIGNED + 365 * DAY
    assert result.renewal_opens_at == SIGNED + 305 * DAY
    renewed = replace(
        signed(everything()), quiz_results=everything().quiz_results + quiz_passes(SIGNED + 306 * DAY)
    )
    assert standing(PROGRAM, COURSE, renewed, SIGNED + 400 * DAY).expires_at == SIGNED + (306 + 365) * DAY


def test_raising_a_module_version_asks_certified_mentors_to_revisit_that_module_only():
    changed = COURSE.modules[2]
    newer = replace(
        COURSE,
        modules=tuple(replace(m, version=m.version + 1) if m.id == changed.id else m for m in COURSE.modules),
    )
    due = standing(PROGRAM, newer, signed(everything()), SIGNED + DAY)
    assert (due.status, due.renewal_modules) == (Status.RENEWAL_DUE, (changed.id,))
    quiz = COURSE.quiz_for_module[changed.id].id
    revisited = replace(
        signed(everything()),
        quiz_results=everything().quiz_results
        + (QuizResult(quiz, changed.version + 1, 85, True, SIGNED + 2 * DAY),),
    )
    assert standing(PROGRAM, newer, revisited, SIGNED + 3 * DAY).status == Status.CERTIFIED


def test_a_quiz_counts_only_when_passed_by_its_own_rules_and_the_programs_mark():
    records = everything()
    first_quiz = PROGRAM.modules[0].quiz_id
    missed_critical = replace(
        records,
        quiz_results=tuple(
            r._replace(passed=False) if r.quiz_id == first_quiz else r for r in records.quiz_results
        ),
    )
    assert standing(PROGRAM, COURSE, missed_critical, T0).status == Status.IN_TRAINING
    stricter = replace(
        PROGRAM,
        modules=tuple(
            replace(m, quiz_pass_mark=95) if m.quiz_id == first_quiz else m for m in PROGRAM.modules
        ),
    )
    result = standing(stricter, COURSE, records, T0)
    assert result.status == Status.IN_TRAINING
    quiz_item = next(
        r for r in result.requirements if r.kind == "quiz" and r.target == PROGRAM.modules[0].module_id
    )
    assert not quiz_item.done and quiz_item.progress == "best 90%, pass mark 95%"


def test_the_checklist_says_what_is_done_and_what_remains():
    records = Records(sections_read={(FIRST.id, FIRST.sections[0].id): T0}, minutes_on_task=30.5)
    items = standing(PROGRAM, COURSE, records, T0).requirements
    kinds = [i.kind for i in items]
    assert kinds.count("sections") == len(PROGRAM.modules) and kinds.count("scenario") == len(
        PROGRAM.scenarios
    )
    first = items[0]
    assert (first.kind, first.target, first.done, first.progress) == (
        "sections",
        FIRST.id,
        False,
        f"1 of {len(FIRST.sections)} sections read",
    )
    time = next(i for i in items if i.kind == "time")
    assert (time.done, time.progress) == (False, "30 of 120 minutes so far")
    assert items[-1].kind == "sign_off" and not items[-1].done


def test_without_sign_off_a_trainee_is_certified_when_everything_is_done():
    program = replace(PROGRAM, sign_off=False)
    records = everything(at=T0)
    result = standing(program, COURSE, records, T0 + DAY)
    assert result.status == Status.CERTIFIED and result.certified_at == T0
    assert all(r.kind != "sign_off" for r in result.requirements)


def test_competency_scores_average_the_best_quiz_and_role_play_scores():
    module = COURSE.modules[0]
    quiz = COURSE.quiz_for_module[module.id].id
    scenarios = COURSE.scenarios_for_module[module.id]
    records = Records(
        quiz_results=(QuizResult(quiz, 1, 60, False, T0), QuizResult(quiz, 1, 90, True, T0)),
        scenario_results=(ScenarioResult(scenarios[0].id, 80, T0),),
    )
    scores = competency_scores(COURSE, records)
    assert scores[module.id] == (90 + 80 + 0) // 3
    assert scores[COURSE.modules[1].id] == 0


def test_without_sign_off_a_version_raise_still_asks_for_a_revisit():
    program = replace(PROGRAM, sign_off=False)
    changed = COURSE.modules[1]
    newer = replace(
        COURSE,
        modules=tuple(replace(m, version=m.version + 1) if m.id == changed.id else m for m in COURSE.modules),
    )
    result = standing(program, newer, everything(at=T0), T0 + DAY)
    assert (result.status, result.renewal_modules) == (Status.RENEWAL_DUE, (changed.id,))


def test_a_requirement_added_with_applies_from_keeps_earlier_certificates_until_renewal():
    from app.course.model import ProgramRequirement

    briefing = ProgramRequirement(
        "safeguarding-briefing",
        "Local safeguarding briefing",
        "The programme's own procedure.",
        applies_from=SIGNED + DAY,
    )
    program = replace(PROGRAM, requirements=PROGRAM.requirements + (briefing,))
    records = signed(everything())
    kept = standing(program, COURSE, records, SIGNED + 2 * DAY)
    assert kept.status == Status.CERTIFIED  # issued before the rule: valid until its renewal
    expired = standing(program, COURSE, records, SIGNED + timedelta(days=PROGRAM.validity_days) + DAY)
    assert expired.status == Status.EXPIRED
    missing = [i.target for i in expired.requirements if not i.done]
    assert "safeguarding-briefing" in missing  # the next certificate needs it
    before_the_day = standing(program, COURSE, everything(), SIGNED)
    assert "safeguarding-briefing" not in [i.target for i in before_the_day.requirements]
    without_a_date = replace(
        PROGRAM, requirements=PROGRAM.requirements + (replace(briefing, applies_from=None),)
    )
    assert standing(without_a_date, COURSE, records, SIGNED + 2 * DAY).status == Status.EXPIRED

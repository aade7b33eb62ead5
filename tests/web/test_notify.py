"""``flask --app app notify``: a trainee, a mentor and a coordinator walked through each rule with
a fixed clock, seeing exactly the expected emails in the outbox, none twice, none after opting out."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, func, select, update

from app.certification.standings import mark_stale, record_activity
from app.extensions import db
from app.models import (
    CertificationEvent,
    Cohort,
    OutboxMessage,
    ReplyScore,
    RequirementRecord,
    Role,
    SessionSignup,
    TrainingSession,
    User,
    utcnow,
)
from app.models.notification import CohortFollower, EmailOptOut, Notification
from app.notifications.run import run

from ..helpers import complete_course, passed_run, practice_fields, race

T0 = datetime(2027, 1, 4, 10, 0, tzinfo=UTC)  # a Monday; London is on UTC in January
DAY = timedelta(days=1)
SITE = "https://peerpath.example"
ORG = None  # the programme's name, read from the app


@pytest.fixture(autouse=True)
def public_url(app):
    app.config["PUBLIC_URL"] = SITE


def notify(app, now) -> list[tuple[str, str]]:
    """Run at ``now``; the emails it queued, as (recipient, subject), sorted."""
    with app.app_context():
        before = db.session.scalar(select(func.max(OutboxMessage.id))) or 0
        run(app.extensions["course"], now, commit=db.session.commit)
        db.session.commit()
        rows = db.session.execute(
            select(OutboxMessage.recipient, OutboxMessage.subject).where(OutboxMessage.id > before)
        ).all()
        return sorted(tuple(row) for row in rows)


def user_id(app, email: str) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == email))


def org(app) -> str:
    return app.extensions["course"].program.identity.name


def edit_user(app, email: str, **values) -> None:
    with app.app_context():
        db.session.execute(update(User).where(User.email == email).values(standing_stale=True, **values))
        db.session.commit()


def sign_off(app, uid: int, at: datetime) -> str:
    """A sign-off at ``at`` (the log is append-only, so it is written with its time)."""
    course = app.extensions["course"]
    certificate = secrets.token_urlsafe(16)
    with app.app_context():
        db.session.add(
            CertificationEvent(
                user_id=uid,
                kind="sign_off",
                at=at,
                module_versions={m.id: m.version for m in course.modules},
                content_version=course.version,
                certificate_id=certificate,
            )
        )
        mark_stale([uid])
        db.session.commit()
    return certificate


def opt_out(app, email: str, kind: str) -> None:
    with app.app_context():
        db.session.add(EmailOptOut(user_id=user_id(app, email), kind=kind))
        db.session.commit()


def follow(app, coordinator: str, cohort_name: str, *trainees: str) -> int:
    with app.app_context():
        cohort = db.session.scalar(select(Cohort).where(Cohort.name == cohort_name))
        if cohort is None:
            cohort = Cohort(name=cohort_name, invite_code=secrets.token_urlsafe(16))
            db.session.add(cohort)
            db.session.flush()
        if coordinator:
            db.session.add(CohortFollower(user_id=user_id(app, coordinator), cohort_id=cohort.id))
        db.session.execute(update(User).where(User.email.in_(trainees)).values(cohort_id=cohort.id))
        db.session.commit()
        return cohort.id


def test_a_trainee_is_reminded_once_per_threshold_and_again_after_a_new_gap(app, make_user):
    email = make_user(Role.TRAINEE, name="Tess Trainee")
    edit_user(app, email, created_at=T0)
    reminder = (email, f"Your mentor training with {org(app)}: next step")

    assert notify(app, T0 + 6 * DAY) == []
    assert notify(app, T0 + 7 * DAY) == [reminder]
    with app.app_context():
        body = db.session.scalar(select(OutboxMessage.body).order_by(OutboxMessage.id.desc()))
    first = app.extensions["course"].modules[0]
    assert first.title in body and f"{SITE}/modules/{first.id}/" in body  # the next step, linked
    assert notify(app, T0 + 7 * DAY) == []  # the same moment again: nothing
    assert notify(app, T0 + 8 * DAY) == []
    assert notify(app, T0 + 21 * DAY) == [reminder]  # the second threshold
    assert notify(app, T0 + 22 * DAY) == []

    with app.app_context():  # the trainee comes back
        record_activity(db.session.scalar(select(User).where(User.email == email)), T0 + 23 * DAY)
        db.session.commit()
    assert notify(app, T0 + 29 * DAY) == []
    assert notify(app, T0 + 30 * DAY) == [reminder]  # a new gap reminds again
    assert notify(app, T0 + 31 * DAY) == []


def test_a_long_gap_sends_only_the_highest_reminder_and_spends_the_lower_one(app, make_user):
    email = make_user(Role.TRAINEE)
    edit_user(app, email, created_at=T0)
    assert len(notify(app, T0 + 30 * DAY)) == 1
    with app.app_context():
        rows = db.session.execute(
            select(Notification.occasion, Notification.outbox_id).order_by(Notification.id)
        ).all()
    assert [(o.split(":")[0], sent is not None) for o, sent in rows] == [("idle-7", False), ("idle-21", True)]
    assert notify(app, T0 + 31 * DAY) == []


def test_no_reminder_for_an_invitation_never_taken_up_nor_after_opting_out(app, make_user):
    invited = make_user(Role.TRAINEE)
    edit_user(app, invited, created_at=T0, email_verified_at=None, invited_at=T0)
    quiet = make_user(Role.TRAINEE)
    edit_user(app, quiet, created_at=T0)
    opt_out(app, quiet, "inactivity_reminder")
    assert notify(app, T0 + 7 * DAY) == []
    with app.app_context():  # recorded for the opted-out person, so nothing is sent later by surprise
        assert db.session.execute(select(Notification.user_id, Notification.outbox_id)).all() == [
            (user_id(app, quiet), None)
        ]


def test_a_mentor_hears_of_the_certificate_the_renewal_window_and_the_last_week(app, make_user):
    email = make_user(Role.TRAINEE, name="Mo Mentor")
    uid = complete_course(app, email, at=T0 - 2 * DAY)
    with app.app_context():  # the replies' scores are another test's subject
        db.session.execute(delete(ReplyScore).where(ReplyScore.user_id == uid))
        db.session.commit()
    certificate = sign_off(app, uid, T0 - DAY)

    assert notify(app, T0) == [(email, f"You are certified as a mentor with {org(app)}")]
    with app.app_context():
        body = db.session.scalar(select(OutboxMessage.body).order_by(OutboxMessage.id.desc()))
    assert f"{SITE}/verify/{certificate}" in body
    assert notify(app, T0 + DAY) == []
    opens = T0 - DAY + timedelta(days=365 - 60)
    assert notify(app, opens - DAY) == []
    assert notify(app, opens) == [(email, "Your certificate is due for renewal")]
    assert notify(app, opens + DAY) == []
    expires = T0 - DAY + timedelta(days=365)
    assert notify(app, expires - 7 * DAY) == [
        (email, "Your certificate lapses on 3 January 2028: one week left")
    ]
    assert notify(app, expires - 6 * DAY) == []


def _mentor_with_lapsing_check(app, make_user, days_left: int) -> tuple[str, int]:
    """A mentor certified long ago whose background check lapses ``days_left`` days after T0."""
    email = make_user(Role.TRAINEE, name="Lee Lapsing")
    uid = complete_course(app, email, at=T0 - 2 * DAY, recorded=False)
    program = app.extensions["course"].program
    lapse = T0 + timedelta(days=days_left)
    with app.app_context():
        for required in program.requirements:
            # Cleared 36 months (its validity) before the day it lapses; the others lately.
            on = lapse.replace(year=lapse.year - 3) if required.id == "background-check" else T0 - 4 * DAY
            db.session.add(
                RequirementRecord(
                    user_id=uid,
                    requirement_id=required.id,
                    completed_on=on,
                    hours=required.hours,
                    recorded_at=T0 - 4 * DAY,
                    **practice_fields(program, required),
                )
            )
        db.session.commit()
    sign_off(app, uid, T0 - 100 * DAY)  # certified a while ago: no "certified" email
    return email, uid


def test_a_lapsing_background_check_warns_the_mentor_and_the_coordinators_following_them(app, make_user):
    email, _ = _mentor_with_lapsing_check(app, make_user, 61)
    following = make_user(Role.COORDINATOR, name="Fay Follower")
    make_user(Role.COORDINATOR, name="Olu Other")  # follows another cohort: not told
    other_cohort_follower = make_user(Role.SAFEGUARDING_LEAD)
    follow(app, following, "North", email)
    follow(app, other_cohort_follower, "South")

    assert notify(app, T0) == []  # 61 days ahead: not yet
    # A day later the check is 60 days from lapsing; it opens the renewal window too; and the
    # follower's weekly digest (due from Monday) lists the mentor as expiring.
    assert notify(app, T0 + DAY) == sorted(
        [
            (email, "Please renew: Background check cleared lapses on 6 March 2027"),
            (email, "Your certificate is due for renewal"),
            (following, "Lee Lapsing: Background check cleared lapses on 6 March 2027"),
            (following, f"North: your week with {org(app)}"),
        ]
    )
    assert notify(app, T0 + DAY) == []


def test_with_nobody_following_the_cohort_every_coordinator_and_lead_is_told(app, make_user):
    email, _ = _mentor_with_lapsing_check(app, make_user, 30)
    coordinator = make_user(Role.COORDINATOR)
    lead = make_user(Role.SAFEGUARDING_LEAD)
    make_user(Role.ADMIN)
    opt_out(app, email, "requirement_expiring")  # the trainee's choice never silences the coordinators
    subject = "Lee Lapsing: Background check cleared lapses on 3 February 2027"
    renewal = (email, "Your certificate is due for renewal")
    assert notify(app, T0) == sorted([renewal, (coordinator, subject), (lead, subject)])
    assert notify(app, T0) == []


def test_signed_up_trainees_hear_of_a_changed_then_cancelled_session(app, make_user):
    email = make_user(Role.TRAINEE)
    left = make_user(Role.TRAINEE)
    edit_user(app, email, created_at=T0, last_activity_at=T0)
    edit_user(app, left, created_at=T0, last_activity_at=T0)
    with app.app_context():
        session = TrainingSession(
            title="Boundaries", starts_at=T0 + 10 * DAY, duration_minutes=120, place="Room 4", capacity=10
        )
        db.session.add(session)
        db.session.flush()
        for who, cancelled in ((email, None), (left, T0)):
            db.session.add(
                SessionSignup(
                    session_id=session.id, user_id=user_id(app, who), signed_up_at=T0, cancelled_at=cancelled
                )
            )
        db.session.commit()
        session_id = session.id

    assert notify(app, T0 + DAY) == []
    with app.app_context():
        db.session.execute(
            update(TrainingSession)
            .where(TrainingSession.id == session_id)
            .values(starts_at=T0 + 11 * DAY + timedelta(hours=8), changed_at=T0 + DAY)
        )
        db.session.commit()
    assert notify(app, T0 + 2 * DAY) == [
        (email, "Changed: Boundaries, now Friday 15 January 2027, 18:00 GMT")
    ]
    assert notify(app, T0 + 2 * DAY) == []
    with app.app_context():
        db.session.execute(
            update(TrainingSession).where(TrainingSession.id == session_id).values(cancelled_at=T0 + 3 * DAY)
        )
        db.session.commit()
    assert notify(app, T0 + 3 * DAY) == [(email, "Cancelled: Boundaries, Friday 15 January 2027, 18:00 GMT")]
    assert notify(app, T0 + 4 * DAY) == []


def score(app, uid: int, step_id: int, at: datetime) -> None:
    program = app.extensions["course"].program
    rubric = program.rubric_by_id[program.reply_review.rubric_id]
    with app.app_context():
        scores = {c.id: 2 for c in rubric.criteria}
        db.session.add(
            ReplyScore(step_id=step_id, user_id=uid, rubric_id=rubric.id, scores=scores, scored_at=at)
        )
        db.session.commit()


def test_a_trainee_hears_when_replies_are_scored_once_per_new_batch(app, make_user):
    email = make_user(Role.TRAINEE)
    edit_user(app, email, created_at=T0, last_activity_at=T0)
    uid = user_id(app, email)
    course = app.extensions["course"]
    with app.app_context():
        _, steps = passed_run(
            course, uid, course.program.scenarios[0].scenario_id, ("One", "Two", "Three"), T0
        )
        db.session.commit()
        step_ids = [s.id for s in steps]
    assert len(step_ids) >= 2, "the fixture's role-play asks for typed replies"
    subject = (email, "Feedback on your practice replies is ready")
    assert notify(app, T0 + DAY) == []
    for step_id in step_ids[:-1]:
        score(app, uid, step_id, T0 + DAY)
    assert notify(app, T0 + DAY) == [subject]
    assert notify(app, T0 + DAY) == []
    score(app, uid, step_ids[-1], T0 + 2 * DAY)
    assert notify(app, T0 + 2 * DAY) == [subject]  # the later score: a new email
    assert notify(app, T0 + 3 * DAY) == []
    with app.app_context():
        occasions = db.session.scalars(select(Notification.occasion).order_by(Notification.id)).all()
    assert occasions == ["2027-01-05T10:00:00", "2027-01-06T10:00:00"]


def test_scores_from_before_the_first_run_are_not_announced_weeks_later(app, make_user):
    email = make_user(Role.TRAINEE)
    edit_user(app, email, created_at=T0, last_activity_at=T0)
    uid = user_id(app, email)
    course = app.extensions["course"]
    with app.app_context():
        _, steps = passed_run(course, uid, course.program.scenarios[0].scenario_id, ("One", "Two"), T0)
        db.session.commit()
        step_ids = [s.id for s in steps]
    feedback = (email, "Feedback on your practice replies is ready")
    score(app, uid, step_ids[0], T0 + DAY)
    # Scored a month before anyone ran notify: old news (only the idle reminders go).
    assert feedback not in notify(app, T0 + 30 * DAY)
    score(app, uid, step_ids[1], T0 + 30 * DAY)
    assert notify(app, T0 + 30 * DAY) == [feedback]


def test_a_coordinator_gets_a_weekly_digest_only_when_there_is_something_to_do(app, make_user):
    coordinator = make_user(Role.COORDINATOR)
    idle_coordinator = make_user(Role.COORDINATOR)
    waiting = make_user(Role.TRAINEE)
    complete_course(app, waiting, at=T0 - 3 * DAY)  # done, awaiting sign-off
    follow(app, coordinator, "Riverside", waiting)
    follow(app, idle_coordinator, "Empty")
    subject = (coordinator, f"Riverside: your week with {org(app)}")

    assert notify(app, T0) == [subject]  # Monday: nothing for the coordinator of an empty cohort
    assert notify(app, T0) == []
    assert notify(app, T0 + DAY) == []  # the same ISO week
    assert notify(app, T0 + 7 * DAY) == [subject]  # next Monday, still waiting
    with app.app_context():
        body = db.session.scalar(select(OutboxMessage.body).order_by(OutboxMessage.id.desc()))
    assert f"{SITE}/coordinator/mentors/{user_id(app, waiting)}" in body
    assert " (waiting since " in body and "since since" not in body


@pytest.mark.parametrize("threads", [2])
def test_concurrent_runs_send_one_email_each(app, make_app, make_user, threads):
    emails = [make_user(Role.TRAINEE) for _ in range(3)]
    for email in emails:
        edit_user(app, email, created_at=T0)
    apps = [make_app(PUBLIC_URL=SITE) for _ in range(threads)]
    turn = iter(apps)

    def one_run() -> int:
        other = next(turn)
        with other.app_context():
            run(other.extensions["course"], T0 + 7 * DAY, commit=db.session.commit)
            db.session.commit()
        return 0

    assert race(one_run, threads) == [0] * threads
    with app.app_context():
        recipients = db.session.scalars(select(OutboxMessage.recipient)).all()
    assert sorted(recipients) == sorted(emails)


def test_the_dry_run_prints_what_would_be_sent_by_kind_and_records_nothing(app, runner, make_user):
    email = make_user(Role.TRAINEE)
    edit_user(app, email, created_at=utcnow() - 8 * DAY)
    result = runner.invoke(args=["notify", "--dry-run"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Dry run: 1 email(s) would send."
    assert "inactivity_reminder: 1" in lines and "certified: 0" in lines
    assert any(line.startswith(f"  {email} [idle-7:") for line in lines)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Notification)) == 0
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_notify_needs_the_sites_address_and_then_sends(app, runner, make_user):
    email = make_user(Role.TRAINEE)
    edit_user(app, email, created_at=utcnow() - 8 * DAY)
    app.config["PUBLIC_URL"] = None
    refused = runner.invoke(args=["notify"])
    assert refused.exit_code == 1 and "PUBLIC_URL" in refused.output
    app.config["PUBLIC_URL"] = SITE
    sent = runner.invoke(args=["notify"])
    assert sent.exit_code == 0 and "\n1 email(s) sent.\ninactivity_reminder: 1\n" in sent.output
    assert runner.invoke(args=["notify"]).output.startswith("0 email(s) sent.")


def test_periodic_runs_each_job_in_turn(app, runner, make_user):
    email = make_user(Role.TRAINEE)
    edit_user(app, email, created_at=utcnow() - 8 * DAY)
    result = runner.invoke(args=["periodic"])
    assert result.exit_code == 0, result.output
    output = result.output
    assert output.index("== notify") < output.index("1 email(s) sent.") < output.index("== mail send")
    assert output.index("== mail send\nskipped: MAIL_SERVER is not set") < output.index("== webhooks deliver")


def test_inside_the_last_week_only_the_final_notice_is_sent(app, make_user):
    email = make_user(Role.TRAINEE)
    uid = complete_course(app, email, at=T0 - 2 * DAY)
    with app.app_context():
        db.session.execute(delete(ReplyScore).where(ReplyScore.user_id == uid))
        db.session.commit()
    sign_off(app, uid, T0 - DAY)
    expires = T0 - DAY + timedelta(days=365)
    assert notify(app, expires - 3 * DAY) == [
        (email, "Your certificate lapses on 3 January 2028: one week left")
    ]
    with app.app_context():
        rows = db.session.execute(
            select(Notification.occasion, Notification.outbox_id).order_by(Notification.id)
        )
        assert [(o.split(":")[0], sent is not None) for o, sent in rows] == [
            ("window", False),
            ("final", True),
        ]
    assert notify(app, expires - 2 * DAY) == []


def test_a_failing_job_is_reported_and_the_next_still_runs(app, runner, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("app.ops.notify_cli.notifications.run", broken)
    result = runner.invoke(args=["periodic"])
    assert result.exit_code == 1
    assert "notify failed: database went away" in result.output
    assert "== webhooks deliver\n0 new event(s)" in result.output

"""The database keeps the number of active accounts per role, which the coordinator list shows."""

from __future__ import annotations

from sqlalchemy import delete, func, select, update

from app.extensions import db
from app.models import Role, User, UserCount, utcnow

from ..conftest import user_id
from ..html import elements


def kept(role: Role) -> int:
    return db.session.scalar(select(UserCount.active).where(UserCount.role == role.value)) or 0


def counted(role: Role) -> int:
    return db.session.scalar(
        select(func.count()).select_from(User).where(User.role == role.value, User.deactivated_at.is_(None))
    )


def test_the_kept_count_follows_every_change_to_an_account(app, make_user):
    emails = [make_user(Role.TRAINEE, name=f"Trainee {n}") for n in range(4)]
    make_user(Role.COORDINATOR)
    with app.app_context():
        ids = [user_id(app, email) for email in emails]
        steps = [
            update(User).where(User.id == ids[0]).values(deactivated_at=utcnow()),  # deactivated
            update(User).where(User.id == ids[1]).values(role=Role.COORDINATOR.value),  # promoted
            delete(User).where(User.id == ids[2]),  # erased
            update(User).where(User.id == ids[0]).values(name="Renamed"),  # no change to the count
            update(User).where(User.id == ids[0]).values(deactivated_at=None),  # reactivated
        ]
        expected = [(3, 1), (2, 2), (1, 2), (1, 2), (2, 2)]
        assert (kept(Role.TRAINEE), kept(Role.COORDINATOR)) == (4, 1)
        for step, (trainees, coordinators) in zip(steps, expected, strict=True):
            db.session.execute(step)
            db.session.commit()
            assert (kept(Role.TRAINEE), kept(Role.COORDINATOR)) == (trainees, coordinators)
            assert (counted(Role.TRAINEE), counted(Role.COORDINATOR)) == (trainees, coordinators)


def test_the_unfiltered_list_shows_the_kept_count_and_a_filter_counts(app, coordinator, make_user):
    for n in range(3):
        make_user(Role.TRAINEE, name=f"Listed {n}")
    with app.app_context():
        db.session.execute(update(User).where(User.name == "Listed 0").values(deactivated_at=utcnow()))
        db.session.commit()
    listed = coordinator.get("/coordinator/").text
    assert elements(listed, "p", data_total="2")
    searched = coordinator.get("/coordinator/?q=Listed").text
    assert elements(searched, "p", data_total="2")

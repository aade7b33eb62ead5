"""The coordinator list's total counts active trainees, unfiltered or filtered."""

from __future__ import annotations

from sqlalchemy import update

from app.extensions import db
from app.models import Role, User, utcnow

from ..html import elements


def test_the_total_counts_active_trainees_only(app, coordinator, make_user):
    for n in range(4):
        make_user(Role.TRAINEE, name=f"Listed {n}")
    make_user(Role.AUTHOR, name="Listed Author")
    with app.app_context():
        db.session.execute(update(User).where(User.name == "Listed 0").values(deactivated_at=utcnow()))
        db.session.execute(update(User).where(User.name == "Listed 1").values(role=Role.COORDINATOR.value))
        db.session.commit()
    assert elements(coordinator.get("/coordinator/").text, "p", data_total="2")
    assert elements(coordinator.get("/coordinator/?q=Listed").text, "p", data_total="2")
    assert elements(coordinator.get("/coordinator/?q=Listed%203").text, "p", data_total="1")

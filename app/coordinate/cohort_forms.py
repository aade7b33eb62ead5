"""Forms for cohorts: a trainee's cohort, and a cohort's invite link (a new one, its last day)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.validators import Optional

NO_COHORT = ""


class MoveCohortForm(FlaskForm):
    cohort = SelectField("Cohort", choices=[], validate_choice=True)

    def with_choices(self, cohorts) -> MoveCohortForm:
        self.cohort.choices = [(NO_COHORT, "No cohort"), *((str(c.id), c.name) for c in cohorts)]
        return self

    @property
    def cohort_id(self) -> int | None:
        return int(self.cohort.data) if self.cohort.data else None


class InviteEndForm(FlaskForm):
    last_day = DateField(
        "Last day the link works",
        description="Where the programme runs; the link works to the end of this day. Leave empty to keep it open.",
        validators=[Optional()],
    )


class RotateInviteForm(FlaskForm):
    """Only the CSRF token: the button says what it does."""


class FollowCohortForm(FlaskForm):
    """Only the CSRF token: the button says whether it follows or stops following."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FloatField,
    IntegerField,
    SelectChoice,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..certification.status import STATUS_LABELS, Status
from ..people.roster import MATCHABLE, REPLIES_TO_REVIEW
from ..web.forms import QueryForm, QuerySelectField, reason_field
from .report_forms import QueryDateField

LAPSING_DAYS = (30, 60, 90)
SORTS = {
    "name": "Name",
    "email": "Email",
    "status": "Status",
    "progress": "Progress",
    "activity": "Last activity",
    "quiz": "Quiz average",
    "scenario": "Role-play average",
    "waiting": "Waiting since",
}


class MentorFilterForm(QueryForm):
    """The list's filters, read from the query string."""

    q = StringField("Search name or email", validators=[Optional(), Length(max=100)])
    status = QuerySelectField(
        "Status",
        choices=[
            SelectChoice("", "Any status"),
            SelectChoice(MATCHABLE, "Can be matched now"),
            SelectChoice(REPLIES_TO_REVIEW, "Replies to review"),
            *(SelectChoice(s.value, STATUS_LABELS[s.value]) for s in Status),
        ],
        validators=[Optional()],
    )
    cohort = QuerySelectField("Cohort", choices=[SelectChoice("", "Any cohort")], validators=[Optional()])
    stalled = BooleanField("Stalled")  # the days, from program.yaml, go in by stalled_words
    lapsing = QuerySelectField(
        "Certificate ends",
        choices=[
            SelectChoice("", "Any time"),
            *(SelectChoice(str(d), f"Within {d} days") for d in LAPSING_DAYS),
        ],
        validators=[Optional()],
    )
    sort = QuerySelectField(
        "Sort by",
        choices=[SelectChoice(key, label) for key, label in SORTS.items()],
        default="name",
        validators=[Optional()],
    )
    order = QuerySelectField(
        "Order",
        choices=[SelectChoice("asc", "Ascending"), SelectChoice("desc", "Descending")],
        default="asc",
        validators=[Optional()],
    )
    page = IntegerField("Page", default=1, validators=[Optional(), NumberRange(min=1, max=100000)])
    to = QueryDateField("Registered to")


# The query string says ``from``, a word Python keeps for itself: the field is added by name.
setattr(  # noqa: B010
    MentorFilterForm,
    "from",
    QueryDateField("Registered from"),
)


def stalled_words(days: int) -> str:
    """What the "Stalled" filter finds, in plain words, with the programme's own number of days."""
    return (
        f"Started but nothing done for {days} days, never started {days} days after registering or"
        f" being invited, or awaiting review by staff for over {days} days"
    )


class DayField(DateField):
    """A required date whose errors say what is wrong: nothing typed ("Enter the date") is not
    the same mistake as a date in the wrong form, which browsers without a date picker allow.
    (DataRequired would replace the second message with the first.)"""

    def process_formdata(self, valuelist):
        if not "".join(valuelist).strip():
            self.data = None
            raise ValueError("Enter the date.")
        super().process_formdata(valuelist)


def _day_field(label: str, description: str) -> DayField:
    return DayField(
        label,
        description=description,
        invalid_value_message="Enter a real date as year-month-day, for example 2026-03-27.",
    )


def _hours_field() -> FloatField:
    return FloatField(
        "Hours",
        validators=[
            Optional(),
            NumberRange(min=0.25, max=24, message="Between 0.25 and 24 hours per session."),
        ],
        render_kw={"step": "0.25", "inputmode": "decimal"},
    )


class CorrectionForm(FlaskForm):
    """The right date (and hours) for a requirement record, and why it changed. Each record's form
    is built with ``prefix=f"record-{id}"``, so every field on the page has its own id."""

    date = _day_field("Correct date", "The day it was in fact cleared.")
    hours = _hours_field()
    reason = reason_field("Why is it corrected?")


class VoidForm(FlaskForm):
    """Why a record or decision made in error is withdrawn (built with a prefix, as above)."""

    reason = reason_field("Why is it void?")


class ExternalIdForm(FlaskForm):
    external_id = StringField(
        "External id",
        description="The matching system's own id for this mentor: its join key with PeerPath. Leave empty to clear it.",
        validators=[Optional(), Length(max=100)],
    )


class SignOffForm(FlaskForm):
    reason = TextAreaField("Note (optional)", validators=[Optional(), Length(max=1000)])


class RevokeForm(FlaskForm):
    reason = reason_field("Reason for revoking")


class DoNotReengageForm(FlaskForm):
    """A safeguarding lead's "do not re-engage": posted as ``dnr-reason`` beside the revoke form."""

    reason = reason_field("Why must this person not mentor here again?")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="dnr", **kwargs)


class ReinstateForm(FlaskForm):
    reason = reason_field("Reason for reinstating")


class CohortForm(FlaskForm):
    name = StringField("Cohort name", validators=[DataRequired(), Length(max=120)])


class RequirementForm(FlaskForm):
    """What a coordinator records: the day, the hours for hour-based requirements, a short note.

    Never a check's result or a document: only that it was cleared. The fields are posted as
    ``date``, ``hours`` and ``note``; each form on the mentor page gets its own element ids.
    """

    def with_ids_for(self, requirement_id: str) -> RequirementForm:
        for field in self:
            field.id = f"{requirement_id}-{field.name}"
        return self

    date = _day_field("Date done", "The day it was cleared, or the day of the session.")
    hours = _hours_field()
    note = TextAreaField(
        "Note (optional)",
        description="For example who checked it. Do not record results or personal details.",
        validators=[Optional(), Length(max=500)],
    )

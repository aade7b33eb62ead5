"""The forms that score practice on a rubric: a typed role-play reply, and practice a coordinator
or mentor watched. Each criterion of the rubric is a radio group on the 0-2 scale whose options
say what a strong, an adequate and a weak reply looks like, so scorers read the rubric as they
score."""

from __future__ import annotations

from functools import cache

from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from ..course.practice import SCALE, SCALE_LABELS, Criterion, Rubric
from ..web.forms import QueryForm, QuerySelectField
from .forms import _day_field

FIELD_PREFIX = "criterion-"


class ScoreField(RadioField):
    """One criterion's score. Nothing chosen and a value off the scale (a hand-made request)
    are refused with the criterion's name, not WTForms' "Not a valid choice"."""

    def __init__(self, criterion: Criterion, **kwargs):
        super().__init__(
            criterion.title,
            choices=[
                SelectChoice(score, f"{SCALE_LABELS[score]} ({score}): {criterion.description(score)}")
                for score in sorted(SCALE, reverse=True)
            ],
            coerce=int,
            **kwargs,
        )
        self.criterion = criterion

    raw: str | None = None  # a value that is not a number at all

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0].strip():
            try:
                self.data = int(valuelist[0])
            except ValueError:
                self.raw = valuelist[0]

    def pre_validate(self, form) -> None:
        if self.data is None and self.raw is None:
            raise ValidationError(f"Choose a score for “{self.criterion.title}”.")
        if self.data not in SCALE:
            raise ValidationError(f"“{self.criterion.title}” is scored 0, 1 or 2.")


class RubricScores:
    """What both forms share: the criterion fields and the scores they hold."""

    rubric: Rubric

    def criterion_fields(self) -> list[ScoreField]:
        return [self[FIELD_PREFIX + c.id] for c in self.rubric.criteria]

    def scores(self) -> dict[str, int]:
        return {f.criterion.id: f.data for f in self.criterion_fields()}


def _with_criteria(base: type, rubric: Rubric) -> type:
    fields = {FIELD_PREFIX + c.id: ScoreField(c) for c in rubric.criteria}
    return type(f"{base.__name__}_{rubric.id}", (base,), {"rubric": rubric, **fields})


class _ReplyScoreBase(RubricScores, FlaskForm):
    comment = TextAreaField(
        "Comment (optional)",
        description="What the trainee did well or could do differently. The trainee may read it.",
        validators=[Optional(), Length(max=2000)],
    )


class _ObservationBase(RubricScores, FlaskForm):
    date = _day_field("Date observed", "The day of the practice session.")
    observer = StringField(
        "Observer",
        description="Who watched the practice, for example “J. Smith, coordinator”.",
        validators=[DataRequired(message="Enter who observed the practice."), Length(max=200)],
    )
    note = TextAreaField(
        "Note (optional)",
        description="For example the setting. Do not record personal details of anyone else.",
        validators=[Optional(), Length(max=500)],
    )


@cache
def _reply_form_class(rubric: Rubric) -> type:
    return _with_criteria(_ReplyScoreBase, rubric)


@cache
def _observation_form_class(rubric: Rubric) -> type:
    return _with_criteria(_ObservationBase, rubric)


def reply_score_form(rubric: Rubric, **kwargs) -> FlaskForm:
    """The form that scores a typed reply on ``rubric`` (classes built once per rubric)."""
    return _reply_form_class(rubric)(**kwargs)


def observation_form(rubric: Rubric, requirement_id: str, **kwargs) -> FlaskForm:
    """The form that records observed practice for one requirement; prefixed with its id, so
    each requirement's form on the mentor page has its own field names and ids."""
    return _observation_form_class(rubric)(prefix=f"observe-{requirement_id}", **kwargs)


class ReplyQueueFilterForm(QueryForm):
    """The queue's filters, read from the query string (choices set by the view)."""

    cohort = QuerySelectField("Cohort", choices=[SelectChoice("", "Any cohort")], validators=[Optional()])
    scenario = QuerySelectField(
        "Role-play", choices=[SelectChoice("", "Any role-play")], validators=[Optional()]
    )
    page = IntegerField("Page", default=1, validators=[Optional(), NumberRange(min=1, max=100000)])

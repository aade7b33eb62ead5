"""The coordinator's live-session form: times are typed as the programme's clocks show them."""

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, StringField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange


class SessionForm(FlaskForm):
    """Schedule or change a session. The view names the zone in the start time's label."""

    title = StringField("Title", validators=[DataRequired(), Length(max=120)])
    # A date and a time control: the browser shows its own picker, so no hint about the format.
    day = DateField(
        "Date",
        invalid_value_message="Enter a real date as year-month-day, for example 2026-03-27.",
        validators=[DataRequired(message="Enter the date of the session.")],
    )
    start = TimeField(
        "Starts",
        invalid_value_message="Enter the start time as hours and minutes, for example 18:30.",
        validators=[DataRequired(message="Enter the start time as hours and minutes, for example 18:30.")],
    )
    minutes = IntegerField(
        "Length in minutes",
        validators=[InputRequired(), NumberRange(min=15, max=600, message="Between 15 and 600 minutes.")],
    )
    place = StringField(
        "Place or link",
        description="An address, or the link to join online.",
        validators=[DataRequired(), Length(max=300)],
    )
    capacity = IntegerField(
        "Places",
        validators=[InputRequired(), NumberRange(min=1, max=500, message="Between 1 and 500 places.")],
    )

    def label_in(self, zone_name: str) -> "SessionForm":
        self.start.label.text = f"Starts ({zone_name} time)"
        return self

from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

MAX_REFLECTION = 5000


class ReflectionForm(FlaskForm):
    """One reflect prompt's answer; each prompt on a page gets its own prefix."""

    text = TextAreaField(
        "Your reflection (only you can see it)",
        validators=[
            DataRequired(message="Write your reflection before saving."),
            Length(max=MAX_REFLECTION, message=f"Keep it under {MAX_REFLECTION} characters."),
        ],
    )

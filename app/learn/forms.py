from flask import request
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from ..web import kept_text

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


def reflection_forms(
    prompts, saved: dict[str, str], invalid: dict[str, ReflectionForm] | None = None
) -> dict[str, ReflectionForm]:
    """A form for each reflect prompt on the page: the one just refused, else the text kept when
    the session had expired (shown once, for the trainee to save again), else what is saved."""
    kept = kept_text.take(request.path) if not invalid else {}
    forms = {}
    for prompt in prompts:
        text = kept.get(f"{prompt.id}-text") or saved.get(prompt.id, "")
        forms[prompt.id] = (invalid or {}).get(prompt.id) or ReflectionForm(
            prefix=prompt.id, formdata=None, data={"text": text}
        )
    return forms

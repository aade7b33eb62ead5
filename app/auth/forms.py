from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from ..extensions import db
from ..models import User, normalise_email

MIN_PASSWORD = 12
MAX_PASSWORD = 256
_password_length = Length(
    min=MIN_PASSWORD,
    max=MAX_PASSWORD,
    message=f"Use at least {MIN_PASSWORD} characters (and at most {MAX_PASSWORD}).",
)


class RegisterForm(FlaskForm):
    name = StringField("Full name", validators=[DataRequired(), Length(max=120)])
    email = EmailField("Email", validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(
        "Password",
        description=f"At least {MIN_PASSWORD} characters. A few unrelated words make a strong one.",
        validators=[DataRequired(), _password_length],
    )
    confirm = PasswordField(
        "Confirm password",
        validators=[DataRequired(), EqualTo("password", message="The two passwords do not match.")],
    )

    def validate_email(self, field) -> None:
        taken = db.session.scalar(select(User.id).where(User.email == normalise_email(field.data)))
        if taken:
            raise ValidationError("An account with this email already exists. Log in instead.")


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=MAX_PASSWORD)])
    remember = BooleanField("Keep me logged in on this device")


class NewPasswordForm(FlaskForm):
    """Choose a new password (from a reset link)."""

    password = PasswordField(
        "New password",
        description=f"At least {MIN_PASSWORD} characters.",
        validators=[DataRequired(), _password_length],
    )
    confirm = PasswordField(
        "Confirm new password",
        validators=[DataRequired(), EqualTo("password", message="The two passwords do not match.")],
    )


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField("Current password", validators=[DataRequired(), Length(max=MAX_PASSWORD)])


class ResetRequestForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Email(), Length(max=254)])

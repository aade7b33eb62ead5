import gzip
from functools import cache
from pathlib import Path

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from ..extensions import db
from ..models import User, normalise_email
from ..models.user import mixed_script_email
from .verification import registration_mode

MIN_PASSWORD = 12
MAX_PASSWORD = 256
_password_length = Length(
    min=MIN_PASSWORD,
    max=MAX_PASSWORD,
    message=f"Use at least {MIN_PASSWORD} characters (and at most {MAX_PASSWORD}).",
)

# 20,000 common passwords (lowercased), the list Django ships as
# django/contrib/auth/common-passwords.txt.gz (Django 5.2, BSD-3-Clause licence, copyright the
# Django Software Foundation and individual contributors), compiled by Royce Williams from leaked
# password corpora: https://gist.github.com/roycewilliams/226886fd01572964e1431ac8afc999ce
_COMMON_PASSWORDS = Path(__file__).with_name("common-passwords.txt.gz")
MIN_DISTINCT_CHARACTERS = 5


@cache
def common_passwords() -> frozenset[str]:
    with gzip.open(_COMMON_PASSWORDS, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip())


def not_a_common_password(_form, field) -> None:
    """F18: a password from the lists attackers try first, or one character over and over, is
    refused in plain words (the length check runs as well)."""
    password = field.data or ""
    if password.strip().lower() in common_passwords():
        raise ValidationError(
            "This is one of the most common passwords, so it is among the first an attacker tries. "
            "Choose another: a few unrelated words make a strong one."
        )
    if len(set(password.lower())) < MIN_DISTINCT_CHARACTERS:
        raise ValidationError(
            f"Use at least {MIN_DISTINCT_CHARACTERS} different characters: a repeated pattern is easy to guess."
        )


class RegisterForm(FlaskForm):
    name = StringField("Full name", validators=[DataRequired(), Length(max=120)])
    email = EmailField("Email", validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(
        "Password",
        description=f"At least {MIN_PASSWORD} characters. A few unrelated words make a strong one.",
        validators=[DataRequired(), _password_length, not_a_common_password],
    )
    confirm = PasswordField(
        "Confirm password",
        validators=[DataRequired(), EqualTo("password", message="The two passwords do not match.")],
    )

    def validate_email(self, field) -> None:
        if mixed_script_email(field.data or ""):
            raise ValidationError(
                "This email mixes letters from different alphabets (like a Cyrillic “а” among Latin "
                "letters). Type it with the letters of one alphabet."
            )
        # Where the email must be proved, whether it has an account is not said: the answer is the
        # same either way and the owner is emailed instead (verification.register). Where anyone
        # may start at once, the new account could not be logged in, so the form says so.
        if registration_mode() != "open":
            return
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
        description=f"At least {MIN_PASSWORD} characters, not a common password.",
        validators=[DataRequired(), _password_length, not_a_common_password],
    )
    confirm = PasswordField(
        "Confirm new password",
        validators=[DataRequired(), EqualTo("password", message="The two passwords do not match.")],
    )


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField("Current password", validators=[DataRequired(), Length(max=MAX_PASSWORD)])


class ResetRequestForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Email(), Length(max=254)])


class ResendLinkForm(ResetRequestForm):
    """Send the link that confirms the email again."""


# ----- the second factor (two-step login) --------------------------------------------------------
# Codes are typed, not pasted into a password manager: digits on a phone's number pad, the
# browser offered the code an SMS or app may hold (autocomplete="one-time-code", set in templates).
_CODE_INPUT = {"inputmode": "numeric", "spellcheck": "false", "autocapitalize": "off"}


def _code_field(label: str, description: str, required: bool) -> StringField:
    validators = (
        [DataRequired(message="Enter the 6-digit code your app shows now.")] if required else [Optional()]
    )
    return StringField(
        label, description=description, validators=[*validators, Length(max=20)], render_kw=_CODE_INPUT
    )


class EnrolSecondFactorForm(FlaskForm):
    """Confirm the new app by typing the code it shows."""

    code = _code_field("Code from your app", "6 digits. A new code appears every 30 seconds.", required=True)


class SecondFactorLoginForm(FlaskForm):
    """The login's second step: a code from the app, or (on a separate form on the page) a recovery code."""

    code = _code_field(
        "Code from your authenticator app", "The 6 digits it shows for PeerPath now.", required=False
    )
    recovery_code = StringField(
        "Recovery code",
        description="One of the 10 codes you saved when you set up two-step login, like abcd-efgh-jkmn.",
        validators=[Optional(), Length(max=40)],
        render_kw={"spellcheck": "false", "autocapitalize": "off"},
    )


class ReplaceSecondFactorForm(FlaskForm):
    proof = PasswordField(
        "Your password, or a code from your current app",
        validators=[DataRequired(message="Enter your password or a code."), Length(max=MAX_PASSWORD)],
    )


class PasswordCheckForm(FlaskForm):
    """Your password again, before a change to the second factor (used twice on a page: give a prefix)."""

    password = PasswordField(
        "Your password", validators=[DataRequired(message="Enter your password."), Length(max=MAX_PASSWORD)]
    )

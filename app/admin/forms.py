from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectChoice, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..matching.webhooks import EVENT_LABELS
from ..models import ROLE_LABELS
from ..people.audit import ACTIONS
from ..web.forms import QueryForm, QuerySelectField, reason_field


class UserFilterForm(QueryForm):
    """Query-string filters for the account list."""

    q = StringField("Search name or email", validators=[Optional(), Length(max=100)])
    role = QuerySelectField(
        "Role",
        choices=[SelectChoice("", "Any role"), *(SelectChoice(k, v) for k, v in ROLE_LABELS.items())],
        validators=[Optional()],
    )
    state = QuerySelectField(
        "Account",
        choices=[
            SelectChoice("", "Active or deactivated"),
            SelectChoice("active", "Active"),
            SelectChoice("deactivated", "Deactivated"),
        ],
        validators=[Optional()],
    )
    page = IntegerField("Page", default=1, validators=[Optional(), NumberRange(min=1, max=100000)])


class AuditFilterForm(QueryForm):
    action = QuerySelectField(
        "Action",
        choices=[SelectChoice("", "Every action"), *(SelectChoice(k, v) for k, v in ACTIONS.items())],
        validators=[Optional()],
    )
    page = IntegerField("Page", default=1, validators=[Optional(), NumberRange(min=1, max=100000)])


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=[SelectChoice(k, v) for k, v in ROLE_LABELS.items()])


class ReasonForm(FlaskForm):
    reason = reason_field("Reason")


class SecondFactorResetForm(FlaskForm):
    """Its own field name: the page's deactivation form has a ``reason`` too, and ids must differ."""

    reset_reason = reason_field("Reason for the reset")


def cohorts_field() -> SelectMultipleField:
    """Choices are the cohorts, set by the view."""
    return SelectMultipleField(
        "Cohorts it may read",
        description="Leave all unticked for every cohort. Ticked: only mentors in these cohorts, everywhere it reads.",
        coerce=int,
        validators=[Optional()],
    )


class TokenForm(FlaskForm):
    name = StringField(
        "Who will use it",
        description="For example the matching system's name, so you know which token to revoke later.",
        validators=[DataRequired(), Length(max=120)],
    )
    cohorts = cohorts_field()
    expires_on = DateField(
        "Expires on (optional)",
        description="The token stops working at the start of this day (UTC). Leave empty for no expiry.",
        validators=[Optional()],
    )


class WebhookForm(FlaskForm):
    url = StringField(
        "Address to post to",
        description="The matching system's HTTPS address for PeerPath's events.",
        validators=[DataRequired(), Length(max=500)],
    )
    description = StringField("Description (optional)", validators=[Optional(), Length(max=120)])
    events = SelectMultipleField(
        "Events to send",
        choices=[SelectChoice(event, f"{event}: {label}") for event, label in EVENT_LABELS.items()],
        default=list(EVENT_LABELS),
        validators=[DataRequired("Choose at least one event.")],
    )
    cohorts = cohorts_field()

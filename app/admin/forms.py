from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

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


class TokenForm(FlaskForm):
    name = StringField(
        "Who will use it",
        description="For example the matching system's name, so you know which token to revoke later.",
        validators=[DataRequired(), Length(max=120)],
    )

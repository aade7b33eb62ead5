"""Forms and fields shared by more than one blueprint."""

from __future__ import annotations

from flask import request
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError


class EmptyForm(FlaskForm):
    """Only the CSRF token, for POST-only buttons such as "log out" or "revoke"."""


def reason_field(label: str) -> TextAreaField:
    """A required reason for a decision that goes in a log (a revocation, a role change)."""
    return TextAreaField(
        label, validators=[DataRequired(message="Say why: the reason goes in the log."), Length(max=1000)]
    )


class QueryForm(FlaskForm):
    """Filters read from the query string: no CSRF (they change nothing), and a bad value falls
    back to its default while the page shows the field's error."""

    class Meta:
        csrf = False

    def read(self) -> QueryForm:
        if not self.validate():
            for field in self:
                if field.errors:
                    field.data = field.default
        return self


class QuerySelectField(SelectField):
    """A filter's select, its ``choices`` given as ``SelectChoice``s, checked with one set
    lookup rather than WTForms' ``Choice`` per option (docs/performance.md)."""

    def pre_validate(self, form) -> None:
        if self.process_errors or not self.validate_choice:
            return
        if self.data not in {self.coerce(choice.value) for choice in self.choices}:
            raise ValidationError(self.invalid_choice_message or self.gettext("Not a valid choice."))


def link_args(form: QueryForm) -> dict[str, str]:
    """The filters a pager or export link carries on: only the form's own fields, never any
    query key (``endpoint`` or ``_method`` would reach ``url_for`` as its own arguments)."""
    return {name: value for name, value in request.args.items() if name in form._fields and name != "page"}

"""Filters read from the query string: no CSRF (they change nothing), and a bad value falls
back to its default while the page shows the field's error."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import ValidationError


class QueryForm(FlaskForm):
    class Meta:
        csrf = False

    def read(self) -> QueryForm:
        if not self.validate():
            for field in self:
                if field.errors:
                    field.data = field.default
        return self


class QuerySelectField(SelectField):
    """A filter's select, its ``choices`` given as ``SelectChoice``s. A value from the query
    string is checked with one set lookup. WTForms builds a ``Choice`` for every option to check
    it: with the coordinator list's 41 cohorts among its four selects, that cost 480,000
    instructions a page more."""

    def pre_validate(self, form) -> None:
        if self.process_errors or not self.validate_choice:
            return
        if self.data not in {self.coerce(choice.value) for choice in self.choices}:
            raise ValidationError(self.invalid_choice_message or self.gettext("Not a valid choice."))

"""Filters read from the query string: no CSRF (they change nothing), and a bad value falls
back to its default while the page shows the field's error."""

from __future__ import annotations

from flask_wtf import FlaskForm


class QueryForm(FlaskForm):
    class Meta:
        csrf = False

    def read(self) -> QueryForm:
        if not self.validate():
            for field in self:
                if field.errors:
                    field.data = field.default
        return self

"""The funder report's filters: a period of dates in the programme's time zone and a cohort."""

from __future__ import annotations

from wtforms import DateField, SelectChoice
from wtforms.validators import Optional

from ..web.forms import QueryForm, QuerySelectField

DATE_MESSAGE = "Enter a real date as year-month-day, for example 2026-03-27."


class QueryDateField(DateField):
    """A date filter. A wrong date comes back empty under its error: a date input can hold only a
    real date, so echoing "2026-02-31" would be invalid HTML that browsers drop anyway."""

    def __init__(self, label: str, **options):
        options.setdefault("validators", [Optional()])
        super().__init__(label, invalid_value_message=DATE_MESSAGE, **options)

    def _value(self) -> str:
        return "" if self.process_errors else super()._value()


class ReportForm(QueryForm):
    """Read from the query string: the report changes nothing, so a link can be shared."""

    to = QueryDateField("To")
    cohort = QuerySelectField("Cohort", choices=[SelectChoice("", "Every cohort")], validators=[Optional()])


# The query string says ``from``, a word Python keeps for itself: the field is added by name.
setattr(ReportForm, "from", QueryDateField("From"))  # noqa: B010

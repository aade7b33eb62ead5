"""The import page's forms: a file to check, then the checked file to import."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField

from ..people.imports import LIMIT_BYTES


class ImportForm(FlaskForm):
    file = FileField(
        "CSV file of trainees",
        description=f"UTF-8 CSV with a header row, at most {LIMIT_BYTES // (1024 * 1024)} MB. Checking it writes nothing.",
    )
    create_cohorts = BooleanField("Create the cohorts the file names that do not exist yet")
    update = BooleanField(
        "Update existing accounts with the same email (cohort, external id and new history)"
    )
    invitations = BooleanField("Email each new person an invitation to set their password", default=True)


class ConfirmImportForm(FlaskForm):
    """The checked file and the choices made, signed so that only this server's page could have
    sent them; checked again before anything is written."""

    checked = HiddenField()

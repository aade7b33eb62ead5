"""Trainees in bulk from a CSV file: reading it, checking every row, and saying what an import
would do. Nothing here reads or writes the database: ``import_writer.py`` does, once a plan is clean.

The file is UTF-8 (a byte-order mark and Excel's quoting are accepted) with a header row. Lines
are counted as a spreadsheet shows them, the header being line 1, so a coordinator can find each
problem in the program they edit the file with. docs/import.md describes the format.
"""

from __future__ import annotations

import calendar
import csv
import difflib
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time

from email_validator import EmailNotValidError, validate_email

from ..course.model import Program, ProgramRequirement
from ..models import Role, normalise_email, utcnow
from ..models.user import mixed_script_email

LIMIT_BYTES = 2 * 1024 * 1024  # a file of 10,000 people with their history is well under this
BASE_COLUMNS = ("name", "email", "cohort", "external_id", "certified_on", "certified_by")
REQUIRED_COLUMNS = ("name", "email")
LONGEST = {"name": 120, "email": 254, "external_id": 100, "certified_by": 200, "cohort": 120}


@dataclass(frozen=True)
class Options:
    create_cohorts: bool = False  # a cohort the file names that does not exist yet is created
    update: bool = False  # an existing account with the file's email is updated, not refused


@dataclass(frozen=True)
class Problem:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.message}"


@dataclass(frozen=True)
class Person:
    """One row as it will be written."""

    line: int
    name: str
    email: str  # normalised
    cohort: str | None  # the cohort's name as it is (or will be) stored
    external_id: str | None
    records: tuple[tuple[str, date, float | None], ...]  # (requirement id, day met, hours)
    certified_on: date | None = None
    certified_by: str | None = None
    user_id: int | None = None  # the existing account this row updates


@dataclass(frozen=True)
class Plan:
    people: tuple[Person, ...] = ()
    problems: tuple[Problem, ...] = ()
    new_cohorts: tuple[str, ...] = ()

    @property
    def clean(self) -> bool:
        return not self.problems and bool(self.people)

    @property
    def new(self) -> int:
        return sum(person.user_id is None for person in self.people)

    @property
    def updated(self) -> tuple[Person, ...]:
        return tuple(person for person in self.people if person.user_id is not None)

    @property
    def prior_certifications(self) -> int:
        return sum(person.certified_on is not None for person in self.people)

    def summary(self) -> str:
        cohorts = f", cohorts created: {', '.join(self.new_cohorts)}" if self.new_cohorts else ""
        return (
            f"{self.new} new trainees, {len(self.updated)} updated, {sum(len(p.records) for p in self.people)} requirement records, "
            f"{self.prior_certifications} prior certifications{cohorts}"
        )


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]  # as the file spells it
    rows: tuple[tuple[int, dict[str, str]], ...]  # (line, column -> value), blank rows left out


@dataclass(frozen=True)
class Existing:
    """What the database already holds that the file's rows are checked against."""

    emails: Mapping[str, tuple[int, str | None, str]] = field(default_factory=dict)  # -> id, ext id, role
    external_ids: Mapping[str, int] = field(default_factory=dict)  # external id -> user id
    cohorts: Mapping[str, str] = field(default_factory=dict)  # lower-case name -> name


def read_table(data: bytes) -> Table | Problem:
    """The file's header and rows, or the one problem that stops it being read at all."""
    if len(data) > LIMIT_BYTES:
        return Problem(1, "-", f"the file is larger than {LIMIT_BYTES // (1024 * 1024)} MB; split it in two")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return Problem(1, "-", "the file is not UTF-8 text: in a spreadsheet, save it as “CSV UTF-8”")
    if "\x00" in text:
        return Problem(1, "-", "this is not a CSV file: save the spreadsheet as “CSV UTF-8”")
    try:
        lines = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        return Problem(1, "-", f"this is not a CSV file the importer can read ({error})")
    if not lines or not any(cell.strip() for cell in lines[0]):
        return Problem(1, "-", "the file is empty: the first line names the columns (name, email, ...)")
    header = tuple(cell.strip() for cell in lines[0])
    rows = []
    for number, cells in enumerate(lines[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        rows.append((number, {key.lower(): value.strip() for key, value in zip(header, cells, strict=False)}))
    return Table(header, tuple(rows))


def importable(requirement: ProgramRequirement) -> bool:
    """Screening and training recorded by staff; what PeerPath itself assesses is never imported."""
    return requirement.kind != "acknowledge" and requirement.rubric is None


def known_columns(program: Program) -> tuple[str, ...]:
    columns = list(BASE_COLUMNS)
    for requirement in program.requirements:
        if importable(requirement):
            columns.append(requirement.id)
            if requirement.hours:
                columns.append(f"{requirement.id}_hours")
    return tuple(columns)


def header_problems(table: Table, program: Program) -> list[Problem]:
    """Unknown, repeated or missing columns, and columns for what is done in PeerPath itself."""
    known = known_columns(program)
    assessed = {r.id: r for r in program.requirements if not importable(r)}
    problems, seen = [], set()
    for column in table.header:
        key = column.lower()
        if key in seen:
            problems.append(Problem(1, column, "this column appears twice"))
        seen.add(key)
        if key in assessed:
            how = (
                "acknowledged by each trainee"
                if assessed[key].kind == "acknowledge"
                else "scored by an observer"
            )
            problems.append(
                Problem(1, column, f"“{assessed[key].title}” is {how} in PeerPath and is never imported")
            )
        elif key not in known:
            hint = difflib.get_close_matches(key, known, n=1)
            problems.append(
                Problem(
                    1,
                    column or "(blank)",
                    "unknown column" + (f" (did you mean '{hint[0]}'?)" if hint else ""),
                )
            )
    problems += [Problem(1, name, "this column is required") for name in REQUIRED_COLUMNS if name not in seen]
    return problems


def check(table: Table, program: Program, existing: Existing, today: date, options: Options) -> Plan:
    """Every problem in the file, row by row, and what importing it would do."""
    problems = header_problems(table, program)
    if any(p.column.lower() in REQUIRED_COLUMNS for p in problems):
        return Plan(problems=tuple(problems))
    columns = {column.lower(): column for column in table.header}
    rows = _RowChecker(program, existing, today, options, columns)
    people = [person for line, values in table.rows if (person := rows.check(line, values, problems))]
    if not table.rows:
        problems.append(Problem(2, "name", "the file has no people in it"))
    return Plan(tuple(people), tuple(problems), tuple(sorted(rows.new_cohorts.values())))


class _RowChecker:
    """Checks rows one by one, remembering what earlier rows used (emails, external ids)."""

    def __init__(self, program, existing, today, options, columns):
        self.program, self.existing, self.today, self.options = program, existing, today, options
        self.columns = columns  # lower-case -> as spelt in the header
        self.requirements = [r for r in program.requirements if importable(r) and r.id in columns]
        self.emails, self.external_ids = {}, {}  # -> the line that used it first
        self.new_cohorts: dict[str, str] = {}  # lower-case -> as the file spells it

    def check(self, line: int, values: dict[str, str], problems: list[Problem]) -> Person | None:
        found: list[Problem] = []

        def problem(key: str, message: str) -> None:
            found.append(Problem(line, self.columns.get(key, key), message))

        for key, longest in LONGEST.items():
            if len(values.get(key, "")) > longest:
                problem(key, f"at most {longest} characters")
        if not values.get("name"):
            problem("name", "a name is needed")
        email, user_id = self._email(values.get("email", ""), line, problem)
        external_id = self._external_id(values.get("external_id", ""), user_id, line, problem)
        cohort = self._cohort(values.get("cohort", ""), problem)
        records = tuple(
            r for requirement in self.requirements if (r := self._record(requirement, values, problem))
        )
        certified_on = self._certified(values, records, problem)
        problems.extend(found)
        if found:
            return None
        return Person(
            line, values["name"], email, cohort, external_id, records, certified_on,
            values.get("certified_by") or None, user_id,
        )  # fmt: skip

    def _email(self, value: str, line: int, problem) -> tuple[str, int | None]:
        if not value:
            problem("email", "an email is needed")
            return "", None
        try:
            validate_email(value, check_deliverability=False)
        except EmailNotValidError as error:
            problem("email", f"“{value}” is not an email address ({error})")
            return "", None
        if mixed_script_email(value):
            problem("email", "this email mixes letters from different alphabets")
        email = normalise_email(value)
        if email in self.emails:
            problem("email", f"{value} is on line {self.emails[email]} already")
        self.emails.setdefault(email, line)
        holder = self.existing.emails.get(email)
        if holder is None:
            return email, None
        if holder[2] != Role.TRAINEE.value:
            problem("email", f"{value} belongs to a staff account, which an import never changes")
        elif not self.options.update:
            problem(
                "email",
                f"an account with {value} exists already (choose “update existing accounts” to update it)",
            )
        return email, holder[0]

    def _external_id(self, value: str, user_id: int | None, line: int, problem) -> str | None:
        if not value:
            return None
        if any(not character.isprintable() for character in value):
            problem("external_id", "an external id cannot contain tabs, line breaks or control characters")
        if value in self.external_ids:
            problem("external_id", f"{value} is on line {self.external_ids[value]} already")
        self.external_ids.setdefault(value, line)
        holder = self.existing.external_ids.get(value)
        if holder is not None and holder != user_id:
            problem("external_id", f"{value} is already another person's external id")
        return value

    def _cohort(self, value: str, problem) -> str | None:
        if not value:
            return None
        name = self.existing.cohorts.get(value.lower()) or self.new_cohorts.get(value.lower())
        if name:
            return name
        if self.options.create_cohorts:
            self.new_cohorts[value.lower()] = value
            return value
        hint = difflib.get_close_matches(value, list(self.existing.cohorts.values()), n=1)
        problem(
            "cohort",
            f"there is no cohort “{value}”"
            + (f" (did you mean “{hint[0]}”?)" if hint else " (choose “create cohorts” to create it)"),
        )
        return None

    def _record(self, requirement: ProgramRequirement, values: dict[str, str], problem):
        on = self._date(requirement.id, values.get(requirement.id, ""), problem)
        hours_key = f"{requirement.id}_hours"
        hours_text = values.get(hours_key, "") if requirement.hours else ""
        hours = None
        if hours_text:
            try:
                hours = float(hours_text)
            except ValueError:
                hours = -1.0
            if not 0 < hours <= 1000.0:
                problem(
                    hours_key,
                    f"“{hours_text}” is not a number of hours (more than 0, at most 1000)",
                )
            elif on is None:
                problem(
                    hours_key, f"hours need the date they were done in column {self.columns[requirement.id]}"
                )
        if on is None:
            return None
        # A date alone for an hour-based requirement records all of its hours.
        return (requirement.id, on, hours if hours_text else (requirement.hours or None))

    def _date(self, key: str, value: str, problem) -> date | None:
        if not value:
            return None
        try:
            if len(value) != 10:
                raise ValueError
            day = date.fromisoformat(value)
        except ValueError:
            problem(key, f"“{value}” is not a date written YYYY-MM-DD")
            return None
        if day > self.today:
            problem(key, f"{value} is in the future")
            return None
        return day

    def _certified(self, values: dict[str, str], records, problem) -> date | None:
        on = self._date("certified_on", values.get("certified_on", ""), problem)
        by = values.get("certified_by", "")
        if on is None:
            if by and not values.get("certified_on"):
                problem("certified_by", "certified_by goes with a date in certified_on")
            return None
        if not by:
            problem("certified_by", "say who certified them (name and role) when certified_on is given")
        moment = datetime.combine(on, time(), self.program.zone)
        mine = {requirement_id: (day, hours) for requirement_id, day, hours in records}
        for requirement in self.program.requirements:
            if not importable(requirement) or (
                requirement.applies_from and requirement.applies_from > moment
            ):
                continue
            reason = _not_in_force(requirement, mine.get(requirement.id), on)
            if reason:
                problem(
                    "certified_on",
                    f"a certification on {on.isoformat()} needs “{requirement.id}” in force that day ({reason})",
                )
        return on


def _not_in_force(requirement: ProgramRequirement, record, on: date) -> str | None:
    """Why a screening or training record does not cover a certification on ``on``, or None."""
    if record is None:
        return "the file gives no date for it"
    day, hours = record
    if day > on:
        return f"it is dated {day.isoformat()}, after the certification"
    if requirement.valid_months and add_months(day, requirement.valid_months) <= on:
        return f"it lapsed after {requirement.valid_months} months"
    if requirement.hours and (hours or 0) < requirement.hours:
        return f"{hours:g} of {requirement.hours:g} hours"
    return None


def add_months(day: date, months: int) -> date:
    """As certification's rule reads ``valid_months`` (certification imports this package, so the
    rule is repeated for days here): the same day, or the month's last day."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def programme_today(program: Program) -> date:
    """Today where the programme runs: a date from the file is in the future after this day."""
    return utcnow().astimezone(program.zone).date()

"""Key-by-key checks for YAML mappings, written as data so every content kind reads alike.

Each field says what it accepts; ``check_mapping`` reports every problem with the line of
the offending key (or of the mapping, for a missing key) and suggests the closest known
key for a typo such as ``tittle``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .located_yaml import LocatedDict, LocatedList, YamlProblem, load_located_yaml

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Field:
    """One key of a mapping: whether it must be there, and what its value must be."""

    check: Callable[[Any], str | None]
    required: bool = True


def text(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return "must be non-empty text"
    return None


def identifier(value: Any) -> str | None:
    if not isinstance(value, str) or not ID_PATTERN.match(value):
        return "must be an id: lowercase letters, digits and single hyphens, e.g. 'active-listening'"
    return None


def a_date(value: Any) -> str | None:
    """A day written YYYY-MM-DD, unquoted (YAML reads it as a date)."""
    if not isinstance(value, date) or isinstance(value, datetime):
        return "must be a date written YYYY-MM-DD, e.g. 2027-01-01"
    return None


def time_zone(value: Any) -> str | None:
    """An IANA time zone name such as ``Europe/London``, known to this machine's zone database."""
    if not isinstance(value, str) or not value.strip():
        return "must be a time zone name such as 'Europe/London' or 'UTC'"
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return "is not a time zone this server knows: use an IANA name such as 'Europe/London' or 'UTC'"
    return None


def integer(minimum: int, maximum: int | None = None) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        in_range = isinstance(value, int) and not isinstance(value, bool) and value >= minimum
        if in_range and (maximum is None or value <= maximum):
            return None
        upper = f" and at most {maximum}" if maximum is not None else ""
        return f"must be a whole number of at least {minimum}{upper}"

    return check


def list_of(item_check: Callable[[Any], str | None], min_items: int = 0) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        if not isinstance(value, list):
            return "must be a list"
        if len(value) < min_items:
            return f"must list at least {min_items} item{'s' if min_items != 1 else ''}"
        for index, item in enumerate(value, start=1):
            problem = item_check(item)
            if problem:
                return f"item {index} {problem}"
        return None

    return check


def check_mapping(data: Any, fields: dict[str, Field], what: str, report: Callable[[int, str], None]) -> bool:
    """Report every missing, unknown or malformed key of ``data``; True when all is well."""
    if not isinstance(data, LocatedDict):
        line = data.line if isinstance(data, LocatedList) else 1
        report(line, f"{what} must be a mapping of keys to values")
        return False
    ok = True
    for key in data:
        if key not in fields:
            hint = difflib.get_close_matches(key, list(fields), n=1)
            suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
            report(data.line_of(key), f"unknown key '{key}' in {what}{suggestion}")
            ok = False
    for key, field in fields.items():
        if key not in data:
            if field.required:
                report(data.line, f"{what} is missing required key '{key}'")
                ok = False
            continue
        problem = field.check(data[key])
        if problem:
            report(data.line_of(key), f"'{key}' {problem}")
            ok = False
    return ok


def boolean(value: Any) -> str | None:
    return None if isinstance(value, bool) else "must be true or false"


def one_of(choices: Iterable[str]) -> Callable[[Any], str | None]:
    allowed = tuple(choices)

    def check(value: Any) -> str | None:
        return None if value in allowed else f"must be one of {', '.join(allowed)}"

    return check


def read_module_file(file, fields: dict[str, Field], what: str, report, module_ids: set[str]):
    """Read a YAML file that belongs to a module (a quiz or a scenario): the mapping when its
    keys are right, else None; a module it names that does not exist is reported too."""
    try:
        data = load_located_yaml(file.read_text(encoding="utf-8"))
    except YamlProblem as problem:
        report(problem.line, problem.message)
        return None
    except UnicodeDecodeError as error:
        report(1, f"file is not UTF-8 text ({error.reason})")
        return None
    if not check_mapping(data, fields, what, report):
        return None
    if data["module"] not in module_ids:
        report(data.line_of("module"), f"module '{data['module']}' does not exist in content/modules")
    return data

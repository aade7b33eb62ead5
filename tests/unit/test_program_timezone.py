"""The programme's time zone (``timezone:`` in program.yaml), session times typed in it, the
"Try it" answer container, and the .ics file a session downloads as."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from app.config import PROJECT_ROOT
from app.course import ContentError, load_course
from app.course.markdown import build_markdown
from app.sessions.calendar import CalendarEvent, calendar_file, fold, ics_text
from app.sessions.times import wall_clock_to_utc, zone_label

from ..helpers import FIXTURE_CONTENT, FIXTURE_QUIZZES, VALID_FRONT_MATTER, write_module

LONDON = ZoneInfo("Europe/London")


def course_with_program(tmp_path: Path, edit) -> Path:
    """A copy of the real content whose program.yaml is changed by ``edit(text) -> text``."""
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, content)
    program = content / "program.yaml"
    program.write_text(edit(program.read_text(encoding="utf-8")), encoding="utf-8")
    return content


def test_the_shipped_programme_runs_on_london_time():
    course = load_course(FIXTURE_CONTENT, FIXTURE_QUIZZES)
    assert course.program.timezone == "Europe/London" and course.program.zone == LONDON


def test_without_a_timezone_the_programme_runs_on_utc(tmp_path):
    content = course_with_program(tmp_path, lambda text: text.replace("timezone: Europe/London\n", ""))
    program = load_course(content, FIXTURE_QUIZZES).program
    assert program.timezone == "UTC" and program.zone == ZoneInfo("UTC")


@pytest.mark.parametrize("name", ["Europe/Lundon", "GMT+1 ", "../../etc/passwd", "''", "3"])
def test_an_unknown_zone_is_reported_at_its_line(tmp_path, name):
    content = course_with_program(tmp_path, lambda text: text.replace("Europe/London", name))
    with pytest.raises(ContentError) as caught:
        load_course(content, FIXTURE_QUIZZES)
    line = next(
        number
        for number, text in enumerate((content / "program.yaml").read_text().splitlines(), 1)
        if text.startswith("timezone:")
    )
    [problem] = [str(p) for p in caught.value.problems]
    assert problem.startswith(f"content/program.yaml:{line}:") or f"program.yaml:{line}:" in problem
    assert "'timezone'" in problem and "time zone" in problem


def test_a_winter_evening_in_london_is_the_same_hour_in_utc():
    moment = wall_clock_to_utc(date(2026, 12, 7), time(18, 30), LONDON)
    assert moment == datetime(2026, 12, 7, 18, 30, tzinfo=UTC)
    assert zone_label(moment, LONDON) == "GMT"


def test_a_summer_evening_in_london_is_an_hour_earlier_in_utc():
    moment = wall_clock_to_utc(date(2026, 7, 7), time(18, 30), LONDON)
    assert moment == datetime(2026, 7, 7, 17, 30, tzinfo=UTC)
    assert zone_label(moment, LONDON) == "BST"


def test_a_time_the_clocks_skip_is_refused_and_a_repeated_one_is_taken_first_time_round():
    assert wall_clock_to_utc(date(2026, 3, 29), time(1, 30), LONDON) is None  # clocks go 01:00 → 02:00
    assert wall_clock_to_utc(date(2026, 10, 25), time(1, 30), LONDON) == datetime(
        2026, 10, 25, 0, 30, tzinfo=UTC
    )


def test_a_zone_without_an_abbreviation_is_named_by_its_iana_name():
    moment = datetime(2026, 12, 7, 12, tzinfo=UTC)
    assert zone_label(moment, ZoneInfo("Asia/Dubai")) == "Asia/Dubai"  # tzdata writes "+04"


def test_an_answer_renders_as_a_closed_disclosure_inside_its_try_box():
    html = build_markdown().render(
        ":::: try Spot it\nThink first.\n::: answer\nOne possibility: this.\n:::\n::::\n"
    )
    assert html.index('<div class="callout callout-try">') < html.index('<details class="callout-answer">')
    assert "<summary>Show one possibility</summary>" in html and " open" not in html
    assert html.index("One possibility: this.") < html.index("</details>") < html.index("</div>")


@pytest.mark.parametrize(
    "body",
    [
        "::: answer\nOne possibility.\n:::\n",
        ":::: tip\nA tip.\n::: answer\nOne possibility.\n:::\n::::\n",
    ],
    ids=["at-the-top", "inside-a-tip"],
)
def test_an_answer_outside_a_try_box_is_reported_at_its_line(tmp_path, body):
    path = write_module(tmp_path, "sample", VALID_FRONT_MATTER + "\n## One\n\nText.\n\n" + body)
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if text == "::: answer")
    with pytest.raises(ContentError) as caught:
        load_course(tmp_path, tmp_path / "quizzes")
    problems = [str(p) for p in caught.value.problems]
    assert any(f"sample.md:{line}:" in p and "belongs inside a 'try' box" in p for p in problems), problems


def test_every_try_box_with_a_model_answer_folds_it():
    for source in (PROJECT_ROOT / "content" / "modules").glob("*.md"):
        text = source.read_text(encoding="utf-8")
        assert text.count("::: answer") == text.count(":::: try"), source.name
        assert "\n::: try" not in text.replace("::: try Your own WOOP", "").replace(
            "::: try Questions into reflections", ""
        ), source.name


def test_a_calendar_file_is_crlf_folded_escaped_and_in_utc():
    event = CalendarEvent(
        uid="peerpath-session-7@example.org",
        starts_at=datetime(2026, 7, 7, 18, 30, tzinfo=LONDON),
        ends_at=datetime(2026, 7, 7, 20, 30, tzinfo=LONDON),
        summary="Safeguarding, part 2; with Zoë",
        location="Community hall, 12 High Street\nRoom B " + "é" * 60,
    )
    text = calendar_file(event, datetime(2026, 7, 1, 9, 0, 0, 123456, tzinfo=UTC))
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    lines = text.split("\r\n")[:-1]
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert all(len(line.encode("utf-8")) <= 75 for line in lines)
    unfolded = text.replace("\r\n ", "")
    assert "DTSTART:20260707T173000Z\r\n" in unfolded and "DTEND:20260707T193000Z\r\n" in unfolded
    assert "DTSTAMP:20260701T090000Z\r\n" in unfolded and "UID:peerpath-session-7@example.org\r\n" in unfolded
    assert "SUMMARY:Safeguarding\\, part 2\\; with Zoë\r\n" in unfolded
    assert "LOCATION:Community hall\\, 12 High Street\\nRoom B " + "é" * 60 + "\r\n" in unfolded


def test_folding_never_splits_a_character_and_counts_the_leading_space():
    line = "DESCRIPTION:" + "€" * 40
    pieces = fold(line).split("\r\n")
    assert "".join(piece.removeprefix(" ") if i else piece for i, piece in enumerate(pieces)) == line
    assert all(len(piece.encode("utf-8")) <= 75 for piece in pieces)
    assert ics_text("a\\b") == "a\\\\b"

"""Reading and recording a trainee's progress. Functions flush at most; views commit."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import bindparam, literal, select, union_all

from ..course import Module, Section
from ..course.model import Pacing
from ..database import core_rows, insert_ignoring_duplicates, upsert
from ..extensions import db
from ..learning.pacing import Reading, judge_reading
from ..models import ReadingPosition, Reflection, RushedSection, SectionView, utcnow


def record_section_read(
    user_id: int, module: Module, section: Section, seconds_read: int | None = None
) -> None:
    """Remember that the trainee read this section; only the first time counts."""
    db.session.execute(
        insert_ignoring_duplicates(
            SectionView,
            dict(
                user_id=user_id,
                module_id=module.id,
                section_id=section.id,
                module_version=module.version,
                viewed_at=utcnow(),
                seconds_read=seconds_read,
            ),
            unique=["user_id", "module_id", "section_id"],
        )
    )


def open_page(user_id: int, module: Module, section: Section, now: datetime) -> None:
    """Make this section the trainee's reading position, opened now."""
    db.session.execute(
        upsert(
            ReadingPosition,
            dict(user_id=user_id, module_id=module.id, section_id=section.id, opened_at=now),
            unique=["user_id"],
            update=["module_id", "section_id", "opened_at"],
        )
    )


def move_on(user_id: int, module: Module, section: Section, pacing: Pacing, now: datetime) -> Reading:
    """The trainee leaves ``section`` for the next page: record it as read if it was open long
    enough (judged against the page they opened last), or note that they rushed it."""
    position = db.session.get(ReadingPosition, user_id)
    here = position is not None and (position.module_id, position.section_id) == (module.id, section.id)
    reading = judge_reading(section, pacing, position.opened_at if here else None, now)
    if reading.counted:
        record_section_read(user_id, module, section, int(reading.open_for.total_seconds()))
    else:
        db.session.add(
            RushedSection(
                user_id=user_id,
                module_id=module.id,
                section_id=section.id,
                seconds_open=int(reading.open_for.total_seconds()),
                seconds_needed=math.ceil(reading.needed.total_seconds()),
                at=now,
            )
        )
    return reading


@dataclass(frozen=True)
class SectionState:
    already_read: bool
    open_here: bool  # the trainee's reading position is already this section (a reload)
    reflections: dict[str, str]  # the trainee's own answers to this module's prompts, by prompt id


def section_state(user_id: int, module_id: str, section_id: str) -> SectionState:
    """Whether the trainee has read this section before, and their reflections: one statement."""
    rows = core_rows(_section_state_statement(), user_id=user_id, module_id=module_id, section_id=section_id)
    return SectionState(
        already_read=any(row.kind == "read" for row in rows),
        open_here=any(row.kind == "position" for row in rows),
        reflections={row.prompt_id: row.text for row in rows if row.kind == "reflection"},
    )


@cache
def _section_state_statement():
    user_id, module_id = bindparam("user_id"), bindparam("module_id")
    return union_all(
        select(literal("reflection").label("kind"), Reflection.prompt_id, Reflection.text).where(
            Reflection.user_id == user_id, Reflection.module_id == module_id
        ),
        select(literal("read"), SectionView.section_id, literal("")).where(
            SectionView.user_id == user_id,
            SectionView.module_id == module_id,
            SectionView.section_id == bindparam("section_id"),
        ),
        select(literal("position"), ReadingPosition.section_id, literal("")).where(
            ReadingPosition.user_id == user_id,
            ReadingPosition.module_id == module_id,
            ReadingPosition.section_id == bindparam("section_id"),
        ),
    )


def save_reflection(user_id: int, module_id: str, prompt_id: str, text: str) -> None:
    """Create or replace the trainee's answer to one prompt."""
    now = utcnow()
    db.session.execute(
        upsert(
            Reflection,
            dict(
                user_id=user_id,
                module_id=module_id,
                prompt_id=prompt_id,
                text=text,
                created_at=now,
                updated_at=now,
            ),
            unique=["user_id", "module_id", "prompt_id"],
            update=["text", "updated_at"],
        )
    )
